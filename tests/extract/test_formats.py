"""Formats of issue 14: spreadsheets, archives, tables as pictures, and real layouts that read
wrong (header text broken inside a cell, run-together cells, markdown, issuing-body lines,
portal metadata). Fixtures are rendered by nianbao.render (tests/fixtures/documents)."""
from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from extract import CONTRACT_KEYS, extract_bytes
from extract.evaluate import compare
from nianbao.render import render_report

DOCS = Path(__file__).resolve().parents[1] / "fixtures" / "documents"


def fixture(name: str) -> tuple[bytes, dict]:
    stem = name.rsplit(".", 1)[0]
    return (DOCS / name).read_bytes(), json.loads((DOCS / f"{stem}.expected.json").read_text("utf-8"))


def sample_report() -> dict:
    _data, exp = fixture("tables-workbook.xlsx")
    return exp


def assert_exact(out: dict, exp: dict, name: str) -> None:
    c = compare(exp, out, name)
    assert c.exact, (name, c.mismatches[:10], out.get("warnings"))


# --------------------------------------------------------------------------- spreadsheets
def test_xlsx_fixture_reads_exactly():
    data, exp = fixture("tables-workbook.xlsx")
    out = extract_bytes(data, "tables-workbook.xlsx")
    assert out["status"] == "ok" and out["format"] == "xlsx"
    assert_exact(out, exp, "tables-workbook.xlsx")


def test_et_name_is_sniffed_by_content():
    # WPS .et: an OOXML (or OLE) workbook under another name; the bytes decide
    data, exp = fixture("tables-workbook.xlsx")
    out = extract_bytes(data, "tables.et")
    assert out["status"] == "ok" and out["format"] == "xlsx"
    assert_exact(out, exp, "tables.et")


def test_broken_workbook_has_a_clear_code():
    data, _ = fixture("tables-workbook.xlsx")
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(buf, "w") as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename.startswith("xl/worksheets/"):
                body = body[: len(body) // 2]  # cut XML
            dst.writestr(info, body)
    out = extract_bytes(buf.getvalue(), "t.xlsx")
    assert out["status"] == "error" and out["error"]["code"] == "malformed"
    # an OLE file claiming to be a workbook but holding garbage
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 40 + "Workbook".encode("utf-16-le") + b"\x00" * 600
    out = extract_bytes(ole, "t.xls")
    assert out["status"] == "error" and out["error"]["code"] == "malformed"


def test_xls_via_libreoffice():
    from extract.libreoffice import available, convert

    if not available():
        pytest.skip("LibreOffice (soffice) not installed: no XLS writer to make the BIFF workbook")
    data, exp = fixture("tables-workbook.xlsx")
    xls = convert(data, "xlsx", "xls")
    out = extract_bytes(xls, "t.xls")
    assert out["format"] == "xls"
    assert_exact(out, exp, "t.xls")
