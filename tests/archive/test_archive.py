"""The archive's loading, idempotency, re-extraction, corrections, findings and search — on the
corpus's expected JSONs (as extraction outputs) and tests/fixtures/archive/."""
from __future__ import annotations

import copy
import datetime as dt
import json

import pytest
import sqlite_utils

from archive import add_correction, cross_report_checks, load_manifest, load_report, open_archive, record_run
from archive.search import search_tokens
from extract import template as T

from archive_build import FIXTURES, build, manifest_records


def _dump(db) -> dict:
    """Everything that matters, for comparing two states of an archive."""
    out = {}
    for t in ("portals", "documents", "sources", "reports", "active_disclosure", "applications", "review_litigation",
              "checks", "corrections", "report_numbers"):
        rows = [dict(r) for r in db[t].rows]
        for r in rows:
            r.pop("loaded_at", None)
        out[t] = rows
    out["fts"] = db.execute("SELECT count(*) FROM reports_fts WHERE reports_fts MATCH '\"复议\"'").fetchone()[0]
    return out


def test_schema_and_counts(built):
    db = sqlite_utils.Database(built["path"])
    tables = set(db.table_names())
    assert {"portals", "documents", "sources", "reports", "active_disclosure", "applications", "review_litigation",
            "checks", "findings", "corrections", "runs", "labels", "application_rows", "applicant_columns",
            "review_groups", "review_outcomes", "disclosure_categories", "disclosure_measures", "identities",
            "reports_fts"} <= tables
    assert {"report_totals", "applications_corrected", "review_litigation_corrected",
            "active_disclosure_corrected", "applications_labelled"} <= set(db.view_names())
    assert db["reports"].count == len(built["items"])
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    # labels generated from extract/template.py, official text and order
    rows = list(db.query("SELECT key, label FROM application_rows ORDER BY position"))
    assert [r["key"] for r in rows] == [r.key for r in T.ALL_APPLICATION_ROWS]
    assert rows[12] == {"key": "unable_not_held", "label": "1.本机关不掌握相关政府信息"}
    assert db["labels"].count == len(T.label_rows())
    assert db["identities"].get("applications.balance")["label"] == T.IDENTITIES[0].label


def test_one_document_two_sources(built):
    db = sqlite_utils.Database(built["path"])
    multi = list(db.query("SELECT sha256, count(*) n FROM sources GROUP BY sha256 HAVING n > 1"))
    assert len(multi) == 1 and multi[0]["n"] == 2
    assert db["documents"].get(multi[0]["sha256"])["first_seen"] == "2026-11-28T02:00:03Z"


def test_exact_numbers(built):
    db = sqlite_utils.Database(built["path"])
    ids = built["ids"]
    t = {r["id"]: r for r in db.query("SELECT * FROM report_totals")}
    hz23, hz24, xt = t[ids["hongze/hongze-2023"]], t[ids["hongze/hongze-2024"]], t[ids["xingtai-2024-seed"]]
    assert (hz23["new_received"], hz23["not_held"], hz23["review_corrected"], hz23["review_total"]) == (21, 10, 1, 0)
    assert hz23["fees_10k_yuan"] == 7730.28 and hz23["region_code"] == "320813" and hz23["level"] == "county"
    assert (hz24["new_received"], hz24["not_held"]) == (95, 31)
    assert (xt["new_received"], xt["not_held"], xt["carried_over"], xt["carried_forward"]) == (227, 104, 7, 10)
    # table 三 of a 2019-style （六）其他处理 row in a 2021 table is kept as printed
    assert db.execute("SELECT value FROM applications WHERE report = ? AND row = 'other_handling' AND applicant = 'total'",
                      [ids["hongze/hongze-2023"]]).fetchone()[0] == 0
    # provenance lands on the fact row
    row = db.execute("SELECT raw, page, bbox FROM applications WHERE report = ? AND row = 'new_received' "
                     "AND applicant = 'total'", [ids["shili-2023"]]).fetchone()
    assert row == ("120", 3, "[400.1, 210.5, 430.2, 225.0]")
    # a null cell stays null, never zero
    assert db.execute("SELECT value FROM active_disclosure WHERE report = ? AND category = 'coercion'",
                      [ids["shili-2023"]]).fetchone()[0] is None
    # the extractor's own checks: 洪泽 2023 table 四 totals of 0 beside non-zero parts
    failed = db.execute("SELECT code, [column] FROM checks WHERE report = ? AND passed = 0 ORDER BY [column]",
                        [ids["hongze/hongze-2023"]]).fetchall()
    assert failed == [("review_litigation.total", "litigation_after_review"), ("review_litigation.total", "review")]
    assert t[ids["hongze/hongze-2023"]]["failed_checks"] == 2
    # checks absent from an extraction (the xingtai expected file) are evaluated on load
    assert db.execute("SELECT count(*) FROM checks WHERE report = ?", [ids["xingtai-2024-seed"]]).fetchone()[0] > 0


