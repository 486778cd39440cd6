"""The flows end to end against the offline sample portal site on 127.0.0.1: real crawler
(Scrapy subprocesses), real extractor, real archive; one Prefect test server for the session."""
from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def site():
    from nianbao.demo.sample_site import sample_site

    with sample_site(port=0) as s:
        old = os.environ.get("NIANBAO_SAMPLE_BASE")
        os.environ["NIANBAO_SAMPLE_BASE"] = s.base_url
        try:
            yield s
        finally:
            if old is None:
                os.environ.pop("NIANBAO_SAMPLE_BASE", None)
            else:
                os.environ["NIANBAO_SAMPLE_BASE"] = old


def snapshot(db_path: Path) -> dict:
    """The archive's content, independent of row ids and timestamps."""
    con = sqlite3.connect(db_path)
    q = lambda sql: sorted(tuple(r) for r in con.execute(sql))  # noqa: E731
    rid = "(select sha256 from reports r where r.id = f.report)"
    snap = {
        "documents": q("select sha256, format, size, store_path from documents"),
        "sources": q("select sha256, url, portal, year_hint, role from sources"),
        "reports": q("select sha256, portal, year, status, error_code, title, extractor_version, report_hash "
                     "from reports"),
        "applications": q(f"select {rid}, row, applicant, value, raw from applications f"),
        "active_disclosure": q(f"select {rid}, category, measure, value, raw from active_disclosure f"),
        "review_litigation": q(f"select {rid}, [group], outcome, value, raw from review_litigation f"),
        "checks": q(f"select {rid}, code, [column], passed from checks f"),
        "findings": q("select kind, passed, portal, agency, year, [column], expected, actual from findings"),
    }
    con.close()
    return snap


def integrity(db_path: Path) -> str:
    con = sqlite3.connect(db_path)
    try:
        return con.execute("pragma integrity_check").fetchone()[0]
    finally:
        con.close()


@pytest.fixture(scope="session")
def reference(prefect_harness, site, tmp_path_factory):
    """One uninterrupted nightly run over the sample site (shared by the tests below)."""
    from flows.pipeline import nightly

    d = tmp_path_factory.mktemp("reference")
    old = os.environ.get("NIANBAO_DATA")
    os.environ["NIANBAO_DATA"] = str(d)
    try:
        summary = nightly(registry=str(site.registry_path))
    finally:
        if old is None:
            os.environ.pop("NIANBAO_DATA", None)
        else:
            os.environ["NIANBAO_DATA"] = old
    return d, summary


def test_nightly_archives_the_sample_site(reference, site):
    d, s = reference
    truth = site.truth
    assert s["portals_crawled"] == len(site.portals())
    blocked = {b["portal"] for b in s["blocked_portals"]}
    assert blocked and all("blocked" in p for p in blocked)
    snap = snapshot(d / "archive.db")
    assert len(snap["reports"]) == s["documents_processed"] > 0
    assert s["reports_extracted"] > 0 and snap["applications"]
    # every portal that is not behind a wall and publishes reports has some in the archive
    with_reports = {r[1] for r in snap["reports"]}
    for pid, items in truth.items():
        if pid not in blocked and any(i.get("kind", "report") == "report" for i in items if isinstance(i, dict)):
            assert pid in with_reports, pid
    con = sqlite3.connect(d / "archive.db")
    run = con.execute("select flow, status, documents_processed, reports_extracted, blocked from runs").fetchall()
    assert run == [("nightly", s["status"], s["documents_processed"], s["reports_extracted"], len(blocked))]
    assert integrity(d / "archive.db") == "ok"
    # the extraction cache survives the process: one JSON file per (document, extractor version)
    from flows import parts

    cached = list((d / "extracted" / parts.extractor_version()).glob("*.json"))
    assert len(cached) + len(list((d / "extracted").rglob("transient/*.json"))) == s["documents_processed"]


def test_second_run_adds_nothing(reference, site, tmp_path, monkeypatch):
    from flows.pipeline import nightly

    src, _ = reference
    d = tmp_path / "data"
    shutil.copytree(src, d, ignore=shutil.ignore_patterns("prefect"))
    monkeypatch.setenv("NIANBAO_DATA", str(d))
    before = snapshot(d / "archive.db")
    s = nightly(registry=str(site.registry_path))
    assert s["documents_processed"] == 0 and s["new_documents"] == 0
    assert snapshot(d / "archive.db") == before
    con = sqlite3.connect(d / "archive.db")
    assert con.execute("select count(*) from runs").fetchone()[0] == 2


