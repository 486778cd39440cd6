"""Run one call in a forked child: wall time, peak RSS growth, a hard time limit, and any
exception caught as a traceback (so a crash or a hang in one hostile input fails one test, not
the session)."""
from __future__ import annotations

import json
import math
import multiprocessing as mp
import os
import resource
import time
import traceback


def _status_kb(field: str) -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def _cpu() -> float:
    """CPU seconds of this process (all threads) and its waited-for children (LibreOffice)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _child(conn, fn, args, kwargs, workdir):
    try:
        if workdir:
            os.chdir(workdir)
        base = _status_kb("VmRSS")
        cpu0 = _cpu()
        t0 = time.perf_counter()
        out: dict = {}
        try:
            out["value"] = fn(*args, **kwargs)
        except BaseException:  # noqa: BLE001 - the point is to record it
            out["exception"] = traceback.format_exc()
        out["seconds"] = time.perf_counter() - t0
        out["cpu_seconds"] = _cpu() - cpu0
        out["rss_growth_mb"] = max(0, _status_kb("VmHWM") - base) / 1024
        try:
            json.dumps(out.get("value"), allow_nan=False, ensure_ascii=False)
        except (TypeError, ValueError) as exc:
            out["json_error"] = repr(exc)
            out["value"] = _jsonable(out.get("value"))
        conn.send(out)
    finally:
        conn.close()
        os._exit(0)


def _jsonable(v):
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    if isinstance(v, float) and not math.isfinite(v):
        return repr(v)
    if v is None or isinstance(v, (str, int, float, bool)):
        return v
    return repr(v)


def run_isolated(fn, *args, limit: float = 60.0, workdir: str | None = None, **kwargs) -> dict:
    """``fn(*args, **kwargs)`` in a forked child. Returns ``{"value"|"exception"|"hung", "seconds",
    "cpu_seconds", "rss_growth_mb", ["json_error"]}``; a child still running after ``limit`` s is killed."""
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    p = ctx.Process(target=_child, args=(child, fn, args, kwargs, workdir), daemon=True)
    t0 = time.perf_counter()
    p.start()
    child.close()
    try:
        if parent.poll(limit):
            try:
                out = parent.recv()
            except EOFError:
                p.join(5)
                out = {"exception": f"child died without answering (exit code {p.exitcode})"}
        else:
            out = {"hung": True}
    finally:
        if p.is_alive():
            p.kill()
        p.join(10)
        parent.close()
    out.setdefault("seconds", time.perf_counter() - t0)
    out.setdefault("rss_growth_mb", float("nan"))
    out.setdefault("cpu_seconds", float("nan"))
    if p.exitcode not in (0, None) and "value" not in out and "exception" not in out and not out.get("hung"):
        out["exception"] = f"child exited with {p.exitcode}"
    return out