def test_idempotent_loading(tmp_path, shared):
    db, items, _ = build(tmp_path / "a.db", shared)
    before = _dump(db)
    for it in items:
        load_report(db, it["sha256"], it["report"], it["portal"])

    load_manifest(db, manifest_records(items))
    assert _dump(db) == before


def test_reextraction_replaces_atomically_and_keeps_corrections(tmp_path, monkeypatch):
    db = open_archive(tmp_path / "a.db")
    r = json.loads((FIXTURES / "shili-2024.json").read_text(encoding="utf-8"))
    rid = load_report(db, "ab" * 32, r, "demo-shili")
    cid = add_correction(db, who="王审核", why="表三总计印刷错误，按各项之和更正", table="applications", report=rid,
                         keys="results_total.total", value=151)
    v = db.execute("SELECT value, extracted_value, correction FROM applications_corrected WHERE report = ? "
                   "AND row = 'results_total' AND applicant = 'total'", [rid]).fetchone()
    assert v == (151, 152, cid)
    assert db.execute("SELECT results_total FROM report_totals WHERE id = ?", [rid]).fetchone()[0] == 151
    assert db.execute("SELECT total, natural_person, correction FROM applications_wide WHERE report = ? "
                      "AND row = 'results_total'", [rid]).fetchone() == (151, 152, cid)
    # the extracted value is never overwritten
    assert db.execute("SELECT value FROM applications WHERE report = ? AND row = 'results_total' AND applicant = 'total'",
                      [rid]).fetchone()[0] == 152

    # a new extractor version: different numbers, a row dropped
    r2 = copy.deepcopy(r)
    r2["extractor_version"] = "fixture-2"
    r2["applications"]["new_received"]["total"] = 151
    del r2["applications"]["other_other"]
    r2["review_litigation"] = {}
    assert load_report(db, "ab" * 32, r2, "demo-shili") == rid  # same report id
    assert db.execute("SELECT extractor_version FROM reports WHERE id = ?", [rid]).fetchone()[0] == "fixture-2"
    assert db.execute("SELECT value FROM applications WHERE report = ? AND row = 'new_received' AND applicant = 'total'",
                      [rid]).fetchone()[0] == 151
    assert db.execute("SELECT count(*) FROM applications WHERE report = ? AND row = 'other_other'", [rid]).fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM review_litigation WHERE report = ?", [rid]).fetchone()[0] == 0
    # the correction survives
    assert db.execute("SELECT value FROM applications_corrected WHERE report = ? AND row = 'results_total' "
                      "AND applicant = 'total'", [rid]).fetchone()[0] == 151
    # search index follows the new text, not the old
    r3 = copy.deepcopy(r2)
    r3["text"] = "完全不同的正文：听证"
    load_report(db, "ab" * 32, r3, "demo-shili")
    q = "SELECT rowid FROM reports_fts WHERE reports_fts MATCH ?"
    assert db.execute(q, ['"听证"']).fetchall() == [(rid,)]
    assert db.execute(q, ['"行政诉讼"']).fetchall() == []
    assert db.execute("INSERT INTO reports_fts(reports_fts) VALUES ('integrity-check')") is not None

    # a failing load leaves the previous extraction intact (one transaction)
    bad = copy.deepcopy(r3)
    bad["year"] = 1999
    import archive.search

    def boom(*a, **k):
        raise RuntimeError("disk full")  # fails after the facts were deleted and re-inserted

    monkeypatch.setattr(archive.search, "index_report", boom)
    with pytest.raises(RuntimeError):
        load_report(db, "ab" * 32, bad, "demo-shili")
    monkeypatch.undo()
    assert db.execute("SELECT year FROM reports WHERE id = ?", [rid]).fetchone()[0] == 2024
    assert db.execute("SELECT count(*) FROM applications WHERE report = ?", [rid]).fetchone()[0] > 100


