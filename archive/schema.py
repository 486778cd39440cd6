"""The archive's schema: tables, label tables (generated from extract/template.py), indexes and views.

Tables
------
``portals``      the registry (one row per portal; stub rows for portals seen before the registry)
``documents``    one row per distinct file (sha256); ``sources`` one row per URL it was seen at
``reports``      one row per extracted document (stable integer ``id``; ``sha256`` unique)
``active_disclosure`` / ``applications`` / ``review_litigation``  tidy facts, one number per row,
                 with the printed ``raw`` text and its ``page``/``bbox`` when the extractor gives them
``checks``       the per-report identities (勾稽关系) as the extractor evaluated them
``findings``     cross-report findings (上年结转 continuity, 缺报)
``corrections``  human corrections; never overwrite a fact, applied by the ``*_corrected`` views
``runs``         one row per pipeline run
``report_numbers`` one row per report: its descriptive columns and the corrected values of the
                 cells the whole-archive aggregates need (the headlines, table 三's result rows'
                 总计 column, table 四). Stored, not a view: kept current inside the same
                 transaction by load_report, load_reports_bulk, add_correction and load_portals
                 (see archive/load.py), so yearly aggregates scan one narrow table.
label tables     ``labels`` (all of label_rows()), ``application_rows``, ``applicant_columns``,
                 ``review_groups``, ``review_outcomes``, ``disclosure_categories``,
                 ``disclosure_measures``, ``identities``

Views
-----
``*_corrected``  fact value after corrections, with ``extracted_value`` and ``correction`` beside it
``report_totals`` one row per report with the headline numbers (corrected): a view of ``report_numbers``
``applications_labelled`` etc.  facts joined with their Chinese labels, in template order
"""
from __future__ import annotations

import json

from extract import template as T

FACT_TABLES = {
    # table: (key columns, label tables for the keys)
    "active_disclosure": ("category", "measure"),
    "applications": ("row", "applicant"),
    "review_litigation": ("group", "outcome"),
}

