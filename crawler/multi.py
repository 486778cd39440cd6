"""Several family spiders in one Scrapy process (one reactor, one start-up cost).

    python -m crawler.multi --spider trs=a,b --spider hanweb=c [--years 2022-2024] [--full] \\
        -s NIANBAO_DATA=… -s NIANBAO_RUN_ID=…

Same spiders and settings as ``python -m scrapy crawl <family> -a portal=…``; the runner uses
this so that a batch over several families pays Scrapy's import and start-up once.

Politeness is per portal: every request of a portal (``meta["portal"]``, its attachment hosts
included) goes through the portal's own download slot, with concurrency 1 and the portal's delay
(registry override ``delay``, else ``DOWNLOAD_DELAY``) counted from the answer to its previous
request. So a portal never has two requests in flight, nor two closer than its delay, whichever
host serves it and however many portals share a host or a process.

A re-run of a crawl whose worker died mid-portal (``-s NIANBAO_REPLAY=<manifest>[:<manifest>…]``,
the manifests of the earlier attempts) downloads no document twice: a request for a URL that an
earlier attempt stored is answered from the store, so the spider goes on exactly as if it had
fetched it (the document keeps its sha256; listings are fetched again).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

SLOT_PREFIX = "portal:"
# Tests only (``NIANBAO_TRACE_ORIGIN=1`` in the environment): every request names its portal and
# the crawl that sent it (run id, pid, retry count, download slot) in this header, so the test's
# site attributes requests by portal and can tell who sent two requests that came too close.
ORIGIN_HEADER = "X-Nianbao-Origin"


class PortalSlotMiddleware:
    """Puts each portal's requests in the download slot ``portal:<id>`` (see the module docstring),
    and counts the slot's delay from the moment an answer arrived, not from when the previous
    request was handed to the download handler (Scrapy's ``lastseen``): a request can reach the
    portal well after that (a new connection, a busy reactor) while the next one, on the kept-alive
    connection, goes out on time — two requests closer than the delay at the portal. Counted from
    the answer (concurrency 1: the next request is sent after it), the delay is a floor as the
    portal sees it. Scrapy's AutoThrottle adjusts slots from the same signal."""

    def __init__(self, crawler=None, origin: str | None = None):
        self.crawler, self.origin = crawler, origin
        if crawler is not None:
            from scrapy import signals

            crawler.signals.connect(self.response_downloaded, signal=signals.response_downloaded)

    @classmethod
    def from_crawler(cls, crawler):
        from nianbao.config import get_settings

        if not get_settings().trace_origin:
            return cls(crawler)
        return cls(crawler, f"run={crawler.settings.get('NIANBAO_RUN_ID')} pid={os.getpid()}")

    def response_downloaded(self, response, request, spider=None):
        """Sent before the downloader looks at the slot's queue again (``Downloader._download``)."""
        key = request.meta.get("download_slot") or ""
        slot = self.crawler.engine.downloader.slots.get(key) if key.startswith(SLOT_PREFIX) else None
        if slot is not None:
            slot.lastseen = time.monotonic()

    def process_request(self, request, spider=None):
        pid = request.meta.get("portal")
        if pid and "download_slot" not in request.meta:
            request.meta["download_slot"] = SLOT_PREFIX + str(pid)
        if self.origin:
            request.headers[ORIGIN_HEADER] = (f"{self.origin} portal={pid} "
                                              f"retry={request.meta.get('retry_times', 0)} "
                                              f"slot={request.meta.get('download_slot')} id={id(request)}")
        return None


class ReplayStoredMiddleware:
    """Answers requests for documents an earlier attempt of this crawl already stored."""

    def __init__(self, known: dict[str, dict], store: Path):
        self.known, self.store = known, store

    @classmethod
    def from_crawler(cls, crawler):
        from scrapy.exceptions import NotConfigured

        paths = [Path(p) for p in (crawler.settings.get("NIANBAO_REPLAY") or "").split(os.pathsep) if p]
        known = replay_index(paths)
        if not known:
            raise NotConfigured("nothing to replay")
        data = Path(crawler.settings.get("NIANBAO_DATA") or "data")
        return cls(known, data / "store")

    def process_request(self, request, spider=None):
        rec = self.known.get(request.url) if request.method == "GET" else None
        if rec is None or rec.get("portal") != request.meta.get("portal"):
            return None
        try:
            body = (self.store / rec["store_path"]).read_bytes()
        except OSError:
            return None  # not in the store after all: fetch it
        from scrapy.responsetypes import responsetypes

        headers = {k: v for k, v in (rec.get("headers") or {}).items() if isinstance(v, str)}
        url = rec.get("final_url") or request.url
        cls = responsetypes.from_args(headers=headers, url=url, body=body)
        return cls(url=url, status=int(rec.get("http_status") or 200), headers=headers, body=body,
                   request=request)


def replay_index(manifests: list[Path]) -> dict[str, dict]:
    """URL (as requested, and as finally served) -> manifest record, over earlier attempts."""
    out: dict[str, dict] = {}
    for path in manifests:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError:
            continue
        for line in lines:
            try:
                rec = json.loads(line)
            except ValueError:
                continue  # a torn last line of a killed crawl
            if isinstance(rec, dict) and rec.get("store_path"):
                for key in ("url", "final_url"):
                    if rec.get(key):
                        out.setdefault(rec[key], rec)
    return out


def portal_slots(portals, default_delay: float) -> dict[str, dict]:
    """``DOWNLOAD_SLOTS`` entries: one request at a time per portal, the portal's delay as a floor."""
    out = {}
    for p in portals:
        delay = float((p.overrides or {}).get("delay", default_delay))
        out[SLOT_PREFIX + p.id] = {"concurrency": 1, "delay": delay, "jitter": 0}
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--spider", action="append", default=[], help="family=portal1,portal2")
    ap.add_argument("--years")
    ap.add_argument("--full", action="store_true")
    ap.add_argument("-s", dest="settings", action="append", default=[], help="NAME=VALUE")
    args = ap.parse_args(argv)
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings

    from crawler.registry import load_registry

    settings = get_project_settings()
    for kv in args.settings:
        k, _, v = kv.partition("=")
        settings.set(k, v, priority="cmdline")
    wanted = {pid for spec in args.spider for pid in spec.partition("=")[2].split(",") if pid}
    registry = load_registry(settings.get("NIANBAO_REGISTRY") or None,
                             base_url=settings.get("NIANBAO_SAMPLE_BASE") or None)
    slots = dict(settings.getdict("DOWNLOAD_SLOTS") or {})
    slots.update(portal_slots([p for p in registry if p.id in wanted], settings.getfloat("DOWNLOAD_DELAY")))
    settings.set("DOWNLOAD_SLOTS", slots, priority="cmdline")
    middlewares = dict(settings.getdict("DOWNLOADER_MIDDLEWARES"))
    middlewares["crawler.multi.PortalSlotMiddleware"] = 40  # before everything that schedules
    if settings.get("NIANBAO_REPLAY"):
        middlewares["crawler.multi.ReplayStoredMiddleware"] = 60  # after the portal guard (50)
    settings.set("DOWNLOADER_MIDDLEWARES", middlewares, priority="cmdline")
    process = CrawlerProcess(settings)
    for spec in args.spider:
        family, _, portals = spec.partition("=")
        kwargs = {"portal": portals}
        if args.years:
            kwargs["years"] = args.years
        if args.full:
            kwargs["full"] = "1"
        process.crawl(family, **kwargs)
    process.start()
    return 0


if __name__ == "__main__":
    sys.exit(main())