def test_correction_adds_a_missing_cell(tmp_path):
    db = open_archive(tmp_path / "a.db")
    r = json.loads((FIXTURES / "shili-2023.json").read_text(encoding="utf-8"))
    del r["review_litigation"]["litigation_direct"]
    rid = load_report(db, "cd" * 32, r, "demo-shili")
    add_correction(db, who="李", why="表四漏读一行", table="review_litigation", report=rid,
                   keys="litigation_direct.total", value=4)
    rows = db.execute("SELECT [group], outcome, value, extracted_value FROM review_litigation_corrected "
                      "WHERE report = ? AND [group] = 'litigation_direct'", [rid]).fetchall()
    assert rows == [("litigation_direct", "total", 4, None)]
    with pytest.raises(ValueError):
        add_correction(db, who="", why="x", table="applications", report=rid, keys="a.b", value=1)


def test_cross_report_findings(built):
    db = sqlite_utils.Database(built["path"])
    ids = built["ids"]
    breaks = db.execute("SELECT report, previous_report, [column], actual, expected FROM findings "
                        "WHERE kind = 'continuity.carried_over' AND passed = 0 ORDER BY [column]").fetchall()
    assert breaks == [(ids["shili-2024"], ids["shili-2023"], "natural_person", 9, 7),
                      (ids["shili-2024"], ids["shili-2023"], "total", 9, 7)]
    ok = db.execute("SELECT count(*) FROM findings WHERE kind = 'continuity.carried_over' AND passed = 1 "
                    "AND report = ?", [ids["hongze/hongze-2024"]]).fetchone()[0]
    assert ok == 7
    missing = db.execute("SELECT portal, year FROM findings WHERE kind = 'missing.report' ORDER BY portal, year").fetchall()
    # 缺报 only where a successful crawl after the deadline covered the year (archive_build.health_records)
    assert missing == [("demo-shili", 2022), ("demo-shili", 2025), ("hebei-xingtai", 2022), ("hebei-xingtai", 2023),
                       ("hebei-xingtai", 2025), ("huaian-hongze", 2025)]
    unknown = {(r[0], r[1]): json.loads(r[2]) for r in db.execute(
        "SELECT portal, year, evidence FROM findings WHERE kind = 'missing.unknown' AND state = 'unknown'")}
    assert sorted(unknown) == [("demo-quiet", 2022), ("demo-quiet", 2023), ("demo-quiet", 2024), ("demo-quiet", 2025),
                               ("huaian-hongze", 2022)]
    assert unknown[("demo-quiet", 2024)]["blocked"] == "rs-412"  # blocked: never 缺报
    assert unknown[("huaian-hongze", 2022)]["listing_oldest_year"] == 2023  # older than the listing shows
    assert all(json.loads(e)["last_successful_crawl"] for (e,) in db.execute(
        "SELECT evidence FROM findings WHERE kind = 'missing.report'"))