TABLES_DDL = [
    """CREATE TABLE IF NOT EXISTS [portals] (
   [id] TEXT PRIMARY KEY, [name] TEXT, [region_code] TEXT, [level] TEXT, [parent] TEXT,
   [family] TEXT, [listing_urls] TEXT, [overrides] TEXT, [registered] INTEGER DEFAULT 1)""",
    """CREATE TABLE IF NOT EXISTS [documents] (
   [sha256] TEXT PRIMARY KEY, [media_type] TEXT, [format] TEXT, [size] INTEGER, [store_path] TEXT,
   [first_seen] TEXT)""",
    """CREATE TABLE IF NOT EXISTS [sources] (
   [id] INTEGER PRIMARY KEY, [sha256] TEXT NOT NULL REFERENCES [documents]([sha256]), [url] TEXT NOT NULL,
   [final_url] TEXT, [detail_url] TEXT, [listing_url] TEXT, [link_text] TEXT, [listing_title] TEXT,
   [listing_date] TEXT, [year_hint] INTEGER, [role] TEXT, [portal] TEXT REFERENCES [portals]([id]),
   [fetched_at] TEXT, [http_status] INTEGER, [etag] TEXT, [last_modified] TEXT,
   UNIQUE ([sha256], [url]))""",
    """CREATE TABLE IF NOT EXISTS [reports] (
   [id] INTEGER PRIMARY KEY, [sha256] TEXT NOT NULL UNIQUE REFERENCES [documents]([sha256]),
   [portal] TEXT REFERENCES [portals]([id]), [agency] TEXT, [region_code] TEXT, [level] TEXT,
   [year] INTEGER, [template] TEXT, [title] TEXT, [published_date] TEXT, [format] TEXT, [pages] INTEGER,
   [status] TEXT, [error_code] TEXT, [error_message] TEXT, [partial] INTEGER, [warnings] TEXT,
   [notes] TEXT, [failed_checks] INTEGER, [text] TEXT, [extractor_version] TEXT, [extracted_at] TEXT,
   [loaded_at] TEXT, [report_hash] TEXT)""",
    """CREATE TABLE IF NOT EXISTS [active_disclosure] (
   [report] INTEGER NOT NULL REFERENCES [reports]([id]),
   [category] TEXT NOT NULL REFERENCES [disclosure_categories]([key]),
   [measure] TEXT NOT NULL REFERENCES [disclosure_measures]([key]),
   [value] NUMERIC, [raw] TEXT, [page] INTEGER, [bbox] TEXT,
   PRIMARY KEY ([report], [category], [measure])) WITHOUT ROWID""",
    """CREATE TABLE IF NOT EXISTS [applications] (
   [report] INTEGER NOT NULL REFERENCES [reports]([id]),
   [row] TEXT NOT NULL REFERENCES [application_rows]([key]),
   [applicant] TEXT NOT NULL REFERENCES [applicant_columns]([key]),
   [value] NUMERIC, [raw] TEXT, [page] INTEGER, [bbox] TEXT,
   PRIMARY KEY ([report], [row], [applicant])) WITHOUT ROWID""",
    """CREATE TABLE IF NOT EXISTS [review_litigation] (
   [report] INTEGER NOT NULL REFERENCES [reports]([id]),
   [group] TEXT NOT NULL REFERENCES [review_groups]([key]),
   [outcome] TEXT NOT NULL REFERENCES [review_outcomes]([key]),
   [value] NUMERIC, [raw] TEXT, [page] INTEGER, [bbox] TEXT,
   PRIMARY KEY ([report], [group], [outcome])) WITHOUT ROWID""",
    """CREATE TABLE IF NOT EXISTS [checks] (
   [id] INTEGER PRIMARY KEY, [report] INTEGER NOT NULL REFERENCES [reports]([id]),
   [code] TEXT NOT NULL REFERENCES [identities]([code]), [column] TEXT, [passed] INTEGER, [detail] TEXT)""",
    """CREATE TABLE IF NOT EXISTS [findings] (
   [id] INTEGER PRIMARY KEY, [kind] TEXT NOT NULL, [passed] INTEGER NOT NULL,
   [report] INTEGER REFERENCES [reports]([id]), [previous_report] INTEGER REFERENCES [reports]([id]),
   [portal] TEXT REFERENCES [portals]([id]), [agency] TEXT, [year] INTEGER, [column] TEXT,
   [expected] NUMERIC, [actual] NUMERIC, [deadline] TEXT, [detail] TEXT, [checked_at] TEXT)""",
    """CREATE TABLE IF NOT EXISTS [corrections] (
   [id] INTEGER PRIMARY KEY, [who] TEXT NOT NULL, [at] TEXT NOT NULL, [why] TEXT NOT NULL,
   [table_name] TEXT NOT NULL, [report] INTEGER NOT NULL REFERENCES [reports]([id]),
   [keys] TEXT NOT NULL, [value] NUMERIC)""",
    """CREATE TABLE IF NOT EXISTS [runs] (
   [id] INTEGER PRIMARY KEY, [run_id] TEXT UNIQUE, [flow] TEXT, [status] TEXT, [started_at] TEXT,
   [finished_at] TEXT, [duration_s] REAL, [extractor_version] TEXT, [portals_crawled] INTEGER,
   [requests] INTEGER, [bytes] INTEGER, [new_documents] INTEGER, [documents_processed] INTEGER,
   [reports_extracted] INTEGER, [failed_checks] INTEGER, [cross_report_findings] INTEGER,
   [error_count] INTEGER, [blocked] INTEGER, [failed_documents] INTEGER, [summary] TEXT)""",
    """CREATE TABLE IF NOT EXISTS [archive_meta] ([key] TEXT PRIMARY KEY, [value] TEXT)""",
]

