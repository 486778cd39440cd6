"""Datasette 0.65 metadata for the archive: titles, Chinese descriptions, canned queries and the
datasette-dashboards charts. Generated (labels come from extract/template.py through the label
tables and :data:`archive.schema.HEADLINES`), written to a JSON file by ``nianbao serve``.

``python -m archive.metadata [DB_NAME]`` prints it.

Units (件, 万元) are given in column descriptions, not Datasette's ``units``: Datasette renders
units through Pint's ``to_compact()``, which would show 4119 件 as "4.119 k件".
"""
from __future__ import annotations

import json
import sys

from extract import template as T

from archive.schema import AGGREGATE_CELLS, CELL_COLUMNS, HEADLINES, NUMBERS_TABLE
from archive.search import FTS_TABLE

LICENSE = "Reports: public government information (《政府信息公开条例》); archive code: Apache-2.0"

# Optional filter fragments: an empty parameter means "all".
_YEAR = "(:year = '' OR r.year = CAST(:year AS INTEGER))"
_REGION = "(:region = '' OR r.region_code LIKE :region || '%' OR r.agency LIKE '%' || :region || '%')"
# Per-year aggregates group on ``+r.year``: with a plain ``r.year`` SQLite walks the (year, region)
# index to get the groups in order and looks every row up — 4× slower than scanning the narrow
# report_numbers table and sorting the handful of year groups.
_BY_YEAR = "+r.year ORDER BY +r.year"
# top_requests orders on ``+r.new_received`` for the same reason: walking the new_received index
# (which serves the report_totals page's default sort) is 1 ms when year/region match most rows
# but a second at 100,000 reports when they match few; a scan + top-100 sort is ~0.1 s either way.


def _headline_cols() -> dict[str, str]:
    return {k: v[3] for k, v in HEADLINES.items()}


def _sums(table: str, rows, where: str) -> str:
    """One pass over report_numbers summing the stored cells (key1, key2) of ``table`` (corrected)."""
    cols = ", ".join(f"sum(r.[{c}]) AS [{c}]" for c in (CELL_COLUMNS[(table, k1, k2)] for k1, k2 in rows))
    return f"SELECT {cols} FROM [{NUMBERS_TABLE}] r WHERE {where}"


def _pick(table: str, key_expr: str, rows) -> str:
    """CASE choosing the summed column of cell (key1, key2) from the one-row sums ``s``."""
    whens = " ".join(f"WHEN '{k1}.{k2}' THEN s.[{CELL_COLUMNS[(table, k1, k2)]}]" for k1, k2 in rows)
    return f"CASE {key_expr} {whens} END"


def _result_rows() -> list[str]:
    keys = T.result_row_keys({x.key: 1 for x in T.ALL_APPLICATION_ROWS})
    return [r.key for r in T.ALL_APPLICATION_ROWS if r.key in keys]


def _outcome_mix_sql(where: str, select: str) -> str:
    rows = [(k, "total") for k in _result_rows()]
    pick = _pick("applications", "ar.key || '.total'", rows)
    return (f"WITH s AS MATERIALIZED ({_sums('applications', rows, where)})\n"
            f"SELECT {select} FROM (SELECT ar.*, {pick} AS n FROM application_rows ar, s WHERE ar.is_result = 1) ar\n"
            "WHERE ar.n IS NOT NULL ORDER BY ar.position")


def _appeals_sql(where: str) -> str:
    rows = [(g.key, o.key) for g in T.REVIEW_GROUPS for o in T.REVIEW_OUTCOMES if o.key != "total"]
    pick = _pick("review_litigation", "g.key || '.' || o.key", rows)
    return (f"WITH s AS MATERIALIZED ({_sums('review_litigation', rows, where)}) "
            "SELECT g.position AS gpos, g.label AS grp, o.label AS outcome, o.position AS position, "
            f"coalesce({pick}, 0) AS n "
            "FROM review_groups g JOIN review_outcomes o ON o.key != 'total' CROSS JOIN s "
            "ORDER BY g.position, o.position")


