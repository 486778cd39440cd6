"""Issue 6 §4a: what `nianbao serve` publishes is read-only and time-limited.

A small archive is built through the archive API, served by the real `nianbao serve`
subprocess on 127.0.0.1, and attacked: writes through every SQL entry point Datasette 0.65
has, multi-statement and ATTACH/PRAGMA tricks, write canned queries, the database download,
and a recursive CTE that would run forever without the SQL time limit. The database file must
be byte-for-byte unchanged afterwards.
"""
from __future__ import annotations

import hashlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

import synth

archive = pytest.importorskip("archive")
if not hasattr(archive, "open_archive"):
    pytest.skip("archive has not landed yet", allow_module_level=True)

ROOT = Path(__file__).resolve().parents[2]
TIME_LIMIT_MS = 1000
SLOW = os.environ.get("NIANBAO_SLOW") == "1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build_archive(path: Path) -> None:
    db = archive.open_archive(path)
    sha = hashlib.sha256(b"stress-served").hexdigest()
    archive.load_manifest(db, [{"portal": "stress-test", "sha256": sha, "store_path": f"sha256/{sha[:2]}/{sha[2:4]}/{sha}",
                                "media_type": "text/html", "format": "html", "size": 100, "role": "detail",
                                "url": "http://127.0.0.1/x.html", "fetched_at": "2026-11-28T02:00:00Z",
                                "status": "new", "http_status": 200, "headers": {}}])
    report = {"title": synth.TITLE, "agency": synth.AGENCY, "year": synth.YEAR, "template": "2021", "format": "html",
              "status": "ok", "error": None, "warnings": [], "extractor_version": "stress", **synth.make_facts()}
    from extract.template import run_checks

    report["checks"] = run_checks(report)
    archive.load_report(db, sha, report, "stress-test")
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()


def sha_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def request_(url: str, data: dict | None = None, timeout: float = 20.0) -> tuple[int, str, float]:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    req = urllib.request.Request(url, data=body, method="POST" if body is not None else "GET")
    t0 = time.monotonic()
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read().decode("utf-8", "replace"), time.monotonic() - t0
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace"), time.monotonic() - t0


def _serve(tmp: Path, live: bool):
    db = tmp / "archive.db"
    build_archive(db)
    port = free_port()
    cmd = [sys.executable, "-m", "nianbao", "serve", "--db", str(db), "--port", str(port),
           "--sql-time-limit-ms", str(TIME_LIMIT_MS)] + (["--live"] if live else [])
    env = dict(os.environ, NIANBAO_DATA=str(tmp), PYTHONPATH=str(ROOT))
    log = open(tmp / "serve.log", "wb")
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"nianbao serve exited {proc.returncode}: {(tmp / 'serve.log').read_text()[-2000:]}")
        try:
            urllib.request.urlopen(base + "/-/versions.json", timeout=2).read()
            break
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("nianbao serve did not answer within 60 s")
    return proc, base, db, log


@pytest.fixture(scope="module", params=["immutable", pytest.param("live", marks=pytest.mark.slow)])
def served(request, tmp_path_factory):
    tmp = tmp_path_factory.mktemp(f"served-{request.param}")
    proc, base, db, log = _serve(tmp, live=request.param == "live")
    # The WAL/SHM files of a live open are not the database; hash the main file after checkpoint.
    before = sha_of(db)
    try:
        yield base, db
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
        log.close()
    assert sha_of(db) == before, "the served database file changed"
    import sqlite3

    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert con.execute("select count(*) from reports").fetchone()[0] == 1, "a report disappeared"
    con.close()


def dbname(db: Path) -> str:
    return db.stem


WRITES = [
    "DELETE FROM reports",
    "UPDATE reports SET year = 1900",
    "DROP TABLE reports",
    "INSERT INTO findings (code) VALUES ('x')",
    "CREATE TABLE pwned (x)",
    "select 1; DELETE FROM reports",
    "ATTACH DATABASE '/tmp/nianbao-stress-pwned.db' AS p",
    "PRAGMA writable_schema = 1",
    "VACUUM",
    "WITH x AS (SELECT 1) DELETE FROM reports",
    "select load_extension('/nonexistent/evil')",
    "REPLACE INTO reports (id) VALUES (1)",
]


ALL_ENTRY_POINTS = {"DELETE FROM reports", "ATTACH DATABASE '/tmp/nianbao-stress-pwned.db' AS p"}


