"""The data folder's crawler part: the content-addressed store, the incremental state, the runs
(plain files, no SQLite).

    store/sha256/<aa>/<bb>/<sha256>      write-once document bytes
    crawl/state/<portal>.json            per-portal state: listing validators, done detail URLs,
                                         fetched document URLs -> sha256, the portal's night count
                                         and when each unfinished report page is due again
    crawl/runs/<run>/                    manifest.jsonl, health.jsonl (crawler.pipelines, crawler.extensions)
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from nianbao.config import get_settings


def data_dir(settings) -> Path:
    return Path(settings.get("NIANBAO_DATA") or get_settings().data).resolve()


def run_id(settings) -> str:
    """The run's id: set once per crawler (the first caller fixes it in the settings if unset)."""
    value = settings.get("NIANBAO_RUN_ID") or get_settings().run_id
    if not value:
        value = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        if not settings.frozen:
            settings.set("NIANBAO_RUN_ID", value, priority="spider")
    return value


def run_dir(settings) -> Path:
    return data_dir(settings) / "crawl" / "runs" / run_id(settings)


def store_rel(sha256: str) -> str:
    return f"sha256/{sha256[:2]}/{sha256[2:4]}/{sha256}"


class Store:
    def __init__(self, data_dir: Path):
        self.root = Path(data_dir) / "store"

    def path(self, sha256: str) -> Path:
        return self.root / store_rel(sha256)

    def has(self, sha256: str) -> bool:
        return self.path(sha256).exists()

    def put(self, data: bytes) -> tuple[str, str, bool]:
        """Store ``data``; returns (sha256, store_rel, new). Never overwrites."""
        sha = hashlib.sha256(data).hexdigest()
        dest = self.path(sha)
        if dest.exists():
            return sha, store_rel(sha), False
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            if dest.exists():  # another process won the race; same bytes by construction
                os.unlink(tmp)
                return sha, store_rel(sha), False
            os.replace(tmp, dest)
            os.chmod(dest, 0o444)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
        return sha, store_rel(sha), True


RETRY_GAP_CAP = 32   # nights: the longest wait between two asks of a page that keeps failing or stays empty


def retry_gap(misses: int, first: int = 1) -> int:
    """Nights to wait after the ``misses``-th failed (or empty) answer in a row: ``first``, then
    doubled each time (1, 2, 4 … with ``first=1``), at most ``RETRY_GAP_CAP``."""
    return min(RETRY_GAP_CAP, first * 2 ** max(0, misses - 1))


class PortalState:
    """What one portal's earlier crawls learned. Saved atomically at the end of a crawl."""

    def __init__(self, data_dir: Path, portal: str):
        self.file = Path(data_dir) / "crawl" / "state" / f"{portal}.json"
        try:
            raw = json.loads(self.file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raw = {}
        self.listings: dict[str, dict] = raw.get("listings", {})   # url -> {etag, last_modified}
        self.details: dict[str, dict] = raw.get("details", {})     # detail url -> {done, docs}
        self.documents: dict[str, str] = raw.get("documents", {})  # document url -> sha256
        # this portal's crawls so far ("nights"; a crawl counts once, begin_night): what a
        # not-done report page's ``retry_at`` is measured in
        self.night: int = int(raw.get("night", 0))

    def begin_night(self) -> None:
        self.night += 1

    def save(self) -> None:
        self.file.parent.mkdir(parents=True, exist_ok=True)
        data = {"listings": self.listings, "details": self.details, "documents": self.documents,
                "night": self.night}
        fd, tmp = tempfile.mkstemp(dir=self.file.parent, prefix=".tmp-")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, indent=0, sort_keys=True)
        os.replace(tmp, self.file)

    def detail_done(self, url: str) -> bool:
        return bool(self.details.get(url, {}).get("done"))

    def detail_due(self, url: str) -> bool:
        """Whether a report page that is not done may be asked this night (its back-off is over;
        entries saved before back-offs existed are due)."""
        return int(self.details.get(url, {}).get("retry_at", 0)) <= self.night