def canned_queries() -> dict[str, dict]:
    return {
        "top_requests": {
            "title": "谁收到的政府信息公开申请最多",
            "description": "按本年新收政府信息公开申请数量（总计，件）排序。year、region 留空表示全部；"
                           "region 可填行政区划代码前缀（如 1305）或机关名称的一部分。",
            "sql": f"""SELECT r.id AS report, r.agency AS 机关, r.year AS 年度, r.region_code AS 区划,
  r.new_received AS 本年新收, r.carried_over AS 上年结转, r.results_total AS 办理结果总计,
  r.granted AS 予以公开, r.not_held AS 本机关不掌握
FROM report_totals r
WHERE r.new_received IS NOT NULL AND {_YEAR} AND {_REGION}
ORDER BY +r.new_received DESC, r.agency LIMIT 100""",
            "params": ["year", "region"],
        },
        "not_held_rate": {
            "title": "“本机关不掌握相关政府信息”答复所占比例",
            "description": "每个机关：（四）无法提供 1.本机关不掌握相关政府信息 ÷ （七）总计。至少 10 件办理结果才列出。",
            "sql": f"""SELECT r.id AS report, r.agency AS 机关, r.year AS 年度, r.not_held AS 本机关不掌握,
  r.results_total AS 办理结果总计, round(100.0 * r.not_held / r.results_total, 1) AS 比例百分比
FROM report_totals r
WHERE r.results_total >= 10 AND r.not_held IS NOT NULL AND {_YEAR} AND {_REGION}
ORDER BY 1.0 * r.not_held / r.results_total DESC, r.results_total DESC LIMIT 100""",
            "params": ["year", "region"],
        },
        "not_held_by_year": {
            "title": "各年度“本机关不掌握”答复比例（全部机关合计）",
            "sql": f"""SELECT r.year AS 年度, count(*) AS 报告数, sum(r.not_held) AS 本机关不掌握,
  sum(r.results_total) AS 办理结果总计, round(100.0 * sum(r.not_held) / sum(r.results_total), 1) AS 比例百分比
FROM report_totals r WHERE r.results_total > 0 AND {_REGION}
GROUP BY {_BY_YEAR}""",
            "params": ["region"],
        },
        "appeals_corrected": {
            "title": "行政复议、行政诉讼结果纠正（推翻机关决定）",
            "description": "结果纠正 > 0 的报告，按纠正件数合计排序。",
            "sql": f"""SELECT r.id AS report, r.agency AS 机关, r.year AS 年度,
  r.review_corrected AS 复议纠正, r.review_total AS 复议总计,
  coalesce(r.litigation_direct_corrected, 0) + coalesce(r.litigation_after_review_corrected, 0) AS 诉讼纠正,
  coalesce(r.litigation_direct_total, 0) + coalesce(r.litigation_after_review_total, 0) AS 诉讼总计
FROM report_totals r
WHERE (coalesce(r.review_corrected, 0) + coalesce(r.litigation_direct_corrected, 0)
       + coalesce(r.litigation_after_review_corrected, 0)) > 0 AND {_YEAR} AND {_REGION}
ORDER BY coalesce(r.review_corrected, 0) + coalesce(r.litigation_direct_corrected, 0)
       + coalesce(r.litigation_after_review_corrected, 0) DESC, r.agency LIMIT 200""",
            "params": ["year", "region"],
        },
        "missing_reports": {
            "title": "缺报：应公开而未见年度报告的机关",
            "description": "发布单位 × 年度：截止日期（部门 1 月 31 日，人民政府 3 月 31 日）已过，截止日期后门户抓取成功、"
                           "栏目已覆盖该年度，仍未见报告。门户受阻、抓取失败、从未抓取或栏目未翻到该年度的，不算缺报，"
                           "见 publication_unknown。依据见“依据”列。",
            "sql": """SELECT f.portal AS 门户, f.agency AS 机关, f.unit AS 单位, p.region_code AS 区划, p.level AS 层级,
  f.year AS 年度, f.deadline AS 截止日期, json_extract(f.evidence, '$.reason') AS 依据,
  json_extract(f.evidence, '$.last_successful_crawl') AS 最近成功抓取
FROM findings f LEFT JOIN portals p ON p.id = f.portal
WHERE f.kind = 'missing.report' AND (:year = '' OR f.year = CAST(:year AS INTEGER))
  AND (:region = '' OR p.region_code LIKE :region || '%' OR f.agency LIKE '%' || :region || '%')
ORDER BY f.year DESC, p.region_code, f.portal, f.agency LIMIT 2000""",
            "params": ["year", "region"],
        },
        "publication_unknown": {
            "title": "无法核实是否公开（不算缺报）",
            "description": "截止日期已过、未见报告，但证据不足以认定缺报：门户受阻或抓取失败、从未抓取、截止日期后未成功抓取，"
                           "或栏目未翻到该年度。",
            "sql": """SELECT f.portal AS 门户, f.agency AS 机关, f.unit AS 单位, p.region_code AS 区划, f.year AS 年度,
  f.deadline AS 截止日期, json_extract(f.evidence, '$.reason') AS 原因,
  json_extract(f.evidence, '$.blocked') AS 受阻类型, json_extract(f.evidence, '$.last_crawl') AS 最近抓取,
  json_extract(f.evidence, '$.last_successful_crawl') AS 最近成功抓取,
  json_extract(f.evidence, '$.listing_oldest_year') AS 栏目最早年度
FROM findings f LEFT JOIN portals p ON p.id = f.portal
WHERE f.kind = 'missing.unknown' AND (:year = '' OR f.year = CAST(:year AS INTEGER))
  AND (:region = '' OR p.region_code LIKE :region || '%' OR f.agency LIKE '%' || :region || '%')
ORDER BY f.year DESC, p.region_code, f.portal, f.agency LIMIT 2000""",
            "params": ["year", "region"],
        },
        "failed_identities": {
            "title": "数字对不上：勾稽关系不成立的报告",
            "description": "报告自身表格的勾稽关系（本年新收＋上年结转＝总计＋结转等）不成立之处。",
            # failed checks first (index on passed), each looked up in the narrow report_numbers: CROSS JOIN
            # keeps that order (the planner otherwise walks every report of the year and probes its checks)
            "sql": f"""SELECT r.id AS report, r.agency AS 机关, r.year AS 年度, i.label AS 勾稽关系,
  c.[column] AS 列或组, c.detail AS 明细
FROM checks c CROSS JOIN [{NUMBERS_TABLE}] r ON r.id = c.report JOIN identities i ON i.code = c.code
WHERE c.passed = 0 AND {_YEAR} AND {_REGION}
ORDER BY r.year DESC, r.agency, c.code LIMIT 500""",
            "params": ["year", "region"],
        },
        "continuity_breaks": {
            "title": "上年结转与上年度结转下年度不一致",
            "sql": """SELECT f.report, f.previous_report, f.agency AS 机关, f.portal AS 门户, f.year AS 年度,
  f.[column] AS 申请人列, f.actual AS 本年上年结转, f.expected AS 上年结转下年度, f.detail AS 明细
FROM findings f
WHERE f.kind = 'continuity.carried_over' AND f.passed = 0 AND (:year = '' OR f.year = CAST(:year AS INTEGER))
ORDER BY f.year DESC, f.agency LIMIT 2000""",
            "params": ["year"],
        },
        "requests_by_year": {
            "title": "各年度收到和处理的政府信息公开申请",
            "sql": f"""SELECT r.year AS 年度, count(*) AS 报告数, sum(r.new_received) AS 本年新收,
  sum(r.granted) AS 予以公开, sum(r.partially_granted) AS 部分公开, sum(r.not_held) AS 本机关不掌握,
  sum(r.results_total) AS 办理结果总计, sum(r.review_total) AS 复议总计, sum(r.review_corrected) AS 复议纠正
FROM report_totals r WHERE r.year IS NOT NULL AND {_REGION}
GROUP BY {_BY_YEAR}""",
            "params": ["region"],
        },
        "outcome_mix": {
            "title": "办理结果构成（总计列，按模板顺序）",
            "description": "各办理结果的件数合计（已应用更正）。",
            "sql": _outcome_mix_sql(f"{_YEAR} AND {_REGION}",
                                    "ar.position AS 序号, ar.label AS 办理结果, ar.[group] AS 类别, ar.n AS 件数"),
            "params": ["year", "region"],
        },
        "report_table3": {
            "title": "一份报告的表三（收到和处理政府信息公开申请情况），官方行列顺序",
            "sql": """SELECT ar.label AS 项目, """ + ", ".join(
                f"max(CASE WHEN a.applicant = '{c.key}' THEN a.value END) AS [{c.label}]" for c in T.APPLICANT_COLUMNS)
            + """, max(a.correction) AS 已更正
FROM applications_corrected a JOIN application_rows ar ON ar.key = a.row
WHERE a.report = CAST(:report AS INTEGER)
GROUP BY ar.key ORDER BY ar.position""",
            "params": ["report"],
        },
        "search": {
            "title": "全文检索（含摘录）",
            "description": "按词检索标题和正文（2 字词如 复议、诉讼，4 字词如 行政复议，常用长词如 政府信息公开、本机关不掌握）。"
                           "多个词用空格分开，全部须出现。最新载入的 200 份在前（与档案大小无关的耗时）。",
            "sql": f"""SELECT r.id AS report, r.agency AS 机关, r.year AS 年度, r.title AS 标题,
  CASE WHEN instr(r.text, :q) > 0
       THEN '…' || substr(r.text, max(1, instr(r.text, :q) - 40), 120) || '…' END AS 摘录
FROM [{FTS_TABLE}] JOIN reports r ON r.id = [{FTS_TABLE}].rowid
WHERE [{FTS_TABLE}] MATCH escape_fts(:q) AND {_YEAR}
ORDER BY [{FTS_TABLE}].rowid DESC LIMIT 200""",
            "params": ["q", "year"],
        },
        "corrections_log": {
            "title": "人工更正记录（原值与更正值）",
            "sql": """SELECT c.id, c.at AS 时间, c.who AS 更正人, c.why AS 理由, c.report, r.agency AS 机关, r.year AS 年度,
  c.table_name AS 表, c.keys AS 单元格, c.value AS 更正值,
  coalesce((SELECT a.value FROM applications a WHERE c.table_name = 'applications' AND a.report = c.report
            AND a.row || '.' || a.applicant = c.keys),
           (SELECT v.value FROM review_litigation v WHERE c.table_name = 'review_litigation' AND v.report = c.report
            AND v.[group] || '.' || v.outcome = c.keys),
           (SELECT d.value FROM active_disclosure d WHERE c.table_name = 'active_disclosure' AND d.report = c.report
            AND d.category || '.' || d.measure = c.keys)) AS 提取值
FROM corrections c JOIN reports r ON r.id = c.report ORDER BY c.id DESC""",
        },
    }


