"""大汉 信息公开 module (``/module/xxgk/``) on Hanweb sites (Jiangsu, Zhejiang).

The column page embeds the module (``tree.jsp?area=<unit code>``, a search form or script with
``infotypeId``, ``jdid``, ``divid``); the list comes from ``POST /module/xxgk/search.jsp?…&currpage=N``
with form ``infotypeId, jdid, area, divid, currpage`` as an HTML table whose rows are
``tr.tr_main_value_odd`` / ``tr.tr_main_value_even``. The endpoint does NOT filter by column: it
returns the unit's documents of every column, so only links of this column (``art_<colid>_`` in a
``/col/col<colid>/`` listing) are taken, and among them only report titles.
Source: shared/spec/cms-families-more.md §3c.
"""
from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from crawler.spiders._apilist import ApiCall, ApiListingSpider, ApiWalk, fragment_items  # noqa: F401

SEARCH_PATH = "/module/xxgk/search.jsp"
_AREA = re.compile(r"tree\.jsp\?[^'\"<>\s]*?\barea=([\w-]+)")
_FIELD = re.compile(r"""\b(infotypeId|jdid|area|divid)\b['"]?\s*(?:[:=]|value\s*=)\s*['"]?([\w-]*)""")
_INPUT = re.compile(r"""<input[^>]*\bname=['"](infotypeId|jdid|area|divid)['"][^>]*\bvalue=['"]([^'"]*)['"]""", re.I)
_PAGES = re.compile(r"共\s*(\d+)\s*页")
_ACTION = re.compile(r"""action\s*=\s*['"]([^'"]*module/xxgk/search\.jsp)""")
# query string of the browser's search call (spec §3c); currpage is sent in the form as well
_QUERY = ("texttype", "fbtime", "vc_all", "vc_filenumber", "vc_title", "vc_number", "currpage", "sortfield")


def xxgk_form(html: str, page_url: str) -> dict | None:
    """``{infotypeId, jdid, area, divid, column, endpoint}`` the column page passes to search.jsp
    (``endpoint``: its form's action, else ``/module/xxgk/search.jsp``); None without an ``area``
    (the unit) or outside a page that embeds the module."""
    if "module/xxgk/" not in (html or ""):
        return None
    form = {"infotypeId": "", "jdid": "", "area": "", "divid": ""}
    for rx in (_FIELD, _INPUT):
        for k, v in rx.findall(html):
            if v and not form[k]:
                form[k] = v
    m = _AREA.search(html)
    if m:
        form["area"] = m.group(1)
    if not form["area"]:
        return None
    col = re.search(r"/col/col(\d+)/", urlsplit(page_url).path)
    form["column"] = col.group(1) if col else ""
    if not form["divid"] and form["column"]:
        form["divid"] = "div" + form["column"]
    action = _ACTION.search(html)
    form["endpoint"] = urljoin(page_url, action.group(1) if action else SEARCH_PATH)
    return form


def xxgk_call(page_url: str, form: dict, page: int) -> ApiCall:
    query = urlencode([(k, page if k == "currpage" else "") for k in _QUERY])
    body = tuple((k, str(form.get(k, ""))) for k in ("infotypeId", "jdid", "area", "divid")) + (("currpage", str(page)),)
    return ApiCall(urljoin(page_url, form.get("endpoint") or SEARCH_PATH) + "?" + query, method="POST", form=body)


def xxgk_answer(html: str, base_url: str) -> tuple[list[dict], int | None] | None:
    """(every row's item, page count or None); None if the answer holds no result table."""
    if "tr_main_value" not in html and "<table" not in html.lower():
        return None
    items = fragment_items(html, base_url, rows="tr.tr_main_value_odd, tr.tr_main_value_even")
    m = _PAGES.search(html)
    return items, int(m.group(1)) if m else None


def in_column(url: str, column: str) -> bool:
    """True when ``url`` is an article of column ``column`` (Hanweb ``art_<col>_<id>``); True
    for every link when the column is not known."""
    return not column or f"art_{column}_" in urlsplit(url).path


def xxgk_next_call(call: ApiCall, rows_on_page: int, pages: int | None) -> ApiCall | None:
    form = dict(call.form or ())
    page = int(form.get("currpage") or 1)
    if not rows_on_page or (pages is not None and page >= pages):
        return None
    parts = urlsplit(call.url)
    query = urlencode([(k, page + 1 if k == "currpage" else v) for k, v in parse_qsl(parts.query, keep_blank_values=True)])
    body = tuple((k, str(page + 1) if k == "currpage" else v) for k, v in call.form or ())
    return ApiCall(parts._replace(query=query).geturl(), method="POST", form=body)


class XxgkSpider(ApiListingSpider):
    name = "xxgk"
    BODY_SELECTORS = ("#zoom", ".art_con")

    def channel_calls(self, response, ref):
        form = xxgk_form(response.text, response.url)
        return [xxgk_call(response.url, form, 1)] if form else []

    @staticmethod
    def _column(listing_url: str) -> str:
        m = re.search(r"/col/col(\d+)/", urlsplit(listing_url).path)
        return m.group(1) if m else ""

    def api_items(self, response):
        got = xxgk_answer(response.text, response.url)
        return None if got is None else got[0]

    def keep_item(self, response, item, ref):
        return in_column(item["url"], self._column(ref.listing_url))

    def api_next(self, response, call, items, walked):
        _, pages = xxgk_answer(response.text, response.url)
        return xxgk_next_call(call, len(items), pages)
