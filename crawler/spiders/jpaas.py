"""大汉 JPaaS publish server (Zhejiang and Jiangsu city sites, ministries such as MIIT, SAMR).

The column page ``/col/colNNN/index.html`` holds no list, only
``<script src="…/unitbuild.js" url="/api-gateway/jpaas-publish-server/front/page/build/unit"
querydata="{'webId':…,'pageId':…,'tplSetId':…,'tagId':…,'parseType':'bulidstatic',…}">``;
the list comes from ``GET <url>?<querydata>&paramJson={"pageNo":N,"pageSize":M}`` (paging only
inside ``paramJson``) as JSON ``{"data": {"html": "<ul><li>…"}}`` (an HTML fragment; the list
ends with a fragment without ``li`` or at its ``count``). Some ministry sites answer only with
the cookie the column page sets: ``overrides: {cookies: true}``.
Source: shared/spec/cms-families-more.md §3a.
"""
from __future__ import annotations

import json
import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from parsel import Selector

from crawler.spiders._apilist import ApiCall, ApiListingSpider, ApiWalk, fragment_items  # noqa: F401 (ApiWalk: examples' family_state)

PAGE_SIZE = 20
# querydata keys in the order the browser's unitbuild.js sends them (spec §3a request line)
_QUERY_KEYS = ("parseType", "webId", "tplSetId", "pageType", "tagId", "editType", "pageId")
_LIST_TAG = re.compile(r"分页|列表|list|page", re.I)
_COUNT = re.compile(r"count[^0-9]{1,12}(\d+)", re.I)


def jpaas_units(html: str) -> list[dict]:
    """``{"url": endpoint, "query": {querydata}}`` of every ``unitbuild.js`` script of a page."""
    out = []
    for s in Selector(text=html or "").css('script[src*="unitbuild.js"]'):
        url, raw = s.attrib.get("url"), s.attrib.get("querydata")
        if not url or not raw:
            continue
        try:
            query = json.loads(raw.replace("'", '"'))
        except ValueError:  # not JSON once quoted: read key/value pairs
            query = dict(re.findall(r"""['"]?(\w+)['"]?\s*:\s*['"]([^'"]*)['"]""", raw))
        if isinstance(query, dict) and query.get("pageId"):
            out.append({"url": url, "query": {k: str(v) for k, v in query.items()}})
    return out


def pick_list_unit(units: list[dict], page_url: str) -> dict | None:
    """The unit that draws this column's list: its ``pageId`` is the ``colNNN`` of the URL and
    its tag names a (paged) list, else the first unit of the column."""
    m = re.search(r"/col/col(\d+)/", urlsplit(page_url).path)
    col = m.group(1) if m else None
    ranked = sorted(units, key=lambda u: (u["query"].get("pageId") != col, not _LIST_TAG.search(u["query"].get("tagId", ""))))
    return ranked[0] if ranked else None


def jpaas_call(page_url: str, unit: dict, page_no: int, page_size: int = PAGE_SIZE) -> ApiCall:
    q = unit["query"]
    params = [(k, q.get(k, {"parseType": "bulidstatic", "editType": "null", "pageType": "column"}.get(k, "")))
              for k in _QUERY_KEYS]
    params += [(k, v) for k, v in q.items() if k not in _QUERY_KEYS]
    params.append(("paramJson", json.dumps({"pageNo": page_no, "pageSize": page_size}, separators=(",", ":"))))
    return ApiCall(urljoin(page_url, unit["url"]) + "?" + urlencode(params))


def page_of(call: ApiCall) -> tuple[int, int]:
    """(pageNo, pageSize) of a build/unit call."""
    q = dict(parse_qsl(urlsplit(call.url).query))
    p = json.loads(q.get("paramJson") or "{}")
    return int(p.get("pageNo") or 1), int(p.get("pageSize") or PAGE_SIZE)


def jpaas_answer(text: str, base_url: str) -> tuple[list[dict], int | None] | None:
    """(items, total count or None) of a build/unit answer; None if it is not one."""
    data = json.loads(text)
    if not isinstance(data, dict) or not isinstance(data.get("data"), dict) or "html" not in data["data"]:
        return None
    inner = data["data"]
    html = str(inner.get("html") or "")
    total = inner.get("count") if isinstance(inner.get("count"), int) else None
    if total is None:
        m = _COUNT.search(html)
        total = int(m.group(1)) if m else None
    return fragment_items(html, base_url, rows="li"), total


def jpaas_next_call(call: ApiCall, items_on_page: int, total: int | None, seen_so_far: int) -> ApiCall | None:
    """The call for the page after ``call``; None once a page came back empty or ``total``
    items have been seen."""
    if not items_on_page or (total is not None and seen_so_far >= total):
        return None
    page_no, size = page_of(call)
    parts = urlsplit(call.url)
    q = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "paramJson"]
    q.append(("paramJson", json.dumps({"pageNo": page_no + 1, "pageSize": size}, separators=(",", ":"))))
    return ApiCall(parts._replace(query=urlencode(q)).geturl())


class JpaasSpider(ApiListingSpider):
    name = "jpaas"
    BODY_SELECTORS = ("#zoom", ".art_con", ".main-txt")

    def channel_calls(self, response, ref):
        unit = pick_list_unit(jpaas_units(response.text), response.url)
        return [jpaas_call(response.url, unit, 1)] if unit else []

    def api_items(self, response):
        got = jpaas_answer(response.text, response.url)
        return None if got is None else got[0]

    def api_next(self, response, call, items, walked):
        _, total = jpaas_answer(response.text, response.url)
        return jpaas_next_call(call, len(items), total, walked)