# The fact tables' cell indexes of the first schema; m005 drops them (aggregates read report_numbers).
DROPPED_FACT_INDEXES = {
    "idx_applications_cell": "CREATE INDEX IF NOT EXISTS [idx_applications_cell] ON [applications]([row], [applicant], [value])",
    "idx_review_cell": "CREATE INDEX IF NOT EXISTS [idx_review_cell] ON [review_litigation]([group], [outcome], [value])",
    "idx_active_cell": "CREATE INDEX IF NOT EXISTS [idx_active_cell] ON [active_disclosure]([category], [measure], [value])",
}
# Secondary indexes the bulk loader drops during a backfill and recreates after it (name -> DDL).
FACT_INDEXES = {
    "idx_checks_report": "CREATE INDEX IF NOT EXISTS [idx_checks_report] ON [checks]([report])",
    "idx_checks_failed": "CREATE INDEX IF NOT EXISTS [idx_checks_failed] ON [checks]([passed], [code])",
}
# The indexes of the first schema (migration m001_initial); later ones are added by migrations.
INITIAL_INDEXES = [
    "CREATE INDEX IF NOT EXISTS [idx_sources_portal] ON [sources]([portal])",
    "CREATE INDEX IF NOT EXISTS [idx_reports_portal_year] ON [reports]([portal], [year])",
    "CREATE INDEX IF NOT EXISTS [idx_reports_year] ON [reports]([year])",
    "CREATE INDEX IF NOT EXISTS [idx_reports_region] ON [reports]([region_code])",
    "CREATE INDEX IF NOT EXISTS [idx_reports_agency_year] ON [reports]([agency], [year])",
    "CREATE INDEX IF NOT EXISTS [idx_reports_status] ON [reports]([status])",
    *DROPPED_FACT_INDEXES.values(),
    *FACT_INDEXES.values(),
    "CREATE INDEX IF NOT EXISTS [idx_findings_kind] ON [findings]([kind], [passed])",
    "CREATE INDEX IF NOT EXISTS [idx_corrections_cell] ON [corrections]([report], [table_name], [keys])",
]


CRAWLS_DDL = """CREATE TABLE IF NOT EXISTS [crawls] (
   [run_id] TEXT NOT NULL, [portal] TEXT NOT NULL REFERENCES [portals]([id]), [started_at] TEXT, [finished_at] TEXT,
   [close_reason] TEXT, [ok] INTEGER, [blocked_kind] TEXT, [blocked_url] TEXT, [requests] INTEGER,
   [listing_pages] INTEGER, [not_modified] INTEGER, [new_documents] INTEGER, [error_count] INTEGER,
   [error_kinds] TEXT, [listing_end_reached] INTEGER,
   PRIMARY KEY ([run_id], [portal]))"""


