"""Loading into the archive: the registry, crawl manifests, extracted reports, run summaries and
human corrections. Every function is idempotent; each report is replaced in one transaction.

``report_numbers`` (one row per report: the corrected cells the whole-archive aggregates use, and
``report_totals`` is a view of it) is stored, not computed at query time. Every writer keeps it
current in the writer's own transaction: :func:`load_report` and :func:`add_correction` recompute
the report's row in SQL (:func:`refresh_numbers`), :func:`load_reports_bulk` computes the rows of
new reports from the rows it inserts, :func:`load_portals` copies region/level changes. A
database from before the table (or with an older column set) is backfilled by
:func:`open_archive`.

Foreign keys are declared (Datasette links them, ``PRAGMA foreign_key_check`` verifies them) but
not enforced, so a report carrying a key a newer extractor added still loads; documents and
portals referenced before they are known get stub rows.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path
from typing import Iterable

import sqlite_utils

from archive import schema, search
from nianbao.text import utc_now

FACT_SECTIONS = schema.FACT_TABLES  # report dict section == fact table name


def _json(v) -> str | None:
    if v is None:
        return None
    return v if isinstance(v, str) else json.dumps(v, ensure_ascii=False, sort_keys=True)


# --------------------------------------------------------------------------- opening
def open_archive(path) -> sqlite_utils.Database:
    """Open (creating if needed) the archive at ``path``, WAL mode on disk, and bring it up to date:
    pending migrations (archive/migrations.py), label tables, search index version, views. Opening
    a current archive writes nothing."""
    from archive import migrations

    if isinstance(path, sqlite_utils.Database):
        db = path
    else:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        db = sqlite_utils.Database(path)
    conn = db.conn
    if str(path) != ":memory:":
        db.enable_wal()  # reads journal_mode first: no write when already WAL
    conn.execute("PRAGMA busy_timeout = 30000")
    migrations.upgrade(db)
    return db


def refresh_numbers(conn, report_ids: Iterable[int] | None = None) -> None:
    """Recompute the report_numbers rows of ``report_ids`` (all reports when None) from the facts
    and corrections. Call inside the caller's transaction."""
    if report_ids is None:
        conn.execute(schema.numbers_refresh_sql("1 = 1"))
        return
    ids = list(report_ids)
    sql = schema.numbers_refresh_sql("r.[id] = ?")
    conn.executemany(sql, [(i,) for i in ids])


def report_state(db) -> dict[str, dict]:
    """sha256 -> {"extractor_version", "status", "year", "portal"} for every document that has a
    report in the archive (what the flows call "done": a document without a row here is extracted
    and loaded by the next run). Reads whichever of ``reports``/``documents`` carries
    ``extractor_version`` (the flows' test fakes keep a ``documents`` table only)."""
    table = columns = None
    for name in ("reports", "documents"):
        if name in db.table_names():
            cols = {c.name for c in db[name].columns}
            if {"sha256", "extractor_version"} <= cols:
                table, columns = name, cols
                break
    if table is None:
        return {}
    pick = [c for c in ("sha256", "extractor_version", "status", "year", "portal") if c in columns]
    sql = f"select {', '.join(pick)} from [{table}] where extractor_version is not null"
    out = {}
    for row in db.query(sql):
        out[row["sha256"]] = {k: row.get(k) for k in ("extractor_version", "status", "year", "portal")}
    return out


# --------------------------------------------------------------------------- registry
def _as_dict(p) -> dict:
    if isinstance(p, dict):
        return p
    if dataclasses.is_dataclass(p):
        return dataclasses.asdict(p)
    return dict(vars(p))


