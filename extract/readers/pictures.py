"""Tables pasted as pictures into a document that has a text layer.

The prose of such a report is text, but table 三 (say) is a screenshot: the heading
'三、收到和处理政府信息公开申请情况' is in the text, no table cells follow it, an image does.
``read_table_pictures`` finds those tables — a template table the rows do not give, whose
heading is printed, with a picture between that heading and the next section heading — and
OCRs only those pictures when the OCR extra is installed (``extract.readers.ocr``); the OCR
rows are put where the picture stands. Without OCR it records the table under
``doc.meta["needs_ocr_tables"]`` and in a warning: never a silent absence.

Readers call it once, with the pictures they found in reading order:
``Picture(line=…, row=…, data=…)`` — ``line``: index in ``doc.text.split("\\n")`` of the first
line after the picture, ``row``: how many of ``doc.rows`` come before it.
"""
from __future__ import annotations

from dataclasses import dataclass

from extract.document import Document, ExtractionError

TABLES = ("active_disclosure", "applications", "review_litigation")
TABLE_NAMES = {"active_disclosure": "二", "applications": "三", "review_litigation": "四"}
MIN_PICTURE_BYTES = 2_000  # logos, bullets and rules are smaller
MAX_PICTURES = 12  # OCR at most this many pictures per document


@dataclass
class Picture:
    line: int
    row: int
    data: bytes


def _headings(lines: list[str]) -> list[tuple[int, str]]:
    from extract.labels import section_of

    out = []
    for i, ln in enumerate(lines):
        if len(ln) <= 60:
            sec = section_of(ln.strip())
            if sec:
                out.append((i, sec))
    return out


def missing_picture_tables(doc: Document, pictures) -> dict[str, list[Picture]]:
    """{table key: the pictures under its heading} for template tables the rows do not give.
    ``pictures``: a list, or a function giving it (called only when a table is missing)."""
    if not pictures:
        return {}
    from extract.match import match_document

    found = match_document(doc)  # the report's own match (kept on the doc)
    if all(found.get(sec) for sec in TABLES):
        return {}  # every table read: no picture stands in for one
    lines = (doc.text or "").split("\n")
    heads = _headings(lines)
    if not any(sec in TABLES for _i, sec in heads):
        return {}
    spans = []
    for k, (i, sec) in enumerate(heads):
        if sec in TABLES and not found.get(sec) and sec not in {s for s, _a, _b in spans}:
            spans.append((sec, i, heads[k + 1][0] if k + 1 < len(heads) else len(lines) + 1))
    if not spans:
        return {}
    if callable(pictures):
        pictures = pictures()
    out: dict[str, list[Picture]] = {}
    for sec, start, end in spans:
        under = [p for p in pictures if start < p.line <= end and len(p.data) >= MIN_PICTURE_BYTES]
        if under:
            out[sec] = under
    return out


def pdf_pictures(data: bytes, doc: Document, dpi: int = 200) -> list[Picture]:
    """Large image objects of a PDF with a text layer, each rendered (PNG) and placed in
    ``doc``: after the text line printed last above it, after the rows above it. The caller
    holds the PDFium lock."""
    import io
    import re

    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    lines = [re.sub(r"\s+", "", ln) for ln in (doc.text or "").split("\n")]
    out: list[Picture] = []
    pdf = pdfium.PdfDocument(data)
    try:
        cursor = 0
        for pno in range(min(len(pdf), 300)):
            page = pdf[pno]
            width, height = page.get_size()
            boxes = [o.get_bounds() for o in page.get_objects(filter=[raw.FPDF_PAGEOBJ_IMAGE], max_depth=2)]
            boxes = sorted((b for b in boxes if b[2] - b[0] >= 0.4 * width and b[3] - b[1] >= 60), key=lambda b: -b[3])
            if not boxes:
                continue
            textpage = page.get_textpage()
            for left, bottom, right, top in boxes[:MAX_PICTURES]:
                above = [re.sub(r"\s+", "", x) for x in textpage.get_text_bounded(0, top, width, height).split("\n")]
                above = [x for x in above if x]
                if not above and pno > 0:  # a picture at the top of a page: the previous page's last line
                    prev = pdf[pno - 1].get_textpage()
                    above = [x for x in (re.sub(r"\s+", "", y) for y in prev.get_text_range().split("\n")) if x]
                    above = [x for x in above if not re.fullmatch(r"[-—–－]?\d{1,4}[-—–－]?|第\d+页.*", x)]
                    prev.close()
                line = None
                if above:
                    for i in range(cursor, len(lines)):
                        if lines[i] and (lines[i] == above[-1] or above[-1] in lines[i]):
                            line = i + 1
                            break
                if line is None:
                    continue
                cursor = line
                row = sum(1 for r in doc.rows if any(c.page is not None and (c.page < pno + 1 or c.page == pno + 1 and c.bbox
                                                                             and c.bbox[1] < height - top) for c in r))
                img = page.render(scale=dpi / 72, crop=(left, bottom, width - right, height - top)).to_pil()
                buf = io.BytesIO()
                img.convert("L").save(buf, "PNG", dpi=(dpi, dpi))
                out.append(Picture(line=line, row=row, data=buf.getvalue()))
            textpage.close()
    finally:
        pdf.close()
    return out


def read_table_pictures(doc: Document, pictures) -> None:
    """OCR the pictures that stand in for missing tables (see module doc); mutates ``doc``."""
    missing = missing_picture_tables(doc, pictures)
    if not missing:
        return
    from extract.readers import ocr

    if not ocr.available():
        for sec in missing:
            doc.meta.setdefault("needs_ocr_tables", []).append(sec)
            doc.warnings.append(f"{sec}: table {TABLE_NAMES[sec]} is a picture in the document; "
                                "OCR is needed to read it: pip install nianbao[ocr]")
        return
    todo = sorted({id(p): p for ps in missing.values() for p in ps}.values(), key=lambda p: p.row)[:MAX_PICTURES]
    base = 1000 + max((c.table or 0 for row in doc.rows for c in row), default=0)
    for n, pic in reversed(list(enumerate(todo))):
        try:
            img = ocr.read_image(pic.data)
        except ExtractionError as exc:
            doc.warnings.append(f"a table picture could not be read ({exc.code}: {exc.message[:80]})")
            continue
        for row in img.rows:
            for c in row:
                c.page, c.bbox, c.table = None, None, base + n
        doc.rows[pic.row:pic.row] = img.rows
    for sec in missing:
        doc.warnings.append(f"{sec}: table {TABLE_NAMES[sec]} read by OCR from a picture")
    doc.meta["ocr_tables"] = sorted(missing)


__all__ = ["Picture", "read_table_pictures", "missing_picture_tables", "pdf_pictures"]
