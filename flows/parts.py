"""The three parts the flows drive, behind one thin seam.

Everything the flows need from ``extract``, ``crawler`` and ``archive`` goes through these
functions (see docs/interfaces.md). Imports are lazy so that ``nianbao --help`` stays fast and
tests can replace a part with a fake (``monkeypatch.setattr(flows.parts, "crawl", fake)``).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any


# --- extract -----------------------------------------------------------------------------------

def extractor_version() -> str:
    from extract import EXTRACTOR_VERSION

    return str(EXTRACTOR_VERSION)


def extract_bytes(data: bytes, filename: str | None = None) -> dict:
    from extract import extract_bytes as _extract

    return _extract(data, filename=filename, include_text=True)


# --- crawler -----------------------------------------------------------------------------------

def load_registry(path: str | None = None) -> list:
    from crawler.registry import load_registry as _load

    return _load(path) if path else _load()


def crawl(portals: list[str], years: list[int] | None, full: bool, run_id: str, data_dir: Path,
          registry: str | None = None, replay_runs: list[Path] | None = None) -> Path:
    from crawler.runner import crawl as _crawl

    kwargs = {"registry_path": Path(registry)} if registry else {}
    if replay_runs:
        kwargs["replay_runs"] = list(replay_runs)
    return Path(_crawl(portals, years, full, run_id, data_dir, **kwargs))


# --- archive -----------------------------------------------------------------------------------

def open_archive(path: Path):
    from archive import open_archive as _open

    return _open(path)


def load_manifest(db, records: list[dict]) -> Any:
    from archive import load_manifest as _f

    return _f(db, records)


def load_report(db, sha256: str, report: dict, portal: str | None) -> Any:
    from archive import load_report as _f

    return _f(db, sha256, report, portal)


def cross_report_checks(db) -> Any:
    from archive import cross_report_checks as _f

    return _f(db)


def load_health(db, records: list[dict], run_id: str) -> Any:
    from archive import load_health as _f

    return _f(db, records, run_id)


def record_run(db, summary: dict) -> Any:
    from archive import record_run as _f

    return _f(db, summary)


def load_portals(db, portals: list[dict]) -> Any:
    from archive import load_portals as _f

    return _f(db, portals)


def report_state(db) -> dict[str, dict]:
    """sha256 -> {"extractor_version", "status", "year", "portal"}: see archive.report_state."""
    from archive import report_state as _f

    return _f(db)
