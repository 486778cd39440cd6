"""Fixtures: an archive built once per session (see archive_build.py)."""
from __future__ import annotations

import pytest
from archive_build import build


@pytest.fixture(scope="session")
def built(shared, tmp_path_factory):
    path = tmp_path_factory.mktemp("archive") / "archive.db"
    db, items, ids = build(path, shared)
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return {"path": path, "items": items, "ids": ids}


@pytest.fixture(scope="session")
def ds(built):
    from archive.cli import make_datasette

    return make_datasette(built["path"])
