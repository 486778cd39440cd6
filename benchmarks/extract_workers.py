"""Extraction wall time for the same 8 documents with 1 and 2 workers, thread runner and Dask runner.

    python benchmarks/extract_workers.py [--quick | --runs N] [--dask-address tcp://HOST:8786]

Builds a throw-away data folder holding 8 documents (the three real PDF reports of
../shared/corpus when present, then PDF, DOCX and HTML fixtures of tests/fixtures/documents), then times
``nianbao reextract --where all --refresh`` (extract every document, no cache, load) once per
(runner, workers). Prefect's temporary server is started before timing. For ``dask`` a local
cluster of N single-threaded worker processes is started first (its start-up, printed apart,
is not in the figures) and the flow is pointed at it the way ``--dask-address`` does. The run
with no documents is timed too: the difference is extracting and loading.
"""
from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
FIXTURES = ROOT / "tests" / "fixtures" / "documents"
CORPUS = Path(os.environ.get("NIANBAO_SHARED", ROOT.parent / "shared")) / "corpus"
# real 5-page reports when ../shared is present (read in place), else fixtures; always 8 documents
REAL = ["hongze/hongze-2023.pdf", "hongze/hongze-2024.pdf", "huaian/huaian-2024.pdf"]
FIXTURE_NAMES = ["reportlab-split.pdf", "word-2021-split.pdf", "word-btlr-repeat-header.pdf", "report.docx",
                 "portal-2019.html", "portal-gbk.html", "portal-paragraphs.html", "portal-2019.html"]


def documents() -> list[tuple[str, bytes]]:
    docs = [(Path(n).name, (CORPUS / n).read_bytes()) for n in REAL if (CORPUS / n).is_file()]
    for n in FIXTURE_NAMES:
        if len(docs) == 8:
            break
        body = (FIXTURES / n).read_bytes()
        if any(b == body for _, b in docs):  # the same file twice: another sha256, the same work
            body += b"\n<!-- copy -->\n"
        docs.append((n, body))
    return docs


def build(data: Path) -> int:
    docs = documents()
    run = data / "crawl" / "runs" / "bench"
    run.mkdir(parents=True)
    lines = []
    for name, body in docs:
        sha = hashlib.sha256(body).hexdigest()
        rel = f"sha256/{sha[:2]}/{sha[2:4]}/{sha}"
        p = data / "store" / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(body)
        lines.append(json.dumps({"portal": "bench", "sha256": sha, "store_path": rel, "role": "attachment",
                                 "url": f"http://127.0.0.1/bench/{name}", "status": "new"}))
    (run / "manifest.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(docs)


@contextlib.contextmanager
def local_cluster(workers: int):
    from distributed import Client, LocalCluster

    t0 = time.perf_counter()
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with Client(cluster) as client:  # workers import the flows and the extractor before timing
            client.run(lambda: __import__("flows.pipeline") and __import__("extract.readers.pdf"))
        print(f"(local Dask cluster of {workers} started in {time.perf_counter() - t0:.1f} s, not timed)")
        yield cluster.scheduler_address


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=2, help="timed runs per configuration (median shown)")
    ap.add_argument("--quick", action="store_true", help="one timed run per configuration")
    ap.add_argument("--runners", default="thread,dask")
    ap.add_argument("--workers", default="1,2")
    ap.add_argument("--dask-address", default=None, help="an existing Dask scheduler instead of a local cluster")
    args = ap.parse_args(argv)
    if args.quick:
        args.runs = 1
    data = Path(tempfile.mkdtemp(prefix="nianbao-bench-workers-"))
    os.environ["NIANBAO_DATA"] = str(data)
    os.environ.setdefault("NIANBAO_PROGRESS", "0")
    if args.dask_address:
        os.environ["NIANBAO_DASK_ADDRESS"] = args.dask_address
    import flows  # noqa: F401  (Prefect's environment first)
    from flows import pipeline

    try:
        n = build(data)
        pipeline.with_runner(pipeline.reextract, "thread", 1)(where="sha:none")  # starts Prefect's server
        # Dask workers report task states to the same Prefect server (else each starts its own)
        from prefect.settings import PREFECT_API_URL

        if not PREFECT_API_URL.value():
            from prefect.server.api.server import SubprocessASGIServer

            os.environ["PREFECT_API_URL"] = SubprocessASGIServer().api_url
        rows = []
        for runner in args.runners.split(","):
            for workers in (int(w) for w in args.workers.split(",")):
                walls, empties = [], []
                with contextlib.ExitStack() as stack:
                    address = args.dask_address
                    if runner == "dask" and not address:
                        address = stack.enter_context(local_cluster(workers))
                    for _ in range(args.runs):
                        for where, out in (("sha:none", empties), ("all", walls)):
                            f = pipeline.with_runner(pipeline.reextract, runner, workers,
                                                     address if runner == "dask" else None)
                            t0 = time.perf_counter()
                            s = f(where=where, refresh=True)
                            out.append(time.perf_counter() - t0)
                        assert s["documents_processed"] == n and not s["failed_documents"], s
                wall, empty = statistics.median(walls), statistics.median(empties)
                rows.append((runner, workers, wall, empty, wall - empty))
        print(f"{n} documents, `reextract --where all --refresh`, load average {os.getloadavg()[0]:.1f}")
        print(f"{'runner':8}{'workers':>8}{'wall s':>9}{'no-docs s':>10}{'extract+load s':>15}{'speed-up':>10}")
        base = {r: x for r, k, _, _, x in rows if k == 1}
        for runner, workers, wall, empty, work in rows:
            print(f"{runner:8}{workers:>8}{wall:9.1f}{empty:10.1f}{work:15.1f}"
                  f"{base.get(runner, work) / max(work, 1e-9):>9.2f}x")
    finally:
        shutil.rmtree(data, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