def dashboards(db: str) -> dict:
    year_opt = "[[ AND r.year = CAST(:year AS INTEGER) ]]"
    region_opt = "[[ AND r.region_code LIKE :region || '%' ]]"
    return {
        "overview": {
            "title": "政府信息公开年度报告概览",
            "description": "依申请公开、办理结果和复议诉讼的总体情况。筛选：年度、区划代码前缀。",
            "layout": [["requests-by-year", "requests-by-year"], ["outcome-mix", "appeals-corrected"],
                       ["reports-count", "not-held-rate"]],
            "filters": {
                "year": {"name": "年度", "type": "select", "db": db,
                         "query": "SELECT DISTINCT year FROM reports WHERE year IS NOT NULL ORDER BY year DESC"},
                "region": {"name": "区划代码前缀", "type": "text"},
            },
            "charts": {
                "requests-by-year": {
                    "title": "各年度本年新收申请（件）", "db": db, "library": "vega-lite",
                    "query": f"SELECT r.year AS year, sum(r.new_received) AS requests FROM report_totals r "
                             f"WHERE r.year IS NOT NULL {region_opt} GROUP BY {_BY_YEAR}",
                    "display": {"mark": {"type": "bar", "tooltip": True},
                                "encoding": {"x": {"field": "year", "type": "ordinal", "title": "年度"},
                                             "y": {"field": "requests", "type": "quantitative", "title": "件"}}},
                },
                "outcome-mix": {
                    "title": "办理结果构成（件）", "db": db, "library": "vega-lite",
                    "query": _outcome_mix_sql(f"1 = 1 {year_opt} {region_opt}",
                                              "ar.position AS position, ar.short_label AS outcome, ar.n AS n"),
                    "display": {"mark": {"type": "bar", "tooltip": True},
                                "encoding": {"y": {"field": "outcome", "type": "nominal", "title": "办理结果",
                                                   "sort": {"field": "position"}},
                                             "x": {"field": "n", "type": "quantitative", "title": "件"}}},
                },
                "appeals-corrected": {
                    "title": "行政复议、行政诉讼结果（件）", "db": db, "library": "vega-lite",
                    "query": _appeals_sql(f"1 = 1 {year_opt} {region_opt}"),
                    "display": {"mark": {"type": "bar", "tooltip": True},
                                "encoding": {"x": {"field": "grp", "type": "nominal", "title": "类别",
                                                   "sort": {"field": "gpos"}},
                                             "y": {"field": "n", "type": "quantitative", "title": "件"},
                                             "color": {"field": "outcome", "type": "nominal", "title": "结果"}}},
                },
                "not-held-rate": {
                    "title": "“本机关不掌握”占办理结果比例（%）", "db": db, "library": "vega-lite",
                    "query": "SELECT r.year AS year, round(100.0 * sum(r.not_held) / sum(r.results_total), 1) AS pct "
                             f"FROM report_totals r WHERE r.results_total > 0 {region_opt} GROUP BY {_BY_YEAR}",
                    "display": {"mark": {"type": "line", "point": True, "tooltip": True},
                                "encoding": {"x": {"field": "year", "type": "ordinal", "title": "年度"},
                                             "y": {"field": "pct", "type": "quantitative", "title": "%"}}},
                },
                "reports-count": {
                    "title": "报告数", "db": db, "library": "metric",
                    "query": f"SELECT count(*) AS n FROM [{NUMBERS_TABLE}] r WHERE 1 = 1 {year_opt} {region_opt}",
                    "display": {"field": "n", "prefix": "", "suffix": " 份"},
                },
            },
        }
    }


