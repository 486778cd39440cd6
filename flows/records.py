"""Files on disk the flows read and write: crawl manifests and health records (written by the
crawler), the extraction cache and the ledger of loaded crawl runs (written by the flows).

Layout under the data folder (``nianbao.config``)::

    store/sha256/ab/cd/<sha256>                 documents (crawler, write-once)
    crawl/runs/<run_id>/manifest.jsonl          documents seen by one crawl (crawler)
    crawl/runs/<run_id>/health.jsonl            one record per portal (crawler)
    extracted/<version>/<sha256>.json           extraction cache (flows), keyed on sha256+version
    extracted/<version>/transient/<sha256>.json results that must not be cached (missing tools)
    flows/loaded-runs.txt                       crawl runs whose manifests are in the archive
    flows/archive.lock                          the single-writer lock for archive.db
"""
from __future__ import annotations

import contextlib
import fcntl
import json
import os
import tempfile
import threading
from pathlib import Path
from typing import Iterable, Iterator

from nianbao.config import crawl_dir, data_dir, store_dir

# Results that depend on this machine (a missing tool, a slow run), not on the bytes and the
# extractor version: never cached, tried again by the next re-extract of failed documents.
TRANSIENT_ERROR_CODES = {"needs_ocr", "libreoffice_failed", "timeout"}


# --- crawl records -----------------------------------------------------------------------------

def runs_dir() -> Path:
    return crawl_dir() / "runs"


def read_jsonl(path: Path) -> list[dict]:
    """Read a JSONL file, skipping a torn last line (a crawl killed mid-write)."""
    out: list[dict] = []
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return out
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(obj, dict):
            out.append(obj)
    return out


def fresh_run_id(data: Path, run_id: str) -> str:
    """``run_id``, or ``run_id-rN`` when an earlier attempt (a retry, or a re-run after a worker
    died) already made that run folder: every attempt appends to a folder of its own."""
    runs = Path(data) / "crawl" / "runs"
    candidate, n = run_id, 1
    while (runs / candidate).exists():
        n += 1
        candidate = f"{run_id}-r{n}"
    return candidate


def attempts(data: Path, run_id: str) -> list[Path]:
    """The run folders of earlier attempts of ``run_id`` (see ``fresh_run_id``)."""
    runs = Path(data) / "crawl" / "runs"
    out = [runs / run_id] if (runs / run_id).is_dir() else []
    n = 2
    while (runs / f"{run_id}-r{n}").is_dir():
        out.append(runs / f"{run_id}-r{n}")
        n += 1
    return out


def all_run_dirs() -> list[Path]:
    root = runs_dir()
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if p.is_dir())


def manifest(run_dir: Path) -> list[dict]:
    return read_jsonl(run_dir / "manifest.jsonl")


def health(run_dir: Path) -> list[dict]:
    return read_jsonl(run_dir / "health.jsonl")


def document_index(run_dirs: Iterable[Path] | None = None) -> dict[str, dict]:
    """sha256 -> the manifest record that introduced it (its portal, store path, url, year hint):
    from the earliest crawl run that saw it, and within that run — where portals crawled side by
    side append in whatever order they finish — the smallest (portal, url), so that a document
    two portals publish is attributed the same way however the crawl was split or interrupted."""
    index: dict[str, dict] = {}
    for run_dir in all_run_dirs() if run_dirs is None else run_dirs:
        found: dict[str, dict] = {}
        for rec in manifest(run_dir):
            sha = rec.get("sha256")
            if sha and sha not in index:
                best = found.get(sha)
                if best is None or (str(rec.get("portal")), str(rec.get("url"))) < \
                        (str(best.get("portal")), str(best.get("url"))):
                    found[sha] = rec
        index.update(found)
    return index


def store_path(sha256: str, record: dict | None = None) -> Path:
    rel = (record or {}).get("store_path") or f"sha256/{sha256[:2]}/{sha256[2:4]}/{sha256}"
    return store_dir() / rel


def filename_for(record: dict | None) -> str | None:
    """A file name hint for the extractor (its extension helps sniffing)."""
    if not record:
        return None
    for key in ("final_url", "url"):
        url = record.get(key)
        if url:
            name = url.split("?")[0].rstrip("/").rsplit("/", 1)[-1]
            if name:
                return name
    return None


# --- loaded-runs ledger --------------------------------------------------------------------------

def _ledger() -> Path:
    return data_dir() / "flows" / "loaded-runs.txt"


def loaded_runs() -> set[str]:
    try:
        return set(_ledger().read_text(encoding="utf-8").split())
    except FileNotFoundError:
        return set()


def mark_runs_loaded(run_ids: Iterable[str]) -> None:
    run_ids = [r for r in run_ids if r not in loaded_runs()]
    if not run_ids:
        return
    path = _ledger()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as fh:
        fh.write("".join(f"{r}\n" for r in run_ids))
        fh.flush()
        os.fsync(fh.fileno())


# --- extraction cache ----------------------------------------------------------------------------

def extracted_dir(version: str) -> Path:
    return data_dir() / "extracted" / version


def cache_path(sha256: str, version: str) -> Path:
    return extracted_dir(version) / f"{sha256}.json"


def transient_path(sha256: str, version: str) -> Path:
    return extracted_dir(version) / "transient" / f"{sha256}.json"


def is_transient(report: dict) -> bool:
    err = report.get("error") or {}
    return report.get("status") == "needs_ocr" or err.get("code") in TRANSIENT_ERROR_CODES


def write_json_atomic(path: Path, obj) -> None:
    """Write, fsync, rename: a reader sees the old file or the whole new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(obj, fh, ensure_ascii=False)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes 0600
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def read_cached(sha256: str, version: str) -> dict | None:
    try:
        return json.loads(cache_path(sha256, version).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return None


# --- the single archive writer ---------------------------------------------------------------------

_thread_lock = threading.Lock()


@contextlib.contextmanager
def archive_write_lock() -> Iterator[None]:
    """One writer at a time: a thread lock within the process, an flock across processes
    (Dask workers, a second ``nianbao run``)."""
    path = data_dir() / "flows" / "archive.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with _thread_lock, open(path, "a") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
