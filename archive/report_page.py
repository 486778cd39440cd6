"""From a number to its source: the report page, the provenance of each number, the page images and
the stored copy — served by the Datasette plugin in ``archive/datasette_plugins/`` (read-only).

Routes (``<db>`` is the database name, e.g. ``archive``):

``/-/report/<db>/<id>``                 the report as printed: tables 二, 三, 四 in the template's layout
                                        (labels and order from extract/template.py), failed identities
                                        marked, corrections beside the printed value, and beside every
                                        number the same publisher's previous year (value and change);
                                        上年结转 shows its continuity check. Links: original URL(s), the
                                        stored copy.
``/-/source/<db>/<id>/<table>/<k1>.<k2>`` one number's provenance: for a PDF the page image with the
                                        cell's box highlighted; for HTML/Word the table/row/column and the
                                        printed text.
``/-/page-image/<db>/<sha256>/<page>.png`` a PDF page rendered with pypdfium2 (cached in the data folder)
``/-/document/<db>/<sha256>``           the stored copy, read-only, with its content type and a safe
                                        file name (``<sha256[:16]>.<format>``)

Files are only ever found by hash: ``store/sha256/<aa>/<bb>/<sha256>`` under the data folder, for a
sha256 that is a document of the archive; no route takes a path. The store and the image cache are
``<folder of the database>/store`` and ``…/page-images`` unless the plugin configuration
(``plugins.nianbao.store`` / ``.cache`` in the metadata) says otherwise.
"""
from __future__ import annotations

import html
import json
import os
import re
import sqlite3
import tempfile
from pathlib import Path

from extract import template as T
from extract.readers import PDFIUM_LOCK

from archive.checks import normalise_agency

SHA = re.compile(r"^[0-9a-f]{64}$")
PAGE_SCALE = 2.0  # pixels per PDF point (144 dpi)
MEDIA_TYPES = {"pdf": "application/pdf", "html": "text/html; charset=utf-8", "docx":
               "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "doc": "application/msword",
               "wps": "application/vnd.ms-works", "text": "text/plain; charset=utf-8", "xlsx":
               "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xls": "application/vnd.ms-excel"}
FACT_KEYS = {"active_disclosure": ("category", "measure"), "applications": ("row", "applicant"),
             "review_litigation": ("group", "outcome")}


def store_path(store: Path, sha: str) -> Path:
    if not SHA.match(sha):
        raise ValueError("not a sha256")
    return store / "sha256" / sha[:2] / sha[2:4] / sha