def test_deadlines(tmp_path, shared):
    db, _, _ = build(tmp_path / "a.db", shared)
    # 15 February 2026: departments' 2025 reports were due 31 January; governments' not until 31 March
    found = cross_report_checks(db, today=dt.date(2026, 2, 15), years=[2025])
    missing = sorted(f["portal"] for f in found if f["kind"] == "missing.report")
    assert missing == ["demo-shili", "hebei-xingtai"]
    assert cross_report_checks(db, today=dt.date(2026, 1, 31), years=[2025]) and not [
        f for f in cross_report_checks(db, today=dt.date(2026, 1, 31), years=[2025]) if f["kind"] == "missing.report"]


def test_record_run_is_an_upsert(tmp_path):
    db = open_archive(tmp_path / "a.db")
    s = {"run_id": "r1", "flow": "nightly", "portals_crawled": 3, "requests": 40, "new_documents": 2,
         "reports_extracted": 2, "failed_checks": 1, "errors": [{"kind": "x"}], "error_count": 1,
         "blocked_portals": [{"portal": "p", "kind": "rs-412"}], "duration_s": 12.5, "status": "ok"}
    record_run(db, s)
    record_run(db, {**s, "status": "partial"})
    rows = list(db["runs"].rows)
    assert len(rows) == 1 and rows[0]["blocked"] == 1 and rows[0]["status"] == "partial"
    assert json.loads(rows[0]["summary"])["requests"] == 40


@pytest.mark.parametrize("word,must", [
    ("复议", {"shili-2023", "xingtai-2024-seed", "hongze/hongze-2023"}),
    ("行政复议", {"shili-2023", "xingtai-2024-seed", "hongze/hongze-2023"}),
    ("诉讼", {"shili-2024", "xingtai-2024-seed"}),
    ("政府信息公开", {"shili-2023", "shili-2024", "xingtai-2024-seed", "hongze/hongze-2024"}),
    ("本机关不掌握", {"shili-2023", "xingtai-2024-seed"}),
    ("结果纠正", {"shili-2023"}),  # xingtai prints 结果/纠正 on two lines of a table header
])
def test_search_finds_the_right_reports(built, word, must):
    db = sqlite_utils.Database(built["path"])
    ids = {v: k for k, v in built["ids"].items()}
    hits = {ids[r[0]] for r in db.execute("SELECT rowid FROM reports_fts WHERE reports_fts MATCH ?", [f'"{word}"'])}
    assert must <= hits
    # exactly the reports whose title/agency/text contain the word: no misses, no false positives
    import zhconv

    truth = {ids[rid] for rid, blob in db.execute(
        "SELECT id, coalesce(title,'') || ' ' || coalesce(agency,'') || ' ' || coalesce(text,'') FROM reports")
        if word in zhconv.convert(blob, "zh-cn")}
    assert hits == truth


def test_tokens():
    toks = set(search_tokens("因政府信息公开被申请行政复议3件，本机关不掌握相关政府信息；Datasette").split())
    assert {"复议", "行政复议", "政府信息公开", "本机关不掌握", "datasette", "3"} <= toks
    assert "被申请行政复" not in toks  # no arbitrary 6-grams
    assert "复议" in search_tokens("行政復議").split()  # traditional characters are folded


