"""Several family spiders in one Scrapy process (one reactor, one start-up cost).

    python -m crawler.multi --spider trs=a,b --spider hanweb=c [--years 2022-2024] [--full] \\
        -s NIANBAO_DATA=… -s NIANBAO_RUN_ID=…

Same spiders and settings as ``python -m scrapy crawl <family> -a portal=…``; the runner uses
this so that a batch over several families pays Scrapy's import and start-up once.

Politeness is per portal: every request of a portal (``meta["portal"]``, its attachment hosts
included) goes through the portal's own download slot, with concurrency 1 and the portal's delay
(registry override ``delay``, else ``DOWNLOAD_DELAY``). So a portal never has two requests in
flight, whichever host serves it and however many portals share a host or a process.
"""
from __future__ import annotations

import argparse
import os
import sys

SLOT_PREFIX = "portal:"


class PortalSlotMiddleware:
    """Puts each portal's requests in the download slot ``portal:<id>`` (see the module docstring)."""

    def process_request(self, request, spider=None):
        pid = request.meta.get("portal")
        if pid and "download_slot" not in request.meta:
            request.meta["download_slot"] = SLOT_PREFIX + str(pid)
        return None


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
