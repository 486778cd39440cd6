"""Run every benchmark script in benchmarks/ and print their tables.

    python benchmarks/run_all.py            # full pass (make bench)
    python benchmarks/run_all.py --quick    # fast pass: each script gets --quick
    python benchmarks/run_all.py extract_pdf end_to_end   # only these

Each script is run as its own subprocess (a fresh interpreter: no shared warm state, and
Scrapy's reactor cannot restart) with the same flags; its stdout is printed as it is, followed
by its wall time. A script that fails is reported and the others still run; the exit code is
non-zero when any failed.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def scripts(only: list[str]) -> list[Path]:
    found = sorted(p for p in HERE.glob("*.py") if p.name not in ("run_all.py", "__init__.py") and not p.name.startswith("_"))
    if only:
        wanted = {o.removesuffix(".py") for o in only}
        missing = wanted - {p.stem for p in found}
        if missing:
            sys.exit(f"no such benchmark: {', '.join(sorted(missing))} (have: {', '.join(p.stem for p in found)})")
        found = [p for p in found if p.stem in wanted]
    return found


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fast pass: pass --quick to every script")
    ap.add_argument("--timeout", type=float, default=1800, help="seconds allowed per script (default 1800)")
    ap.add_argument("only", nargs="*", help="benchmark names (default: all)")
    args = ap.parse_args(argv)

    env = dict(os.environ, DO_NOT_TRACK="1", PREFECT_SERVER_ANALYTICS_ENABLED="false",
               PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    summary: list[tuple[str, str, float]] = []
    todo = scripts(args.only)
    if not todo:
        print("no benchmark scripts in", HERE)
        return 1
    for script in todo:
        cmd = [sys.executable, str(script)] + (["--quick"] if args.quick else [])
        print(f"\n=== {script.stem} {'(quick)' if args.quick else ''}".rstrip(), flush=True)
        t0 = time.perf_counter()
        try:
            proc = subprocess.run(cmd, cwd=ROOT, env=env, timeout=args.timeout, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
            state = "ok" if proc.returncode == 0 else f"failed (exit {proc.returncode})"
            out, err = proc.stdout, proc.stderr
        except subprocess.TimeoutExpired as exc:
            state = f"timed out after {args.timeout:.0f} s"
            out = exc.stdout.decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
            err = exc.stderr.decode() if isinstance(exc.stderr, bytes) else (exc.stderr or "")
        wall = time.perf_counter() - t0
        print(out.rstrip())
        if state != "ok":
            print("\n".join(err.strip().splitlines()[-15:]))
        summary.append((script.stem, state, wall))

    width = max(len(name) for name, _, _ in summary)
    print("\n=== summary")
    print(f"{'benchmark':{width}}  {'wall s':>8}  result")
    for name, state, wall in summary:
        print(f"{name:{width}}  {wall:8.1f}  {state}")
    return 0 if all(state == "ok" for _, state, _ in summary) else 1


if __name__ == "__main__":
    sys.exit(main())