def load_portals(db, portals: Iterable) -> int:
    """The portal registry (dicts or crawler.registry.Portal objects) → ``portals`` (upsert on id)."""
    rows = []
    for p in portals:
        d = _as_dict(p)
        rows.append({
            "id": d["id"], "name": d.get("name"), "region_code": _s(d.get("region_code")),
            "level": d.get("level"), "parent": d.get("parent"), "family": d.get("family"),
            "listing_urls": _json(d.get("listing_urls")), "overrides": _json(d.get("overrides") or None),
            "registered": 1,
        })
    with db.conn:
        for r in rows:
            db.conn.execute(
                "INSERT INTO portals (id, name, region_code, level, parent, family, listing_urls, overrides, registered) "
                "VALUES (:id, :name, :region_code, :level, :parent, :family, :listing_urls, :overrides, 1) "
                "ON CONFLICT(id) DO UPDATE SET name=excluded.name, region_code=excluded.region_code, "
                "level=excluded.level, parent=excluded.parent, family=excluded.family, "
                "listing_urls=excluded.listing_urls, overrides=excluded.overrides, registered=1", r)
        # reports loaded before the registry get their region/level now
        db.conn.execute(
            "UPDATE reports SET region_code = (SELECT p.region_code FROM portals p WHERE p.id = reports.portal), "
            "level = (SELECT p.level FROM portals p WHERE p.id = reports.portal) "
            "WHERE portal IN (SELECT id FROM portals) AND (region_code IS NOT (SELECT p.region_code FROM portals p "
            "WHERE p.id = reports.portal) OR level IS NOT (SELECT p.level FROM portals p WHERE p.id = reports.portal))")
        db.conn.execute(
            f"UPDATE [{schema.NUMBERS_TABLE}] AS n SET region_code = r.region_code, level = r.level FROM reports r "
            "WHERE r.id = n.id AND (n.region_code IS NOT r.region_code OR n.level IS NOT r.level)")
    return len(rows)


def _s(v):
    return None if v is None else str(v)


def _stub_portal(conn, portal: str | None) -> None:
    if portal:
        conn.execute("INSERT OR IGNORE INTO portals (id, registered) VALUES (?, 0)", (portal,))


# --------------------------------------------------------------------------- manifests
def load_manifest(db, records: Iterable[dict]) -> int:
    """Crawl manifest records → ``documents`` (one per sha256) and ``sources`` (one per sha256 × URL).
    Idempotent; a newer sighting of the same URL updates its source row."""
    n = 0
    with db.conn:
        conn = db.conn
        for rec in records:
            sha = rec["sha256"]
            fetched = rec.get("fetched_at")
            conn.execute(
                "INSERT INTO documents (sha256, media_type, format, size, store_path, first_seen) VALUES (?,?,?,?,?,?) "
                "ON CONFLICT(sha256) DO UPDATE SET media_type=coalesce(documents.media_type, excluded.media_type), "
                "format=coalesce(documents.format, excluded.format), size=coalesce(documents.size, excluded.size), "
                "store_path=coalesce(documents.store_path, excluded.store_path), "
                "first_seen=CASE WHEN documents.first_seen IS NULL OR excluded.first_seen < documents.first_seen "
                "THEN excluded.first_seen ELSE documents.first_seen END",
                (sha, rec.get("media_type"), rec.get("format"), rec.get("size"), rec.get("store_path"), fetched))
            _stub_portal(conn, rec.get("portal"))
            headers = rec.get("headers") or {}
            url = rec.get("url") or rec.get("final_url") or rec.get("detail_url") or ""
            row = {
                "sha256": sha, "url": url, "final_url": rec.get("final_url"), "detail_url": rec.get("detail_url"),
                "listing_url": rec.get("listing_url"), "link_text": rec.get("link_text"),
                "listing_title": rec.get("listing_title"), "listing_date": rec.get("listing_date"),
                "year_hint": rec.get("year_hint"), "role": rec.get("role"), "portal": rec.get("portal"),
                "fetched_at": fetched, "http_status": rec.get("http_status"),
                "etag": headers.get("ETag") or headers.get("etag"),
                "last_modified": headers.get("Last-Modified") or headers.get("last-modified"),
            }
            cols = list(row)
            updates = ", ".join(f"{c}=excluded.{c}" for c in cols if c not in ("sha256", "url"))
            conn.execute(
                f"INSERT INTO sources ({', '.join(cols)}) VALUES ({', '.join(':' + c for c in cols)}) "
                f"ON CONFLICT(sha256, url) DO UPDATE SET {updates} "
                "WHERE excluded.fetched_at IS NOT NULL AND (sources.fetched_at IS NULL OR excluded.fetched_at > sources.fetched_at)",
                row)
            n += 1
    return n


