"""A report's tables as an XLSX workbook (openpyxl): one sheet per table, the way agencies
publish tables 二/三/四 beside the prose — title row merged across the first sheet, the section
heading above each table, merged header cells, wrapped (vertical) headers, blank null cells
and figures typed as numbers."""
from __future__ import annotations

import io

from nianbao.demo.render.model import build_sections, placed, title_of, vertical_text

SHEET_NAMES = {"active_disclosure": "主动公开", "applications": "依申请公开", "review_litigation": "复议诉讼"}


def _typed(text: str):
    """A figure as a number cell (as a spreadsheet user types it), anything else as text."""
    try:
        f = float(text)
    except ValueError:
        return text
    if not text.strip() or any(ch not in "0123456789.-" for ch in text.strip()):
        return text
    return int(f) if f.is_integer() and "." not in text else f


def render_xlsx(report: dict, prose: list[str] | None = None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment

    _intro, sections = build_sections(report, prose)
    wb = Workbook()
    wb.remove(wb.active)
    first = True
    for sec in sections:
        t = sec.table
        if t is None:
            continue
        ws = wb.create_sheet(SHEET_NAMES.get(t.key, t.key))
        top = 1
        if first:
            ws.cell(1, 1, title_of(report))
            ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=t.ncols)
            top = 2
            first = False
        ws.cell(top, 1, sec.heading)
        ws.merge_cells(start_row=top, start_column=1, end_row=top, end_column=t.ncols)
        top += 1
        for r, c, cell in placed(t):
            text = vertical_text(cell.text) if cell.vertical else cell.text
            xc = ws.cell(top + r, 1 + c, text if cell.header or not text else _typed(text))
            xc.alignment = Alignment(wrap_text=True, vertical="center",
                                     horizontal="left" if cell.align == "left" else "center")
            if cell.rowspan > 1 or cell.colspan > 1:
                ws.merge_cells(start_row=top + r, start_column=1 + c,
                               end_row=top + r + cell.rowspan - 1, end_column=c + cell.colspan)
    if not wb.worksheets:
        ws = wb.create_sheet("报告")
        ws.cell(1, 1, title_of(report))
    wb.properties.title = title_of(report)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
