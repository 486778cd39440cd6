"""truecms (南通系 Jiangsu sites).

The column page's script calls ``messageController/getMessage.do`` with ``columnId:'…'`` and
``proxyUrl:'…'``; the list is ``GET <proxyUrl>?startrecord=S&endrecord=E&perpage=P&columnId=C
&callback=cb``, answered as JSONP ``cb({"result": "<datastore>…<record><![CDATA[<li><a …>]]>…"})``.
Sites cap ``perpage`` differently (南通: 50 works, 100 returns nothing; 如皋: 50 answers 404), so
the first page is asked with 50, then 20, then 10; the call that worked is the one remembered. 如皋
answers 404 without a Referer: every call carries the column page as Referer.
Source: shared/spec/cms-families-more.md §6b.
"""
from __future__ import annotations

import json
import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from crawler.spiders._apilist import ApiCall, ApiListingSpider, ApiWalk, cdata_records, fragment_items  # noqa: F401

PER_PAGE_TRIES = (50, 20, 10)
ENDPOINT = "messageController/getMessage.do"
_PROXY = re.compile(r"""proxyUrl\s*:\s*['"]([^'"]+)['"]""")
_COLUMN = re.compile(r"""columnId\s*:\s*['"]?([\w-]+)""")
_ENDPOINT_URL = re.compile(r"""['"]([^'"\s]*messageController/getMessage\.do)""")
_JSONP = re.compile(r"^\s*[\w$.]+\s*\((.*)\)\s*;?\s*$", re.S)
_TOTAL = re.compile(r"<totalrecord>\s*(\d+)")


def truecms_config(html: str, page_url: str) -> dict | None:
    """``{proxy: absolute endpoint URL, column: columnId}``; None on pages without the call."""
    if ENDPOINT not in (html or ""):
        return None
    col = _COLUMN.search(html)
    proxy = _PROXY.search(html) or _ENDPOINT_URL.search(html)
    if not col or not proxy:
        return None
    return {"proxy": urljoin(page_url, proxy.group(1)), "column": col.group(1)}


def truecms_call(cfg: dict, start: int = 1, per: int = PER_PAGE_TRIES[0]) -> ApiCall:
    q = urlencode([("startrecord", start), ("endrecord", start + per - 1), ("perpage", per),
                   ("columnId", cfg["column"]), ("callback", "cb")])
    return ApiCall(f"{cfg['proxy']}?{q}")


def _params(call: ApiCall) -> dict:
    return dict(parse_qsl(urlsplit(call.url).query, keep_blank_values=True))


def _with(call: ApiCall, **changes) -> ApiCall:
    parts = urlsplit(call.url)
    q = [(k, str(changes[k]) if k in changes else v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    return ApiCall(parts._replace(query=urlencode(q)).geturl())


def truecms_answer(text: str, base_url: str) -> tuple[list[dict], int | None] | None:
    """(items, total records or None) of a JSONP answer; None if it is not one."""
    m = _JSONP.match(text or "")
    data = json.loads(m.group(1) if m else text)
    if not isinstance(data, dict) or not isinstance(data.get("result"), str):
        return None
    xml = data["result"]
    html = "".join(cdata_records(xml)) or xml
    t = _TOTAL.search(xml)
    return fragment_items(html, base_url, rows="li, tr"), int(t.group(1)) if t else None


def smaller_page_call(call: ApiCall) -> ApiCall | None:
    """The same first page asked with the next smaller ``perpage``; None after the last try."""
    p = _params(call)
    per = int(p.get("perpage") or PER_PAGE_TRIES[0])
    smaller = [x for x in PER_PAGE_TRIES if x < per]
    if int(p.get("startrecord") or 1) != 1 or not smaller:
        return None
    return _with(call, endrecord=smaller[0], perpage=smaller[0])


def truecms_next_call(call: ApiCall, items_on_page: int, total: int | None) -> ApiCall | None:
    p = _params(call)
    per = int(p.get("perpage") or PER_PAGE_TRIES[0])
    end = int(p.get("endrecord") or per)
    if not items_on_page or (total is not None and end >= total):
        return None
    return _with(call, startrecord=end + 1, endrecord=end + per)


class TruecmsSpider(ApiListingSpider):
    name = "truecms"
    BODY_SELECTORS = (".con_text", "#zoom")

    def channel_calls(self, response, ref):
        cfg = truecms_config(response.text, response.url)
        return [truecms_call(cfg)] if cfg else []

    def api_items(self, response):
        got = truecms_answer(response.text, response.url)
        return None if got is None else got[0]

    def fallback_call(self, response, call):
        return smaller_page_call(call)

    def api_next(self, response, call, items, walked):
        _, total = truecms_answer(response.text, response.url)
        return truecms_next_call(call, len(items), total)
