"""博达 VSB (county government sites; universities). Markup: docs/cms-families.md#vsb.

Static columns are ``…/<col>.htm`` then ``…/<col>/<N-1>.htm``, ``<N-2>.htm`` … ``<col>/1.htm``:
the numbering **counts down** (page 2 of 231 is ``230.htm``), so page 1 keeps its URL and later
pages shift as items are added. Dynamic columns are ``list.jsp?totalpage=T&PAGENUM=N&
urltype=tree.TreeTempUrl&wbtreeid=W`` (or ``…&a<W>p=N``). The pager is ``div.p_pages``
(``span.p_no_d`` current, ``span.p_no a``, ``span.p_next a``, ``span.p_last a``). Articles are
``/info/<wbtreeid>/<newsid>.htm`` with the body in ``#vsb_content .v_news_content``; attachments
go through ``/system/_content/download.jsp?urltype=news.DownloadAttachUrl&owner=<n>&wbfileid=<id>``,
identified by owner + wbfileid.
"""
from __future__ import annotations

import re
from urllib.parse import parse_qs, parse_qsl, urlencode, urljoin, urlsplit

from parsel import Selector

from crawler.spiders.base import ReportSpider

# --- pure --------------------------------------------------------------------------------------------

_COUNTDOWN = re.compile(r"^(?P<dir>.*/)(?P<col>[^/]+)/(?P<k>\d+)\.htm$")
_FIRST = re.compile(r"^(?P<dir>.*/)(?P<col>[^/.]+)\.htm$")
_TOTAL_TEXT = re.compile(r"共\s*(\d+)\s*页|\b\d+\s*/\s*(\d+)\b")


def _total_pages(sel: Selector) -> int | None:
    nums = [int(t) for t in sel.css(".p_pages .p_no a::text, .p_pages .p_no::text, .p_pages .p_no_d::text").getall()
            if t.strip().isdigit()]
    for t in sel.css(".p_pages .p_t::text").getall():
        m = _TOTAL_TEXT.search(t)
        if m:
            nums.append(int(m.group(1) or m.group(2)))
    return max(nums) if nums else None


def next_page(html: str, url: str) -> str | None:
    """The listing page after ``url``: the pager's 下页 link, else computed from the numbering
    (static pages count down to ``1.htm``; dynamic ``PAGENUM``/``a<W>p`` count up to totalpage)."""
    sel = Selector(text=html or "<html></html>")
    for href in sel.css(".p_pages .p_next a::attr(href), a.Next::attr(href)").getall():
        href = href.strip()
        if href and not href.startswith(("javascript:", "#")):
            return urljoin(url, href)
    parts = urlsplit(url)
    q = parse_qsl(parts.query, keep_blank_values=True)
    keys = [k for k, _ in q]
    page_key = "PAGENUM" if "PAGENUM" in keys else next((k for k in keys if re.fullmatch(r"a\d+p", k)), None)
    if page_key or parts.path.endswith(".jsp"):
        cur = int(dict(q).get(page_key) or 1) if page_key else 1
        total = None
        m = re.search(r"totalpage=(\d+)", html or "") or re.search(r"totalpage=(\d+)", parts.query)
        if m:
            total = int(m.group(1))
        total = total or _total_pages(sel)
        if total is None or cur >= total:
            return None
        key = page_key or "PAGENUM"
        q2 = [(k, v) for k, v in q if k != key] + [(key, str(cur + 1))]
        if key == "PAGENUM" and "totalpage" not in keys:
            q2 = [("totalpage", str(total))] + q2
        return parts._replace(query=urlencode(q2)).geturl()
    m = _COUNTDOWN.match(parts.path)
    if m:
        k = int(m.group("k"))
        return parts._replace(path=f"{m.group('dir')}{m.group('col')}/{k - 1}.htm").geturl() if k > 1 else None
    m = _FIRST.match(parts.path)
    if m:
        total = _total_pages(sel)
        if total and total > 1:
            return parts._replace(path=f"{m.group('dir')}{m.group('col')}/{total - 1}.htm").geturl()
    return None


def attachment_key(url: str) -> tuple[str, str] | None | bool:
    """(owner, wbfileid) of a ``download.jsp`` link; None for other links; False for a broken
    ``download.jsp`` link (no wbfileid, or two of them)."""
    parts = urlsplit(url)
    if not parts.path.endswith("download.jsp"):
        return None
    q = parse_qs(parts.query, keep_blank_values=True)
    ids = q.get("wbfileid") or []
    if len(ids) != 1 or not ids[0].strip():
        return False
    return ((q.get("owner") or [""])[0], ids[0].strip())


# --- the spider --------------------------------------------------------------------------------------

class VsbSpider(ReportSpider):
    name = "vsb"
    BODY_SELECTORS = ("#vsb_content", ".v_news_content")

    def next_pages(self, response, ref):
        nxt = next_page(response.text, response.url)
        return [nxt] if nxt else super().next_pages(response, ref)

    def attachment_links(self, response) -> list[dict]:
        out, keys = [], set()
        for att in super().attachment_links(response):
            key = attachment_key(att["url"])
            if key is False:
                self.record_error(response.meta["portal"], att["url"], "bad-attachment-link",
                                  "download.jsp link without exactly one wbfileid")
                continue
            if key is not None:
                if key in keys:
                    continue  # the same file linked twice (other parameter order)
                keys.add(key)
            out.append(att)
        return out


__all__ = ["VsbSpider", "next_page", "attachment_key"]
