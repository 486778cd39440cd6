"""福建省 shared government-site platform: TRS WCM columns drawn by avalon ``listModel``
(``require(['list2.trsapi'])``). Markup: docs/cms-families.md#fujian.

The channel page ``index.htm`` and ``index_1.htm`` … ``index_{maxStaticIndex}.htm`` are static;
later pages come from the TRS document-library search named by ``listArgs:{channelid, classsql}``:
``POST /fjdzapp/search`` (form, with ``X-Requested-With``, ``Origin`` and ``Referer``), or on
older sites ``GET /was5/web/search?…&templet=docs.jsp``. Answers are JSON under ``data`` or
``docs``. The page count is ``ceil(recordCount / prepage)`` from the channel page. Articles are
``./YYYYMM/tYYYYMMDD_N.htm`` with ordinary ``P020….pdf`` attachment links. A column without
``listModel`` is paged like any TRS column (``createPageHTML``).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from urllib.parse import urlencode, urljoin, urlsplit

import scrapy
from scrapy.http import TextResponse

from crawler import parsing
from crawler.antibot import detect_block
from crawler.spiders.base import ReportSpider

# --- pure: the channel page's listModel configuration ------------------------------------------------

_MARKER = re.compile(r"list2\.trsapi|\blistModel\s*\(")
_TAGS = re.compile(r"<[^>]+>")
DEFAULT_LIBRARY = "229105"   # the site-group document library most Fujian sites search (spec §1)
FJDZAPP = "fjdzapp"
WAS5 = "was5"


@dataclass(frozen=True)
class FujianColumn:
    """What a channel page's ``listModel({...})`` says about its column."""

    max_static_index: int          # static pages: index.htm (0), index_1.htm … index_{max}.htm
    prepage: int                   # records a page
    record_count: int | None       # pagebar recordCount (None: unknown)
    channelid: str                 # the document library searched
    classsql: str | None           # the column filter (TRS expression), None: unknown

    @property
    def page_count(self) -> int | None:
        if self.record_count is None:
            return None
        return max(1, -(-self.record_count // max(1, self.prepage)))


def _num(text: str, name: str) -> int | None:
    m = re.search(rf"\b{name}\s*:\s*['\"]?(\d+)", text)
    return int(m.group(1)) if m else None


def fujian_column(text: str) -> FujianColumn | None:
    """The column configuration of a Fujian platform channel page, None if the page has no
    ``list2.trsapi`` / ``listModel(`` (then it is an ordinary TRS column)."""
    if not _MARKER.search(text or ""):
        return None
    m = re.search(r"\bclasssql\s*:\s*(['\"])(.*?)\1", text, re.S)
    classsql = m.group(2).strip() if m else None
    if not classsql:
        chnl = re.search(r"\b(?:chnlid|chnlId|channelId|ColumnId|columnId)\b['\"]?\s*[:=]\s*['\"]?(\d+)", text)
        classsql = f"chnlid={chnl.group(1)}" if chnl else None
    lib = re.search(r"\bchannelid\s*:\s*['\"]?(\d+)", text)
    return FujianColumn(max_static_index=_num(text, "maxStaticIndex") or 0,
                        prepage=_num(text, "prepage") or 15,
                        record_count=_num(text, "recordCount"),
                        channelid=lib.group(1) if lib else DEFAULT_LIBRARY,
                        classsql=classsql)


_STATIC = re.compile(r"/index(?:_(\d+))?\.(s?html?)$")


def static_index(url: str) -> int | None:
    """0 for ``…/`` or ``index.htm``, n for ``index_n.htm``; None for any other page."""
    path = urlsplit(url).path
    if path.endswith("/"):
        return 0
    m = _STATIC.search(path)
    return int(m.group(1) or 0) if m else None


def next_static_or_api(column: FujianColumn, url: str) -> tuple[str, str | int] | None:
    """After static page ``url``: ("static", next page URL), ("api", 1-based API page) or None."""
    k = static_index(url)
    if k is None:
        return None
    total = column.page_count
    if total is not None and k + 1 >= total:
        return None
    if k + 1 <= column.max_static_index:
        m = _STATIC.search(urlsplit(url).path)
        ext = m.group(2) if m else "htm"
        return "static", urljoin(url, f"index_{k + 1}.{ext}")
    if not column.classsql:
        return None  # the API cannot be asked without the column filter
    return "api", k + 2


def fjdzapp_form(column: FujianColumn, page: int) -> dict[str, str]:
    return {"channelid": column.channelid, "sortfield": "-docorderpri,-docreltime",
            "classsql": column.classsql or "", "classcol": "publishyear", "classnum": "100",
            "classsort": "0", "cache": "true", "page": str(page), "prepage": str(column.prepage)}


def was5_url(site: str, column: FujianColumn, page: int) -> str:
    q = {"channelid": column.channelid, "templet": "docs.jsp", "sortfield": "-docorderpri,-docreltime",
         "classsql": column.classsql or "", "prepage": column.prepage, "page": page}
    return urljoin(site, "/was5/web/search") + "?" + urlencode(q)


def api_rows(text: str) -> list[dict] | None:
    """The records of a search answer (``data`` or ``docs``), None if ``text`` is not one.
    WAS5 answers carry raw line breaks and tabs inside strings: they are dropped first."""
    text = (text or "").strip()
    if not text.startswith("{"):
        return None
    data = None
    for candidate in (text, re.sub(r"[\r\n\t]", "", text)):
        try:
            data = json.loads(candidate)
            break
        except ValueError:
            continue
    if data is None:
        m = re.search(r'"docs"\s*:\s*(\[.*\])', re.sub(r"[\r\n\t]", "", text), re.S)
        try:
            data = {"docs": json.loads(m.group(1))} if m else None
        except ValueError:
            data = None
    if not isinstance(data, dict):
        return None
    rows = data.get("data")
    if not isinstance(rows, list):
        rows = data.get("docs")
    return [r for r in rows if isinstance(r, dict)] if isinstance(rows, list) else []


def api_items(rows: list[dict], page_url: str, host: str) -> list[dict]:
    """{url, title, date} of the records on ``host`` (the library is shared by the whole site
    group: records of other sites are not this portal's)."""
    out, seen = [], set()
    for r in rows:
        href = str(r.get("docpuburl") or r.get("url") or r.get("chnldocurl") or "").strip()
        if not href:
            continue
        url = urljoin(page_url, href).split("#", 1)[0]
        if urlsplit(url).netloc.lower() != host.lower() or url in seen:
            continue
        seen.add(url)
        title = parsing.clean(_TAGS.sub("", str(r.get("doctitle") or r.get("title") or r.get("_doctitle") or "")))
        when = str(r.get("docreltime") or r.get("pubdate") or r.get("pubtime") or "")
        out.append({"url": url, "title": title, "date": parsing.find_date(when)})
    return out


@dataclass(frozen=True)
class ApiPage:
    """One search-API request of a column (``Ref.family_state`` of its request)."""

    column: FujianColumn
    channel_url: str               # the channel page (Referer; the origin of the API)
    page: int                      # 1-based
    endpoint: str = FJDZAPP        # fjdzapp | was5

    def next(self) -> "ApiPage":
        return replace(self, page=self.page + 1)

    def __post_init__(self):
        if isinstance(self.column, dict):  # from a saved example's sidecar
            object.__setattr__(self, "column", FujianColumn(**self.column))

    def more_after(self, rows_on_page: int) -> bool:
        total = self.column.page_count
        if total is not None:
            return self.page < total and rows_on_page > 0
        return rows_on_page >= self.column.prepage


def api_request_args(api: ApiPage) -> dict:
    """method, url, headers (and formdata for fjdzapp) of one API request."""
    parts = urlsplit(api.channel_url)
    origin = f"{parts.scheme}://{parts.netloc}"
    headers = {"X-Requested-With": "XMLHttpRequest", "Referer": api.channel_url,
               "Accept": "application/json, text/javascript, */*; q=0.01"}
    if api.endpoint == WAS5:
        return {"method": "GET", "url": was5_url(origin, api.column, api.page), "headers": headers}
    headers.update({"Origin": origin, "Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"})
    return {"method": "POST", "url": origin + "/fjdzapp/search", "headers": headers,
            "formdata": fjdzapp_form(api.column, api.page)}


# --- the spider --------------------------------------------------------------------------------------

class FujianSpider(ReportSpider):
    name = "fujian"
    BODY_SELECTORS = (".article_component", ".xl-main", ".TRS_Editor")

    def api_request(self, response, ref, api: ApiPage, page: int) -> scrapy.Request:
        """``page``: the listing page number the crawl counts (static pages included)."""
        portal = self.portals[response.meta["portal"]]
        args = api_request_args(api)
        if "formdata" in args:
            return self.listing_request(portal, args["url"], root=ref.listing_url, page=page, family_state=api,
                                        cls=scrapy.FormRequest, formdata=args["formdata"], headers=args["headers"])
        return self.listing_request(portal, args["url"], root=ref.listing_url, page=page, family_state=api,
                                    headers=args["headers"])

    def listing_items(self, response):
        rows = api_rows(response.text) if isinstance(response, TextResponse) else None
        if rows is not None:  # a search answer: the API lives on the channel's own origin
            return api_items(rows, response.url, urlsplit(response.url).netloc)
        return super().listing_items(response)

    def next_pages(self, response, ref):
        api = ref.family_state if isinstance(ref.family_state, ApiPage) else None
        if api is not None:
            rows = api_rows(response.text) or []
            if not api.more_after(len(rows)):
                return []
            return [self.api_request(response, ref, api.next(), ref.page + 1)]
        column = fujian_column(response.text)
        if column is None:  # an ordinary TRS column
            nxt = parsing.trs_next_page(response.text, response.url)
            return [nxt] if nxt else super().next_pages(response, ref)
        step = next_static_or_api(column, response.url)
        if step is None:
            return []
        kind, where = step
        if kind == "static":
            return [where]
        return [self.api_request(response, ref, ApiPage(column, ref.listing_url, int(where)), ref.page + 1)]

    def is_stub_listing(self, response) -> bool:
        if isinstance(response, TextResponse) and api_rows(response.text) is not None:
            return False  # a short JSON answer is no degraded page
        return super().is_stub_listing(response)

    def parse_listing(self, response, ref):
        api = ref.family_state if isinstance(ref.family_state, ApiPage) else None
        if api is not None and api.endpoint == FJDZAPP and response.status in (404, 405) \
                and not detect_block(response.status, response.headers, response.body):
            # an older site: the same search on TRS WAS5
            yield self.api_request(response, ref, replace(api, endpoint=WAS5), ref.page)
            return
        if api is not None and response.status < 300 and api_rows(response.text) is None:
            self.listing_failed.add(ref.listing_url)
            self.record_error(response.meta["portal"], response.url, "bad-api-answer",
                              f"{api.endpoint} answered no JSON records")
            return
        yield from super().parse_listing(response, ref)
