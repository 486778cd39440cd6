"""nianbao.demo.render: every format renders, is what it claims to be, and carries the template's
labels and the report's figures (read back by our own readers)."""
from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from extract import template as T
from extract.sniff import sniff
from nianbao.demo.render import FORMATS, render_report

DOCS = Path(__file__).resolve().parents[1] / "fixtures" / "documents"


@pytest.fixture(scope="module")
def report() -> dict:
    r = json.loads((DOCS / "portal-gbk.expected.json").read_text("utf-8"))
    return r


def test_formats_listed():
    assert {"html", "html-gbk", "html-paragraphs", "docx", "pdf", "pdf-scanned", "text"} <= set(FORMATS)
    with pytest.raises(ValueError):
        render_report({}, "rtf")


@pytest.mark.parametrize("fmt,kind", [("html", "html"), ("html-gbk", "html"), ("html-paragraphs", "html"),
                                      ("docx", "docx"), ("pdf-reportlab", "pdf"), ("text", "text")])
def test_format_is_what_it_claims(report, fmt, kind):
    data = render_report(report, fmt)
    assert sniff(data).kind == kind


def test_html_has_spans_br_nbsp_and_labels(report):
    html = render_report(report, "html").decode("utf-8")
    assert 'rowspan="' in html and 'colspan="' in html and "<br>" in html
    assert "自<br>然<br>人" in html
    for item in T.APPLICATION_ROWS["2021"]:
        assert item.label in html.replace("<br>", "")
    assert report["title"] in html and 'name="PubDate"' in html


def test_html_gbk_declared_and_encoded(report):
    data = render_report(report, "html-gbk")
    assert b"charset=GBK" in data
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert report["title"] in data.decode("gb18030")


def test_docx_has_merges_and_page_footer(report):
    data = render_report(report, "docx")
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    assert "w:gridSpan" in xml and "w:vMerge" in xml
    footer = "".join(zipfile.ZipFile(io.BytesIO(data)).read(n).decode()
                     for n in zipfile.ZipFile(io.BytesIO(data)).namelist() if n.startswith("word/footer"))
    assert "PAGE" in footer


def test_reportlab_pdf_has_ruled_tables(report):
    import pdfplumber

    data = render_report(report, "pdf-reportlab")
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        tables = sum(len(p.find_tables()) for p in pdf.pages)
        assert tables >= 3
        assert any(p.lines or p.rects for p in pdf.pages)


def test_pdf_scanned_has_no_text_layer(report, monkeypatch):
    import pypdfium2 as pdfium

    import nianbao.demo.render.pdf as rpdf

    monkeypatch.setattr(rpdf, "render_pdf", lambda r, p=None: rpdf.render_pdf_reportlab(r, p))
    data = render_report(report, "pdf-scanned")
    pdf = pdfium.PdfDocument(data)
    assert len(pdf) >= 2
    assert pdf[0].get_textpage().get_text_range().strip() == ""


def test_text_one_line_per_row(report):
    text = render_report(report, "text").decode("utf-8")
    apps = report["applications"]
    line = next(ln for ln in text.splitlines() if ln.startswith(T.APPLICATION_ROWS["2021"][0].label))
    assert line.split()[-7:] == [str(apps["new_received"][c.key]) for c in T.APPLICANT_COLUMNS]


def test_custom_prose_and_2019_template():
    r = json.loads((DOCS / "portal-2019.expected.json").read_text("utf-8"))
    text = render_report(r, "text", prose=["本机关全年依法公开政府信息。"]).decode()
    assert "本机关全年依法公开政府信息。" in text
    for cat in T.categories("2019"):
        assert cat.label in text
    assert "160.5964" in text


def test_missing_tables_and_nulls_render():
    r = {"agency": "某县人民政府", "year": 2022, "applications": {"new_received": {"total": 5}}}
    html = render_report(r, "html").decode()
    assert "某县人民政府2022年政府信息公开工作年度报告" in html and "&nbsp;" in html


@pytest.mark.libreoffice
def test_pdf_via_libreoffice(report):
    from extract.libreoffice import available

    if not available():
        pytest.skip("LibreOffice not installed")
    data = render_report(report, "pdf")
    assert sniff(data).kind == "pdf"
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        assert "LibreOffice" in (pdf.metadata.get("Producer") or "")
        assert sum(len(p.find_tables()) for p in pdf.pages) >= 3