# --------------------------------------------------------------------------- label tables
def label_tables() -> dict[str, tuple[str, list[dict]]]:
    """name -> (primary key, rows); all generated from extract/template.py."""
    cats: dict[str, dict] = {}
    measures: dict[str, dict] = {}
    for template in ("2021", "2019"):  # 2021 labels win where both templates have the key
        for i, cat in enumerate(T.categories(template)):
            c = cats.setdefault(cat.key, {"key": cat.key, "label": cat.label, "block": cat.block,
                                          "position": i, "labels": {}, "templates": []})
            c["labels"][template] = cat.label
            c["templates"].append(template)
            for j, m in enumerate(cat.measures):
                mm = measures.setdefault(m.key, {"key": m.key, "label": m.label, "unit": m.unit,
                                                 "position": len(measures), "labels": {}, "templates": []})
                mm["labels"].setdefault(template, m.label)
                if template not in mm["templates"]:
                    mm["templates"].append(template)
    for d in (*cats.values(), *measures.values()):
        d["labels"] = json.dumps(d["labels"], ensure_ascii=False)
        d["templates"] = ",".join(d["templates"])
    for d in measures.values():
        d["decimal"] = int(d["key"] in T.DECIMAL_MEASURES)

    app_rows = []
    for i, r in enumerate(T.ALL_APPLICATION_ROWS):
        templates = [t for t, rows in T.APPLICATION_ROWS.items() if r in rows]
        app_rows.append({"key": r.key, "label": r.label, "short_label": _short(r.label), "group": r.group,
                         "position": i, "unit": r.unit, "templates": ",".join(templates),
                         "is_result": int(r.key in T.result_row_keys({x.key: 1 for x in T.ALL_APPLICATION_ROWS}))})
    cols = [{"key": c.key, "label": c.label, "group": c.group, "position": i, "unit": "件"}
            for i, c in enumerate(T.APPLICANT_COLUMNS)]
    groups = [{"key": g.key, "label": g.label, "group": g.group, "position": i} for i, g in enumerate(T.REVIEW_GROUPS)]
    outcomes = [{"key": o.key, "label": o.label, "position": i, "unit": o.unit} for i, o in enumerate(T.REVIEW_OUTCOMES)]
    identities = [{"code": x.code, "label": x.label, "description": x.description} for x in T.IDENTITIES]
    identities += [
        {"code": "continuity.carried_over", "label": "本年上年结转＝上年结转下年度继续办理",
         "description": "Cross-report: this year's carried_over equals last year's carried_forward (same portal/agency)"},
        {"code": "missing.report", "label": "缺报：应公开而未见年度报告",
         "description": "Cross-report: a registered publisher has no report for a year whose deadline has passed"},
    ]
    labels = [dict(r, id=i) for i, r in enumerate(T.label_rows())]
    return {
        "labels": ("id", labels),
        "disclosure_categories": ("key", list(cats.values())),
        "disclosure_measures": ("key", list(measures.values())),
        "application_rows": ("key", app_rows),
        "applicant_columns": ("key", cols),
        "review_groups": ("key", groups),
        "review_outcomes": ("key", outcomes),
        "identities": ("code", identities),
    }


def _short(label: str) -> str:
    """一、本年新收政府信息公开申请数量 -> 本年新收政府信息公开申请数量; （一）予以公开 -> 予以公开."""
    import re

    s = re.sub(r"^[（(][一二三四五六七八九十]+[）)]|^[一二三四五六七八九十]+、|^\d+\.", "", label)
    return re.sub(r"（区分处理的.*）$", "", s)


# --------------------------------------------------------------------------- views
def _corrected_view(table: str) -> str:
    k1, k2 = FACT_TABLES[table]
    return f"""SELECT f.[report], f.[{k1}], f.[{k2}],
       CASE WHEN c.[id] IS NOT NULL THEN c.[value] ELSE f.[value] END AS [value],
       f.[value] AS [extracted_value], c.[id] AS [correction], c.[why] AS [correction_reason],
       f.[raw], f.[page], f.[bbox], f.[locator]
FROM [{table}] f
LEFT JOIN [corrections] c ON c.[id] = (
    SELECT max(x.[id]) FROM [corrections] x
    WHERE x.[report] = f.[report] AND x.[table_name] = '{table}' AND x.[keys] = f.[{k1}] || '.' || f.[{k2}])
UNION ALL
SELECT c.[report], substr(c.[keys], 1, instr(c.[keys], '.') - 1), substr(c.[keys], instr(c.[keys], '.') + 1),
       c.[value], NULL, c.[id], c.[why], NULL, NULL, NULL, NULL
FROM [corrections] c
WHERE c.[table_name] = '{table}'
  AND c.[id] = (SELECT max(x.[id]) FROM [corrections] x
                WHERE x.[report] = c.[report] AND x.[table_name] = c.[table_name] AND x.[keys] = c.[keys])
  AND NOT EXISTS (SELECT 1 FROM [{table}] f WHERE f.[report] = c.[report]
                  AND f.[{k1}] || '.' || f.[{k2}] = c.[keys])"""


