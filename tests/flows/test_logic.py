"""The flows' own logic over fakes of the three parts: catch-up, caching, failure accounting."""
import json

import sqlite_utils

from tests.flows import fakes


def _setup(monkeypatch):
    web, ext = fakes.FakeWeb(), fakes.FakeExtractor()
    fakes.install(monkeypatch, web, ext)
    return web, ext


def test_nightly_idempotent_and_partial_failure(prefect_harness, data, monkeypatch):
    from flows.pipeline import nightly

    web, ext = _setup(monkeypatch)
    web.broken.add("c")
    s1 = nightly()
    assert s1["failed_portals"] == ["c"]
    assert s1["status"] == "partial"
    assert s1["documents_processed"] == 4  # a:2, b:2 (one garbage)
    assert s1["reports_by_status"] == {"ok": 3, "error": 1}
    db = sqlite_utils.Database(data / "archive.db")
    assert db["reports"].count == 4
    # the portal comes back: only its document is new; nothing is re-extracted
    web.broken.clear()
    calls = ext.calls
    s2 = nightly()
    assert s2["documents_processed"] == 1 and ext.calls == calls + 1
    assert s2["failed_checks"] == 1 and s2["status"] == "ok"
    s3 = nightly()
    assert s3["documents_processed"] == 0 and s3["new_documents"] == 0
    assert db["reports"].count == 5 and db["runs"].count == 3


def test_catch_up_after_unloaded_crawl(prefect_harness, data, monkeypatch):
    """A crawl whose manifest never reached the archive (the process died) is loaded next run."""
    from flows.pipeline import nightly

    web, ext = _setup(monkeypatch)
    web.crawl(["a"], None, False, "killed-run", data)  # crawled, then the process died
    s = nightly()  # the crawler now thinks a's documents are known and does not list them again
    assert s["documents_processed"] == 5
    assert sqlite_utils.Database(data / "archive.db")["reports"].count == 5


def test_backfill_slice_and_reextract(prefect_harness, data, monkeypatch):
    from flows.pipeline import backfill, reextract

    web, ext = _setup(monkeypatch)
    s = backfill(regions=["13"], years=[2023])
    assert {c[0] for c in web.crawls} == {("a",), ("b",)}
    assert all(c[1] == (2023,) for c in web.crawls)
    assert s["documents_processed"] == 3  # a 2023, b 2023, b garbage (no year: kept)
    db = sqlite_utils.Database(data / "archive.db")
    before = ext.calls
    s = reextract(where="all")  # same version: served from the cache
    assert s["documents_processed"] == 3 and ext.calls == before
    ext.version = "fake-2"
    s = reextract()  # outdated
    assert s["documents_processed"] == 3 and ext.calls == before + 3
    assert {r["extractor_version"] for r in db["reports"].rows} == {"fake-2"}
    assert (data / "extracted" / "fake-2").is_dir()
    s = reextract(where="portal:a")
    assert s["documents_processed"] == 1
    runs = list(db["runs"].rows)
    assert json.loads(runs[-1]["parameters"]) == {"where": "portal:a", "refresh": False}


def test_select_documents_filters():
    from flows.pipeline import select_documents

    index = {"aa": {"portal": "p", "year_hint": 2022}, "bb": {"portal": "q", "year_hint": 2023},
             "cc": {"portal": "p", "year_hint": 2023}}
    state = {"aa": {"extractor_version": "1", "status": "ok", "year": 2022},
             "bb": {"extractor_version": "2", "status": "error"}}
    assert select_documents(index, state, mode="pending", version="2") == ["cc"]
    assert select_documents(index, state, mode="where", version="2", where="outdated") == ["aa", "cc"]
    assert select_documents(index, state, mode="where", version="2", where="failed") == ["bb"]
    assert select_documents(index, state, mode="where", version="2", where="portal:p,year:2023") == ["cc"]
    assert select_documents(index, state, mode="where", version="2", where="version:1") == ["aa"]
