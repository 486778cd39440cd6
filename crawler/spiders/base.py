"""The shared spider: registry selection, incremental state, listings → details → documents,
anti-bot detection, the store, manifest.jsonl and health.jsonl. Family spiders override
``listing_items``, ``next_pages`` and sometimes ``start_listing``."""
from __future__ import annotations

import json
import os
import re
import time
from datetime import date, datetime, timezone
from pathlib import Path

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import TextResponse

from crawler import parsing
from crawler.antibot import detect_block, is_stub
from crawler.registry import load_registry
from crawler.store import PortalState, Store
from extract.sniff import DOCUMENT_EXTENSIONS, html_error_reason, sniff

HANDLED = [304] + list(range(400, 600))
BODY_CONTAINERS = ("#zoom", ".TRS_Editor", ".trs_editor_view", ".article-content", ".article_content",
                   ".m-txt-article", "#vsb_content", ".v_news_content", ".news_cont_d_wrap", ".article-body",
                   ".con_text", ".art_con", "#UCAP-CONTENT", ".content", "#content")
MAX_ERRORS = 200
MAX_DETAIL_RETRIES = 3   # a report page that keeps failing is retried on this many later crawls


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _h(response, name: str) -> str | None:
    v = response.headers.get(name)
    if not v:
        return None
    try:
        return v.decode("utf-8")  # many portals send raw UTF-8 file names
    except UnicodeDecodeError:
        return v.decode("latin-1")


# characters str.splitlines() treats as line breaks: escaped so that every reader sees one record a line
_LINE_BREAKS = {c: f"\\u{ord(c):04x}" for c in "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"}


