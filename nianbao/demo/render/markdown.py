"""A report as Markdown the way PDF-to-Markdown conversion tools write it: ``#`` headings (the
issuing body and the title each a heading), paragraphs, and pipe tables. ``split_rows``: each
table row becomes a small table of its own under made-up column names (``项目 | 数据1 | …``),
as some converters emit a ruled table they cannot follow."""
from __future__ import annotations

from nianbao.demo.render.model import Table, build_sections, date_cn, grid, title_of


def _rows(table: Table) -> list[list[str]]:
    """Grid rows as the converter prints them: a merged cell's text once, '' in the rest."""
    out = []
    for row in grid(table):
        cells = []
        for v in row:
            if v is None:
                cells.append("")
            else:
                cell, origin = v
                cells.append(cell.text if origin else "")
        out.append(cells)
    return out


def _pipe(cells: list[str]) -> str:
    return "| " + " | ".join(c.replace("|", "/") for c in cells) + " |"


def _table_md(table: Table, split_rows: bool) -> list[str]:
    rows = _rows(table)
    lines: list[str] = []
    if not split_rows:
        lines.append(_pipe(rows[0]))
        lines.append(_pipe(["---"] * len(rows[0])))
        lines += [_pipe(r) for r in rows[1:]]
        return lines
    for gr in grid(table):
        # the cells that start at this row (null figures stay as empty cells), merged spans dropped
        cells = [v[0].text for v in gr if v is not None and v[1]] or [""]
        head = ["项目"] + [f"数据{i}" for i in range(1, len(cells))]
        lines += [_pipe(head), _pipe(["---"] * len(head)), _pipe(cells), ""]
    return lines


def render_markdown(report: dict, prose: list[str] | None = None, *, split_rows: bool = False) -> str:
    intro, sections = build_sections(report, prose)
    agency = report.get("agency") or ""
    title = title_of(report)
    if agency and title.startswith(agency + "关于"):
        # the issuing body on its own heading line above the 关于… title
        lines = [f"# {agency}", "", f"# {title[len(agency):]}", ""]
    else:
        lines = [f"# {title}", ""]
    lines += [p + "\n" for p in intro]
    for s in sections:
        lines += [f"## {s.heading}", ""]
        lines += [p + "\n" for p in s.paragraphs]
        if s.table is not None:
            lines += _table_md(s.table, split_rows) + [""]
    if report.get("published_date"):
        lines += [agency, "", date_cn(report["published_date"])]
    return "\n".join(lines) + "\n"