def _cell(table: str, k1: str, v1: str, k2: str, v2: str) -> str:
    """Corrected value of one cell of one report (correlated subquery on r.id; uses the pk index)."""
    keys = f"{v1}.{v2}"
    corr = (f"SELECT c.[value] FROM [corrections] c WHERE c.[report] = r.[id] AND c.[table_name] = '{table}' "
            f"AND c.[keys] = '{keys}' ORDER BY c.[id] DESC LIMIT 1")
    return (f"CASE WHEN EXISTS (SELECT 1 FROM [corrections] c WHERE c.[report] = r.[id] AND c.[table_name] = '{table}' "
            f"AND c.[keys] = '{keys}') THEN ({corr}) ELSE (SELECT f.[value] FROM [{table}] f WHERE f.[report] = r.[id] "
            f"AND f.[{k1}] = '{v1}' AND f.[{k2}] = '{v2}') END")


# The headline numbers of report_totals: column -> (table, key1, key2, Chinese label)
HEADLINES: dict[str, tuple[str, str, str, str]] = {
    "new_received": ("applications", "new_received", "total", "本年新收申请（件）"),
    "carried_over": ("applications", "carried_over", "total", "上年结转（件）"),
    "granted": ("applications", "granted", "total", "予以公开（件）"),
    "partially_granted": ("applications", "partially_granted", "total", "部分公开（件）"),
    "not_held": ("applications", "unable_not_held", "total", "本机关不掌握相关政府信息（件）"),
    "results_total": ("applications", "results_total", "total", "办理结果总计（件）"),
    "carried_forward": ("applications", "carried_forward", "total", "结转下年度继续办理（件）"),
    "review_total": ("review_litigation", "review", "total", "行政复议总计（件）"),
    "review_corrected": ("review_litigation", "review", "corrected", "行政复议结果纠正（件）"),
    "litigation_direct_total": ("review_litigation", "litigation_direct", "total", "行政诉讼·未经复议直接起诉总计（件）"),
    "litigation_direct_corrected": ("review_litigation", "litigation_direct", "corrected", "行政诉讼·未经复议直接起诉结果纠正（件）"),
    "litigation_after_review_total": ("review_litigation", "litigation_after_review", "total", "行政诉讼·复议后起诉总计（件）"),
    "litigation_after_review_corrected": ("review_litigation", "litigation_after_review", "corrected", "行政诉讼·复议后起诉结果纠正（件）"),
    "licensing_decisions": ("active_disclosure", "licensing", "decisions", "行政许可处理决定（件）"),
    "penalty_decisions": ("active_disclosure", "penalty", "decisions", "行政处罚处理决定（件）"),
    "fees_10k_yuan": ("active_disclosure", "fees", "amount_10k_yuan", "行政事业性收费金额（万元）"),
}


# Cells stored in report_numbers besides the headlines (column -> (table, key1, key2)): the result
# rows' 总计 column of table 三 (outcome_mix) and every cell of table 四 (the appeals chart).
def _aggregate_cells() -> dict[str, tuple[str, str, str]]:
    out: dict[str, tuple[str, str, str]] = {k: v[:3] for k, v in HEADLINES.items()}
    have = set(out.values())
    for r in T.ALL_APPLICATION_ROWS:
        if r.key in T.result_row_keys({x.key: 1 for x in T.ALL_APPLICATION_ROWS}):
            cell = ("applications", r.key, "total")
            if cell not in have:
                out[f"app_{r.key}"] = cell
    for g in T.REVIEW_GROUPS:
        for o in T.REVIEW_OUTCOMES:
            cell = ("review_litigation", g.key, o.key)
            if cell not in have:
                out[f"rl_{g.key}_{o.key}"] = cell
    return out


AGGREGATE_CELLS = _aggregate_cells()
CELL_COLUMNS = {cell: col for col, cell in AGGREGATE_CELLS.items()}  # (table, key1, key2) -> column