def test_aggregates_apply_correction_deltas(tmp_path):
    """outcome_mix sums the fact table plus correction deltas; it must equal summing the corrected view."""
    from archive.metadata import canned_queries

    db = open_archive(tmp_path / "a.db")
    for y in (2023, 2024):
        r = json.loads((FIXTURES / f"shili-{y}.json").read_text(encoding="utf-8"))
        load_report(db, f"{y:064x}", r, "demo-shili")
    sql = canned_queries()["outcome_mix"]["sql"]
    before = {row[1]: row[3] for row in db.execute(sql, {"year": "", "region": ""})}
    assert before["（一）予以公开"] == 50 + 70
    add_correction(db, who="a", why="b", table="applications", report=1, keys="granted.total", value=55)
    add_correction(db, who="a", why="later one wins", table="applications", report=1, keys="granted.total", value=60)
    add_correction(db, who="a", why="missing cell", table="applications", report=2, keys="other_handling.total", value=3)
    after = {row[1]: row[3] for row in db.execute(sql, {"year": "", "region": ""})}
    assert after["（一）予以公开"] == 60 + 70 and after["（六）其他处理"] == 3
    via_view = dict(db.execute(
        "SELECT ar.label, sum(a.value) FROM applications_corrected a JOIN application_rows ar ON ar.key = a.row "
        "WHERE a.applicant = 'total' AND ar.is_result = 1 GROUP BY ar.key").fetchall())
    assert {k: v for k, v in after.items() if v} == {k: v for k, v in via_view.items() if v}


def _numbers_recomputed(db) -> tuple[list, list]:
    """report_numbers as stored, and as computed afresh from the facts and corrections."""
    from archive import schema

    cols = ", ".join(f"[{c}]" for c in schema.NUMBERS_COLS)
    stored = db.execute(f"SELECT {cols} FROM report_numbers ORDER BY id").fetchall()
    db.execute("CREATE TEMP TABLE fresh AS SELECT * FROM report_numbers WHERE 0")
    db.execute(schema.numbers_refresh_sql("1 = 1").replace("INTO [report_numbers]", "INTO temp.fresh"))
    fresh = db.execute(f"SELECT {cols} FROM temp.fresh ORDER BY id").fetchall()
    db.execute("DROP TABLE temp.fresh")
    return stored, fresh


def test_report_numbers_stay_current(tmp_path, shared):
    """The stored per-report numbers equal a fresh computation after loading, bulk loading,
    re-extraction, corrections and a registry update; an older archive is backfilled on open."""
    from archive import load_portals, load_reports_bulk, schema

    from archive_build import PORTALS, corpus_reports

    db, items, ids = build(tmp_path / "a.db", shared)
    stored, fresh = _numbers_recomputed(db)
    assert stored == fresh and len(stored) == len(items)
    rid = ids["shili-2024"]
    add_correction(db, who="王", why="印刷错误", table="applications", report=rid, keys="granted.total", value=71)
    add_correction(db, who="王", why="漏读", table="review_litigation", report=rid, keys="review.corrected", value=2)
    assert db.execute("SELECT granted, review_corrected FROM report_totals WHERE id = ?", [rid]).fetchone() == (71, 2)
    r = copy.deepcopy(next(it for it in items if it["name"] == "shili-2024"))
    r["report"]["applications"]["new_received"]["total"] = 999
    load_report(db, r["sha256"], r["report"], r["portal"])
    assert db.execute("SELECT new_received, granted FROM report_totals WHERE id = ?", [rid]).fetchone() == (999, 71)
    load_portals(db, [{**PORTALS[0], "region_code": "139999"}])
    assert db.execute("SELECT region_code FROM report_totals WHERE id = ?", [rid]).fetchone()[0] == "139999"
    stored, fresh = _numbers_recomputed(db)
    assert stored == fresh

    # the bulk path computes the rows in Python: same result as the SQL path
    bulk = open_archive(tmp_path / "b.db")
    load_portals(bulk, PORTALS)
    load_reports_bulk(bulk, [(it["sha256"], it["report"], it["portal"]) for it in corpus_reports(shared)])
    stored_b, fresh_b = _numbers_recomputed(bulk)
    assert stored_b == fresh_b
    cols = [c for c in schema.NUMBERS_COLS if c != "id"]
    one = open_archive(tmp_path / "c.db")
    load_portals(one, PORTALS)
    for it in corpus_reports(shared):
        load_report(one, it["sha256"], it["report"], it["portal"])
    q = f"SELECT {', '.join(cols)} FROM report_numbers ORDER BY sha256"
    assert bulk.execute(q).fetchall() == one.execute(q).fetchall()

    # an archive from before report_numbers (its migration not applied): opening it backfills the table
    one.execute("DROP TABLE report_numbers")
    one.execute("DELETE FROM _sqlite_migrations WHERE name = 'm002_report_numbers'")
    one.conn.commit()
    one.close()
    reopened = open_archive(tmp_path / "c.db")
    assert reopened.execute(q).fetchall() == bulk.execute(q).fetchall()