def _fmt(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return f"{v:,}" if isinstance(v, int) else (f"{v:,.4f}".rstrip("0").rstrip(".") if isinstance(v, float) else str(v))


def _change(v, p) -> str:
    if not isinstance(v, (int, float)) or not isinstance(p, (int, float)):
        return ""
    d = v - p
    return "±0" if d == 0 else (f"+{_fmt(d)}" if d > 0 else f"−{_fmt(-d)}")


# --------------------------------------------------------------------------- data
def previous_report(conn, rid: int) -> int | None:
    """The same publisher's report of the year before: same portal and unit (normalised agency name),
    or the same agency when the portal is unknown."""
    r = conn.execute("SELECT portal, agency, year FROM reports WHERE id = ?", (rid,)).fetchone()
    if not r or r[2] is None:
        return None
    portal, agency, year = r
    if portal:
        cands = conn.execute("SELECT id, agency FROM reports WHERE portal = ? AND year = ? ORDER BY id DESC",
                             (portal, year - 1)).fetchall()
    else:
        cands = conn.execute("SELECT id, agency FROM reports WHERE portal IS NULL AND agency = ? AND year = ? "
                             "ORDER BY id DESC", (agency, year - 1)).fetchall()
    if not cands:
        return None
    key = normalise_agency(agency)

    def same_unit(other: str) -> bool:  # as archive.checks matches units: equal, or one name ends the other
        return not key or not other or other == key or other.endswith(key) or key.endswith(other)

    same = [c for c in cands if same_unit(normalise_agency(c[1]))]
    return same[0][0] if same else None


def cells(conn, rid: int) -> dict[str, dict[tuple, dict]]:
    """table -> (k1, k2) -> {value, extracted, correction, why, raw, page, bbox, locator}: corrected."""
    out: dict[str, dict[tuple, dict]] = {}
    for table, (k1, k2) in FACT_KEYS.items():
        t = out[table] = {}
        for a, b, value, raw, page, bbox, locator in conn.execute(
                f"SELECT [{k1}], [{k2}], value, raw, page, bbox, locator FROM [{table}] WHERE report = ?", (rid,)):
            t[(a, b)] = {"value": value, "extracted": value, "correction": None, "why": None, "raw": raw,
                         "page": page, "bbox": json.loads(bbox) if bbox else None,
                         "locator": json.loads(locator) if locator else None}
    for cid, table, keys, value, why in conn.execute(
            "SELECT id, table_name, keys, value, why FROM corrections WHERE report = ? ORDER BY id", (rid,)):
        if table in out and "." in keys:
            a, b = keys.split(".", 1)
            c = out[table].setdefault((a, b), {"extracted": None, "raw": None, "page": None, "bbox": None,
                                               "locator": None})
            c.update(value=value, correction=cid, why=why)
    return out


def report_data(conn, rid: int) -> dict | None:
    r = conn.execute("SELECT id, sha256, portal, agency, year, template, title, format, status, error_code, "
                     "published_date, pages, failed_checks, extractor_version FROM reports WHERE id = ?",
                     (rid,)).fetchone()
    if r is None:
        return None
    keys = ("id", "sha256", "portal", "agency", "year", "template", "title", "format", "status", "error_code",
            "published_date", "pages", "failed_checks", "extractor_version")
    rep = dict(zip(keys, r))
    rep["cells"] = cells(conn, rid)
    prev = previous_report(conn, rid)
    rep["previous"] = prev
    rep["previous_year"] = conn.execute("SELECT year FROM reports WHERE id = ?", (prev,)).fetchone()[0] if prev else None
    rep["previous_cells"] = cells(conn, prev) if prev else {}
    rep["failed"] = [dict(zip(("code", "column", "detail", "label"), c)) for c in conn.execute(
        "SELECT c.code, c.[column], c.detail, i.label FROM checks c LEFT JOIN identities i ON i.code = c.code "
        "WHERE c.report = ? AND c.passed = 0 ORDER BY c.id", (rid,))]
    rep["continuity"] = {c[0]: dict(zip(("column", "passed", "expected", "actual", "previous_report", "detail"), c))
                         for c in conn.execute(
        "SELECT [column], passed, expected, actual, previous_report, detail FROM findings "
        "WHERE kind = 'continuity.carried_over' AND report = ?", (rid,))}
    rep["sources"] = [dict(zip(("url", "final_url", "detail_url", "fetched_at"), s)) for s in conn.execute(
        "SELECT url, final_url, detail_url, fetched_at FROM sources WHERE sha256 = ? ORDER BY fetched_at",
        (rep["sha256"],))]
    doc = conn.execute("SELECT media_type, format FROM documents WHERE sha256 = ?", (rep["sha256"],)).fetchone()
    rep["media_type"], rep["document_format"] = (doc or (None, None))
    return rep


# --------------------------------------------------------------------------- HTML
STYLE = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC",sans-serif;margin:1.2em;color:#222}
table.rep{border-collapse:collapse;margin:.6em 0 1.6em;font-size:14px}
table.rep th,table.rep td{border:1px solid #999;padding:3px 6px;vertical-align:top}
table.rep th{background:#f3f3f3;font-weight:normal;text-align:center}
table.rep th.row{text-align:left}
td.num{text-align:right;white-space:nowrap}
td.num a{color:#0645ad;text-decoration:none;font-weight:600}
td.failed,th.failed{background:#fde2e2}
td.num del{color:#a00;font-weight:normal;margin-left:.3em}
.prev{color:#777;font-size:11px;font-weight:normal}
.up{color:#b35c00}.down{color:#2a7a2a}
.cont-ok{color:#2a7a2a}.cont-bad{color:#c00;font-weight:600}
.failures li{color:#900}
.meta a{margin-right:1em}
"""


def _cell_html(db: str, rep: dict, table: str, k1: str, k2: str, failed: bool, extra: str = "") -> str:
    c = rep["cells"][table].get((k1, k2))
    cls = "num failed" if failed else "num"
    if c is None:
        return f'<td class="{cls}"></td>'
    shown = _fmt(c["value"]) if c["value"] is not None else html.escape(c.get("raw") or "")
    href = f"/-/source/{db}/{rep['id']}/{table}/{k1}.{k2}"
    out = f'<a href="{href}" data-cell="{table}.{k1}.{k2}" title="原文：{html.escape(str(c.get("raw") or ""))}">{shown}</a>'
    if c.get("correction"):
        out += (f'<del title="更正 #{c["correction"]}：{html.escape(c.get("why") or "")}">'
                f'{_fmt(c["extracted"]) if c["extracted"] is not None else "空"}</del>')
    p = rep["previous_cells"].get(table, {}).get((k1, k2))
    if p is not None and p.get("value") is not None:
        ch = _change(c["value"], p["value"])
        cls_ch = "up" if ch.startswith("+") else ("down" if ch.startswith("−") else "")
        out += (f'<div class="prev">上年 <a href="/-/report/{db}/{rep["previous"]}">{_fmt(p["value"])}</a> '
                f'<span class="{cls_ch}">{ch}</span></div>')
    return f'<td class="{cls}">{out}{extra}</td>'


def _table2(db: str, rep: dict) -> str:
    template = rep["template"] if rep["template"] in T.TEMPLATES else "2021"
    cats = T.categories(template)
    have = rep["cells"]["active_disclosure"]
    rows = []
    for cat in cats:
        measures = list(cat.measures)
        tds = "".join(f'<th>{html.escape(m.label)}</th>{_cell_html(db, rep, "active_disclosure", cat.key, m.key, False)}'
                      for m in measures)
        rows.append(f'<tr><th class="row">{html.escape(cat.label)}</th>{tds}</tr>')
    extra = sorted({k for k in have} - {(c.key, m.key) for c in cats for m in c.measures})
    for k1, k2 in extra:  # a cell the template of this year does not have: shown, not dropped
        rows.append(f'<tr><th class="row">{html.escape(k1)}</th><th>{html.escape(k2)}</th>'
                    f'{_cell_html(db, rep, "active_disclosure", k1, k2, False)}</tr>')
    return (f'<h2>{html.escape(T.TABLES["active_disclosure"].label)}</h2>'
            f'<table class="rep" id="table2">{"".join(rows)}</table>')


def _failed_columns(rep: dict, codes_prefix: str) -> set[str]:
    return {f["column"] for f in rep["failed"] if (f["code"] or "").startswith(codes_prefix) and f["column"]}


def _table3(db: str, rep: dict) -> str:
    template = rep["template"] if rep["template"] in T.TEMPLATES else "2021"
    rows = list(T.application_rows(template))
    have = {k1 for k1, _ in rep["cells"]["applications"]}
    rows += [r for r in T.ALL_APPLICATION_ROWS if r.key in have and r not in rows]
    bad_cols = _failed_columns(rep, "applications.")
    cols = T.APPLICANT_COLUMNS
    org = [c for c in cols if c.group == "法人或其他组织"]
    head = ('<tr><th rowspan="2" class="row">（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</th>'
            f'<th rowspan="2" class="{"failed" if "natural_person" in bad_cols else ""}">自然人</th>'
            f'<th colspan="{len(org)}">法人或其他组织</th>'
            f'<th rowspan="2" class="{"failed" if "total" in bad_cols else ""}">总计</th></tr><tr>'
            + "".join(f'<th class="{"failed" if c.key in bad_cols else ""}">{html.escape(c.label)}</th>' for c in org)
            + "</tr>")
    body = []
    group = None
    for r in rows:
        if r.group and r.group != group and r.group not in ("三、本年度办理结果",):
            group = r.group
            body.append(f'<tr><th class="row" colspan="{len(cols) + 1}">{html.escape(r.group)}</th></tr>')
        elif r.group == "三、本年度办理结果" and group != r.group:
            group = r.group
            body.append(f'<tr><th class="row" colspan="{len(cols) + 1}">{html.escape(r.group)}</th></tr>')
        tds = []
        for c in cols:
            extra = ""
            if r.key == "carried_over":
                f = rep["continuity"].get(c.key)
                if f:
                    extra = (f'<div class="{"cont-ok" if f["passed"] else "cont-bad"}" data-continuity="{c.key}">'
                             f'{"✓" if f["passed"] else "✗"} 上年结转下年度 '
                             f'<a href="/-/report/{db}/{f["previous_report"]}">{_fmt(f["expected"])}</a></div>')
            tds.append(_cell_html(db, rep, "applications", r.key, c.key, c.key in bad_cols, extra))
        body.append(f'<tr><th class="row">{html.escape(r.label)}</th>{"".join(tds)}</tr>')
    return (f'<h2>{html.escape(T.TABLES["applications"].label)}</h2>'
            f'<table class="rep" id="table3">{head}{"".join(body)}</table>')


def _table4(db: str, rep: dict) -> str:
    bad = _failed_columns(rep, "review_litigation.")
    groups, outcomes = T.REVIEW_GROUPS, T.REVIEW_OUTCOMES
    head = ('<tr>' + "".join(f'<th colspan="{len(outcomes)}" class="{"failed" if g.key in bad else ""}">'
                             f'{html.escape(g.label)}</th>' for g in groups) + '</tr><tr>'
            + "".join(f'<th>{html.escape(o.label)}</th>' for _ in groups for o in outcomes) + '</tr>')
    tds = "".join(_cell_html(db, rep, "review_litigation", g.key, o.key, g.key in bad) for g in groups for o in outcomes)
    return (f'<h2>{html.escape(T.TABLES["review_litigation"].label)}</h2>'
            f'<table class="rep" id="table4">{head}<tr>{tds}</tr></table>')


def page(title: str, body: str) -> str:
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f'<link rel="stylesheet" href="/-/static/app.css"><style>{STYLE}</style></head><body>'
            f'<p><a href="/">首页</a></p>{body}</body></html>')


def report_html(db: str, rep: dict) -> str:
    t = html.escape(rep["title"] or f"报告 {rep['id']}")
    links = [f'<a href="/-/document/{db}/{rep["sha256"]}" id="stored-copy">存档副本（sha256 {rep["sha256"][:12]}…）</a>']
    links += [f'<a href="{html.escape(s["final_url"] or s["url"])}" class="original" rel="noreferrer">原文网址'
              f'{i + 1}</a>' for i, s in enumerate(rep["sources"]) if (s["final_url"] or s["url"])]
    links.append(f'<a href="/{db}/reports/{rep["id"]}">数据行</a>')
    if rep["previous"]:
        links.append(f'<a href="/-/report/{db}/{rep["previous"]}">上一年度报告（{rep["previous_year"]}）</a>')
    failed = ""
    if rep["failed"]:
        failed = ('<div class="failures"><h3>勾稽关系不成立</h3><ul>' + "".join(
            f'<li data-check="{html.escape(f["code"] or "")}">{html.escape(f["label"] or f["code"] or "")}'
            f'（{html.escape(f["column"] or "")}）：{html.escape(f["detail"] or "")}</li>' for f in rep["failed"])
            + '</ul></div>')
    meta = (f'<p>{html.escape(rep["agency"] or "")} · {rep["year"] or ""} 年度 · 模板 {rep["template"] or "?"} · '
            f'{html.escape(rep["format"] or "")} · 状态 {html.escape(rep["status"] or "")}'
            f'{" · 错误 " + html.escape(rep["error_code"]) if rep["error_code"] else ""}</p>'
            f'<p class="meta">{" ".join(links)}</p>'
            '<p class="prev">每个数字都可点击查看原文出处；灰色小字为同一机关上一年度的数值和变化；'
            '<del>删除线</del>为更正前的提取值。</p>')
    return page(rep["title"] or "报告", f"<h1>{t}</h1>{meta}{failed}{_table2(db, rep)}{_table3(db, rep)}{_table4(db, rep)}")


def _labels(table: str, k1: str, k2: str) -> tuple[str, str]:
    if table == "applications":
        r = next((x.label for x in T.ALL_APPLICATION_ROWS if x.key == k1), k1)
        c = next((x.label for x in T.APPLICANT_COLUMNS if x.key == k2), k2)
        return r, c
    if table == "review_litigation":
        return (next((x.label for x in T.REVIEW_GROUPS if x.key == k1), k1),
                next((x.label for x in T.REVIEW_OUTCOMES if x.key == k2), k2))
    for template in T.TEMPLATES:
        for cat in T.categories(template):
            if cat.key == k1:
                return cat.label, next((m.label for m in cat.measures if m.key == k2), k2)
    return k1, k2


def source_html(db: str, rep: dict, table: str, k1: str, k2: str, page_size: tuple[float, float] | None) -> str:
    c = rep["cells"].get(table, {}).get((k1, k2))
    rlabel, clabel = _labels(table, k1, k2)
    head = (f'<h1>{html.escape(rep["agency"] or "")} {rep["year"] or ""} 年度 · '
            f'{html.escape(T.TABLES[table].label)}</h1>'
            f'<p><a href="/-/report/{db}/{rep["id"]}">← 返回报告</a> · '
            f'<a href="/-/document/{db}/{rep["sha256"]}" id="stored-copy">存档副本</a></p>')
    if c is None:
        return page("出处", head + "<p>该报告没有这个数字。</p>")
    desc = (f'<p>{html.escape(rlabel)} × {html.escape(clabel)}：<b id="value">{_fmt(c["value"])}</b>'
            f'{"（已更正，原值 " + _fmt(c["extracted"]) + "：" + html.escape(c.get("why") or "") + "）" if c.get("correction") else ""}'
            f'；原文印作 <code id="raw">{html.escape(str(c.get("raw") or ""))}</code></p>')
    if c.get("page") and c.get("bbox") and page_size:
        w, h = page_size
        x0, top, x1, bottom = c["bbox"]
        style = (f"position:absolute;left:{100 * x0 / w:.4f}%;top:{100 * top / h:.4f}%;"
                 f"width:{100 * (x1 - x0) / w:.4f}%;height:{100 * (bottom - top) / h:.4f}%;"
                 "border:2px solid #e00;background:rgba(255,0,0,.12);box-sizing:border-box")
        where = (f'<p>第 {c["page"]} 页，位置 [{", ".join(f"{v:g}" for v in c["bbox"])}]（PDF 点）</p>'
                 f'<div id="page-box" style="position:relative;display:inline-block;border:1px solid #ccc">'
                 f'<img id="page-image" src="/-/page-image/{db}/{rep["sha256"]}/{c["page"]}.png" '
                 f'style="display:block;width:{w * PAGE_SCALE / 2:.0f}px" alt="第 {c["page"]} 页">'
                 f'<div id="highlight" data-bbox="{",".join(f"{v:g}" for v in c["bbox"])}" '
                 f'data-page-size="{w:g},{h:g}" style="{style}"></div></div>')
    elif c.get("locator"):
        loc = c["locator"]
        where = (f'<p id="locator">原文第 {int(loc.get("table", 0)) + 1} 个表格，第 {int(loc.get("row", 0)) + 1} 行，'
                 f'第 {int(loc.get("col", 0)) + 1} 列（{html.escape(rep["format"] or "")}）。</p>')
    elif c.get("page"):
        where = f'<p>第 {c["page"]} 页（未记录单元格位置）。</p>'
    else:
        where = "<p>提取程序未记录该数字的位置。</p>"
    return page("出处", head + desc + where)


# --------------------------------------------------------------------------- files
def page_size(pdf_path: Path, page_no: int) -> tuple[float, float]:
    import pypdfium2 as pdfium

    with PDFIUM_LOCK:  # the extractor's process-wide lock: PDFium is not thread-safe
        pdf = pdfium.PdfDocument(str(pdf_path))
        try:
            return tuple(pdf[page_no - 1].get_size())
        finally:
            pdf.close()


def render_page(pdf_path: Path, page_no: int, cache: Path, sha: str) -> Path:
    """The page as a PNG (cached: ``cache/<sha>/<page>.png``, written atomically)."""
    out = cache / sha / f"{page_no}.png"
    if out.exists():
        return out
    import pypdfium2 as pdfium

    with PDFIUM_LOCK:  # the extractor's process-wide lock: PDFium is not thread-safe
        pdf = pdfium.PdfDocument(str(pdf_path))
        try:
            if not 1 <= page_no <= len(pdf):
                raise IndexError(page_no)
            img = pdf[page_no - 1].render(scale=PAGE_SCALE).to_pil()
        finally:
            pdf.close()
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out.parent, suffix=".tmp")
    with os.fdopen(fd, "wb") as fh:
        img.save(fh, format="PNG")
    os.replace(tmp, out)
    return out


def document_kind(conn: sqlite3.Connection, sha: str) -> tuple[str, str] | None:
    """(media type, file extension) of an archived document, None when the archive has no such document."""
    r = conn.execute("SELECT d.media_type, coalesce(d.format, r.format) FROM documents d "
                     "LEFT JOIN reports r ON r.sha256 = d.sha256 WHERE d.sha256 = ?", (sha,)).fetchone()
    if r is None:
        return None
    fmt = (r[1] or "bin").split("-")[0]
    fmt = re.sub(r"[^a-z0-9]", "", fmt.lower())[:8] or "bin"
    media = r[0] or MEDIA_TYPES.get(fmt, "application/octet-stream")
    if media.startswith("text/") and "charset" not in media:
        media += "; charset=utf-8"
    return media, fmt
