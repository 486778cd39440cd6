"""Bytes in, a report out (docs/interfaces.md).

    from extract import extract_bytes, extract_file, EXTRACTOR_VERSION
    report = extract_bytes(data, filename="report.pdf")

``extract_bytes`` never raises for bad input: unreadable input gives ``status: "error"``
with a stable code from ``extract.errors``. The output starts with the contract keys of
shared/spec/template.md, then the extra fields.
"""
from __future__ import annotations

import math
import traceback
from pathlib import Path

EXTRACTOR_VERSION = "1.1.0"
CONTRACT_KEYS = ("title", "agency", "year", "template", "active_disclosure", "applications", "review_litigation", "checks")


def _finite(obj):
    """Strict JSON: no NaN/inf anywhere."""
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_finite(v) for v in obj]
    return obj


def _error_report(code: str, message: str, fmt: str | None = None, warnings: list | None = None) -> dict:
    status = "needs_ocr" if code == "needs_ocr" else "error"
    return {
        "title": None, "agency": None, "year": None, "template": None, "checks": [],
        "extractor_version": EXTRACTOR_VERSION, "format": fmt, "status": status,
        "error": None if status == "needs_ocr" else {"code": code, "message": message},
        "warnings": list(warnings or []) + ([message] if status == "needs_ocr" else []), "provenance": {},
    }


def _read(data: bytes, filename: str | None):
    from extract.readers import read_document

    return read_document(data, filename)


def report_from_document(doc, include_text: bool = False) -> dict:
    """Match tables and metadata of a read Document into the contract object."""
    from extract.match import match_document
    from extract.metadata import extract_metadata
    from extract.template import run_checks

    matched = match_document(doc)
    meta = extract_metadata(doc.text or "", doc.meta)
    report: dict = {}
    report["title"] = meta.get("title")  # every contract key is present, null when not printed
    report["agency"] = meta.get("agency")
    report["year"] = meta.get("year")
    report["template"] = matched.get("template")
    for key in ("active_disclosure", "applications", "review_litigation"):
        if matched.get(key):
            report[key] = matched[key]
    report["checks"] = run_checks(report)
    has_tables = any(k in report for k in ("active_disclosure", "applications", "review_litigation"))
    report["extractor_version"] = EXTRACTOR_VERSION
    report["format"] = doc.format
    report["status"] = "ok" if has_tables else "no_tables"
    report["error"] = None
    report["warnings"] = list(doc.warnings) + list(matched.get("warnings") or [])
    if "title_simplified" in meta:
        report["title_simplified"] = meta["title_simplified"]
    if "published_date" in meta:
        report["published_date"] = meta["published_date"]
    if doc.pages is not None:
        report["pages"] = doc.pages
    if doc.meta.get("needs_ocr_tables"):
        report["needs_ocr"] = list(doc.meta["needs_ocr_tables"])  # tables that are pictures, not read
    report["provenance"] = matched.get("provenance") or {}
    if not has_tables and not _looks_like_report(doc.text or "", report):
        report["status"] = "error"
        report["error"] = {"code": "not_a_report", "message": _message("not_a_report")}
    if include_text:
        report["text"] = doc.text or ""
    return report


def _message(code: str) -> str:
    try:
        from extract.errors import ERRORS

        return ERRORS.get(code, code)
    except ImportError:  # pragma: no cover
        return code


def _looks_like_report(text: str, report: dict) -> bool:
    head = text[:200_000]
    if report.get("title"):
        return True
    if head.count("(cid:") > 20:
        # a text layer of unmapped glyphs: nothing can be said about what the document is
        report["warnings"].append("text layer is unmapped glyphs (cid:N); content unreadable")
        return True
    words = ("政府信息公开", "政務信息公開", "政府信息公開", "信息公开", "政务公开", "依申请公开", "主动公开")
    return any(w in head for w in words)


def extract_bytes(data: bytes, filename: str | None = None, include_text: bool = False) -> dict:
    """One document's bytes -> the contract object (see module doc). Never raises for bad input."""
    return _extract(data, filename, include_text, 0)


def _extract(data: bytes, filename: str | None, include_text: bool, depth: int) -> dict:
    from extract.document import ExtractionError

    fmt = None
    try:
        if not isinstance(data, (bytes, bytearray)):
            return _error_report("unsupported_format", f"expected bytes, got {type(data).__name__}")
        data = bytes(data)
        archived = _extract_archive(data, filename, include_text, depth)
        if archived is not None:
            return _finite(archived)
        doc = _read(data, filename)
        fmt = doc.format
        report = report_from_document(doc, include_text=include_text)
    except ExtractionError as exc:
        return _error_report(exc.code, exc.message, fmt)
    except MemoryError:
        return _error_report("too_large", "out of memory while reading the document", fmt)
    except RecursionError:
        return _error_report("malformed", "the document nests too deeply to read", fmt)
    except Exception as exc:  # noqa: BLE001 - a reader bug must not stop a batch
        rep = _error_report("malformed", f"{type(exc).__name__}: {exc}", fmt)
        rep["warnings"].append("internal error: " + traceback.format_exc(limit=3)[-800:])
        return rep
    return _finite(report)


def _extract_archive(data: bytes, filename: str | None, include_text: bool, depth: int) -> dict | None:
    """The report inside a .zip/.rar/.7z (extract.archives), None when ``data`` is no archive."""
    from extract.archives import ARCHIVE_KINDS, ArchiveError, extract_archive
    from extract.sniff import sniff

    if not data.startswith((b"PK", b"Rar!", b"7z\xbc\xaf")):
        return None
    kind = sniff(data, filename).kind
    if kind not in ARCHIVE_KINDS:
        return None
    try:
        return extract_archive(data, kind, depth,
                               lambda body, name, d: _extract(body, name, include_text, d))
    except ArchiveError as exc:
        return _error_report(exc.code, f"{_message(exc.code)}: {exc.detail}", kind)


def extract_file(path, include_text: bool = False) -> dict:
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        return _error_report("unsupported_format", f"cannot read {p}: {exc}")
    return extract_bytes(data, filename=p.name, include_text=include_text)


__all__ = ["extract_bytes", "extract_file", "EXTRACTOR_VERSION", "report_from_document"]
