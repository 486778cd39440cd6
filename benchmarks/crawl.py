"""Crawl cost, first night vs the quiet nights after it, over the offline sample site (loopback only).

    python benchmarks/crawl.py                 # the sample portals once
    python benchmarks/crawl.py --portals 200   # replicated under other ids/paths to 200 portals
    python benchmarks/crawl.py --quick         # same as the default (already small)

Prints requests (as the server saw them, and as the crawler's health records count them), bytes,
new documents and wall time for each night side by side. The second and third nights run on the
same data folder, so they show what the incremental state saves (conditional requests, known URLs,
the back-off of failed pages and empty per-year views), and the portals that cost more than one
request on a quiet night.
"""
from __future__ import annotations

import argparse
import math
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler.registry import load_registry  # noqa: E402
from crawler.runner import crawl  # noqa: E402
from nianbao.demo.sample_site import sample_site  # noqa: E402
from nianbao.demo.sample_site.generate import load_site  # noqa: E402


def _health(run: Path) -> list[dict]:
    import json

    f = run / "health.jsonl"
    return [json.loads(x) for x in f.read_text(encoding="utf-8").splitlines() if x.strip()] if f.exists() else []


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--portals", type=int, default=0, help="scale to N portals by replicating the sample ones")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--keep", action="store_true", help="keep the data folder")
    args = ap.parse_args(argv)
    per_site = len(load_site()["portals"])
    n = args.portals or per_site
    replicas = max(1, math.ceil(n / per_site))
    data = Path(tempfile.mkdtemp(prefix="nianbao-bench-crawl-"))
    rows = []
    t_site = time.perf_counter()
    with sample_site(replicas=replicas) as site:
        t_site = time.perf_counter() - t_site
        ids = [p.id for p in load_registry(site.registry_path, base_url=site.base_url)][:n]
        for night in ("first", "second", "third"):
            site.server.clear_log()
            t0 = time.perf_counter()
            run = crawl(ids, None, False, night, data, registry_path=site.registry_path, base_url=site.base_url)
            wall = time.perf_counter() - t0
            log = list(site.server.log)
            h = _health(run)
            rows.append({
                "night": night, "portals": len(h),
                "server_requests": len(log),
                "robots_txt": sum(1 for _, p, _, _ in log if p == "/robots.txt"),
                "not_modified_304": sum(1 for _, _, s, _ in log if s == 304),
                "crawler_requests": sum(x["requests"] for x in h),
                "bytes": sum(b for _, _, _, b in log),
                "new_documents": sum(x["new_documents"] for x in h),
                "known_documents": sum(x["known_documents"] for x in h),
                "errors": sum(len(x["errors"]) for x in h),
                "blocked": sum(1 for x in h if x["blocked"]),
                "wall_s": round(wall, 1),
                "_over_one": {x["portal"]: x["requests"] for x in h if x["requests"] > 1},
            })
    print(f"sample site: {len(ids)} portals ({replicas} replica(s) of {per_site}), generated/served in {t_site:.1f} s")
    keys = [k for k in list(rows[0])[1:] if not k.startswith("_")]
    print(f"{'':<20}" + "".join(f"{r['night'] + ' night':>14}" for r in rows))
    for k in keys:
        print(f"{k:<20}" + "".join(f"{r[k]!s:>14}" for r in rows))
    for r in rows[1:]:
        over = r["_over_one"]
        if len(over) <= 12:
            print(f"{r['night']} night, portals with more than one request: "
                  + (", ".join(f"{pid} {n}" for pid, n in sorted(over.items())) or "none"))
        else:
            print(f"{r['night']} night: {len(over)} portals with more than one request")
    print("(wall time includes Scrapy start-up, a few seconds per subprocess; the slow sample page adds 1.2 s)")
    if not args.keep:
        shutil.rmtree(data, ignore_errors=True)
    else:
        print("data:", data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