def _fact_columns(k1: str, k1_desc: str, k2: str, k2_desc: str) -> dict:
    return {
        "report": "报告（reports.id）", k1: k1_desc, k2: k2_desc,
        "value": "数值，按原文读取；空白、“/”、“—”、“无”为 null（未填报），不猜测",
        "raw": "原文单元格文字", "page": "所在页码", "bbox": "单元格位置 [x0, top, x1, bottom]（PDF 点）",
    }


def tables() -> dict:
    headline = _headline_cols()
    corrected_cols = {"extracted_value": "提取值（未更正）", "correction": "更正记录 corrections.id（如有）",
                      "correction_reason": "更正理由"}
    return {
        "portals": {"title": "门户登记表", "description": "抓取的政府信息公开门户（crawler/portals.yaml）。registered=0 为未登记即出现的门户。",
                    "label_column": "name", "facets": ["level", "family"], "sort": "id",
                    "columns": {"region_code": "行政区划代码", "level": "层级", "parent": "上级门户",
                                "family": "站点类型（爬虫）", "listing_urls": "年报栏目地址（JSON）"}},
        "documents": {"title": "文件", "description": "每个不同的文件一行（sha256 内容寻址）；同一文件出现在多个网址见 sources。",
                      "facets": ["format", "media_type"], "sort_desc": "first_seen",
                      "columns": {"size": "字节数", "store_path": "存储路径 store/<store_path>", "first_seen": "首次抓取时间"}},
        "sources": {"title": "来源网址", "description": "文件在何处被发现：一个文件可有多个来源。",
                    "facets": ["portal", "role", "http_status"], "sort_desc": "fetched_at",
                    "columns": {"url": "下载地址", "final_url": "重定向后地址", "detail_url": "详情页",
                                "listing_url": "列表页", "link_text": "链接文字", "listing_date": "列表页日期",
                                "fetched_at": "抓取时间（UTC）", "http_status": "HTTP 状态码"}},
        "reports": {"title": "年度报告", "description": "每个提取过的文件一份报告。正文可全文检索（标题、机关、正文），"
                                                     "支持 2 字词（复议、诉讼）和更长的词（行政复议、政府信息公开、本机关不掌握）。",
                    "fts_table": FTS_TABLE, "fts_pk": "id", "label_column": "title",
                    # facets on indexed columns only: a facet on template/level scans every report's full text
                    "facets": ["year", "status"], "sort_desc": "year",
                    "columns": {"agency": "发布机关", "region_code": "行政区划代码", "level": "层级", "year": "报告年度",
                                "template": "表格模板：2021（国办公开办函〔2021〕30号）、2019（〔2019〕60号）",
                                "title": "标题", "published_date": "发布日期", "status": "ok 有表格 · no_tables · needs_ocr · error",
                                "error_code": "错误代码（extract/errors.py）", "failed_checks": "不成立的勾稽关系条数",
                                "text": "全文", "extractor_version": "提取程序版本", "partial": "仅节选"}},
        NUMBERS_TABLE: {"title": "报告数字（存储表，一报告一行，已应用更正）",
                        "description": "report_totals 及全库汇总查询所用的存储表：主要数字、表三各办理结果总计列、表四各格。"
                                       "载入、重新提取、人工更正时在同一事务中更新。",
                        "fts_table": FTS_TABLE, "fts_pk": "id", "facets": ["year", "template", "level"],
                        "columns": {**headline, **{c: f"{cell[0]}.{cell[1]}.{cell[2]}" for c, cell in AGGREGATE_CELLS.items()
                                                   if c not in headline}}},
        "report_totals": {"title": "报告主要数字（一报告一行，已应用更正）",
                          "description": "本年新收、予以公开、本机关不掌握、复议和诉讼等主要数字，单位：件（收费为万元）。",
                          "fts_table": FTS_TABLE, "fts_pk": "id",
                          "facets": ["year", "template", "level"], "sort_desc": "new_received",
                          "columns": headline},
        "active_disclosure": {"title": "表二 主动公开政府信息情况", "description": "一个数一行。单位：件、项；收费和采购金额为万元。",
                              "facets": ["category", "measure"],
                              "columns": _fact_columns("category", "类别（disclosure_categories）", "measure", "指标（disclosure_measures）")},
        "applications": {"title": "表三 收到和处理政府信息公开申请情况", "description": "一个数一行，单位：件。",
                         "facets": ["row", "applicant"],
                         "columns": _fact_columns("row", "行（application_rows）", "applicant", "申请人类别（applicant_columns）")},
        "review_litigation": {"title": "表四 政府信息公开行政复议、行政诉讼情况", "description": "一个数一行，单位：件。",
                              "facets": ["group", "outcome"],
                              "columns": _fact_columns("group", "类别（review_groups）", "outcome", "结果（review_outcomes）")},
        "active_disclosure_corrected": {"title": "表二（已应用更正）", "columns": corrected_cols},
        "applications_corrected": {"title": "表三（已应用更正）", "columns": corrected_cols},
        "review_litigation_corrected": {"title": "表四（已应用更正）", "columns": corrected_cols},
        "applications_wide": {"title": "表三（按报告和行，申请人类别为列，已应用更正）",
                              "description": "与原表同形：每份报告每行一条，列为 自然人、商业企业、科研机构、社会公益组织、法律服务机构、其他、总计（件）。"
                                             "请按 report 过滤。",
                              "sort": "row_position",
                              "columns": {c.key: f"{c.label}（件）" for c in T.APPLICANT_COLUMNS}},
        "applications_labelled": {"title": "表三（中文标签，已应用更正）", "facets": ["year", "row_label", "applicant_label"]},
        "review_litigation_labelled": {"title": "表四（中文标签，已应用更正）", "facets": ["year", "group_label", "outcome_label"]},
        "active_disclosure_labelled": {"title": "表二（中文标签，已应用更正）", "facets": ["year", "category_label"]},
        "checks": {"title": "勾稽关系检查", "description": "提取时对每份报告计算的勾稽关系；passed=0 表示不成立（报告本身的数字对不上）。",
                   "facets": ["code", "passed"], "columns": {"code": "勾稽关系（identities）", "column": "申请人列或表四类别",
                                                              "passed": "1 成立 · 0 不成立", "detail": "算式"}},
        "findings": {"title": "跨报告检查结果", "description": "上年结转连续性；发布单位 × 年度的公开状态："
                                                             "missing.report 缺报（有证据），missing.unknown 无法核实（不算缺报）。",
                     "facets": ["kind", "state", "passed", "year"], "sort_desc": "year",
                     "columns": {"kind": "continuity.carried_over（上年结转）· missing.report（缺报）· missing.unknown（无法核实）",
                                 "state": "missing 缺报 · unknown 无法核实", "unit": "发布单位（平台上的部门，规范化名称）",
                                 "evidence": "依据（JSON）：最近抓取、最近成功抓取、受阻类型、栏目最早/最新年度、是否翻到最后一页、原因",
                                 "expected": "上年度结转下年度继续办理（件）", "actual": "本年度上年结转（件）",
                                 "deadline": "公开截止日期"}},
        "correction_deltas": {"title": "更正差额（每个单元格最新的更正）",
                              "columns": {"delta": "更正值 − 提取值（null 按 0）"}},
        "corrections": {"title": "人工更正", "description": "更正从不覆盖提取值：*_corrected 视图应用每个单元格最新的更正。",
                        "columns": {"who": "更正人", "at": "时间", "why": "理由", "table_name": "表",
                                    "keys": "单元格键 key1.key2（如 new_received.total）", "value": "更正后的值"}},
        "crawls": {"title": "抓取记录（每次抓取 × 门户）", "description": "crawl health.jsonl：是否受阻、错误、栏目页数；"
                                                                    "ok=1 表示栏目读到（或 304 未变）。缺报的证据。",
                   "facets": ["ok", "blocked_kind", "close_reason"], "sort_desc": "finished_at"},
        "runs": {"title": "运行记录", "description": "每次抓取/提取运行的汇总。", "sort_desc": "started_at",
                 "facets": ["flow", "status"]},
        "labels": {"title": "模板标签（全部）", "description": "extract/template.py 的官方标签和顺序。",
                   "facets": ["table", "kind", "template"], "sort": "id"},
        "application_rows": {"title": "表三 行", "label_column": "label", "sort": "position"},
        "applicant_columns": {"title": "表三 申请人类别", "label_column": "label", "sort": "position"},
        "review_groups": {"title": "表四 类别", "label_column": "label", "sort": "position"},
        "review_outcomes": {"title": "表四 结果", "label_column": "label", "sort": "position"},
        "disclosure_categories": {"title": "表二 类别", "label_column": "label", "sort": "position"},
        "disclosure_measures": {"title": "表二 指标", "label_column": "label", "sort": "position"},
        "identities": {"title": "勾稽关系", "label_column": "label"},
        "archive_meta": {"hidden": True},
    }