# --------------------------------------------------------------------------- reports
def _number(v):
    if isinstance(v, bool) or v is None:
        return None
    if isinstance(v, (int, float)):
        return v
    return None



def _locator(p: dict) -> str | None:
    """Where an HTML/Word cell was printed: {"table", "row", "col"} of the document's tables."""
    loc = {k: p[k] for k in ("table", "row", "col") if p.get(k) is not None}
    return _json(loc) if loc else None


def fact_rows(report: dict, report_id: int) -> dict[str, list[tuple]]:
    """The report's three tables as tidy rows (report, key1, key2, value, raw, page, bbox, locator)."""
    prov = report.get("provenance") or {}
    out: dict[str, list[tuple]] = {}
    for section in FACT_SECTIONS:
        rows = []
        for k1, cells in (report.get(section) or {}).items():
            if not isinstance(cells, dict):
                continue
            for k2, v in cells.items():
                p = prov.get(f"{section}.{k1}.{k2}") if prov else None
                if p:
                    raw = p.get("raw")
                    if raw is None and isinstance(v, str):
                        raw = v
                    rows.append((report_id, k1, k2, _number(v), raw, p.get("page"), _json(p.get("bbox")), _locator(p)))
                else:  # a cell kept as printed text ("/", "—") has value null and the text as raw
                    rows.append((report_id, k1, k2, _number(v), v if isinstance(v, str) else None, None, None, None))
        out[section] = rows
    return out


def _insert_facts_sql(table: str) -> str:
    k1, k2 = FACT_SECTIONS[table]
    return (f"INSERT OR REPLACE INTO [{table}] (report, [{k1}], [{k2}], value, raw, page, bbox, locator) "
            "VALUES (?,?,?,?,?,?,?,?)")


def report_checks(report: dict) -> list[dict]:
    """The identities as the extractor evaluated them (the report's ``checks``). The archive does not
    evaluate them itself: a report keeps the checks of the extractor version that produced it."""
    return [c for c in (report.get("checks") or []) if isinstance(c, dict)]


def report_row(sha256: str, report: dict, portal: str | None, region: str | None, level: str | None, *,
               now: str, digest: str) -> dict:
    """The ``reports`` row of one extraction (all columns but ``id``): the one definition both
    loaders use. ``region``/``level`` are the portal's, used when the report names none.
    ``failed_checks`` is null when the extraction carries no ``checks`` at all."""
    err = report.get("error") or {}
    checks = report_checks(report)
    return {
        "sha256": sha256, "portal": portal, "agency": report.get("agency"),
        "region_code": _s(report.get("region_code")) or region, "level": report.get("level") or level,
        "year": report.get("year"), "template": report.get("template"), "title": report.get("title"),
        "published_date": report.get("published_date"), "format": report.get("format"),
        "pages": report.get("pages"),
        "status": report.get("status") or ("ok" if any(report.get(t) for t in FACT_SECTIONS) else "no_tables"),
        "error_code": err.get("code"), "error_message": err.get("message"),
        "partial": None if report.get("partial") is None else int(bool(report.get("partial"))),
        "warnings": _json(report.get("warnings") or None), "notes": _json(report.get("notes")),
        "failed_checks": (sum(1 for c in checks if c.get("passed") is False) if "checks" in report else None),
        "text": report.get("text"), "extractor_version": _s(report.get("extractor_version")),
        "extracted_at": report.get("extracted_at") or now, "loaded_at": now, "report_hash": digest,
    }


REPORT_COLUMNS = tuple(report_row("", {}, None, None, None, now="", digest=""))


def check_rows(report_id: int, checks: list[dict]) -> list[tuple]:
    return [(report_id, c.get("code"), c.get("column") or c.get("group"),
             None if c.get("passed") is None else int(bool(c.get("passed"))), c.get("detail")) for c in checks]


