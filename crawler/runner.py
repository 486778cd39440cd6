"""Run a crawl as one subprocess (Scrapy's reactor cannot restart in one process).

    from crawler.runner import crawl
    run_dir = crawl(["hangzhou-wsjkw"], (2022, 2024), False, "20261128T020000Z", Path("data"))
    run_dir / "manifest.jsonl", run_dir / "health.jsonl", run_dir / "logs/crawl-01.log"

One call = one subprocess (``python -m crawler.multi``: the family spiders of ``scrapy crawl
<family>``, side by side in one reactor) over the given portals, with a timeout
(``NIANBAO_CRAWL_TIMEOUT``) and a captured log file. How many portals go into one call is the
caller's choice (the flows' ``crawl_batch``); there is no second batching layer here. A
subprocess that crashes or times out still leaves one health record per portal
(``errors: [{"kind": "crawler-failed"}]``), so callers always see every portal.

Safe when several machines crawl into one shared data folder: the subprocess dies with the
process that started it (a killed worker leaves no orphan crawling on), and each portal is
crawled under an exclusive lock file ``crawl/locks/<portal>.lock``, so one portal is never
crawled by two processes at once (its incremental state is written by one crawler at a time).
"""
from __future__ import annotations

import contextlib
import ctypes
import fcntl
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from crawler.registry import load_registry, registry_path as _registry_path
from nianbao.config import get_settings
from nianbao.text import utc_now

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# Settings for the offline sample site (a registry file with `sample: true`): no politeness delays.
SAMPLE_SETTINGS = {"DOWNLOAD_DELAY": "0", "AUTOTHROTTLE_ENABLED": "False", "RETRY_BACKOFF_BASE": "0.2",
                   "DOWNLOAD_TIMEOUT": "10", "CONCURRENT_REQUESTS_PER_DOMAIN": "4"}
FAILED_KIND = "crawler-failed"


def _years_arg(years) -> str | None:
    if years is None:
        return None
    ys = [int(y) for y in years]
    if not ys:
        return None
    return f"{min(ys)}-{max(ys)}"


def _is_sample(path: Path) -> bool:
    try:
        head = path.read_text(encoding="utf-8")[:2000]
    except OSError:
        return False
    return "\nsample: true" in "\n" + head


def crawl(portals: list[str] | None, years: tuple[int, int] | list[int] | None, full: bool, run_id: str,
          data_dir: Path, registry_path: Path | None = None, base_url: str | None = None, *,
          settings: dict | None = None, timeout: float | None = None,
          replay_runs: list[Path] | None = None) -> Path:
    """Crawl ``portals`` (ids; None = the whole registry) in one subprocess and return the run
    folder ``<data_dir>/crawl/runs/<run_id>`` holding manifest.jsonl, health.jsonl and logs/.

    ``years``: (first, last) or any list of years (min..max is crawled); None = no year filter
    (dynamic per-year views then ask for the last five years). ``full``: ignore the incremental
    state. ``registry_path``: default ``$NIANBAO_REGISTRY`` or crawler/portals.yaml. ``base_url``
    (or ``$NIANBAO_SAMPLE_BASE``) fills ``{base}`` in the sample registry. ``settings``: extra
    Scrapy settings. Several calls may share one ``run_id`` (records are appended line-wise).
    ``replay_runs``: run folders of earlier attempts of this crawl (a worker died mid-portal):
    documents they stored are taken from the store instead of being downloaded again."""
    reg = Path(registry_path or _registry_path(None))
    base = base_url or get_settings().sample_base
    # home-only entries: crawled when asked for by id, or (not seeds: those wait for review) always
    all_portals = load_registry(reg, base_url=base, include_seeds=True)
    index = {p.id: p for p in all_portals}
    chosen = [p for p in all_portals if not (p.seed and p.needs_discovery)] if portals is None else \
        [index[p] for p in portals if _known(p, index)]
    data_dir = Path(data_dir).resolve()
    run_dir = data_dir / "crawl" / "runs" / run_id
    logs = run_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    from crawler.discovery.auto import resolve_auto, resolve_homes  # recorded in run_dir/detections.jsonl
    chosen, reg = resolve_homes(chosen, run_dir, reg)   # a home-only entry: its column discovered now
    chosen, reg = resolve_auto(chosen, run_dir, reg)    # `family: auto`: detected now
    extra = dict(SAMPLE_SETTINGS) if _is_sample(reg) else {}
    extra.update({k: str(v) for k, v in (settings or {}).items()})
    if replay_runs:
        extra["NIANBAO_REPLAY"] = os.pathsep.join(str(Path(r) / "manifest.jsonl") for r in replay_runs)
    by_family: dict[str, list[str]] = {}
    for p in chosen:
        by_family.setdefault(p.family, []).append(p.id)
    job = sorted(by_family.items())
    log_file = logs / f"crawl-{len(list(logs.glob('crawl-*.log'))) + 1:02d}.log"
    if job:
        with portal_locks(data_dir, [p.id for p in chosen]):
            _run_subprocess(job, years, full, run_id, data_dir, reg, base, extra, run_dir, log_file,
                            timeout or get_settings().crawl_timeout)
    (run_dir / "manifest.jsonl").touch()
    (run_dir / "health.jsonl").touch()
    return run_dir