def test_backfill_by_year(prefect_harness, site, data):
    from flows.pipeline import backfill

    s = backfill(years=[2023], registry=str(site.registry_path), portals=["sample-trs-hongze", "sample-gd"])
    assert s["portals_crawled"] == 2
    con = sqlite3.connect(data / "archive.db")
    portals = {r[0] for r in con.execute("select portal from reports")}
    assert portals <= {"sample-trs-hongze", "sample-gd"}
    hints = {r[0] for r in con.execute("select year_hint from sources where year_hint is not null")}
    assert hints and hints <= {2023}, hints
    assert con.execute("select count(*) from reports").fetchone()[0] == s["documents_processed"] > 0


def test_reextract_after_version_bump(reference, tmp_path, monkeypatch):
    from flows import parts
    from flows.pipeline import reextract

    src, _ = reference
    d = tmp_path / "data"
    shutil.copytree(src, d, ignore=shutil.ignore_patterns("prefect"))
    monkeypatch.setenv("NIANBAO_DATA", str(d))
    before = snapshot(d / "archive.db")
    old = parts.extractor_version()
    s = reextract(where="all")  # same version: everything from the cache, nothing changes
    assert s["documents_processed"] == len(before["reports"])
    assert snapshot(d / "archive.db")["applications"] == before["applications"]

    new = old + "+test"
    real_extract = parts.extract_bytes

    def bumped(data, filename=None):
        r = real_extract(data, filename)
        r["extractor_version"] = new
        return r

    monkeypatch.setattr(parts, "extractor_version", lambda: new)
    monkeypatch.setattr(parts, "extract_bytes", bumped)
    s = reextract()  # default: outdated
    assert s["documents_processed"] == len(before["reports"]) and s["extractor_version"] == new
    after = snapshot(d / "archive.db")
    assert {r[6] for r in after["reports"]} == {new}
    assert after["applications"] == before["applications"]
    assert (d / "extracted" / new).is_dir()
    assert reextract()["documents_processed"] == 0  # nothing outdated any more
    s = reextract(where=f"portal:sample-gd,version:{new}")
    assert 0 < s["documents_processed"] < len(before["reports"])


def test_sigkill_midway_then_rerun_equals_uninterrupted(reference, site, tmp_path, monkeypatch):
    """Kill a `nianbao run` process group (the CLI, its Scrapy subprocesses) with SIGKILL once it is
    extracting, run again, and compare with the uninterrupted run."""
    from flows.pipeline import nightly

    ref_dir, _ = reference
    d = tmp_path / "data"
    env = dict(os.environ, NIANBAO_DATA=str(d), NIANBAO_SAMPLE_BASE=site.base_url, NIANBAO_PROGRESS="0")
    # the session's test server, so the subprocess does not spend its time migrating a fresh
    # Prefect database; it is not in the killed process group
    from prefect.settings import PREFECT_API_URL

    env["PREFECT_API_URL"] = PREFECT_API_URL.value()
    cmd = [sys.executable, "-m", "nianbao", "run", "--registry", str(site.registry_path)]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 240
    killed = False
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            # midway: some documents extracted (cache files), not all loaded yet
            if any((d / "extracted").rglob("*.json")) if (d / "extracted").exists() else False:
                os.killpg(proc.pid, signal.SIGKILL)
                killed = True
                break
            time.sleep(0.05)
    finally:
        if proc.poll() is None and not killed:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(30)
    out = proc.stdout.read().decode(errors="replace")
    assert killed, f"the run finished before it could be killed:\n{out[-2000:]}"
    monkeypatch.setenv("NIANBAO_DATA", str(d))
    nightly(registry=str(site.registry_path))
    assert integrity(d / "archive.db") == "ok"
    got, want = snapshot(d / "archive.db"), snapshot(ref_dir / "archive.db")
    for table in want:
        assert got[table] == want[table], table
    con = sqlite3.connect(d / "archive.db")
    assert con.execute("select count(*) - count(distinct sha256) from reports").fetchone()[0] == 0
    assert con.execute("select count(*) - count(distinct sha256 || url) from sources").fetchone()[0] == 0
