"""The archive's schema history, applied with ``sqlite_utils.Migrations`` (recorded in
``_sqlite_migrations``: one row per applied step, set ``nianbao``).

Each step runs once, in a transaction with its record. A migration is history: never edit one that
has shipped; add the next ``mNNN_…`` instead. Archives created before this module (by the
``archive_meta`` version keys ``schema_version``/``numbers_version``/``search_version`` and a list of
dropped indexes) are brought in line by the same steps: m001 is written with ``IF NOT EXISTS`` and
m002 keeps a ``report_numbers`` whose recorded column set is current.

What is *not* a migration, because it changes without a change of the schema, is checked on open
and written only when it differs (so opening a current archive writes nothing):

* the label tables, generated from ``extract/template.py`` (a hash in ``archive_meta.labels_hash``);
* the search tokens, whose version names the code, jieba, zhconv and the phrase list
  (``archive_meta.search_version``, :func:`archive.search.token_version`);
* the views (``db.create_view(..., replace=True)`` compares the stored SQL).
"""
from __future__ import annotations

import hashlib
import json

from sqlite_utils import Migrations

from archive import schema, search

migrations = Migrations("nianbao")


def _meta(db, key: str) -> str | None:
    if "archive_meta" not in db.table_names():
        return None
    row = db.execute("SELECT value FROM archive_meta WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


@migrations()
def m001_initial(db) -> None:
    """Tables, their first indexes, the contentless FTS table and the label tables."""
    for ddl in schema.TABLES_DDL + schema.INITIAL_INDEXES:
        db.execute(ddl)
    db.execute(search.FTS_DDL)
    refresh_labels(db)


@migrations()
def m002_report_numbers(db) -> None:
    """The stored per-report aggregate table (report_totals is a view of it), filled from the facts."""
    if _meta(db, "numbers_version") != schema.LEGACY_NUMBERS_VERSION:
        db.execute(f"DROP TABLE IF EXISTS [{schema.NUMBERS_TABLE}]")
    fresh = schema.NUMBERS_TABLE not in db.table_names()
    db.execute(schema.numbers_ddl())
    if fresh:
        from archive.load import refresh_numbers

        refresh_numbers(db.conn)
    for ddl in schema.NUMBERS_INDEXES:
        db.execute(ddl)
    db.execute("DELETE FROM archive_meta WHERE key IN ('numbers_version', 'schema_version')")


@migrations()
def m003_findings_index_by_year(db) -> None:
    """The findings index gains year and agency (the 缺报 / continuity canned queries sort on them)."""
    db.execute("DROP INDEX IF EXISTS [idx_findings_kind]")
    db.execute("CREATE INDEX IF NOT EXISTS [idx_findings_kind_year] ON [findings]([kind], [passed], [year] DESC, "
               "[agency])")


@migrations()
def m004_search_tokens_versioned(db) -> None:
    """Search tokens versioned by what makes them (code, jieba, zhconv, phrases), not the code only:
    the index of an archive made under the old "2" is rebuilt once."""
    search.ensure_index(db)


@migrations()
def m005_publication_states(db) -> None:
    """缺报 that can be defended: crawl health per portal and crawl (``crawls``), findings with the
    publisher unit, a state (missing / unknown) and its evidence; indexes for incremental findings.
    The fact tables' (key1, key2, value) indexes go: every aggregate reads report_numbers (m002) and
    every per-report read uses the primary key, while at a million reports they cost a third of the
    database and of the build."""
    db.execute(schema.CRAWLS_DDL)
    db.execute("CREATE INDEX IF NOT EXISTS [idx_crawls_portal] ON [crawls]([portal], [finished_at])")
    db.execute("CREATE INDEX IF NOT EXISTS [idx_crawls_finished] ON [crawls]([finished_at])")
    have = {c.name for c in db["findings"].columns}
    for col, kind in (("unit", "TEXT"), ("state", "TEXT"), ("evidence", "TEXT")):
        if col not in have:
            db.execute(f"ALTER TABLE [findings] ADD COLUMN [{col}] {kind}")
    if db["findings"].columns_dict and any(c.name == "passed" and c.notnull for c in db["findings"].columns):
        db["findings"].transform(not_null={"passed": False})  # an unknown publication state has passed = null
    db.execute("CREATE INDEX IF NOT EXISTS [idx_findings_portal] ON [findings]([portal])")
    db.execute("CREATE INDEX IF NOT EXISTS [idx_reports_loaded_at] ON [reports]([loaded_at])")
    for name in schema.DROPPED_FACT_INDEXES:
        db.execute(f"DROP INDEX IF EXISTS [{name}]")


@migrations()
def m006_cell_locator(db) -> None:
    """Where an HTML/Word cell was printed ({"table", "row", "col"} JSON), beside a PDF cell's page and
    bbox: every number links to its source."""
    for table in schema.FACT_TABLES:
        if "locator" not in {c.name for c in db[table].columns}:
            db.execute(f"ALTER TABLE [{table}] ADD COLUMN [locator] TEXT")


@migrations()
def m007_findings_by_report(db) -> None:
    """A report's findings by report (the report page's continuity marks, Datasette's row page counting
    the rows that point at a report): a full scan of millions of findings without these."""
    db.execute("CREATE INDEX IF NOT EXISTS [idx_findings_report] ON [findings]([report])")
    db.execute("CREATE INDEX IF NOT EXISTS [idx_findings_previous_report] ON [findings]([previous_report])")


# --------------------------------------------------------------------------- checked on open
def labels_hash() -> str:
    blob = json.dumps(schema.label_tables(), ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def _union_keys(rows: list[dict]) -> dict:
    out: dict = {}
    for r in rows:
        for k, v in r.items():
            if k not in out or out[k] is None:
                out[k] = v
    return out


def refresh_labels(db) -> None:
    """Rewrite the label tables from extract/template.py (inside the caller's transaction)."""
    for name, (pk, rows) in schema.label_tables().items():
        db[name].create({k: (int if isinstance(v, int) else str) for k, v in _union_keys(rows).items()},
                        pk=pk, if_not_exists=True)
        db.execute(f"DELETE FROM [{name}]")
        db[name].insert_all(rows, pk=pk, alter=True)
    db.execute("INSERT OR REPLACE INTO archive_meta VALUES ('labels_hash', ?)", [labels_hash()])


def ensure_labels(db) -> bool:
    """Refresh the label tables only when the template's labels changed. True when it wrote."""
    if _meta(db, "labels_hash") == labels_hash():
        return False
    with db.atomic():
        refresh_labels(db)
    return True


def ensure_views(db) -> None:
    """Create or replace the views; ``create_view(replace=True)`` leaves an identical view alone."""
    for name, sql in schema.views().items():
        db.create_view(name, sql, replace=True)


def upgrade(db) -> None:
    """Apply pending migrations, then bring labels, search tokens and views in line. Writes nothing
    when all of them are current."""
    if migrations.pending(db) or migrations.migrations_table not in db.table_names():
        migrations.apply(db)
    ensure_labels(db)
    search.ensure_index(db)
    ensure_views(db)