NUMBERS_TABLE = "report_numbers"
# copied from reports (kept in step by load_report / load_reports_bulk / load_portals)
NUMBERS_REPORT_COLS = ("portal", "agency", "region_code", "level", "year", "template", "status", "failed_checks",
                       "title", "sha256")
NUMBERS_COLS = ("id", *NUMBERS_REPORT_COLS, *AGGREGATE_CELLS)
# What archives from before migrations recorded in archive_meta.numbers_version: m002 keeps their
# report_numbers when it matches. A change of these columns is a new migration that rebuilds it.
LEGACY_NUMBERS_VERSION = "1:" + ",".join(NUMBERS_COLS)


def numbers_ddl() -> str:
    cells = ",\n   ".join(f"[{c}] NUMERIC" for c in AGGREGATE_CELLS)
    return f"""CREATE TABLE IF NOT EXISTS [{NUMBERS_TABLE}] (
   [id] INTEGER PRIMARY KEY REFERENCES [reports]([id]), [portal] TEXT, [agency] TEXT, [region_code] TEXT,
   [level] TEXT, [year] INTEGER, [template] TEXT, [status] TEXT, [failed_checks] INTEGER, [title] TEXT,
   [sha256] TEXT,
   {cells})"""


NUMBERS_INDEXES = [
    "CREATE INDEX IF NOT EXISTS [idx_report_numbers_year_region] ON [report_numbers]([year], [region_code])",
    "CREATE INDEX IF NOT EXISTS [idx_report_numbers_region] ON [report_numbers]([region_code])",
    "CREATE INDEX IF NOT EXISTS [idx_report_numbers_new_received] ON [report_numbers]([new_received])",
]


def numbers_refresh_sql(where: str) -> str:
    """(Re)compute report_numbers rows of the reports matching ``where`` (on ``reports r``) from the
    facts and the latest correction per cell."""
    cols = [f"r.[{c}]" for c in NUMBERS_REPORT_COLS]
    for table, v1, v2 in AGGREGATE_CELLS.values():
        k1, k2 = FACT_TABLES[table]
        cols.append(_cell(table, k1, v1, k2, v2))
    return (f"INSERT OR REPLACE INTO [{NUMBERS_TABLE}] ({', '.join(f'[{c}]' for c in NUMBERS_COLS)})\n"
            f"SELECT r.[id],\n  " + ",\n  ".join(cols) + f"\nFROM [reports] r WHERE {where}")


def _report_totals_view() -> str:
    """A plain projection of report_numbers (SQLite flattens it: queries use the table's indexes)."""
    cols = ", ".join(f"n.[{c}]" for c in ("id", "portal", "agency", "region_code", "level", "year", "template",
                                           "status", "failed_checks", *HEADLINES, "title", "sha256"))
    return f"SELECT {cols}\nFROM [{NUMBERS_TABLE}] n"


def _labelled_views() -> dict[str, str]:
    return {
        "applications_labelled": """SELECT f.[report], r.[agency], r.[year], f.[row], ar.[label] AS [row_label], f.[applicant],
       ac.[label] AS [applicant_label], f.[value], f.[extracted_value], f.[correction], f.[raw], f.[page],
       ar.[position] AS [row_position], ac.[position] AS [applicant_position]
FROM [applications_corrected] f JOIN [reports] r ON r.[id] = f.[report]
LEFT JOIN [application_rows] ar ON ar.[key] = f.[row]
LEFT JOIN [applicant_columns] ac ON ac.[key] = f.[applicant]""",
        "review_litigation_labelled": """SELECT f.[report], r.[agency], r.[year], f.[group], g.[label] AS [group_label], f.[outcome],
       o.[label] AS [outcome_label], f.[value], f.[extracted_value], f.[correction], f.[raw], f.[page],
       g.[position] AS [group_position], o.[position] AS [outcome_position]
FROM [review_litigation_corrected] f JOIN [reports] r ON r.[id] = f.[report]
LEFT JOIN [review_groups] g ON g.[key] = f.[group]
LEFT JOIN [review_outcomes] o ON o.[key] = f.[outcome]""",
        "active_disclosure_labelled": """SELECT f.[report], r.[agency], r.[year], r.[template], f.[category],
       coalesce(json_extract(c.[labels], '$.' || r.[template]), c.[label]) AS [category_label], f.[measure],
       coalesce(json_extract(m.[labels], '$.' || r.[template]), m.[label]) AS [measure_label], m.[unit],
       f.[value], f.[extracted_value], f.[correction], f.[raw], f.[page],
       c.[position] AS [category_position], m.[position] AS [measure_position]
FROM [active_disclosure_corrected] f JOIN [reports] r ON r.[id] = f.[report]
LEFT JOIN [disclosure_categories] c ON c.[key] = f.[category]
LEFT JOIN [disclosure_measures] m ON m.[key] = f.[measure]""",
    }