class ReportSpider(scrapy.Spider):
    """Base class (no ``name``: not a runnable spider)."""

    family: str | None = None
    custom_settings: dict = {}

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
        return spider

    def _setup(self, settings) -> None:
        from nianbao.config import get_settings  # NIANBAO_* read in one place (the -s settings win)

        self.data_dir = Path(settings.get("NIANBAO_DATA") or get_settings().data).resolve()
        self.run_id = settings.get("NIANBAO_RUN_ID") or get_settings().run_id or \
            datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
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
            wrong = [p.id for p in chosen if self.name != "generic" and p.family != self.family]
            if wrong:
                raise ValueError(f"portal(s) {', '.join(wrong)} are not of family {self.family!r}")
        else:
            chosen = [p for p in every if p.family == self.family]
        self.portals = {p.id: p for p in chosen}
        self.store = Store(self.data_dir)
        self.state = {pid: PortalState(self.data_dir, pid) for pid in self.portals}
        self.run_dir = self.data_dir / "crawl" / "runs" / self.run_id
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self.health: dict[str, dict] = {}
        for pid in self.portals:
            self.health_for(pid)
        self.pending_validators: dict[str, dict[str, dict]] = {pid: {} for pid in self.portals}
        self.details: dict[str, dict] = {}      # detail url -> {portal, pending, failed, docs, item}
        self.listing_failed: set[str] = set()   # listing roots with a page that could not be read
        self.seen_docs: set[str] = set()
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

    def health_for(self, pid: str) -> dict:
        h = self.health.get(pid)
        if h is None:
            h = self.health[pid] = {
                "portal": pid, "family": self.name, "started_at": _now(), "finished_at": None,
                "requests": 0, "bytes": 0, "new_documents": 0, "known_documents": 0,
                "listing_pages": 0, "not_modified": 0, "rejected": 0, "empty_views": 0, "errors": [],
                "blocked": None,
            }
        return h

    def is_blocked(self, pid: str) -> bool:
        return bool(self.health_for(pid)["blocked"])

    def record_error(self, pid: str, url: str, kind: str, message: str = "") -> None:
        h = self.health_for(pid)
        if len(h["errors"]) < MAX_ERRORS:
            h["errors"].append({"url": url, "kind": kind, "message": str(message)[:300]})
        self.logger.info("portal %s: %s %s %s", pid, kind, url, message)

    def mark_blocked(self, pid: str, kind: str, url: str) -> None:
        h = self.health_for(pid)
        if not h["blocked"]:
            h["blocked"] = {"kind": kind, "url": url}
            self.logger.warning("portal %s blocked (%s) at %s", pid, kind, url)

    # --- requests ----------------------------------------------------------------------------

    def _meta(self, portal, **extra) -> dict:
        meta = {"portal": portal.id, "handle_httpstatus_list": HANDLED}
        if not portal.obey_robots:
            meta["dont_obey_robotstxt"] = True
        meta.update(extra)
        return meta

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
            if not self.full:  # report pages that failed on an earlier crawl: straight to them
                for url, d in list(self.state[portal.id].details.items()):
                    if not d.get("done") and d.get("failures", 0) < MAX_DETAIL_RETRIES:
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
        if "xxgkAnnualReport.jsp" in url:  # a dynamic report view: the "listing" is the report
            yield from self.detail_requests(portal, {"url": url, "title": "", "date": None, "year": year},
                                            listing_url=url, annual_view=True)
            return
        yield self.listing_request(portal, url, root=url, page=1)

    def listing_request(self, portal, url: str, root: str, page: int, **kw) -> scrapy.Request:
        headers = {}
        if page == 1 and not self.full:
            v = self.state[portal.id].listings.get(url) or {}
            if v.get("etag"):
                headers["If-None-Match"] = v["etag"]
            if v.get("last_modified"):
                headers["If-Modified-Since"] = v["last_modified"]
        return scrapy.Request(url, callback=self.parse_listing, errback=self.on_error, headers=headers,
                              meta=self._meta(portal, role="listing", listing_url=root, page=page),
                              dont_filter=(page == 1), **kw)

    def detail_requests(self, portal, item: dict, listing_url: str, annual_view: bool = False):
        url = item["url"]
        st = self.state[portal.id]
        if not self.full and st.detail_done(url):
            return
        if url in self.details:
            return
        self.details[url] = {"portal": portal.id, "pending": 1, "failed": False, "docs": [],
                             "listing_url": listing_url,
                             "item": {k: item.get(k) for k in ("title", "date", "year")}}
        yield scrapy.Request(url, callback=self.parse_detail, errback=self.on_error, priority=10,
                             meta=self._meta(portal, role="detail", listing_url=listing_url, detail_url=url,
                                             listing_title=item.get("title") or "",
                                             listing_date=item.get("date"), year_hint=item.get("year"),
                                             annual_view=annual_view))

    # --- checks ------------------------------------------------------------------------------

    def _decoded(self, response):
        enc = self.portals[response.meta["portal"]].overrides.get("encoding")
        if enc and isinstance(response, TextResponse):
            return response.replace(encoding=enc)
        return response

    def usable(self, response, role: str) -> bool:
        """False (and the outcome recorded) for blocks, 304, errors and degraded answers."""
        pid = response.meta["portal"]
        kind = detect_block(response.status, response.headers, response.body)
        if kind:
            self.mark_blocked(pid, kind, response.url)
            self._fail_detail(response.meta)
            return False
        if response.status == 304:
            self.health_for(pid)["not_modified"] += 1
            return False
        if response.status >= 400:
            if role == "listing":
                self.listing_failed.add(response.meta.get("listing_url"))
            self.record_error(pid, response.url, f"http-{response.status}", f"{role} answered {response.status}")
            self._fail_detail(response.meta)
            return False
        if role == "listing" and is_stub(response.body):
            self.listing_failed.add(response.meta.get("listing_url"))
            self.record_error(pid, response.url, "stub", f"listing page of {len(response.body)} bytes")
            return False
        return True

    def _fail_detail(self, meta) -> None:
        d = self.details.get(meta.get("detail_url") or "")
        if d is not None:
            d["failed"] = True
            if meta.get("role") in ("detail", "attachment"):
                d["pending"] -= 1

    def _done_one(self, meta) -> None:
        d = self.details.get(meta.get("detail_url") or "")
        if d is not None:
            d["pending"] -= 1

    # --- listings ----------------------------------------------------------------------------

    def listing_items(self, response) -> list[dict]:
        """Links on a listing page: {url, title, date}. Default: every link with a title."""
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

    def next_pages(self, response) -> list:
        """Further listing pages (URLs or ready Requests). Default: 下一页-style links."""
        out = []
        for a in response.css("a[href]"):
            text = parsing.clean(" ".join(a.css("::text").getall()))
            if parsing.NEXT_TEXT.match(text):
                href = a.attrib["href"].strip()
                if href and not href.startswith(("javascript:", "#")):
                    out.append(response.urljoin(href))
        return out[:1]

    def parse_listing(self, response):
        pid = response.meta["portal"]
        portal = self.portals[pid]
        if not self.usable(response, "listing"):
            return
        response = self._decoded(response)
        self.health_for(pid)["listing_pages"] += 1
        if response.meta.get("page") == 1:
            et, lm = _h(response, "ETag"), _h(response, "Last-Modified")
            if et or lm:
                self.pending_validators[pid][response.url] = {"etag": et, "last_modified": lm}
        root = response.meta["listing_url"]
        new = 0
        for item in self.listing_items(response):
            if not parsing.is_report_title(item["title"]) or item["url"] in portal.listing_urls:
                continue
            if not (parsing.YEAR_IN_TITLE.search(item["title"]) or item.get("date")):
                continue  # a column link (政府信息公开年报), not a report
            item["year"] = parsing.year_hint(item["title"], item.get("date"))
            if not self.in_years(item["year"]):
                continue
            reqs = list(self.detail_requests(portal, item, listing_url=root))
            new += len(reqs)
            yield from reqs
        if new == 0 and not self.full:
            return  # nothing new on this page: older pages hold nothing new either
        page = response.meta.get("page", 1)
        for nxt in self.next_pages(response):
            if isinstance(nxt, scrapy.Request):
                yield nxt
            else:
                yield self.listing_request(portal, nxt, root=root, page=page + 1)

    # --- details -----------------------------------------------------------------------------

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
        for sel in BODY_CONTAINERS:
            for img in response.css(f"{sel} img[src]"):
                add(img.attrib["src"], img.attrib.get("alt") or "")
        return out

    def parse_detail(self, response):
        meta = response.meta
        pid = meta["portal"]
        portal = self.portals[pid]
        if not self.usable(response, "detail"):
            return
        response = self._decoded(response)
        title = response.css('meta[name="ArticleTitle"]::attr(content)').get() or meta.get("listing_title") or \
            parsing.clean(response.css("title::text").get())
        pub = response.css('meta[name="PubDate"]::attr(content)').get()
        meta["listing_title"] = meta.get("listing_title") or parsing.clean(title)
        if not meta.get("listing_date") and pub:
            meta["listing_date"] = parsing.find_date(pub)
        if not meta.get("year_hint"):
            meta["year_hint"] = parsing.year_hint(title, meta.get("listing_date"))
        found = 0
        if self.is_inline_report(response):
            self.save_document(response, role="detail", link_text=parsing.clean(title))
            found += 1
        d = self.details.get(meta["detail_url"])
        for att in self.attachment_links(response):
            found += 1
            st = self.state[pid]
            if not self.full and att["url"] in st.documents and self.store.has(st.documents[att["url"]]):
                continue  # fetched by an earlier crawl
            if d is not None:
                d["pending"] += 1
            m = self._meta(portal, role="attachment", link_text=att["text"])
            for k in ("listing_url", "detail_url", "listing_title", "listing_date", "year_hint"):
                m[k] = meta.get(k)
            yield scrapy.Request(att["url"], callback=self.parse_attachment, errback=self.on_error,
                                 priority=20, meta=m)
        if found == 0:
            # maybe a list of reports (a year view), else nothing to archive here
            items = [i for i in self.anchor_items(response, response.css("a[href]"))
                     if parsing.is_report_title(i["title"]) and i["url"] != response.url
                     and (parsing.YEAR_IN_TITLE.search(i["title"]) or i.get("date"))]
            for item in items:
                item["year"] = parsing.year_hint(item["title"], item.get("date"))
                if self.in_years(item["year"]):
                    yield from self.detail_requests(portal, item, listing_url=meta["listing_url"])
                    found += 1
            if found == 0 and meta.get("annual_view"):
                self.health_for(pid)["empty_views"] += 1
                if d is not None:
                    d["retry"] = True  # no report for that year yet: ask again next time
            elif found == 0:
                self.record_error(pid, response.url, "no-document", "report page with neither inline text nor attachments")
                if d is not None:
                    d["failed"] = True
        self._done_one(meta)

    def parse_attachment(self, response):
        meta = response.meta
        pid = meta["portal"]
        if not self.usable(response, "attachment"):
            return
        s = sniff(response.body, response.url)
        ext = parsing.extension(response.url)
        if s.kind in ("html", "empty") or (s.kind in ("text", "xml", "json") and ext in DOCUMENT_EXTENSIONS):
            why = s.detail or (html_error_reason(response.body) if s.kind == "html" else "") or f"{s.kind} body"
            self.health_for(pid)["rejected"] += 1
            self.record_error(pid, response.url, "rejected", f"not a document: {s.kind} ({why})")
            self._fail_detail(meta)
            return
        self.save_document(response, role="attachment", link_text=meta.get("link_text") or "", sniffed=s)
        self._done_one(meta)

    # --- output ------------------------------------------------------------------------------

    def save_document(self, response, role: str, link_text: str, sniffed=None) -> dict:
        meta = response.meta
        pid = meta["portal"]
        s = sniffed or sniff(response.body, response.url)
        sha, rel, new = self.store.put(response.body)
        status = "new" if new else "known"
        request_url = (meta.get("redirect_urls") or [response.request.url if response.request else response.url])[0]
        rec = {
            "portal": pid, "sha256": sha, "store_path": rel, "media_type": s.media_type, "format": s.kind,
            "size": len(response.body), "role": role, "url": request_url, "final_url": response.url,
            "detail_url": meta.get("detail_url"), "listing_url": meta.get("listing_url"),
            "link_text": link_text, "listing_title": meta.get("listing_title") or "",
            "listing_date": meta.get("listing_date"),
            "year_hint": parsing.year_hint(link_text) or meta.get("year_hint"),
            "http_status": response.status,
            "headers": {k: _h(response, k) for k in ("Content-Type", "ETag", "Last-Modified", "Content-Disposition")
                        if _h(response, k)},
            "fetched_at": _now(), "status": status,
        }
        self._write_line(self.run_dir / "manifest.jsonl", rec)
        self.health_for(pid)["new_documents" if new else "known_documents"] += 1
        self.state[pid].documents[request_url] = sha
        d = self.details.get(meta.get("detail_url") or "")
        if d is not None:
            d["docs"].append(sha)
        return rec

    @staticmethod
    def _write_line(path: Path, obj: dict) -> None:
        text = json.dumps(obj, ensure_ascii=False)
        for c, esc in _LINE_BREAKS.items():
            text = text.replace(c, esc)
        line = (text + "\n").encode("utf-8")
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, line)  # one write per record: concurrent crawls may append to one file
        finally:
            os.close(fd)

    def on_error(self, failure):
        request = failure.request
        meta = request.meta
        pid = meta.get("portal")
        if not pid:
            return
        exc = failure.value
        msg = str(exc) or exc.__class__.__name__
        name = exc.__class__.__name__
        if isinstance(exc, IgnoreRequest):
            if "blocked" in msg:
                self._fail_detail(meta)
                return
            kind = ("redirect-loop" if "redirect" in msg.lower() else "offsite" if "offsite" in msg
                    else "private-address" if "private" in msg else "robots" if "robots" in msg.lower() else "ignored")
        elif "Timeout" in name or "timeout" in msg.lower():
            kind = "timeout"
        elif "DNS" in name:
            kind = "dns"
        elif "maxsize" in msg.lower() or "max size" in msg.lower() or "larger than" in msg.lower():
            kind = "too-large"
        elif "DataLoss" in name or "DataLoss" in msg or "truncat" in msg.lower():
            kind = "truncated"
        elif name in ("ConnectionRefusedError", "ConnectError", "ResponseNeverReceived", "ConnectionLost",
                      "ConnectionDone", "TCPTimedOutError", "ResponseFailed", "DownloadFailedError") or \
                re.search(r"Connection(Done|Lost|Refused)|ResponseNeverReceived|reset", msg):
            kind = "connection"
        elif name == "HttpError":
            kind = f"http-{failure.value.response.status}"
        else:
            kind = "error"
        url = (meta.get("redirect_urls") or [request.url])[0]  # the URL we asked for, not the last hop
        self.record_error(pid, url, kind, f"{name}: {msg}")
        if meta.get("role") == "listing":
            self.listing_failed.add(meta.get("listing_url"))
        if kind in ("offsite", "private-address", "robots"):
            self._done_one(meta)  # a policy refusal: asking again tomorrow would change nothing
        else:
            self._fail_detail(meta)

    def closed(self, reason):
        for url, d in self.details.items():
            st = self.state[d["portal"]]
            if d.get("retry"):
                continue
            if d["pending"] <= 0 and not d["failed"]:
                st.details[url] = {"done": True, "docs": sorted(set(d["docs"]))}
            elif d["failed"] or d["pending"] > 0:
                prev = st.details.get(url) or {}
                st.details[url] = {"done": False, "failures": int(prev.get("failures", 0)) + 1,
                                   "listing_url": d["listing_url"], "item": d["item"], "docs": sorted(set(d["docs"]))}
        for pid, st in self.state.items():
            h = self.health_for(pid)
            if not h["blocked"] and reason == "finished":
                st.listings.update({u: v for u, v in self.pending_validators[pid].items()
                                    if u not in self.listing_failed})
            st.save()
            h["finished_at"] = _now()
            h["close_reason"] = reason
            self._write_line(self.run_dir / "health.jsonl", h)
