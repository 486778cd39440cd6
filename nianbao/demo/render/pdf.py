"""PDF renderings: Word-made (DOCX → LibreOffice), reportlab (CID font, no LibreOffice needed)
and scanned (image-only pages)."""
from __future__ import annotations

import io

from nianbao.demo.render.model import Table, build_sections, date_cn, placed, title_of

CID_FONT = "STSong-Light"


def render_pdf_libreoffice(report: dict, prose: list[str] | None = None, **docx_options) -> bytes:
    from extract.libreoffice import convert
    from nianbao.demo.render.docx import render_docx

    return convert(render_docx(report, prose, **docx_options), "docx", "pdf")


def render_pdf_reportlab(report: dict, prose: list[str] | None = None) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer
    from reportlab.platypus import Table as RLTable
    from reportlab.platypus import TableStyle

    if CID_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CID_FONT))
    body = ParagraphStyle("body", fontName=CID_FONT, fontSize=14, leading=25, firstLineIndent=28, wordWrap="CJK")
    head = ParagraphStyle("head", parent=body)
    title = ParagraphStyle("title", fontName=CID_FONT, fontSize=20, leading=30, alignment=TA_CENTER, wordWrap="CJK",
                           spaceAfter=12)
    right = ParagraphStyle("right", parent=body, alignment=TA_RIGHT, firstLineIndent=0)
    cell_c = ParagraphStyle("cell_c", fontName=CID_FONT, fontSize=9, leading=11, alignment=TA_CENTER, wordWrap="CJK")
    cell_l = ParagraphStyle("cell_l", parent=cell_c, alignment=TA_LEFT)
    width = A4[0] - 5.4 * cm

    def rl_table(t: Table):
        data = [["" for _ in range(t.ncols)] for _ in t.rows]
        style = [("GRID", (0, 0), (-1, -1), 0.6, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                 ("FONT", (0, 0), (-1, -1), CID_FONT, 9), ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                 ("LEFTPADDING", (0, 0), (-1, -1), 2), ("RIGHTPADDING", (0, 0), (-1, -1), 2)]
        for r, c, cell in placed(t):
            if cell.vertical:
                data[r][c] = "\n".join(cell.text)
            elif cell.text:
                data[r][c] = Paragraph(cell.text, cell_l if cell.align == "left" else cell_c)
            if cell.rowspan > 1 or cell.colspan > 1:
                style.append(("SPAN", (c, r), (c + cell.colspan - 1, r + cell.rowspan - 1)))
        total = sum(t.col_widths)
        widths = [width * w / total for w in t.col_widths]
        return RLTable(data, colWidths=widths, style=TableStyle(style), splitByRow=1, repeatRows=0)

    def footer(canvas, doc):
        canvas.saveState()
        canvas.setFont(CID_FONT, 12)
        canvas.drawCentredString(A4[0] / 2, 1.8 * cm, f"- {doc.page} -")
        canvas.restoreState()

    story = [Paragraph(title_of(report), title)]
    intro, sections = build_sections(report, prose)
    story += [Paragraph(p, body) for p in intro]
    for s in sections:
        story.append(Paragraph(s.heading, head))
        story += [Paragraph(p, body) for p in s.paragraphs]
        if s.table is not None:
            story += [rl_table(s.table), Spacer(1, 10)]
    if report.get("published_date"):
        story += [Paragraph(report.get("agency") or "", right), Paragraph(date_cn(report["published_date"]), right)]
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=2.8 * cm, rightMargin=2.6 * cm, topMargin=3.0 * cm,
                            bottomMargin=3.0 * cm, title=title_of(report), author=report.get("agency") or "")
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buf.getvalue()


def render_pdf(report: dict, prose: list[str] | None = None) -> bytes:
    """Word-made PDF when LibreOffice is installed, else a reportlab PDF; both with ruled tables."""
    from extract.document import ExtractionError
    from extract.libreoffice import available

    if available():
        try:
            return render_pdf_libreoffice(report, prose)
        except ExtractionError:  # conversion failed or timed out: still give a ruled PDF
            pass
    return render_pdf_reportlab(report, prose)


def scan_pdf(pdf: bytes, *, dpi: int = 110, pages: list[int] | None = None, quality: int = 60) -> bytes:
    """An image-only PDF of ``pdf``'s pages (0-based ``pages``; all by default): what a scanner
    makes. Grayscale JPEG pages, no text layer."""
    import pypdfium2 as pdfium

    from extract.readers import PDFIUM_LOCK  # PDFium is not thread-safe

    with PDFIUM_LOCK:
        src = pdfium.PdfDocument(pdf)
        try:
            idx = pages if pages is not None else list(range(len(src)))
            images = []
            for i in idx:
                bitmap = src[i].render(scale=dpi / 72)
                images.append(bitmap.to_pil().convert("L"))
        finally:
            src.close()
    buf = io.BytesIO()
    images[0].save(buf, "PDF", resolution=dpi, save_all=True, append_images=images[1:], quality=quality)
    return buf.getvalue()