def _deltas_view() -> str:
    """Latest correction per cell as a difference to the extracted value: aggregate queries add
    ``sum(delta)`` to the sum over the fact table instead of scanning a *_corrected view (which
    SQLite must materialize: seconds at 100,000 reports)."""
    parts = []
    for table, (k1, k2) in FACT_TABLES.items():
        parts.append(f"""SELECT c.[report], c.[table_name], substr(c.[keys], 1, instr(c.[keys], '.') - 1) AS [key1],
       substr(c.[keys], instr(c.[keys], '.') + 1) AS [key2], c.[value],
       (SELECT f.[value] FROM [{table}] f WHERE f.[report] = c.[report]
        AND f.[{k1}] || '.' || f.[{k2}] = c.[keys]) AS [extracted_value]
FROM [corrections] c
WHERE c.[table_name] = '{table}' AND c.[id] = (SELECT max(x.[id]) FROM [corrections] x
      WHERE x.[report] = c.[report] AND x.[table_name] = c.[table_name] AND x.[keys] = c.[keys])""")
    return ("SELECT d.*, coalesce(d.[value], 0) - coalesce(d.[extracted_value], 0) AS [delta]\nFROM (\n"
            + "\nUNION ALL\n".join(parts) + "\n) d")


def _applications_wide_view() -> str:
    """Table 三 as printed: one row per report × row, applicant columns side by side, corrected.
    Built on the base table (not applications_corrected) so that ``WHERE report = ?`` reaches the
    primary key; a correction that adds a cell the extraction lacks shows in *_corrected only."""
    cell = ("CASE WHEN c.[id] IS NOT NULL THEN c.[value] ELSE f.[value] END")
    cols = ",\n".join(f"  max(CASE WHEN f.[applicant] = '{c.key}' THEN {cell} END) AS [{c.key}]"
                      for c in T.APPLICANT_COLUMNS)
    return f"""SELECT f.[report], ar.[position] AS [row_position], f.[row], ar.[label] AS [row_label],
{cols},
  max(c.[id]) AS [correction]
FROM [applications] f
LEFT JOIN [corrections] c ON c.[report] = f.[report] AND c.[table_name] = 'applications'
     AND c.[keys] = f.[row] || '.' || f.[applicant]
     AND c.[id] = (SELECT max(x.[id]) FROM [corrections] x WHERE x.[report] = f.[report]
                   AND x.[table_name] = 'applications' AND x.[keys] = c.[keys])
LEFT JOIN [application_rows] ar ON ar.[key] = f.[row]
GROUP BY f.[report], f.[row]"""


def views() -> dict[str, str]:
    out = {f"{t}_corrected": _corrected_view(t) for t in FACT_TABLES}
    out["correction_deltas"] = _deltas_view()
    out["report_totals"] = _report_totals_view()
    out["applications_wide"] = _applications_wide_view()
    out.update(_labelled_views())
    return out
