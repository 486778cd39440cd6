"""Where nianbao keeps its files. One data folder (default ``./data``, ``NIANBAO_DATA`` moves it)."""
from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    return Path(os.environ.get("NIANBAO_DATA", "data")).resolve()


def archive_path() -> Path:
    return data_dir() / "archive.db"


def store_dir() -> Path:
    """Content-addressed document store: store/sha256/ab/cd/<sha256>."""
    return data_dir() / "store"


def crawl_dir() -> Path:
    """Crawl manifests, per-run health records and incremental state."""
    return data_dir() / "crawl"


def prefect_home() -> Path:
    return data_dir() / "prefect"


def shared_dir() -> Path | None:
    """The team's ../shared folder (real corpus, specs) when it is present."""
    candidate = Path(os.environ.get("NIANBAO_SHARED", PROJECT_ROOT.parent / "shared"))
    return candidate if candidate.is_dir() else None
