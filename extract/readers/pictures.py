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


def missing_picture_tables(doc: Document, pictures: list[Picture]) -> dict[str, list[Picture]]:
    """{table key: the pictures under its heading} for template tables the rows do not give."""
    if not pictures:
        return {}
    from extract.match import match_rows

    found = match_rows(doc.rows)
    lines = (doc.text or "").split("\n")
    heads = _headings(lines)
    out: dict[str, list[Picture]] = {}
    for k, (i, sec) in enumerate(heads):
        if sec not in TABLES or found.get(sec) or sec in out:
            continue
        end = heads[k + 1][0] if k + 1 < len(heads) else len(lines) + 1
        under = [p for p in pictures if i < p.line <= end and len(p.data) >= MIN_PICTURE_BYTES]
        if under:
            out[sec] = under
    return out


def read_table_pictures(doc: Document, pictures: list[Picture]) -> None:
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


__all__ = ["Picture", "read_table_pictures", "missing_picture_tables"]