def _write_params():
    for sql in WRITES:
        yield pytest.param(sql, id=sql[:40])


@pytest.mark.parametrize("sql", list(_write_params()))
def test_writes_fail(served, sql, request):
    base, db = served
    if "live" in request.node.callspec.id and sql not in ALL_ENTRY_POINTS and not SLOW:
        pytest.skip("live mode: the full list runs with NIANBAO_SLOW=1")
    name = dbname(db)
    q = urllib.parse.quote(sql)
    entry_points = [(f"{base}/{name}.json?sql={q}", None)]
    if sql in ALL_ENTRY_POINTS:
        entry_points += [(f"{base}/{name}?sql={q}", None), (f"{base}/{name}/-/query?sql={q}", None),
                         (f"{base}/{name}/-/query", {"sql": sql}), (f"{base}/{name}", {"sql": sql})]
    for url, data in entry_points:
        status, body, _ = request_(url, data)
        ok_json = False
        if status == 200 and url.endswith(".json?sql=" + q):
            ok_json = json.loads(body).get("ok", True)
        assert status != 200 or not ok_json, f"{sql!r} via {url.split('?')[0]} ({'POST' if data else 'GET'}) answered 200"
    assert not Path("/tmp/nianbao-stress-pwned.db").exists()


def test_rejected_statement_is_cheap(served):
    """Datasette 0.65 printed each handled error through rich with every local (the whole metadata):
    1-4 s of CPU per rejected statement or 404. `nianbao serve` now logs a plain traceback."""
    base, db = served
    secs = [request_(f"{base}/{dbname(db)}.json?sql=DELETE+FROM+reports")[2] for _ in range(3)]
    secs += [request_(f"{base}/{dbname(db)}/no_such_table")[2] for _ in range(2)]
    median = sorted(secs)[len(secs) // 2]
    assert median < 0.5, f"a rejected statement / 404 took {median:.1f} s to answer (median of {len(secs)})"


def test_write_api_and_download_refused(served):
    base, db = served
    name = dbname(db)
    for url, data in ((f"{base}/{name}/reports/-/insert", {"row": "{}"}),
                      (f"{base}/{name}/reports/-/drop", {"confirm": "1"}),
                      (f"{base}/{name}/-/create", {"table": "x"})):
        status, _, _ = request_(url, data)
        assert status >= 400, f"{url} answered {status}"  # 0.65 answers 500 on these: refused all the same
    status, body, _ = request_(f"{base}/{name}.db")
    assert status in (403, 404), f"the database file is downloadable ({status}); allow_download should be off"


def test_no_writable_canned_query(served):
    base, db = served
    status, body, _ = request_(f"{base}/-/metadata.json")
    assert status == 200
    meta = json.loads(body)
    for dname, d in (meta.get("databases") or {}).items():
        for qname, q in (d.get("queries") or {}).items():
            assert not (isinstance(q, dict) and q.get("write")), f"canned query {dname}/{qname} writes"


def test_pathological_query_is_cut_by_time_limit(served):
    base, db = served
    sql = ("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
           "SELECT count(*) FROM c")
    status, body, secs = request_(f"{base}/{dbname(db)}.json?sql={urllib.parse.quote(sql)}", timeout=30)
    assert status != 200 or json.loads(body).get("ok") is False, f"unbounded query answered 200: {body[:200]}"
    assert "too long" in body.lower() or "interrupted" in body.lower(), body[:300]
    # The answer itself is slow (Datasette renders a traceback, see the xfail above) and CI is busy:
    # a generous bound that an uncut query (it never ends) still fails.
    assert secs < TIME_LIMIT_MS / 1000 + 20, f"cut only after {secs:.1f} s (limit {TIME_LIMIT_MS} ms)"
    # a cartesian blow-up over the real tables is cut too
    sql = "SELECT count(*) FROM labels a, labels b, labels c, labels d, labels e"
    status, body, secs = request_(f"{base}/{dbname(db)}.json?sql={urllib.parse.quote(sql)}", timeout=30)
    assert secs < TIME_LIMIT_MS / 1000 + 20 and "too long" in body.lower(), body[:200]
    # and the server still answers afterwards
    status, _, _ = request_(f"{base}/{dbname(db)}.json?sql=select+1")
    assert status == 200
