"""开普云 Ucap CMS (Jiangsu 宿迁 counties, Suzhou, Shenzhen, csrc …). Markup: docs/cms-families.md#ucap.

Columns are static ``…/<col>/xxgk_list.shtml`` (also ``nav_list``/``bmzx_list``/``list``), then
``xxgk_list_2.shtml``, ``xxgk_list_3.shtml`` … with items in ``ul.listContent > li`` (``a`` + date
``span``); the list has no page count: a page without items or an HTTP 404 ends it. Articles are
``…/<col>/YYYYMM/<32 hex>.shtml`` with the body in ``<ucapcontent>`` (or ``#UCAP-CONTENT``) and
``meta ArticleTitle/PubDate``. Real lists drift into other departments' directories, so only
links under the column's own path are kept. Some sites (Suzhou) list a column as JSON:
``…/info/getInfoCommon/?pagesize=15&currpage=N&channelid=<32 hex>`` → ``{infolist: [{title, link,
pubtime}]}``; such a registry listing URL is paged by ``currpage`` until a short batch.
"""
from __future__ import annotations

import json
import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from scrapy.http import TextResponse

from crawler import parsing
from crawler.antibot import detect_block
from crawler.spiders.base import ReportSpider

# --- pure --------------------------------------------------------------------------------------------

_PAGE = re.compile(r"^(?P<stem>[^/]*?)(?:_(?P<n>\d+))?\.(?P<ext>s?html?)$")
ARTICLE = re.compile(r"/\d{6}/[0-9a-f]{32}\.s?html?$", re.I)
LIST_ITEMS = "ul.listContent li a[href]"


def page_number(url: str) -> int:
    """1 for ``xxgk_list.shtml`` (or a directory), n for ``xxgk_list_n.shtml``."""
    name = urlsplit(url).path.rsplit("/", 1)[-1]
    m = _PAGE.match(name)
    return int(m.group("n")) if m and m.group("n") else 1


def page_url(url: str, n: int) -> str | None:
    """Page ``n`` of the list ``url`` belongs to (None for a directory URL: no known file name)."""
    parts = urlsplit(url)
    head, _, name = parts.path.rpartition("/")
    m = _PAGE.match(name)
    if not m:
        return None
    new = f"{m.group('stem')}.{m.group('ext')}" if n <= 1 else f"{m.group('stem')}_{n}.{m.group('ext')}"
    return parts._replace(path=f"{head}/{new}", query="", fragment="").geturl()


def column_prefix(listing_url: str) -> str:
    """``host/dir/`` of a column's list page: the part its own documents live under (http and
    https links alike)."""
    parts = urlsplit(listing_url)
    path = parts.path if parts.path.endswith("/") else parts.path.rsplit("/", 1)[0] + "/"
    return f"{parts.netloc.lower()}{path}"


def in_column(url: str, prefix: str) -> bool:
    parts = urlsplit(url)
    return f"{parts.netloc.lower()}{parts.path}".startswith(prefix)


def next_list_page(url: str, hrefs: list[str], has_items: bool) -> str | None:
    """The page after ``url``: the pager's link to page n+1 if there is one, else page n+1 by
    the naming rule when this page listed items (a 404 there ends the list)."""
    n = page_number(url)
    want = page_url(url, n + 1)
    if want is None:
        return None
    if any(urljoin(url, h).split("#", 1)[0] == want for h in hrefs):
        return want
    return want if has_items else None


def json_list(text: str) -> list[dict] | None:
    """The records of a ``getInfoCommon`` answer, None if ``text`` is not one."""
    try:
        data = json.loads(text or "")
    except ValueError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("infolist"), list):
        return None
    return [r for r in data["infolist"] if isinstance(r, dict)]


def json_items(records: list[dict], page_url: str) -> list[dict]:
    """{url, title, date} of the records on the answer's own host."""
    host = urlsplit(page_url).netloc.lower()
    out, seen = [], set()
    for r in records:
        href = str(r.get("link") or r.get("url") or "").strip()
        url = urljoin(page_url, href).split("#", 1)[0] if href else ""
        if not url or urlsplit(url).netloc.lower() != host or url in seen:
            continue
        seen.add(url)
        out.append({"url": url, "title": parsing.clean(re.sub(r"<[^>]+>", "", str(r.get("title") or ""))),
                    "date": parsing.find_date(str(r.get("pubtime") or r.get("pubdate") or ""))})
    return out


def json_next_url(url: str, batch: int) -> str | None:
    """The next ``currpage`` of a ``getInfoCommon`` URL, None after a short (or empty) batch."""
    parts = urlsplit(url)
    q = parse_qsl(parts.query, keep_blank_values=True)
    params = dict(q)
    size = int(params["pagesize"]) if str(params.get("pagesize", "")).isdigit() else None
    if batch == 0 or (size is not None and batch < size):
        return None
    cur = int(params["currpage"]) if str(params.get("currpage", "")).isdigit() else 1
    q = [(k, v) for k, v in q if k != "currpage"] + [("currpage", str(cur + 1))]
    return parts._replace(query=urlencode(q)).geturl()


def is_json_list(url: str) -> bool:
    return "/info/getInfoCommon" in urlsplit(url).path


# --- the spider --------------------------------------------------------------------------------------

class UcapSpider(ReportSpider):
    name = "ucap"
    BODY_SELECTORS = ("ucapcontent", "#UCAP-CONTENT", "#zoomcon")

    def listing_items(self, response):
        if is_json_list(response.url):
            return json_items(json_list(response.text) or [], response.url)
        anchors = response.css(LIST_ITEMS)
        items = self.anchor_items(response, anchors) if anchors else super().listing_items(response)
        prefix = column_prefix(response.url)  # every page of a list sits in the column's directory
        return [i for i in items if in_column(i["url"], prefix)]

    def next_pages(self, response, ref):
        if is_json_list(response.url):
            nxt = json_next_url(response.url, len(json_list(response.text) or []))
            return [nxt] if nxt else []
        listed = response.css("ul.listContent li")
        if response.css("ul.listContent"):
            has_items = bool(listed)
        else:  # another list template: any article link of this column counts
            prefix = column_prefix(response.url)
            has_items = any(ARTICLE.search(urlsplit(i["url"]).path) and in_column(i["url"], prefix)
                            for i in self.anchor_items(response, response.css("a[href]")))
        nxt = next_list_page(response.url, response.css("a::attr(href)").getall(), has_items)
        return [nxt] if nxt else super().next_pages(response, ref)

    def is_stub_listing(self, response) -> bool:
        if is_json_list(response.url) and isinstance(response, TextResponse) and json_list(response.text) is not None:
            return False  # a short JSON batch is no degraded page
        return super().is_stub_listing(response)

    def parse_listing(self, response, ref):
        if response.status == 404 and ref.page >= 2 \
                and not detect_block(response.status, response.headers, response.body):
            return  # past the last page: the list has no page count, a 404 is its end
        yield from super().parse_listing(response, ref)


__all__ = ["UcapSpider", "page_number", "page_url", "column_prefix", "in_column", "next_list_page", "json_list",
           "json_items", "json_next_url"]