# --------------------------------------------------------------------------- schema history, opening
def test_migrations_have_history(built):
    from archive.migrations import migrations

    db = sqlite_utils.Database(built["path"])
    applied = [r["name"] for r in db.query(
        "SELECT name FROM _sqlite_migrations WHERE migration_set = 'nianbao' ORDER BY id")]
    assert applied == [m.name for m in migrations._migrations] and applied[0] == "m001_initial"
    assert migrations.pending(db) == []
    assert "idx_findings_kind" not in {i.name for i in db["findings"].indexes}


def _writes_while(path, fn) -> tuple[list, int]:
    """The writing statements (authorizer actions) and total_changes while ``fn(db)`` runs."""
    import sqlite3

    write_actions = {sqlite3.SQLITE_INSERT, sqlite3.SQLITE_UPDATE, sqlite3.SQLITE_DELETE,
                     sqlite3.SQLITE_CREATE_TABLE, sqlite3.SQLITE_CREATE_INDEX, sqlite3.SQLITE_CREATE_VIEW,
                     sqlite3.SQLITE_DROP_TABLE, sqlite3.SQLITE_DROP_INDEX, sqlite3.SQLITE_DROP_VIEW,
                     sqlite3.SQLITE_ALTER_TABLE, sqlite3.SQLITE_CREATE_VTABLE, sqlite3.SQLITE_DROP_VTABLE}
    seen = []

    def auth(action, a, b, dbname, trigger):
        if action in write_actions and dbname != "temp":
            seen.append((action, a, b))
        return sqlite3.SQLITE_OK

    db = sqlite_utils.Database(path)
    db.conn.set_authorizer(auth)
    fn(db)
    changes = db.conn.total_changes
    db.close()
    return seen, changes


def test_opening_a_current_archive_writes_nothing(tmp_path, shared):
    import os

    db, _, _ = build(tmp_path / "a.db", shared)
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    files = [tmp_path / "a.db", tmp_path / "a.db-wal"]
    before = [(p.stat().st_mtime_ns, p.stat().st_size) if p.exists() else None for p in files]
    writes, changes = _writes_while(tmp_path / "a.db", open_archive)
    assert writes == [] and changes == 0
    assert [(p.stat().st_mtime_ns, p.stat().st_size) if p.exists() and p.stat().st_size else None for p in files] \
        == [b if b and b[1] else None for b in before]
    # a changed template label is refreshed (only then), a changed token version rebuilds the index
    con = sqlite_utils.Database(tmp_path / "a.db")
    con.execute("UPDATE archive_meta SET value = 'old' WHERE key = 'labels_hash'")
    con.execute("UPDATE application_rows SET label = 'x' WHERE key = 'granted'")
    con.conn.commit()
    con.close()
    writes, _ = _writes_while(tmp_path / "a.db", open_archive)
    assert writes and all(w[1] in {"application_rows", "labels", "disclosure_categories", "disclosure_measures",
                                   "applicant_columns", "review_groups", "review_outcomes", "identities",
                                   "archive_meta", "sqlite_master"} for w in writes)
    again = open_archive(tmp_path / "a.db")
    assert again["application_rows"].get("granted")["label"] == "（一）予以公开"
    again.close()
    assert _writes_while(tmp_path / "a.db", open_archive) == ([], 0)


