"""Scale-out: the same night over the sample site (replicated to 200 portals, answering after a
delay) on a Dask cluster of 1 worker, then of 2 workers (``dask scheduler`` / ``dask worker``
subprocesses on 127.0.0.1, each worker one thread: one task at a time).

    python benchmarks/scale_out.py [--portals 200] [--quick]

Prints, per cluster size, the wall time of the crawl step (crawl tasks: one Scrapy subprocess per
batch of portals, run by the workers) and of the extract-and-load step (extraction tasks on the
workers, loading in the flow's process), and the 1-worker / 2-worker ratio. Every run starts from
an empty data folder, so both do the same work.
"""
from __future__ import annotations

import argparse
import math
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--portals", type=int, default=200)
    ap.add_argument("--quick", action="store_true", help="26 portals (two copies of the sample site)")
    ap.add_argument("--site-delay", type=float, default=0.05, help="seconds before the site answers")
    ap.add_argument("--portal-delay", type=float, default=0.1, help="the registry's per-portal delay")
    ap.add_argument("--batch", type=int, default=10, help="portals per crawl task (NIANBAO_CRAWL_BATCH)")
    args = ap.parse_args(argv)
    from nianbao.demo.sample_site.generate import load_site

    per_site = len(load_site()["portals"])
    n = 2 * per_site if args.quick else args.portals
    replicas = max(1, math.ceil(n / per_site))
    tmp = Path(tempfile.mkdtemp(prefix="nianbao-bench-scale-"))
    # NIANBAO_TRACE_ORIGIN: requests name their portal, which the site attributes them by
    os.environ.update(NIANBAO_DATA=str(tmp / "warmup"), NIANBAO_PROGRESS="0", NIANBAO_CRAWL_BATCH=str(args.batch),
                      NIANBAO_TRACE_ORIGIN="1")
    import flows  # noqa: F401  (Prefect's environment first)
    from flows import pipeline
    from tests.flows.cluster import DaskCluster, overlaps, timed_site

    rows = []
    try:
        pipeline.with_runner(pipeline.reextract, "thread", 1)(where="sha:none")  # Prefect's temporary server
        from prefect.settings import PREFECT_API_URL

        api = PREFECT_API_URL.value()
        if not api:
            from prefect.server.api.server import SubprocessASGIServer

            api = SubprocessASGIServer().api_url
        with timed_site(replicas, n, args.site_delay, args.portal_delay, tmp / "site") as site:
            os.environ["NIANBAO_SAMPLE_BASE"] = site.base_url
            for workers in (1, 2):
                data = tmp / f"data-{workers}"
                os.environ["NIANBAO_DATA"] = str(data)
                env = dict(os.environ, PREFECT_API_URL=api, PYTHONPATH=str(ROOT))
                cluster = DaskCluster(env, tmp / f"logs-{workers}")
                try:
                    for _ in range(workers):
                        cluster.add_worker()
                    site.spans.clear()
                    t0 = time.perf_counter()
                    s = pipeline.with_runner(pipeline.nightly, address=cluster.address)(registry=str(site.registry))
                    wall = time.perf_counter() - t0
                finally:
                    cluster.close()
                steps = s["step_seconds"]
                rows.append({"workers": workers, "crawl": steps.get("crawl", 0.0),
                             "extract": steps.get("extract_and_load", 0.0), "wall": wall,
                             "requests": len(site.spans), "documents": s["documents_processed"],
                             "overlaps": len(overlaps(site.spans)), "failed": len(s["failed_portals"])})
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{n} portals ({replicas} copies of the sample site), site delay {args.site_delay}s, portal delay "
          f"{args.portal_delay}s, {args.batch} portals per crawl task; {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"{'workers':>8}{'crawl s':>9}{'extract+load s':>16}{'wall s':>8}{'requests':>10}{'documents':>11}"
          f"{'overlaps':>10}{'failed':>8}")
    for r in rows:
        print(f"{r['workers']:>8}{r['crawl']:9.1f}{r['extract']:16.1f}{r['wall']:8.1f}{r['requests']:>10}"
              f"{r['documents']:>11}{r['overlaps']:>10}{r['failed']:>8}")
    one, two = rows
    print(f"1 worker / 2 workers: crawl {one['crawl'] / max(two['crawl'], 1e-9):.2f}x, extract+load "
          f"{one['extract'] / max(two['extract'], 1e-9):.2f}x, wall {one['wall'] / max(two['wall'], 1e-9):.2f}x")
    print("(on 2 cores the two workers, the flow, the Scrapy subprocesses and the site share the same CPUs: the "
          "crawl gains from overlapping waits on the site's delays, the CPU-bound extraction cannot gain more "
          "than the idle cores allow)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