def _known(pid: str, index: dict) -> bool:
    if pid not in index:
        raise ValueError(f"unknown portal id {pid!r}")
    return True


@contextlib.contextmanager
def portal_locks(data_dir: Path, portal_ids: list[str], poll: float = 0.5):
    """Exclusive ``flock`` on ``crawl/locks/<portal>.lock`` for each portal, taken in sorted order
    (no deadlock between two callers). Waits while another process crawls one of them; the
    kernel releases the locks when the holder dies, so a killed worker never leaves one behind."""
    folder = Path(data_dir) / "crawl" / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    handles = []
    try:
        for pid in sorted(set(portal_ids)):
            fh = open(folder / f"{pid}.lock", "a")
            handles.append(fh)
            while True:
                try:
                    fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    time.sleep(poll)
        yield
    finally:
        for fh in handles:
            with contextlib.suppress(OSError):
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
            fh.close()


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    """Linux: the child gets SIGKILL when the thread that started it dies (prctl PR_SET_PDEATHSIG),
    so a SIGKILLed worker does not leave a crawler running on that another worker will redo."""
    with contextlib.suppress(Exception):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)


def _run_subprocess(job, years, full, run_id, data_dir, reg, base, extra, run_dir, log_file, timeout) -> None:
    """One subprocess running the spiders of ``job`` = [(family, [portal ids]), …]."""
    cmd = [sys.executable, "-m", "crawler.multi"]
    for family, ids in job:
        cmd += ["--spider", f"{family}={','.join(ids)}"]
    ya = _years_arg(years)
    if ya:
        cmd += ["--years", ya]
    if full:
        cmd += ["--full"]
    sets = {"NIANBAO_DATA": str(data_dir), "NIANBAO_RUN_ID": run_id, "NIANBAO_REGISTRY": str(reg),
            "LOG_FILE": str(log_file), "TELNETCONSOLE_ENABLED": "False", "REMOTE_CONTROL_ENABLED": "False"}
    if base:
        sets["NIANBAO_SAMPLE_BASE"] = base
    sets.update(extra)
    for k, v in sets.items():
        cmd += ["-s", f"{k}={v}"]
    env = dict(os.environ, SCRAPY_SETTINGS_MODULE="crawler.settings")
    env["PYTHONPATH"] = str(PROJECT_ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    started = utc_now()
    failure = None
    try:
        proc = subprocess.run(cmd, cwd=PROJECT_ROOT, env=env, timeout=timeout, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT,
                              preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None)
        if proc.returncode != 0:
            failure = f"scrapy exited with {proc.returncode}: {proc.stdout.decode('utf-8', 'replace')[-800:]}"
    except subprocess.TimeoutExpired:
        failure = f"scrapy timed out after {timeout:.0f} s"
    if failure:
        hf = run_dir / "health.jsonl"
        for family, ids in job:
            _write_missing_health(hf, ids, family, started, failure)


def _write_missing_health(hf: Path, ids, family, started, failure) -> None:
    have = set()
    if hf.exists():
        for line in hf.read_text(encoding="utf-8").splitlines():
            try:
                have.add(json.loads(line)["portal"])
            except (ValueError, KeyError):
                pass
    with open(hf, "a", encoding="utf-8") as fh:
        for pid in ids:
            if pid not in have:
                fh.write(json.dumps({
                    "portal": pid, "family": family, "started_at": started,
                    "finished_at": utc_now(),
                    "requests": 0, "bytes": 0, "new_documents": 0, "known_documents": 0,
                    "errors": [{"url": None, "kind": FAILED_KIND, "message": failure[-500:]}],
                    "blocked": None}, ensure_ascii=False) + "\n")


__all__ = ["crawl"]
