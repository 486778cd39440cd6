"""End to end: `nianbao demo` (crawl the bundled offline sample portal, extract, build the
archive) cold and warm, wall time.

- cold: a fresh data folder (new Prefect home and database migrations, empty store, no crawl state);
- warm: the same command again on that folder (Prefect home exists, every document known).

    python benchmarks/end_to_end.py [--quick] [--keep DIR]

Full pass: 2 cold runs and 3 warm runs, median shown; --quick: 1 of each.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def env_for(data: Path) -> dict:
    return dict(os.environ, NIANBAO_DATA=str(data), DO_NOT_TRACK="1", PREFECT_SERVER_ANALYTICS_ENABLED="false",
                PREFECT_LOGGING_LEVEL="WARNING", PYTHONPATH=str(ROOT))


def demo(data: Path, timeout: float) -> tuple[float, str]:
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "nianbao", "demo"], cwd=ROOT, env=env_for(data),
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=timeout)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"nianbao demo exited {proc.returncode}:\n" + "\n".join(proc.stdout.splitlines()[-20:]))
    return wall, proc.stdout


def counts(data: Path) -> dict:
    db = data / "archive.db"
    if not db.exists():
        return {}
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        names = {r[0] for r in con.execute("select name from sqlite_master where type in ('table','view')")}
        out = {}
        for t in ("documents", "reports", "facts", "findings"):
            if t in names:
                out[t] = con.execute(f'select count(*) from "{t}"').fetchone()[0]
        return out
    finally:
        con.close()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--keep", help="use this data folder for the first cold run and keep it")
    ap.add_argument("--timeout", type=float, default=900)
    args = ap.parse_args(argv)
    n_cold, n_warm = (1, 1) if args.quick else (2, 3)

    help_ = subprocess.run([sys.executable, "-m", "nianbao", "demo", "--help"], cwd=ROOT, env=env_for(Path("/nonexistent")),
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if help_.returncode != 0 or "unavailable" in help_.stdout:
        print("end_to_end: `nianbao demo` is unavailable here:", help_.stdout.strip()[:300])
        return 2

    cold, warm, sizes = [], [], {}
    tmp = Path(tempfile.mkdtemp(prefix="nianbao-bench-e2e-"))
    try:
        for i in range(n_cold):
            data = Path(args.keep) if (args.keep and i == 0) else tmp / f"cold{i}"
            if data.exists() and not (args.keep and i == 0):
                shutil.rmtree(data)
            wall, _ = demo(data, args.timeout)
            cold.append(wall)
            if i == 0:
                first = data
                sizes = counts(data)
        for _ in range(n_warm):
            wall, _ = demo(first, args.timeout)
            warm.append(wall)
        warm_counts = counts(first)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    print(f"{'run':6} {'n':>2} {'median s':>9} {'min s':>7} {'max s':>7}")
    for name, xs in (("cold", cold), ("warm", warm)):
        print(f"{name:6} {len(xs):>2} {statistics.median(xs):9.1f} {min(xs):7.1f} {max(xs):7.1f}")
    if sizes:
        print("archive after cold run: " + ", ".join(f"{k} {v}" for k, v in sizes.items()))
    if warm_counts and warm_counts != sizes:
        print("archive after warm runs: " + ", ".join(f"{k} {v}" for k, v in warm_counts.items())
              + "  (differs from the cold run!)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
