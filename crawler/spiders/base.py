"""The shared spider: registry selection, incremental state, listings → report pages →
documents, anti-bot detection. It parses and decides; it writes nothing: documents leave as
``DocumentItem``s (``crawler.pipelines`` store them and write manifest.jsonl), counters go to the
Scrapy stats and errors/blocks to the ``crawler.signals`` (``crawler.extensions`` writes
health.jsonl); only its incremental state (which decides tomorrow's requests) is saved here.

Knows no family: each family's module (``crawler/spiders/<family>.py``) declares
``BODY_SELECTORS`` and overrides the hooks ``start_listing``, ``listing_items``, ``next_pages``,
``readable``, ``is_stub_listing``. Per-request state travels in ``cb_kwargs={"ref": Ref}``;
``meta`` holds only what middlewares read (``portal``, ``handle_httpstatus_list``,
``dont_obey_robotstxt``, ``cookiejar``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import scrapy
from scrapy import signals
from scrapy.exceptions import IgnoreRequest
from scrapy.http import TextResponse

from crawler import parsing
from crawler import signals as nianbao_signals
from crawler.antibot import detect_block, is_stub
from crawler.failures import POLICY_KINDS, error_kind
from crawler.items import DocumentItem
from crawler.middlewares import PortalBlocked, PortalRefusal
from crawler.registry import load_registry
from crawler.store import PortalState, Store, data_dir, retry_gap, run_id
from crawler.tracking import DetailTracker
from extract.sniff import DOCUMENT_EXTENSIONS, html_error_reason, sniff
from nianbao.text import utc_now

HANDLED = [304] + list(range(400, 600))
MAX_DETAIL_RETRIES = 3   # a report page that keeps failing is asked at most this often (failures counted)
# A failed report page is asked again after 1, 2, 4 … nights (a transient fault is over by the next
# night; a dead link need not be asked every night). A per-year view without a report yet
# (Hanweb's xxgkAnnualReport.jsp) is asked every night for the current and previous calendar year
# (the newest report is published early in the following year and may still come or change);
# an older year still empty is asked again after 2, 4, 8 … nights.
FAILED_RETRY_FIRST_GAP = 1
EMPTY_VIEW_FIRST_GAP = 2



def _h(response, name: str) -> str | None:
    v = response.headers.get(name)
    if not v:
        return None
    try:
        return v.decode("utf-8")  # many portals send raw UTF-8 file names
    except UnicodeDecodeError:
        return v.decode("latin-1")


@dataclass(frozen=True)
class Ref:
    """What one request carries to its callback (``cb_kwargs["ref"]``); derive with ``replace``."""

    role: str                       # "listing" | "detail" (a report page) | "attachment"
    listing_url: str                # the listing root it was found from (what state and errors name)
    page: int = 1                   # listing page number (0: an entry page before the listings)
    detail_url: str | None = None   # the report page a detail/attachment request belongs to
    title: str = ""                 # the report's title (from its listing, else its page)
    date: str | None = None         # its date on the listing (else the page's PubDate)
    year: int | None = None         # the report year it names
    link_text: str = ""             # an attachment's link text
    annual_view: bool = False       # a per-year view URL: "no report yet" is no error
    family_state: Any = None        # the family's own state (Hanweb's dataproxy pager, gkmlpt's attachments …)


class ReportSpider(scrapy.Spider):
    """Base class (no ``name``: not a runnable spider). A family's subclass sets ``name`` (= its
    module's name = the registry's ``family``) and ``BODY_SELECTORS``."""

    family: str | None = None
    custom_settings: dict = {}
    BODY_SELECTORS: tuple[str, ...] = ()   # CSS of the containers holding a report page's body
    accepts_any_family = False             # True: takes portals of every family (generic)
    session_cookies = False                # True: a cookie jar per portal for the whole family

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if getattr(cls, "name", None):
            cls.family = cls.name

    @classmethod
    def body_selectors(cls) -> tuple[str, ...]:
        """Every family's body containers (a portal's older pages often sit in another CMS's
        template), the spider's own first."""
        from crawler.spiders import spider_classes

        out = list(cls.BODY_SELECTORS)
        for other in spider_classes().values():
            out += [s for s in other.BODY_SELECTORS if s not in out]
        return tuple(out)

    def __init__(self, portal: str | None = None, years: str | None = None, full: str | None = None,
                 registry: str | None = None, base_url: str | None = None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.portal_arg = portal
        self.years = parsing.parse_years(years)
        self.full = str(full or "").lower() in ("1", "true", "yes", "on")
        self.registry_arg = registry
        self.base_url_arg = base_url

    # --- setup -------------------------------------------------------------------------------

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider._setup(crawler.settings)
        crawler.signals.connect(spider.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(spider.item_error, signal=signals.item_error)
        return spider

    def _setup(self, settings) -> None:
        if not settings.frozen:  # the guard middleware reads the same registry from the settings
            if self.registry_arg:    # (-a beats -s here, as below)
                settings.set("NIANBAO_REGISTRY", self.registry_arg, priority="cmdline")
            if self.base_url_arg:
                settings.set("NIANBAO_SAMPLE_BASE", self.base_url_arg, priority="cmdline")
        self.data_dir = data_dir(settings)
        self.run_id = run_id(settings)
        reg = self.registry_arg or settings.get("NIANBAO_REGISTRY") or None
        base = self.base_url_arg or settings.get("NIANBAO_SAMPLE_BASE") or None
        every = load_registry(reg, base_url=base)
        if self.portal_arg:
            wanted = [p.strip() for p in str(self.portal_arg).split(",") if p.strip()]
            index = {p.id: p for p in every}
            unknown = [w for w in wanted if w not in index]
            if unknown:
                raise ValueError(f"unknown portal id(s): {', '.join(unknown)}")
            chosen = [index[w] for w in wanted]
            wrong = [p.id for p in chosen if not self.accepts_any_family and p.family != self.family]
            if wrong:
                raise ValueError(f"portal(s) {', '.join(wrong)} are not of family {self.family!r}")
        else:
            chosen = [p for p in every if p.family == self.family]
        self.portals = {p.id: p for p in chosen}
        self.store = Store(self.data_dir)       # read only here: "is this document already stored?"
        self.state = {pid: PortalState(self.data_dir, pid) for pid in self.portals}
        for st in self.state.values():
            st.begin_night()
        self.annual_views: dict[str, int | None] = {}   # per-year view URL asked this crawl -> its year
        self.run_dir = self.data_dir / "crawl" / "runs" / self.run_id
        self.blocked: set[str] = set()
        self.pending_validators: dict[str, dict[str, dict]] = {pid: {} for pid in self.portals}
        self.tracker = DetailTracker()
        self.listing_failed: set[str] = set()   # listing roots with a page that could not be read
        # per-portal politeness overrides: delay -> a download slot per host
        slots = dict(settings.getdict("DOWNLOAD_SLOTS") or {})
        for p in chosen:
            if "delay" in p.overrides:
                for h in p.hosts:
                    hostname = h.split(":")[0]
                    slots[hostname] = {"delay": float(p.overrides["delay"]),
                                       "concurrency": settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN", 2)}
        if slots and not settings.frozen:
            settings.set("DOWNLOAD_SLOTS", slots, priority="spider")

    # --- outcomes: stats and signals (crawler.extensions turns them into health.jsonl) ---------

    def count(self, pid: str, counter: str, n: int = 1) -> None:
        self.crawler.stats.inc_value(f"portal/{pid}/{counter}", n)

    def record_error(self, pid: str, url: str, kind: str, message: str = "") -> None:
        self.crawler.signals.send_catch_log(signal=nianbao_signals.portal_error, portal=pid, url=url, kind=kind,
                                            message=str(message))
        self.logger.info("portal %s: %s %s %s", pid, kind, url, message)

    def mark_blocked(self, pid: str, kind: str, url: str) -> None:
        if pid not in self.blocked:
            self.blocked.add(pid)
            self.crawler.signals.send_catch_log(signal=nianbao_signals.portal_blocked, portal=pid, kind=kind, url=url)
            self.logger.warning("portal %s blocked (%s) at %s", pid, kind, url)

    def item_scraped(self, item, **kwargs) -> None:
        """A document went through the pipelines: remember it for the next crawl."""
        if isinstance(item, DocumentItem) and item.sha256 and item.portal in self.state:
            self.state[item.portal].documents[item.url] = item.sha256
            self.tracker.stored(item.detail_url, item.sha256)

    def item_error(self, item, **kwargs) -> None:
        """A pipeline failed on a document (disk full …): its report page is asked again next time."""
        if isinstance(item, DocumentItem):
            self.tracker.failed(item.detail_url)

    # --- requests ----------------------------------------------------------------------------

    def _meta(self, portal) -> dict:
        meta = {"portal": portal.id, "handle_httpstatus_list": HANDLED}
        if not portal.obey_robots:
            meta["dont_obey_robotstxt"] = True
        if self.uses_cookies(portal):
            meta["cookiejar"] = portal.id  # crawler.middlewares.PortalCookiesMiddleware: one jar per portal
        return meta

    def uses_cookies(self, portal) -> bool:
        """Whether this portal's requests keep and send cookies: its ``overrides.cookies``, else
        the family's ``session_cookies`` (False: cookies stay off, crawler/settings.py)."""
        return portal.overrides.get("cookies", self.session_cookies) is True

    def request(self, portal, url: str, callback, ref: Ref, cls=scrapy.Request, **kw) -> scrapy.Request:
        """A request of ``portal`` (its meta for the middlewares, ``ref`` for the callback)."""
        return cls(url, callback=callback, errback=self.on_error, meta=self._meta(portal), cb_kwargs={"ref": ref},
                   **kw)

    def year_range(self) -> tuple[int, int]:
        if self.years:
            return self.years
        this = date.today().year
        return (this - 5, this - 1)

    def in_years(self, year: int | None) -> bool:
        return self.years is None or year is None or self.years[0] <= year <= self.years[1]

    async def start(self):
        for req in self.start_requests():
            yield req

    def start_requests(self):
        for portal in self.portals.values():
            if not self.full:  # report pages that failed on an earlier crawl and are due: straight to them
                st = self.state[portal.id]
                for url, d in list(st.details.items()):
                    # (per-year views are asked by start_listing, on their own schedule)
                    if not d.get("done") and not d.get("view") and 0 < d.get("failures", 0) < MAX_DETAIL_RETRIES \
                            and st.detail_due(url):
                        item = dict(d.get("item") or {}, url=url)
                        yield from self.detail_requests(portal, item, listing_url=d.get("listing_url") or url)
            for url in portal.listing_urls:
                if "{year}" in url:
                    lo, hi = self.year_range()
                    for y in range(hi, lo - 1, -1):
                        yield from self.start_listing(portal, url.replace("{year}", str(y)), year=y)
                else:
                    yield from self.start_listing(portal, url)

    def start_listing(self, portal, url: str, year: int | None = None):
        """Hook: the first requests for one listing URL of the registry (``year`` when it had ``{year}``)."""
        yield self.listing_request(portal, url, root=url, page=1)

    def listing_request(self, portal, url: str, root: str, page: int, family_state: Any = None,
                        callback=None, cls=scrapy.Request, **kw) -> scrapy.Request:
        """A listing page (page 1 conditional on what the last crawl saw, unless ``full``)."""
        headers = dict(kw.pop("headers", None) or {})
        if page == 1 and not self.full:
            v = self.state[portal.id].listings.get(url) or {}
            if v.get("etag"):
                headers["If-None-Match"] = v["etag"]
            if v.get("last_modified"):
                headers["If-Modified-Since"] = v["last_modified"]
        ref = Ref(role="listing", listing_url=root, page=page, family_state=family_state)
        kw.setdefault("dont_filter", page == 1)
        return self.request(portal, url, callback or self.parse_listing, ref, cls=cls, headers=headers, **kw)

    def detail_requests(self, portal, item: dict, listing_url: str, annual_view: bool = False):
        """The request for report page ``item["url"]`` unless done earlier or already asked for."""
        url = item["url"]
        st = self.state[portal.id]
        if not self.full and (st.detail_done(url) or not st.detail_due(url)):
            return  # done earlier, or failed/empty lately and its back-off is not over
        if not self.tracker.opened(url, portal.id, listing_url, item):
            return
        if annual_view:
            self.annual_views[url] = item.get("year")
        ref = Ref(role="detail", listing_url=listing_url, detail_url=url, title=item.get("title") or "",
                  date=item.get("date"), year=item.get("year"), annual_view=annual_view,
                  family_state=item.get("family_state"))
        yield self.request(portal, url, self.parse_detail, ref, priority=10)

    # --- checks ------------------------------------------------------------------------------

    def _decoded(self, response):
        enc = self.portals[response.meta["portal"]].overrides.get("encoding")
        if enc and isinstance(response, TextResponse):
            return response.replace(encoding=enc)
        return response

    def _failed(self, ref: Ref) -> None:
        if ref.role != "listing":
            self.tracker.finished(ref.detail_url, ok=False)

    def _done(self, ref: Ref) -> None:
        if ref.role != "listing":
            self.tracker.finished(ref.detail_url, ok=True)

    def is_stub_listing(self, response) -> bool:
        """Hook: a listing answer too small to be a real page (a degraded, emptied template)."""
        return is_stub(response.body)

    def usable(self, response, ref: Ref) -> bool:
        """False (and the outcome recorded) for blocks, 304, errors and degraded answers."""
        pid = response.meta["portal"]
        kind = detect_block(response.status, response.headers, response.body)
        if kind:
            self.mark_blocked(pid, kind, response.url)
            self._failed(ref)
            return False
        if response.status == 304:
            self.count(pid, "not_modified")
            return False
        if response.status >= 400:
            if ref.role == "listing":
                self.listing_failed.add(ref.listing_url)
            self.record_error(pid, response.url, f"http-{response.status}", f"{ref.role} answered {response.status}")
            self._failed(ref)
            return False
        if ref.role == "listing" and self.is_stub_listing(response):
            self.listing_failed.add(ref.listing_url)
            self.record_error(pid, response.url, "stub", f"listing page of {len(response.body)} bytes")
            return False
        return True

    # --- listings ----------------------------------------------------------------------------

    def listing_items(self, response) -> list[dict]:
        """Hook: links on a listing page, ``{url, title, date}`` (optionally ``family_state`` for the
        report page's request). Default: every link with a title."""
        return self.anchor_items(response, response.css("a[href]"))

    def anchor_items(self, response, anchors, base_url: str | None = None) -> list[dict]:
        out, seen = [], set()
        for a in anchors:
            href = (a.attrib.get("href") or "").strip()
            if not href or href.startswith(("javascript:", "#", "mailto:")):
                continue
            url = response.urljoin(href) if base_url is None else parsing.urljoin(base_url, href)
            url = url.split("#", 1)[0]
            if url in seen:
                continue
            title = parsing.clean(a.attrib.get("title") or " ".join(a.css("::text").getall()))
            around = " ".join(a.xpath("./ancestor::*[self::li or self::tr or self::div][1]//text()").getall())
            d = parsing.find_date(" ".join(a.css("::text").getall())) or parsing.find_date(around)
            seen.add(url)
            out.append({"url": url, "title": title, "date": d})
        return out

    def next_pages(self, response, ref: Ref) -> list:
        """Hook: further listing pages (URLs, or ready Requests). Default: 下一页-style links."""
        out = []
        for a in response.css("a[href]"):
            text = parsing.clean(" ".join(a.css("::text").getall()))
            if parsing.NEXT_TEXT.match(text):
                href = a.attrib["href"].strip()
                if href and not href.startswith(("javascript:", "#")):
                    out.append(response.urljoin(href))
        return out[:1]

    def parse_listing(self, response, ref: Ref):
        pid = response.meta["portal"]
        portal = self.portals[pid]
        if not self.usable(response, ref):
            return
        response = self._decoded(response)
        self.count(pid, "listing_pages")
        if ref.page == 1:
            et, lm = _h(response, "ETag"), _h(response, "Last-Modified")
            if et or lm:
                self.pending_validators[pid][response.url] = {"etag": et, "last_modified": lm}
        new = 0
        for item in self.listing_items(response):
            if not parsing.is_report_title(item["title"]) or item["url"] in portal.listing_urls:
                continue
            if not (parsing.YEAR_IN_TITLE.search(item["title"]) or item.get("date")):
                continue  # a column link (政府信息公开年报), not a report
            item["year"] = parsing.year_hint(item["title"], item.get("date"))
            if not self.in_years(item["year"]):
                continue
            reqs = list(self.detail_requests(portal, item, listing_url=ref.listing_url))
            new += len(reqs)
            yield from reqs
        if new == 0 and not self.full:
            return  # nothing new on this page: older pages hold nothing new either
        for nxt in self.next_pages(response, ref):
            if isinstance(nxt, scrapy.Request):
                yield nxt
            else:
                yield self.listing_request(portal, nxt, root=ref.listing_url, page=ref.page + 1)

    # --- report pages and documents ----------------------------------------------------------

    def readable(self, response, ref: Ref):
        """Hook: the report page as the shared parser should read it (a family whose body comes
        in script data puts it into markup here). The page is stored as served, not as returned."""
        return response

    def is_inline_report(self, response) -> bool:
        text = " ".join(response.xpath("//body//text()[not(ancestor::script) and not(ancestor::style)]").getall())
        return ("主动公开" in text and ("依申请" in text or "收到和处理" in text)) or \
               ("总体情况" in text and "政府信息公开" in text and b"<table" in response.body.lower())

    def attachment_links(self, response) -> list[dict]:
        out, seen = [], set()

        def add(href: str, text: str):
            href = (href or "").strip().replace("\\/", "/")
            if not href or href.startswith(("javascript:", "#", "mailto:", "data:")):
                return
            url = response.urljoin(href).split("#", 1)[0]
            if url in seen or url == response.url or not parsing.is_attachment_url(url):
                return
            seen.add(url)
            out.append({"url": url, "text": parsing.clean(text)})

        for a in response.css("a[href]"):
            add(a.attrib.get("href"), a.attrib.get("title") or " ".join(a.css("::text").getall()))
        for script in response.css("script::text").getall():  # var rel_appendix = '<a href="./P020…">'
            for m in re.finditer(r"""(?:href|OLDSRC|src)\s*=\s*\\?["']([^"'\\]+)\\?["'][^>]*>([^<]*)""", script, re.I):
                add(m.group(1), m.group(2))
        for sel in self.body_selectors():
            for img in response.css(f"{sel} img[src]"):
                add(img.attrib["src"], img.attrib.get("alt") or "")
        return out

    def parse_detail(self, response, ref: Ref):
        pid = response.meta["portal"]
        portal = self.portals[pid]
        if not self.usable(response, ref):
            return
        response = self._decoded(response)
        page = self.readable(response, ref)
        title = page.css('meta[name="ArticleTitle"]::attr(content)').get() or ref.title or \
            parsing.clean(page.css("title::text").get())
        pub = page.css('meta[name="PubDate"]::attr(content)').get()
        listing_date = ref.date or (parsing.find_date(pub) if pub else None)
        ref = replace(ref, title=ref.title or parsing.clean(title), date=listing_date,
                      year=ref.year or parsing.year_hint(title, listing_date))
        found = 0
        if self.is_inline_report(page):
            yield self.document(response, ref, role="detail", link_text=parsing.clean(title))
            found += 1
        for att in self.attachment_links(page):
            found += 1
            st = self.state[pid]
            if not self.full and att["url"] in st.documents and self.store.has(st.documents[att["url"]]):
                continue  # fetched by an earlier crawl
            self.tracker.spawned(ref.detail_url)
            yield self.request(portal, att["url"], self.parse_attachment, priority=20,
                               ref=replace(ref, role="attachment", link_text=att["text"], annual_view=False,
                                           page=1, family_state=None))
        if found == 0:
            # maybe a list of reports (a year view), else nothing to archive here
            items = [i for i in self.anchor_items(page, page.css("a[href]"))
                     if parsing.is_report_title(i["title"]) and i["url"] != page.url
                     and (parsing.YEAR_IN_TITLE.search(i["title"]) or i.get("date"))]
            for item in items:
                item["year"] = parsing.year_hint(item["title"], item.get("date"))
                if self.in_years(item["year"]):
                    yield from self.detail_requests(portal, item, listing_url=ref.listing_url)
                    found += 1
            if found == 0 and ref.annual_view:
                self.count(pid, "empty_views")
                self.tracker.retry_later(ref.detail_url)  # no report for that year yet: ask again next time
            elif found == 0:
                self.record_error(pid, response.url, "no-document", "report page with neither inline text nor attachments")
                self.tracker.failed(ref.detail_url)
        self._done(ref)

    def parse_attachment(self, response, ref: Ref):
        pid = response.meta["portal"]
        if not self.usable(response, ref):
            return
        s = sniff(response.body, response.url)
        ext = parsing.extension(response.url)
        if s.kind in ("html", "empty") or (s.kind in ("text", "xml", "json") and ext in DOCUMENT_EXTENSIONS):
            why = s.detail or (html_error_reason(response.body) if s.kind == "html" else "") or f"{s.kind} body"
            self.count(pid, "rejected")
            self.record_error(pid, response.url, "rejected", f"not a document: {s.kind} ({why})")
            self._failed(ref)
            return
        yield self.document(response, ref, role="attachment", link_text=ref.link_text, sniffed=s)
        self._done(ref)

    def document(self, response, ref: Ref, role: str, link_text: str, sniffed=None) -> DocumentItem:
        """The document ``response`` as it leaves the spider (the pipelines store and list it)."""
        s = sniffed or sniff(response.body, response.url)
        request_url = (response.meta.get("redirect_urls") or [response.request.url if response.request else response.url])[0]
        return DocumentItem(
            portal=response.meta["portal"], body=response.body, role=role, url=request_url, final_url=response.url,
            detail_url=ref.detail_url, listing_url=ref.listing_url, link_text=link_text,
            listing_title=ref.title or "", listing_date=ref.date,
            year_hint=parsing.year_hint(link_text) or ref.year, http_status=response.status,
            headers={k: _h(response, k) for k in ("Content-Type", "ETag", "Last-Modified", "Content-Disposition")
                     if _h(response, k)},
            media_type=s.media_type, format=s.kind, fetched_at=utc_now())

    # --- failures and the end ----------------------------------------------------------------

    def on_error(self, failure):
        request = failure.request
        pid = request.meta.get("portal")
        ref = request.cb_kwargs.get("ref")
        if not pid or ref is None:
            return
        if failure.check(PortalBlocked):  # recorded once, as the portal's ``blocked``
            self._failed(ref)
            return
        kind = error_kind(failure)
        exc = failure.value
        # the message names Scrapy's class (a refusal's own class is already its kind)
        name = IgnoreRequest.__name__ if isinstance(exc, PortalRefusal) else exc.__class__.__name__
        url = (request.meta.get("redirect_urls") or [request.url])[0]  # the URL we asked for, not the last hop
        self.record_error(pid, url, kind, f"{name}: {str(exc) or name}")
        if ref.role == "listing":
            self.listing_failed.add(ref.listing_url)
        if kind in POLICY_KINDS:
            self._done(ref)  # a policy refusal: asking again tomorrow would change nothing
        else:
            self._failed(ref)

    def empty_view_gap(self, year: int | None, empties: int) -> int:
        """Nights until a per-year view that answered "no report yet" ``empties`` times in a row is
        asked again: the next night for the current and previous year, else a growing back-off."""
        if year is None or year >= date.today().year - 1:
            return 1
        return retry_gap(empties, EMPTY_VIEW_FIRST_GAP)

    def closed(self, reason):
        for url, pid, entry in self.tracker.outcomes():
            st = self.state[pid]
            prev = st.details.get(url) or {}
            view = url in self.annual_views
            if entry is None:   # an empty per-year view (tracker.retry_later)
                if not view:
                    continue
                empties = int(prev.get("empties", 0)) + 1
                entry = {"done": False, "view": True, "empties": empties,
                         "retry_at": st.night + self.empty_view_gap(self.annual_views[url], empties)}
            elif not entry["done"]:
                failures = int(prev.get("failures", 0)) + 1
                entry = {"done": False, "failures": failures, **{k: v for k, v in entry.items() if k != "done"},
                         "retry_at": st.night + retry_gap(failures, FAILED_RETRY_FIRST_GAP)}
                if view:
                    entry["view"] = True
            st.details[url] = entry
        for pid, st in self.state.items():
            if pid not in self.blocked and reason == "finished":
                st.listings.update({u: v for u, v in self.pending_validators[pid].items()
                                    if u not in self.listing_failed})
            st.save()
