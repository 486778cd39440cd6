"""DOCX rendering with python-docx: 公文-style page, merged table cells, vertical headers."""
from __future__ import annotations

import io

from nianbao.demo.render.model import Table, build_sections, date_cn, placed, title_of

BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"
HEAD_FONT = "黑体"
TABLE_FONT = "宋体"


def _set_font(run, name: str, size_pt: float, bold: bool = False):
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = name
    run.font.size = Pt(size_pt)
    run.font.bold = bold
    rpr = run._element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(rfonts)
    rfonts.set(qn("w:eastAsia"), name)


def _para(doc, text: str, *, font=BODY_FONT, size=16, bold=False, align=None, indent=True):
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    p = doc.add_paragraph()
    if align == "center":
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif align == "right":
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if indent:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    p.paragraph_format.line_spacing = Pt(28)
    _set_font(p.add_run(text), font, size, bold)
    return p


def _page_number_footer(section):
    """Centered '- N -' footer with a PAGE field, as 公文 print their page numbers."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER

    def run(text=None):
        r = p.add_run(text or "")
        _set_font(r, TABLE_FONT, 14)
        return r

    run("- ")
    r = run()
    for tag, attr in (("w:fldChar", "begin"), ("w:instrText", None), ("w:fldChar", "separate")):
        el = OxmlElement(tag)
        if attr:
            el.set(qn("w:fldCharType"), attr)
        else:
            el.set(qn("xml:space"), "preserve")
            el.text = "PAGE"
        r._element.append(el)
    r2 = run("1")
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    r2._element.append(end)
    run(" -")


def _text_direction(cell, value: str):
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tcpr = cell._element.get_or_add_tcPr()
    td = OxmlElement("w:textDirection")
    td.set(qn("w:val"), value)
    tcpr.append(td)


def _repeat_header(row):
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trpr.append(el)


def add_table(doc, table: Table, *, vertical: str = "lines", repeat_header: bool = False, width_cm: float = 15.6):
    """``vertical``: 'lines' (one character per line) or 'btLr' / 'tbRlV' (rotated text direction)."""
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm

    nrows = len(table.rows)
    t = doc.add_table(rows=nrows, cols=table.ncols)
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    total = sum(table.col_widths) or table.ncols
    widths = [Cm(width_cm * w / total) for w in table.col_widths]
    t.autofit = False
    from docx.oxml.ns import qn

    for gc, w in zip(t._tbl.tblGrid.findall(qn("w:gridCol")), widths):
        gc.set(qn("w:w"), str(int(w.twips if hasattr(w, "twips") else w / 635)))
    for row in t.rows:
        for c, cell in enumerate(row.cells):
            cell.width = widths[c]
    cells_placed = placed(table)
    for r, c, spec in cells_placed:  # merges first: each t.cell() walks the whole table
        if spec.rowspan > 1 or spec.colspan > 1:
            t.cell(r, c).merge(t.cell(r + spec.rowspan - 1, c + spec.colspan - 1))
    grid_cells = t._cells  # one walk; merged positions share their cell object
    for r, c, spec in cells_placed:
        cell = grid_cells[r * table.ncols + c]
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        p = cell.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.LEFT if spec.align == "left" else WD_ALIGN_PARAGRAPH.CENTER
        if spec.vertical and vertical == "lines":
            for i, ch in enumerate(spec.text):
                run = p.add_run(ch)
                _set_font(run, TABLE_FONT, 10.5)
                if i < len(spec.text) - 1:
                    run.add_break()
        else:
            _set_font(p.add_run(spec.text), TABLE_FONT, 10.5)
            if spec.vertical:
                _text_direction(cell, vertical)
    # Rotated headers do not grow their row: give such rows the height their text needs.
    if vertical != "lines":
        from docx.enum.table import WD_ROW_HEIGHT_RULE
        from docx.shared import Pt

        need: dict[int, float] = {}
        for r, c, spec in placed(table):
            if spec.vertical:
                h = (len(spec.text) * 11.5 + 8) / spec.rowspan
                need[r] = max(need.get(r, 0.0), h)
        for r, h in need.items():
            t.rows[r].height = Pt(h)
            t.rows[r].height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
    if repeat_header:
        header_rows = 3 if table.key in ("applications", "review_litigation") else 0
        for r in range(header_rows):
            _repeat_header(t.rows[r])
    return t


def render_docx(report: dict, prose: list[str] | None = None, *, vertical: str = "lines",
                repeat_header: bool = False, picture_tables: tuple[str, ...] = ()) -> bytes:
    """``picture_tables``: keys of tables pasted as pictures (nianbao.demo.render.image) instead of
    Word tables — the prose stays text."""
    from docx import Document as new_document
    from docx.shared import Cm

    doc = new_document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)
    sec.top_margin, sec.bottom_margin = Cm(3.7), Cm(3.5)
    sec.left_margin, sec.right_margin = Cm(2.8), Cm(2.6)
    _page_number_footer(sec)
    core = doc.core_properties
    core.title = title_of(report)
    core.author = report.get("agency") or ""
    if report.get("published_date"):
        import datetime as _dt

        when = _dt.datetime.fromisoformat(report["published_date"][:10] + "T09:00:00")
        core.created = core.modified = when
        core.last_modified_by = report.get("agency") or ""
    intro, sections = build_sections(report, prose)
    _para(doc, title_of(report), font=TITLE_FONT, size=22, align="center", indent=False)
    for p in intro:
        _para(doc, p)
    for s in sections:
        _para(doc, s.heading, font=HEAD_FONT)
        for p in s.paragraphs:
            _para(doc, p)
        if s.table is not None and s.table.key in picture_tables:
            from nianbao.demo.render.image import table_png

            doc.add_picture(io.BytesIO(table_png(s.table)), width=Cm(15.6))
            _para(doc, "", indent=False)
        elif s.table is not None:
            add_table(doc, s.table, vertical=vertical, repeat_header=repeat_header)
            _para(doc, "", indent=False)
    if report.get("published_date"):
        _para(doc, report.get("agency") or "", align="right", indent=False)
        _para(doc, date_cn(report["published_date"]), align="right", indent=False)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
