"""The archive: extracted reports in one SQLite database, published with Datasette.

API (docs/interfaces.md)::

    db = open_archive(path)                          # sqlite_utils.Database, schema ensured
    load_portals(db, portals)                        # registry → portals
    load_manifest(db, records)                       # documents + sources (idempotent)
    load_report(db, sha256, report, portal)          # replaces that document's facts atomically
    load_health(db, records, run_id)                 # crawl health.jsonl → crawls (the evidence for 缺报)
    cross_report_checks(db)                          # 上年结转 continuity, 缺报 → findings (incremental)
    record_run(db, summary)                          # one row in runs
    add_correction(db, who=, why=, table=, report=, keys=, value=)   # never overwrites a fact
    report_state(db)                                 # sha256 -> extractor_version/status/year/portal
"""
from archive.checks import cross_report_checks, load_health
from archive.load import (add_correction, load_manifest, load_portals, load_report, load_reports_bulk, open_archive,
                          record_run, report_state)

__all__ = ["open_archive", "load_manifest", "load_report", "cross_report_checks", "record_run", "load_portals",
           "add_correction", "load_reports_bulk", "report_state",
           "load_health"]