def build_metadata(db_name: str = "archive") -> dict:
    return {
        "title": "政府信息公开工作年度报告档案 · nianbao",
        "description_html": (
            "<p>各级行政机关《政府信息公开工作年度报告》的抓取存档：原文、表格数字（表二、表三、表四）、"
            "勾稽关系检查、缺报和上年结转连续性。数字按原文读取，从不猜测；人工更正单独记录，不覆盖原值。</p>"
            "<p>从这里开始：<a href=\"/-/dashboards/overview\">概览图表</a> · "
            f"<a href=\"/{db_name}/report_totals\">报告主要数字</a> · "
            f"<a href=\"/{db_name}/search\">全文检索</a> · "
            f"<a href=\"/{db_name}/top_requests\">申请最多的机关</a> · "
            f"<a href=\"/{db_name}/missing_reports\">缺报</a> · "
            f"<a href=\"/{db_name}/failed_identities\">数字对不上</a></p>"),
        "license": LICENSE,
        "source": "各级人民政府及其部门政府信息公开专栏",
        "about": "nianbao",
        "databases": {
            db_name: {
                "title": "年度报告档案",
                "description": "One SQLite database; see the table descriptions. 单位：件（收费、采购金额：万元）。",
                "tables": tables(),
                "queries": canned_queries(),
            }
        },
        "plugins": {"datasette-dashboards": dashboards(db_name)},
    }


if __name__ == "__main__":  # pragma: no cover
    print(json.dumps(build_metadata(sys.argv[1] if len(sys.argv) > 1 else "archive"), ensure_ascii=False, indent=2))
