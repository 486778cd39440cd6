"""Run crawls as subprocesses (Scrapy's reactor cannot restart in one process).

    from crawler.runner import crawl
    run_dir = crawl(["hangzhou-wsjkw"], (2022, 2024), False, "20261128T020000Z", Path("data"))
    run_dir / "manifest.jsonl", run_dir / "health.jsonl", run_dir / "logs/*.log"

One subprocess (``python -m crawler.multi``: the family spiders of ``scrapy crawl <family>``, side
by side in one reactor) per batch of up to 200 portals, at most 2 at a time, each with a timeout
and a captured log file ``logs/crawl-NN.log``. A batch that crashes or times out still leaves one health record per portal
(``errors: [{"kind": "crawler-failed"}]``), so callers always see every portal.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

from crawler.registry import load_registry, registry_path as _registry_path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BATCH_SIZE = int(os.environ.get("NIANBAO_CRAWL_PORTALS_PER_SPIDER", "50"))
PROCESSES = int(os.environ.get("NIANBAO_CRAWL_PROCESSES", "2"))
PORTALS_PER_PROCESS = int(os.environ.get("NIANBAO_CRAWL_PORTALS_PER_PROCESS", "200"))
TIMEOUT = float(os.environ.get("NIANBAO_CRAWL_TIMEOUT", "3600"))
# Settings for the offline sample site (a registry file with `sample: true`): no politeness delays.
SAMPLE_SETTINGS = {"DOWNLOAD_DELAY": "0", "AUTOTHROTTLE_ENABLED": "False", "RETRY_BACKOFF_BASE": "0.2",
                   "DOWNLOAD_TIMEOUT": "10", "CONCURRENT_REQUESTS_PER_DOMAIN": "4"}


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
          settings: dict | None = None, timeout: float | None = None) -> Path:
    """Crawl ``portals`` (ids; None = the whole registry) and return the run folder
    ``<data_dir>/crawl/runs/<run_id>`` holding manifest.jsonl, health.jsonl and logs/.

    ``years``: (first, last) or any list of years (min..max is crawled); None = no year filter
    (dynamic per-year views then ask for the last five years). ``full``: ignore the incremental
    state. ``registry_path``: default ``$NIANBAO_REGISTRY`` or crawler/portals.yaml. ``base_url``
    (or ``$NIANBAO_SAMPLE_BASE``) fills ``{base}`` in the sample registry. ``settings``: extra
    Scrapy settings. Several calls may share one ``run_id`` (records are appended line-wise)."""
    reg = Path(registry_path or _registry_path(None))
    base = base_url or os.environ.get("NIANBAO_SAMPLE_BASE")
    # home-only entries: crawled when asked for by id, or (not seeds: those wait for review) always
    all_portals = load_registry(reg, base_url=base, include_seeds=True)
    index = {p.id: p for p in all_portals}
    chosen = [p for p in all_portals if not (p.seed and p.needs_discovery)] if portals is None else \
        [index[p] for p in portals if _known(p, index)]
    data_dir = Path(data_dir).resolve()
    run_dir = data_dir / "crawl" / "runs" / run_id
    (run_dir / "logs").mkdir(parents=True, exist_ok=True)
    from crawler.discovery.auto import resolve_auto, resolve_homes  # recorded in run_dir/detections.jsonl
    chosen, reg = resolve_homes(chosen, run_dir, reg)   # a home-only entry: its column discovered now
    chosen, reg = resolve_auto(chosen, run_dir, reg)    # `family: auto`: detected now
    extra = dict(SAMPLE_SETTINGS) if _is_sample(reg) else {}
    extra.update({k: str(v) for k, v in (settings or {}).items()})
    by_family: dict[str, list[str]] = {}
    for p in chosen:
        by_family.setdefault(p.family, []).append(p.id)
    # chunks of one family, packed into at most PROCESSES subprocesses (each runs its chunks'
    # spiders side by side in one reactor: Scrapy's start-up is paid once per process)
    chunks = [(family, ids[i:i + BATCH_SIZE]) for family, ids in sorted(by_family.items())
              for i in range(0, len(ids), BATCH_SIZE)]
    nproc = max(1, min(PROCESSES, -(-len(chosen) // PORTALS_PER_PROCESS) if chosen else 1))
    jobs = [chunks[k::nproc] for k in range(nproc)]
    jobs = [j for j in jobs if j]
    with ThreadPoolExecutor(max_workers=max(1, len(jobs))) as pool:
        futures = [pool.submit(_run_batch, job, years, full, run_id, data_dir, reg, base, extra, run_dir,
                               run_dir / "logs" / f"crawl-{k + 1:02d}.log", timeout or TIMEOUT)
                   for k, job in enumerate(jobs)]
        for f in futures:
            f.result()
    (run_dir / "manifest.jsonl").touch()
    (run_dir / "health.jsonl").touch()
    return run_dir


def _known(pid: str, index: dict) -> bool:
    if pid not in index:
        raise ValueError(f"unknown portal id {pid!r}")
    return True


def _run_batch(job, years, full, run_id, data_dir, reg, base, extra, run_dir, log_file, timeout) -> None:
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
    started = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    failure = None
    try:
        proc = subprocess.run(cmd, cwd=PROJECT_ROOT, env=env, timeout=timeout, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT)
        if proc.returncode != 0:
            failure = f"scrapy exited with {proc.returncode}: {proc.stdout.decode('utf-8', 'replace')[-800:]}"
    except subprocess.TimeoutExpired:
        failure = f"scrapy timed out after {timeout:.0f} s"
    if failure:
        hf = run_dir / "health.jsonl"
        with _LOCK:
            for family, ids in job:
                _write_missing_health(hf, ids, family, started, failure)


_LOCK = threading.Lock()


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
                    "finished_at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "requests": 0, "bytes": 0, "new_documents": 0, "known_documents": 0,
                    "errors": [{"url": None, "kind": "crawler-failed", "message": failure[-500:]}],
                    "blocked": None}, ensure_ascii=False) + "\n")


__all__ = ["crawl"]
