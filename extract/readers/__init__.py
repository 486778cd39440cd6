"""Bytes in, a ``Document`` out: sniff the content, pick a reader.

    from extract.readers import read_document
    doc = read_document(data, "report.pdf")

The choice rests on the bytes (``extract.sniff``), never on the file name. Unreadable input
raises ``ExtractionError`` with a code from ``extract.errors``. Readers import their heavy
libraries lazily, so importing this module is cheap.
"""
from __future__ import annotations

import threading

from extract.document import Document, ExtractionError
from extract.errors import MAX_BYTES, error
from extract.sniff import DOCUMENT_EXTENSIONS, Sniff, extension, html_error_reason, sniff


def read_document(data: bytes, filename: str | None = None) -> Document:
    """Read any supported document into the intermediate form.

    Raises ``ExtractionError`` (``empty_file``, ``too_large``, ``html_error_page``,
    ``unsupported_format``, ``truncated_pdf``, ``encrypted_pdf``, ``malformed``, ``needs_ocr`` …).
    """
    if data is None:
        raise error("empty_file")
    if len(data) > MAX_BYTES:
        raise error("too_large", f"{len(data)} bytes > {MAX_BYTES}")
    s = sniff(data, filename)
    doc = _dispatch(data, s, filename)
    doc.meta.setdefault("sniffed", s.kind)
    if s.detail:
        doc.meta.setdefault("sniff_detail", s.detail)
    return doc


# PDFium is not thread-safe: two threads inside pypdfium2 at once (even on different documents)
# can crash the process with SIGSEGV (ctypes releases the GIL during each call). The flows
# extract 4 documents at a time in threads, so every PDF read (PDFium pages, the pdfminer
# fallback, OCR rendering) holds this one process-wide lock: PDF extraction is serial within a
# process; run extraction in processes (``--runner dask``) to use more cores.
PDFIUM_LOCK = threading.RLock()


def _dispatch(data: bytes, s: Sniff, filename: str | None) -> Document:
    kind = s.kind
    if kind == "empty":
        raise error("empty_file")
    if kind == "pdf":
        from extract.readers.pdf import read_pdf

        with PDFIUM_LOCK:
            return read_pdf(data)
    if kind == "ofd":
        from extract.readers.ofd import read_ofd

        return read_ofd(data)
    if kind == "docx":
        from extract.readers.docx import read_docx

        return read_docx(data)
    if kind == "xlsx":
        from extract.readers.sheet import read_xlsx

        return read_xlsx(data)
    if kind == "xls":
        from extract.readers.sheet import read_xls

        return read_xls(data)
    if kind in ("doc", "wps", "rtf", "odt"):
        from extract.readers.docx import read_via_libreoffice

        return read_via_libreoffice(data, kind)
    if kind == "html":
        reason = html_error_reason(data)
        ext = extension(filename)
        # An error title or an anti-bot script is enough; a page that is merely short is an
        # error page only where a document was expected (saved under a .pdf/.doc… name).
        weak = reason is not None and reason.startswith("HTML page with almost no text")
        if reason and (ext in DOCUMENT_EXTENSIONS or not weak) and not _has_report_words(data):
            where = f" saved as .{ext}" if ext in DOCUMENT_EXTENSIONS else ""
            raise error("html_error_page", f"{reason}{where}")
        from extract.readers.html import read_html

        doc = read_html(data)
        if ext in DOCUMENT_EXTENSIONS:
            doc.warnings.append(f"HTML content under a .{ext} name")
        return doc
    if s.is_image and kind != "gif":  # GIFs are web graphics, not scans
        from extract.readers.ocr import read_image

        return read_image(data)
    if kind == "text":
        from extract.readers.text import read_text

        return read_text(data)
    raise error("unsupported_format", f"{kind} ({s.media_type}){' — ' + s.detail if s.detail else ''}")


def _has_report_words(data: bytes) -> bool:
    head = data[:300_000]
    for enc in ("utf-8", "gb18030"):
        text = head.decode(enc, "ignore")
        if "政府信息公开" in text or "申请" in text and "公开" in text:
            return True
    return False


__all__ = ["read_document", "Document", "ExtractionError"]
