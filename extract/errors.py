"""Stable error codes for unreadable input.

Readers raise ``extract.document.ExtractionError(code, message)`` with one of the codes
below; ``extract_bytes`` turns it into ``{"status": "error", "error": {"code", "message"}}``
(``needs_ocr`` becomes ``status: "needs_ocr"``). Codes are part of the archive's data: never
rename one, only add.
"""
from __future__ import annotations

from extract.document import ExtractionError

ERRORS: dict[str, str] = {
    "empty_file": "the file is empty (0 bytes or only whitespace)",
    "truncated_pdf": "the PDF is cut off (no end-of-file marker or cross-reference table); the download was probably incomplete",
    "encrypted_pdf": "the PDF is password-protected and cannot be opened",
    "malformed": "the file claims a known format but its structure cannot be read",
    "html_error_page": "an HTML page (error, login or redirect page) was saved in place of the document",
    "unsupported_format": "this file format cannot be read",
    "needs_ocr": "the document has no text layer (scanned); OCR is needed: pip install nianbao[ocr]",
    "not_a_report": "the document is readable but is not an annual report",
    "mojibake": "the text could not be decoded into readable Chinese (wrong or broken encoding)",
    "too_large": "the file is larger than the extraction limit",
    "zip_bomb": "the archive expands to far more data than it holds (possible zip bomb)",
    "timeout": "extraction took longer than the time limit",
    "libreoffice_failed": "LibreOffice could not convert the DOC/WPS file",
    "archive_empty": "the archive holds no document that could be the report",
    "archive_encrypted": "the archive (or its report member) is password-protected",
    "archive_backend_missing": "this archive type needs a decompressor that is not installed",
    "archive_too_deep": "archives nested inside archives deeper than the extraction limit",
}

# Limits shared by the readers.
MAX_BYTES = 200 * 1024 * 1024  # 200 MB: no annual report is larger
MAX_ZIP_RATIO = 200  # uncompressed/compressed, docx
MAX_ZIP_UNCOMPRESSED = 500 * 1024 * 1024


def error(code: str, detail: str | None = None) -> ExtractionError:
    """Build an ExtractionError for a known code; ``detail`` is appended to the stock message."""
    if code not in ERRORS:
        raise ValueError(f"unknown extraction error code {code!r}")
    message = ERRORS[code] if not detail else f"{ERRORS[code]}: {detail}"
    return ExtractionError(code, message)


__all__ = ["ERRORS", "ExtractionError", "error", "MAX_BYTES", "MAX_ZIP_RATIO", "MAX_ZIP_UNCOMPRESSED"]
