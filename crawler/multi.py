"""Several family spiders in one Scrapy process (one reactor, one start-up cost).

    python -m crawler.multi --spider trs=a,b --spider hanweb=c [--years 2022-2024] [--full] \\
        -s NIANBAO_DATA=… -s NIANBAO_RUN_ID=…

Same spiders and settings as ``python -m scrapy crawl <family> -a portal=…``; the runner uses
this so that a night over five families pays Scrapy's import and start-up once.
"""
from __future__ import annotations

import argparse
import os
import sys


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

    settings = get_project_settings()
    for kv in args.settings:
        k, _, v = kv.partition("=")
        settings.set(k, v, priority="cmdline")
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
