"""The intermediate form every reader produces and the matcher consumes.

A reader (PDF, OCR, HTML, DOCX, text) turns bytes into a ``Document``: the plain text in
reading order (for metadata and full-text search) and the table-like rows it found, each
cell carrying where it came from. The matcher never looks at bytes; a reader never knows
the template.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Cell:
    text: str
    page: int | None = None  # 1-based page (PDF, OCR)
    bbox: tuple[float, float, float, float] | None = None  # x0, top, x1, bottom in PDF points
    table: int | None = None  # index of the source table within the document
    row: int | None = None  # row index within that table
    col: int | None = None  # column index within that row

    def provenance(self) -> dict:
        out = {k: getattr(self, k) for k in ("page", "table", "row", "col") if getattr(self, k) is not None}
        if self.bbox is not None:
            out["bbox"] = [round(v, 1) for v in self.bbox]
        return out


@dataclass
class Document:
    format: str  # "pdf", "pdf-ocr", "html", "docx", "doc", "wps", "text"
    text: str = ""
    rows: list[list[Cell]] = field(default_factory=list)  # table rows in document order
    pages: int | None = None
    meta: dict = field(default_factory=dict)  # reader hints: html <title>, pdf metadata, dates
    warnings: list[str] = field(default_factory=list)


class ExtractionError(Exception):
    """Unreadable input. ``code`` is stable and machine-readable (see extract.errors)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message
