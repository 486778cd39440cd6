"""End to end: ``extract_bytes`` on every fixture in tests/fixtures/documents and on both real
洪泽区 PDFs, compared with their expected JSON by ``extract.evaluate.compare`` — exact."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

extract = pytest.importorskip("extract")
if not hasattr(extract, "extract_bytes"):
    pytest.skip("extract.extract_bytes has not landed yet", allow_module_level=True)
from extract import extract_bytes  # noqa: E402
from extract.evaluate import compare  # noqa: E402

DOCS = Path(__file__).resolve().parents[1] / "fixtures" / "documents"
# The scanned page is compared end to end in test_readers.py::test_scanned_page_ocr (one OCR run).
FIXTURES = sorted(p.name for p in DOCS.iterdir()
                  if p.suffix in (".pdf", ".html", ".docx", ".doc") and not p.name.startswith("scanned"))
# Dates printed only in the signature block at the end of the document (落款).
SIGNATURE_DATE_ONLY = {"report.docx", "reportlab-split.pdf", "word-2021-split.pdf", "word-btlr-repeat-header.pdf"}


def _needs(name: str):
    if name.endswith(".doc"):
        from extract.libreoffice import available

        if not available():
            pytest.skip("LibreOffice not installed")
    if name.startswith("scanned"):
        from extract.readers.ocr import available

        if not available():
            pytest.skip("ocr extra not installed")


def _exact(expected: dict, got: dict, name: str, skip: tuple[str, ...] = ()) -> None:
    exp = {k: v for k, v in expected.items() if k not in skip}
    cmp = compare(exp, got, name)
    assert got["status"] == "ok", got.get("error")
    assert cmp.exact, "\n".join(cmp.mismatches + cmp.extra)


@pytest.mark.parametrize("name", FIXTURES)
def test_fixture_extracts_exactly(name):
    _needs(name)
    expected = json.loads((DOCS / (Path(name).stem + ".expected.json")).read_text("utf-8"))
    got = extract_bytes((DOCS / name).read_bytes(), filename=name)
    _exact(expected, got, name)
    assert got["format"] in {"pdf", "pdf-ocr", "html", "docx", "doc"}
    # provenance points back into the document
    prov = got["provenance"]
    assert prov
    one = next(iter(prov.values()))
    assert ("page" in one and "bbox" in one) or {"table", "row", "col"} <= set(one) or "row" in one


@pytest.mark.parametrize("name", sorted(SIGNATURE_DATE_ONLY))
def test_signature_block_date(name):
    expected = json.loads((DOCS / (Path(name).stem + ".expected.json")).read_text("utf-8"))
    got = extract_bytes((DOCS / name).read_bytes(), filename=name)
    assert got.get("published_date") == expected["published_date"]


@pytest.mark.parametrize("year", [2023, 2024])
def test_hongze_pdf_extracts_exactly(shared, year):
    folder = shared / "corpus" / "hongze"
    expected = json.loads((folder / f"hongze-{year}.expected.json").read_text("utf-8"))
    got = extract_bytes((folder / f"hongze-{year}.pdf").read_bytes(), filename=f"hongze-{year}.pdf")
    _exact(expected, got, f"hongze-{year}")
    assert got["pages"] == 5
    cell = got["provenance"]["applications.new_received.total"]
    assert cell["page"] == 3 and len(cell["bbox"]) == 4


@pytest.mark.parametrize("name,code", [
    ("empty", "empty_file"), ("truncated", "truncated_pdf"), ("error-page", "html_error_page"),
    ("random", "unsupported_format"),
])
def test_bad_input_end_to_end(name, code):
    import random

    pdf = (DOCS / "reportlab-split.pdf").read_bytes()
    rnd = random.Random(1)
    data = {
        "empty": b"",
        "truncated": pdf[: len(pdf) // 3],
        "error-page": b"<html><head><title>403 Forbidden</title></head><body>Forbidden</body></html>",
        "random": bytes(rnd.getrandbits(8) for _ in range(3000)),
    }[name]
    got = extract_bytes(data, filename="report.pdf")
    assert got["status"] == "error" and got["error"]["code"] == code
