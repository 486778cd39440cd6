"""``PortalHealthExtension``: one ``health.jsonl`` record per portal when the spider closes.

Built from the Scrapy stats (``portal/<id>/<counter>``: ``requests`` and ``bytes`` counted by
``PortalStatsMiddleware``, documents by ``StorePipeline``, listing outcomes by the spider) and
the spider's ``portal_error`` / ``portal_blocked`` signals (``crawler.signals``). The spider
only says which portals it crawls (``spider.portals``) and its ``family``.
"""
from __future__ import annotations


from scrapy import signals

from crawler import signals as nianbao_signals
from crawler.pipelines import append_line
from crawler.store import run_dir
from nianbao.text import utc_now

MAX_ERRORS = 200   # per portal and crawl: a broken portal must not fill the disk
COUNTERS = ("requests", "bytes", "new_documents", "known_documents", "listing_pages", "not_modified",
            "rejected", "empty_views")



class PortalHealthExtension:
    def __init__(self, crawler):
        self.crawler = crawler
        self.started_at = utc_now()
        self.errors: dict[str, list[dict]] = {}
        self.blocked: dict[str, dict] = {}

    @classmethod
    def from_crawler(cls, crawler):
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(ext.portal_error, signal=nianbao_signals.portal_error)
        crawler.signals.connect(ext.portal_blocked, signal=nianbao_signals.portal_blocked)
        return ext

    def spider_opened(self, spider):
        self.started_at = utc_now()

    def portal_error(self, portal, url, kind, message=""):
        errors = self.errors.setdefault(portal, [])
        if len(errors) < MAX_ERRORS:
            errors.append({"url": url, "kind": kind, "message": str(message)[:300]})

    def portal_blocked(self, portal, kind, url):
        self.blocked.setdefault(portal, {"kind": kind, "url": url})

    def record(self, portal: str, family: str, reason: str) -> dict:
        stats = self.crawler.stats
        rec = {"portal": portal, "family": family, "started_at": self.started_at, "finished_at": None}
        rec.update({c: stats.get_value(f"portal/{portal}/{c}", 0) for c in COUNTERS})
        rec.update({"errors": self.errors.get(portal, []), "blocked": self.blocked.get(portal)})
        rec["finished_at"] = utc_now()
        rec["close_reason"] = reason
        return rec

    def spider_closed(self, spider, reason):
        portals = getattr(spider, "portals", None)
        if not portals:  # not a nianbao spider
            return
        path = run_dir(self.crawler.settings) / "health.jsonl"
        path.parent.mkdir(parents=True, exist_ok=True)
        for pid in portals:
            append_line(path, self.record(pid, spider.family, reason))