def _report_hash(report: dict, portal) -> str:
    blob = json.dumps([report, portal], ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


def load_report(db, sha256: str, report: dict, portal: str | None = None) -> int:
    """Load one extraction of document ``sha256``: the report row, its facts, its checks and its
    search tokens, replacing any earlier extraction of that document in one transaction. The
    report keeps its ``id``, so corrections made to it survive re-extraction. Loading the same
    extraction again changes nothing. Returns the report id."""
    conn = db.conn
    digest = _report_hash(report, portal)
    with conn:
        old = conn.execute(
            "SELECT id, title, text, agency, portal, report_hash FROM reports WHERE sha256 = ?", (sha256,)).fetchone()
        if old and old[5] == digest:
            return old[0]
        conn.execute("INSERT OR IGNORE INTO documents (sha256, format) VALUES (?, ?)", (sha256, report.get("format")))
        if portal is None:
            portal = old[4] if old else None
        if portal is None:
            r = conn.execute("SELECT portal FROM sources WHERE sha256 = ? AND portal IS NOT NULL "
                             "ORDER BY fetched_at LIMIT 1", (sha256,)).fetchone()
            portal = r[0] if r else None
        _stub_portal(conn, portal)
        region, level = None, None
        if portal:
            region, level = conn.execute("SELECT region_code, level FROM portals WHERE id = ?", (portal,)).fetchone()
        row = report_row(sha256, report, portal, region, level, now=utc_now(), digest=digest)
        checks = report_checks(report)
        cols = REPORT_COLUMNS
        if old:
            rid = old[0]
            search.unindex_report(conn, rid, old[1], old[2], old[3])
            conn.execute(f"UPDATE reports SET {', '.join(f'[{c}] = :{c}' for c in cols)} WHERE id = :id",
                         {**row, "id": rid})
            for table in FACT_SECTIONS:
                conn.execute(f"DELETE FROM [{table}] WHERE report = ?", (rid,))
            conn.execute("DELETE FROM checks WHERE report = ?", (rid,))
        else:
            cur = conn.execute(f"INSERT INTO reports ({', '.join(f'[{c}]' for c in cols)}) "
                               f"VALUES ({', '.join(':' + c for c in cols)})", row)
            rid = cur.lastrowid
        for table, rows in fact_rows(report, rid).items():
            conn.executemany(_insert_facts_sql(table), rows)
        conn.executemany("INSERT INTO checks (report, code, [column], passed, detail) VALUES (?,?,?,?,?)",
                         check_rows(rid, checks))
        refresh_numbers(conn, [rid])
        search.index_report(conn, rid, row["title"], row["text"], row["agency"])
    return rid


# --------------------------------------------------------------------------- runs
RUN_FIELDS = ("run_id", "flow", "status", "started_at", "finished_at", "duration_s", "extractor_version",
              "portals_crawled", "requests", "bytes", "new_documents", "documents_processed", "reports_extracted",
              "failed_checks", "cross_report_findings", "error_count", "failed_documents")


def record_run(db, summary: dict) -> int:
    """One row in ``runs`` (upsert on run_id); the whole summary is kept as JSON in ``summary``."""
    row = {k: summary.get(k) for k in RUN_FIELDS}
    if row["error_count"] is None and isinstance(summary.get("errors"), list):
        row["error_count"] = len(summary["errors"])
    blocked = summary.get("blocked_portals", summary.get("blocked"))
    row["blocked"] = len(blocked) if isinstance(blocked, (list, tuple)) else blocked
    row["summary"] = json.dumps(summary, ensure_ascii=False, default=str)
    cols = list(row)
    with db.conn:
        if row["run_id"]:
            updates = ", ".join(f"[{c}]=excluded.[{c}]" for c in cols if c != "run_id")
            db.conn.execute(f"INSERT INTO runs ({', '.join(f'[{c}]' for c in cols)}) VALUES "
                            f"({', '.join(':' + c for c in cols)}) ON CONFLICT(run_id) DO UPDATE SET {updates}", row)
            return db.conn.execute("SELECT id FROM runs WHERE run_id = ?", (row["run_id"],)).fetchone()[0]
        cur = db.conn.execute(f"INSERT INTO runs ({', '.join(f'[{c}]' for c in cols)}) VALUES "
                              f"({', '.join(':' + c for c in cols)})", row)
        return cur.lastrowid


# --------------------------------------------------------------------------- corrections
CORRECTABLE = FACT_SECTIONS


def add_correction(db, *, who: str, why: str, table: str, report: int, keys: str, value, at: str | None = None) -> int:
    """Record a correction of one fact cell (``keys`` = "row.applicant", "group.outcome" or
    "category.measure"). Nothing is overwritten: the ``*_corrected`` views apply the latest
    correction per cell; the extracted value stays in the fact table. The report's row of
    ``report_numbers`` is recomputed in the same transaction."""
    if table not in CORRECTABLE:
        raise ValueError(f"corrections apply to {sorted(CORRECTABLE)}, not {table!r}")
    if keys.count(".") != 1:
        raise ValueError("keys must be 'key1.key2', e.g. 'new_received.total'")
    if not who or not why:
        raise ValueError("a correction needs who and why")
    if db.conn.execute("SELECT 1 FROM reports WHERE id = ?", (report,)).fetchone() is None:
        raise ValueError(f"no report {report}")
    with db.conn:
        cur = db.conn.execute(
            "INSERT INTO corrections (who, at, why, table_name, report, keys, value) VALUES (?,?,?,?,?,?,?)",
            (who, at or utc_now(), why, table, report, keys, value))
        refresh_numbers(db.conn, [report])
    return cur.lastrowid


# --------------------------------------------------------------------------- bulk


def prepare_report(sha: str, report: dict, portal: str | None, region: str | None, level: str | None,
                   now: str) -> tuple:
    """Everything the bulk loader writes for one new report, without its id (pure: runs in worker
    processes): (report row values, {table: fact rows without report}, report_numbers cells,
    check rows without report, (title tokens, text tokens))."""
    rec = report_row(sha, report, portal, region, level, now=now, digest=_report_hash(report, portal))
    facts = {t: [f[1:] for f in rows] for t, rows in fact_rows(report, 0).items()}
    cells = {}
    for table, rows in facts.items():
        for f in rows:
            col = schema.CELL_COLUMNS.get((table, f[0], f[1]))
            if col is not None:
                cells[col] = f[2]
    checks = [c[1:] for c in check_rows(0, report_checks(report))]
    tokens = search._tokens_for(report.get("title"), report.get("text"), report.get("agency"))
    return sha, portal, tuple(rec.values()), facts, cells, checks, tokens


_POOL_PORTALS: dict = {}


def _prepare_item(args) -> tuple:
    sha, report, portal, now = args
    region, level = _POOL_PORTALS.get(portal, (None, None)) if portal else (None, None)
    return prepare_report(sha, report, portal, region, level, now)


def _bounded_imap(pool, fn, args, window: int):
    """pool.imap with at most ``window`` results in flight (imap queues every result in memory when the
    consumer is slower than the workers)."""
    from collections import deque

    pending: deque = deque()
    for a in args:
        pending.append(pool.apply_async(fn, (a,)))
        if len(pending) >= window:
            yield pending.popleft().get()
    while pending:
        yield pending.popleft().get()


def load_reports_bulk(db, items: Iterable[tuple], *, defer_indexes: bool = True, workers: int = 0,
                      prepared: bool = False) -> int:
    """Load many *new* documents' reports in one transaction with executemany (backfills, the
    benchmark): ``items`` yields (sha256, report, portal), or — with ``prepared=True`` — the tuples
    of :func:`prepare_report` made elsewhere (e.g. in the caller's worker processes). ``workers`` > 0
    prepares the rows (tokens, facts, hashes: most of the CPU) in that many processes while this one
    writes. Documents already in the archive go through :func:`load_report` (replace semantics).
    The secondary indexes of the checks table are dropped during the load and rebuilt after it when
    ``defer_indexes``. Returns reports loaded."""
    global _POOL_PORTALS
    conn = db.conn
    known = {r[0] for r in conn.execute("SELECT sha256 FROM reports")}
    portals = {r[0]: (r[1], r[2]) for r in conn.execute("SELECT id, region_code, level FROM portals")}
    next_id = (conn.execute("SELECT max(id) FROM reports").fetchone()[0] or 0) + 1
    later: list[tuple] = []
    report_rows, fts_rows, checks_rows, numbers_rows = [], [], [], []
    first_id = next_id
    facts: dict[str, list] = {t: [] for t in FACT_SECTIONS}
    now = utc_now()
    pool = None

    def fresh(items):  # documents already archived (or twice in items) are replaced by load_report after
        for sha, report, portal in items:
            if sha in known:
                later.append((sha, report, portal))
                continue
            known.add(sha)
            yield sha, report, portal

    if prepared:
        stream = iter(items)
    elif workers > 0:
        import multiprocessing as mp

        _POOL_PORTALS = portals
        pool = mp.get_context("fork").Pool(workers)
        stream = _bounded_imap(pool, _prepare_item, ((s, r, p, now) for s, r, p in fresh(items)), 32 * workers)
    else:
        stream = (prepare_report(s, r, p, *(portals.get(p, (None, None)) if p else (None, None)), now)
                  for s, r, p in fresh(items))
    numbers_at = [REPORT_COLUMNS.index(c) for c in schema.NUMBERS_REPORT_COLS]
    format_at = REPORT_COLUMNS.index("format")
    docs: list[tuple] = []
    conn.execute("PRAGMA cache_size = -262144")  # 256 MB while bulk loading and re-indexing
    try:
        with conn:
            if defer_indexes:
                for name in schema.FACT_INDEXES:
                    conn.execute(f"DROP INDEX IF EXISTS [{name}]")
            for sha, portal, rec, rep_facts, cells, checks, tokens in stream:
                if prepared:
                    if sha in known:
                        raise ValueError(f"prepared report {sha} is already in the archive: use load_report")
                    known.add(sha)
                rid = next_id
                next_id += 1
                if portal and portal not in portals:
                    _stub_portal(conn, portal)
                    portals[portal] = (None, None)
                report_rows.append((rid, *rec))
                docs.append((sha, rec[format_at]))
                for table, rows in rep_facts.items():
                    facts[table].extend((rid, *f) for f in rows)
                numbers_rows.append((rid, *(rec[i] for i in numbers_at),
                                     *(cells.get(c) for c in schema.AGGREGATE_CELLS)))
                checks_rows.extend((rid, *c) for c in checks)
                fts_rows.append((rid, *tokens))
                if len(report_rows) >= 2000:
                    _flush_bulk(conn, report_rows, facts, checks_rows, fts_rows, numbers_rows)
            _flush_bulk(conn, report_rows, facts, checks_rows, fts_rows, numbers_rows)
            # corrections recorded against ids before their report existed (none normally): apply them
            refresh_numbers(conn, [r[0] for r in conn.execute(
                "SELECT DISTINCT report FROM corrections WHERE report >= ?", (first_id,))])
            conn.executemany("INSERT OR IGNORE INTO documents (sha256, format) VALUES (?, ?)", docs)
    finally:
        if pool is not None:
            pool.close()
            pool.join()
    if defer_indexes:
        for ddl in schema.FACT_INDEXES.values():
            conn.execute(ddl)
    for sha, report, portal in later:
        load_report(db, sha, report, portal)
    return len(known)


_REPORT_COLS = ("id", *REPORT_COLUMNS)


def _flush_bulk(conn, report_rows, facts, checks_rows, fts_rows, numbers_rows) -> None:
    conn.executemany(f"INSERT INTO reports ({', '.join(f'[{c}]' for c in _REPORT_COLS)}) "
                     f"VALUES ({', '.join('?' for _ in _REPORT_COLS)})", report_rows)
    conn.executemany(f"INSERT OR REPLACE INTO [{schema.NUMBERS_TABLE}] "
                     f"({', '.join(f'[{c}]' for c in schema.NUMBERS_COLS)}) "
                     f"VALUES ({', '.join('?' for _ in schema.NUMBERS_COLS)})", numbers_rows)
    numbers_rows.clear()
    for table, rows in facts.items():
        conn.executemany(_insert_facts_sql(table), rows)
        rows.clear()
    conn.executemany("INSERT INTO checks (report, code, [column], passed, detail) VALUES (?,?,?,?,?)", checks_rows)
    conn.executemany(f"INSERT INTO [{search.FTS_TABLE}](rowid, title_tokens, text_tokens) VALUES (?, ?, ?)", fts_rows)
    report_rows.clear()
    checks_rows.clear()
    fts_rows.clear()