def test_search_index_rebuilt_when_a_tokenizer_library_changes(tmp_path, monkeypatch):
    from archive import search

    db = open_archive(tmp_path / "a.db")
    r = json.loads((FIXTURES / "shili-2023.json").read_text(encoding="utf-8"))
    rid = load_report(db, "cd" * 32, r, "demo-shili")
    assert db.execute("SELECT value FROM archive_meta WHERE key = 'search_version'").fetchone()[0] == \
        search.token_version()
    version = search.token_version()
    assert "jieba-" in version and "zhconv-" in version and "phrases-" in version
    db.close()
    # a jieba upgrade: the next open rebuilds the whole index before any report is re-indexed
    monkeypatch.setattr(search, "token_version", lambda: version + "-upgraded")
    db = open_archive(tmp_path / "a.db")
    assert db.execute("SELECT value FROM archive_meta WHERE key = 'search_version'").fetchone()[0].endswith("-upgraded")
    assert [x[0] for x in db.execute("SELECT rowid FROM reports_fts WHERE reports_fts MATCH '\"复议\"'")] == [rid]
    r2 = {**r, "title": r["title"] + "（更正）"}
    load_report(db, "cd" * 32, r2, "demo-shili")  # unindex + index with the same tokens: the index stays whole
    assert db.execute("INSERT INTO reports_fts(reports_fts, rank) VALUES ('integrity-check', 0)") is not None
    assert [x[0] for x in db.execute("SELECT rowid FROM reports_fts WHERE reports_fts MATCH '\"更正\"'")] == [rid]


def test_checks_come_from_the_extractor(tmp_path):
    """The archive stores the checks the extraction carries and computes none of its own."""
    db = open_archive(tmp_path / "a.db")
    r = json.loads((FIXTURES / "shili-2024.json").read_text(encoding="utf-8"))
    sent = [{**c, "passed": False} if c["code"] == "applications.balance" else c for c in r["checks"]]
    rid = load_report(db, "ef" * 32, {**r, "checks": sent}, "demo-shili")
    stored = db.execute("SELECT count(*), sum(passed = 0) FROM checks WHERE report = ?", [rid]).fetchone()
    assert stored == (len(sent), sum(1 for c in sent if c.get("passed") is False))
    no_checks = {k: v for k, v in r.items() if k != "checks"}
    rid2 = load_report(db, "fe" * 32, no_checks, "demo-shili")
    assert db.execute("SELECT count(*) FROM checks WHERE report = ?", [rid2]).fetchone()[0] == 0
    assert db["reports"].get(rid2)["failed_checks"] is None


def test_one_report_row_builder():
    from archive.load import REPORT_COLUMNS, report_row

    r = json.loads((FIXTURES / "shili-2024.json").read_text(encoding="utf-8"))
    row = report_row("ab" * 32, r, "demo-shili", "139900", "county", now="t", digest="d")
    assert tuple(row) == REPORT_COLUMNS
    db = sqlite_utils.Database(memory=True)
    db = open_archive(db)
    assert set(REPORT_COLUMNS) | {"id"} == {c.name for c in db["reports"].columns}


def test_bulk_load_in_worker_processes_equals_one_by_one(tmp_path, shared):
    from archive import load_portals, load_reports_bulk

    from archive_build import PORTALS, corpus_reports

    items = [(it["sha256"], it["report"], it["portal"]) for it in corpus_reports(shared)]
    dumps = []
    for name, load in (("one", lambda db: [load_report(db, *it) for it in items]),
                       ("workers", lambda db: load_reports_bulk(db, items + items[:3], workers=2))):
        db = open_archive(tmp_path / f"{name}.db")
        load_portals(db, PORTALS)
        load(db)
        d = _dump(db)
        for r in d["reports"]:
            r.pop("extracted_at", None)
        d["documents"].sort(key=lambda r: r["sha256"])
        dumps.append(d)
    assert dumps[0] == dumps[1]
