"""Readers on the committed fixtures (tests/fixtures/documents) and on bad input.

Each fixture ``X.ext`` has ``X.expected.json`` (contract shape). Here we check the reader's
rows directly — labels and printed values on one row, provenance on every cell — without the
matcher; tests/extract/test_end_to_end.py checks the full extraction.
"""
from __future__ import annotations

import gzip
import io
import json
import os
import random
from pathlib import Path

import pytest

from extract import template as T
from extract.document import Cell, Document, ExtractionError
from extract.errors import ERRORS
from extract.readers import read_document
from extract.readers.common import clean_cell
from extract.sniff import sniff

DOCS = Path(__file__).resolve().parents[1] / "fixtures" / "documents"
NULLS = {"", "/", "-", "—", "无"}


def fixture(name: str) -> tuple[bytes, dict]:
    path = DOCS / name
    exp = json.loads((DOCS / (path.stem + ".expected.json")).read_text("utf-8"))
    return path.read_bytes(), exp


def lo_available() -> bool:
    from extract.libreoffice import available

    return available()


def ocr_available() -> bool:
    from extract.readers.ocr import available

    return available()


# --------------------------------------------------------------------------- row helpers
def fmt(v) -> str | None:
    if v is None:
        return None
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v)


def val(text: str) -> str | None:
    t = clean_cell(text)
    return None if t in NULLS else t


def row_with_label(doc: Document, label: str, after: int = 0) -> tuple[int, list[Cell]]:
    for i, row in enumerate(doc.rows[after:], start=after):
        for c in row:
            if clean_cell(c.text) == label:
                return i, row
    raise AssertionError(f"no row labelled {label!r}")


def cells_after(row: list[Cell], label: str) -> list[Cell]:
    k = next(i for i, c in enumerate(row) if clean_cell(c.text) == label)
    return row[k + 1:]


def check_rows(doc: Document, exp: dict) -> int:
    """Every expected value sits on the row of its label, in template order. Returns #values."""
    n = 0
    tmpl = exp["template"]
    ad = exp.get("active_disclosure") or {}
    for cat in T.categories(tmpl):
        if cat.key not in ad:
            continue
        _, row = row_with_label(doc, cat.label)
        after = cells_after(row, cat.label)
        for m, cell in zip(cat.measures, after):
            assert val(cell.text) == fmt(ad[cat.key].get(m.key)), (cat.key, m.key, [c.text for c in row])
            n += 1
    apps = exp.get("applications") or {}
    for item in T.ALL_APPLICATION_ROWS:
        if item.key not in apps:
            continue
        _, row = row_with_label(doc, item.label)
        values = [val(c.text) for c in row][-len(T.APPLICANT_COLUMNS):]
        want = [fmt(apps[item.key].get(c.key)) for c in T.APPLICANT_COLUMNS]
        assert values == want, (item.key, [c.text for c in row])
        n += len(want)
    rl = exp.get("review_litigation") or {}
    if rl:
        want = [fmt(rl[g.key].get(o.key)) for g in T.REVIEW_GROUPS for o in T.REVIEW_OUTCOMES]
        hits = [r for r in doc.rows if len(r) >= 15 and [val(c.text) for c in r][-15:] == want]
        assert hits, "table 四 value row not found"
        n += 15
    return n


def check_provenance(doc: Document, kind: str) -> None:
    assert doc.rows
    for row in doc.rows:
        for c in row:
            p = c.provenance()
            if kind == "pdf":
                assert p.get("page") and 1 <= p["page"] <= (doc.pages or 1)
                if c.text:
                    assert c.bbox is not None and c.bbox[0] < c.bbox[2] and c.bbox[1] < c.bbox[3]
            else:
                assert {"table", "row", "col"} <= set(p) or "row" in p


# --------------------------------------------------------------------------- sniffing
@pytest.mark.parametrize("data,name,kind", [
    (b"%PDF-1.7\n...", None, "pdf"),
    (b"\r\n%PDF-1.4 junk before the header", "x.pdf", "pdf"),
    (b"<!DOCTYPE html><html><body>x</body></html>", "report.pdf", "html"),
    (b"  <html>", None, "html"),
    (b"", "x.pdf", "empty"),
    (b"\x89PNG\r\n\x1a\n....", None, "png"),
    (b"\xff\xd8\xff\xe0", "a.pdf", "jpeg"),
    (b"\x1f\x8b\x08\x00", "a.html", "gzip"),
    ("一、总体情况\n二、主动公开".encode("gb18030"), None, "text"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "WordDocument".encode("utf-16-le"), "a.wps", "wps"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "WordDocument".encode("utf-16-le"), "a.bin", "doc"),
    (bytes(range(256)) * 4, None, "binary"),
])
def test_sniff(data, name, kind):
    assert sniff(data, name).kind == kind


def test_sniff_docx_and_broken_ooxml():
    data, _ = fixture("report.docx")
    assert sniff(data).kind == "docx"
    buf = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/styles.xml", "<x/>")
    assert sniff(buf.getvalue()).kind == "docx"  # an OOXML package that lost its body: malformed, below


# --------------------------------------------------------------------------- bad input
def _code(data: bytes, name: str | None) -> str:
    with pytest.raises(ExtractionError) as ei:
        read_document(data, name)
    assert ei.value.code in ERRORS, ei.value.code
    return ei.value.code


def _encrypted_pdf() -> bytes:
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, encrypt=StandardEncryption("user-secret", ownerPassword="owner", strength=128))
    c.drawString(72, 720, "report")
    c.showPage()
    c.save()
    return buf.getvalue()


def test_bad_input_codes():
    pdf, _ = fixture("reportlab-split.pdf")
    assert _code(b"", "report.pdf") == "empty_file"
    assert _code(b"  \r\n ", None) == "empty_file"
    assert _code(pdf[: len(pdf) // 2], "report.pdf") == "truncated_pdf"
    assert _code(b"%PDF-1.7\n", "report.pdf") == "truncated_pdf"
    assert _code(_encrypted_pdf(), "report.pdf") == "encrypted_pdf"
    err = b"<html><head><title>404 Not Found</title></head><body><h1>404 Not Found</h1>nginx</body></html>"
    assert _code(err, "report.pdf") == "html_error_page"
    waf = b'<html><script>document.cookie="__jsl_clearance=1";location.href=location.pathname</script></html>'
    assert _code(waf, "2024.pdf") == "html_error_page"
    rnd = random.Random(7)
    assert _code(bytes(rnd.getrandbits(8) for _ in range(4096)), "report.pdf") == "unsupported_format"
    assert _code(gzip.compress(b"<html></html>"), "x.html") == "unsupported_format"
    assert _code(b"%PDF-1.4\n" + bytes(rnd.getrandbits(8) for _ in range(4096)) + b"\n%%EOF", "x.pdf") == "malformed"
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/styles.xml", "<x/>")
    assert _code(buf.getvalue(), "report.docx") == "malformed"


def test_owner_password_only_pdf_is_readable():
    """Most government PDFs are 'encrypted' with an empty user password (printing restrictions)."""
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, encrypt=StandardEncryption("", ownerPassword="owner", canPrint=0, strength=128))
    c.setFont("STSong-Light", 12)
    c.drawString(72, 720, "某县人民政府2024年政府信息公开工作年度报告")
    c.drawString(72, 700, "一、总体情况 本机关依法做好政府信息公开工作。")
    c.showPage()
    c.save()
    doc = read_document(buf.getvalue(), "x.pdf")
    assert "年度报告" in doc.text


def test_html_error_page_named_html_is_still_an_error_when_titled_so():
    assert _code(b"<html><head><title>404 Not Found</title></head><body>not found</body></html>", "a.html") \
        == "html_error_page"


def test_empty_docx_body_is_not_an_error_but_has_no_text():
    from docx import Document as new_document

    buf = io.BytesIO()
    new_document().save(buf)
    doc = read_document(buf.getvalue(), "x.docx")
    assert doc.text == "" and doc.rows == []


# --------------------------------------------------------------------------- PDF
@pytest.mark.parametrize("name", ["word-2021-split.pdf", "word-btlr-repeat-header.pdf", "reportlab-split.pdf"])
def test_pdf_fixture_rows(name):
    data, exp = fixture(name)
    doc = read_document(data, name)
    assert doc.format == "pdf" and doc.pages and doc.pages >= 2
    n = check_rows(doc, exp)
    assert n >= 6 + 7 * 20 + 15
    check_provenance(doc, "pdf")
    # table 三 really is split: its first and last rows are on different pages
    _, first = row_with_label(doc, T.APPLICATION_ROWS["2021"][0].label)
    _, last = row_with_label(doc, T.APPLICATION_ROWS["2021"][-1].label)
    assert first[0].page < last[0].page
    # the page footer never lands in a table row or the text
    assert not any(clean_cell(c.text) in ("-2-", "- 2 -") for r in doc.rows for c in r)
    assert "- 2 -" not in doc.text
    assert exp["title"][:8] in doc.text.replace("\n", "")


def test_pdf_repeated_header_dropped_and_vertical_text_read():
    data, _ = fixture("word-btlr-repeat-header.pdf")
    doc = read_document(data)
    texts = [clean_cell(c.text) for r in doc.rows for c in r]
    assert texts.count("申请人情况") == 1, "the header repeated on the next page is dropped"
    for word in ("自然人", "总计", "商业企业", "社会公益组织", "结果维持", "尚未审结", "三、本年度办理结果"):
        assert word in texts, word  # rotated (btLr) text reads the right way round


def test_pdf_vertical_one_char_per_line_headers():
    data, _ = fixture("word-2021-split.pdf")
    doc = read_document(data)
    texts = {clean_cell(c.text) for r in doc.rows for c in r}
    assert {"自然人", "总计", "法律服务机构", "三、本年度办理结果", "结果纠正"} <= texts


def test_pdf_long_document_is_bounded():
    """A 120-page PDF with table words near the end: tables are searched on few pages only."""
    import time

    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    from extract.readers.pdf import MAX_TABLE_PAGES

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    for i in range(120):
        c.setFont("STSong-Light", 11)
        for k in range(12):
            c.drawString(60, 780 - 24 * k, f"第{i + 1}页 年鉴正文第{k}行，统计资料汇编。")
        if i == 116:
            c.drawString(60, 60, "三、收到和处理政府信息公开申请情况 申请人情况 自然人")
            for j in range(5):
                c.line(60, 50 - 8 * j, 500, 50 - 8 * j)
        c.showPage()
    c.save()
    t = time.monotonic()
    doc = read_document(buf.getvalue(), "yearbook.pdf")
    elapsed = time.monotonic() - t
    assert doc.pages == 120
    assert any("tables searched on" in w for w in doc.warnings)
    assert elapsed < 30, elapsed
    assert MAX_TABLE_PAGES < 120


@pytest.mark.parametrize("year", [2023, 2024])
def test_hongze_pdf_rows(shared, year):
    """The real WPS-made PDFs: every value of the expected JSON on the row of its label."""
    exp = json.loads((shared / "corpus" / "hongze" / f"hongze-{year}.expected.json").read_text("utf-8"))
    data = (shared / "corpus" / "hongze" / f"hongze-{year}.pdf").read_bytes()
    doc = read_document(data, f"hongze-{year}.pdf")
    assert doc.pages == 5
    # the printed (garbled) label of denied_prohibited_by_law is a synonym in the template
    exp = json.loads(json.dumps(exp))
    apps = exp["applications"]
    label = "2.其他法律行政止公开"
    _, row = row_with_label(doc, label)
    assert [val(c.text) for c in row][-7:] == [fmt(apps["denied_prohibited_by_law"][c.key]) for c in T.APPLICANT_COLUMNS]
    del apps["denied_prohibited_by_law"]
    assert check_rows(doc, exp) > 150
    check_provenance(doc, "pdf")
    assert exp["title"][-12:] in doc.text.replace("\n", "")
    assert doc.meta.get("pdf_title", "").endswith("政府信息公开工作年度报告")
    # prose lines WPS boxes like table cells are not table rows
    assert not any(len(r) and clean_cell(r[0].text).endswith("。") for r in doc.rows)


# --------------------------------------------------------------------------- HTML
@pytest.mark.parametrize("name", ["portal-2019.html", "portal-gbk.html"])
def test_html_fixture_rows(name):
    data, exp = fixture(name)
    doc = read_document(data, name)
    assert doc.format == "html"
    check_rows(doc, exp)
    check_provenance(doc, "html")
    assert doc.meta["published_date"] == exp["published_date"]
    assert doc.meta["html_title"].startswith(exp["title"])
    assert doc.meta["main_content"].startswith("div#zoom")
    # portal chrome stays out of the body text
    assert "网站标识码" not in doc.text and "当前位置" not in doc.text
    assert exp["title"] in doc.text


def test_html_gbk_detected_without_declaration():
    data, exp = fixture("portal-gbk.html")
    bare = data.replace(b"charset=GBK", b"")
    doc = read_document(bare, "x.html")
    assert doc.meta["encoding"] == "gb18030"
    check_rows(doc, exp)


def test_html_utf8_declared_gbk():
    data, exp = fixture("portal-2019.html")
    doc = read_document(data.replace(b"charset=utf-8", b"charset=gb2312"), "x.html")
    check_rows(doc, exp)


def test_html_spans_and_nbsp():
    html = ("<html><body><div><p>二、主动公开政府信息情况</p><table>"
            "<tr><td rowspan='2'>三、本年度<br>办理结果</td><td colspan='2'>（一）予以公开</td><td>&nbsp;</td></tr>"
            "<tr><td>（三）不予公开</td><td>1.属于<br>国家秘密</td><td>5</td></tr>"
            "<tr><td colspan='999999'>x</td></tr><tr><td rowspan='-3' colspan='abc'>y</td></tr>"
            "</table></div></body></html>").encode()
    doc = read_document(html, "x.html")
    assert [c.text for c in doc.rows[0]][:4] == ["三、本年度办理结果", "（一）予以公开", "", ""]
    assert [c.text for c in doc.rows[1]][:4] == ["", "（三）不予公开", "1.属于国家秘密", "5"]
    assert doc.rows[1][3].provenance() == {"table": 0, "row": 1, "col": 3}
    assert all(len(r) <= 200 for r in doc.rows)


def test_html_paragraph_tables_give_rows_from_text():
    data, exp = fixture("portal-paragraphs.html")
    doc = read_document(data, "x.html")
    assert doc.rows, "paragraph tables still give rows"
    lines = doc.text.split("\n")
    apps = exp["applications"]
    line = next(ln for ln in lines if ln.startswith(T.APPLICATION_ROWS["2021"][0].label))
    assert line.split()[-7:] == [fmt(apps["new_received"][c.key]) for c in T.APPLICANT_COLUMNS]
    assert doc.meta["published_date"] == exp["published_date"]


# --------------------------------------------------------------------------- DOCX / DOC
def test_docx_fixture_rows():
    data, exp = fixture("report.docx")
    doc = read_document(data, "report.docx")
    assert doc.format == "docx"
    check_rows(doc, exp)
    check_provenance(doc, "docx")
    assert doc.text.startswith(exp["title"])
    assert doc.meta["docx_title"] == exp["title"]
    # merged cells: the rowspan label sits in its first row, covered positions are ''
    i, row = row_with_label(doc, "（三）不予公开")
    assert clean_cell(row[2].text) == "1.属于国家秘密"
    assert doc.rows[i + 1][1].text == "" and doc.rows[i + 1][0].text == ""


@pytest.mark.libreoffice
@pytest.mark.skipif(not lo_available(), reason="LibreOffice (soffice) not installed")
def test_doc_via_libreoffice():
    data, exp = fixture("word97.doc")
    doc = read_document(data, "word97.doc")
    assert doc.format == "doc"
    check_rows(doc, exp)


def test_doc_without_libreoffice(monkeypatch):
    import extract.libreoffice as lo

    monkeypatch.setattr(lo, "soffice_path", lambda: None)
    data, _ = fixture("word97.doc")
    with pytest.raises(ExtractionError) as ei:
        read_document(data, "word97.doc")
    assert ei.value.code == "unsupported_format"
    assert "libreoffice-writer-nogui" in ei.value.message


# --------------------------------------------------------------------------- OCR
def test_scanned_pdf_without_ocr_extra(monkeypatch):
    import builtins

    import extract.readers.ocr as ocr

    real_import = builtins.__import__

    def no_rapidocr(name, *a, **k):
        if name.startswith("rapidocr"):
            raise ImportError("No module named 'rapidocr'")
        return real_import(name, *a, **k)

    monkeypatch.setattr(ocr, "_ENGINE", None)
    monkeypatch.setattr(builtins, "__import__", no_rapidocr)
    data, _ = fixture("scanned-page.pdf")
    with pytest.raises(ExtractionError) as ei:
        read_document(data, "scan.pdf")
    assert ei.value.code == "needs_ocr"
    assert "pip install nianbao[ocr]" in ei.value.message


@pytest.mark.ocr
@pytest.mark.skipif(not ocr_available(), reason="the ocr extra (rapidocr) is not installed")
def test_scanned_page_ocr():
    """One page, ~3–15 s (model load included)."""
    from extract import report_from_document
    from extract.evaluate import compare

    data, exp = fixture("scanned-page.pdf")
    doc = read_document(data, "scan.pdf")
    assert doc.format == "pdf-ocr" and doc.pages == 1
    check_rows(doc, exp)
    check_provenance(doc, "pdf")
    assert exp["agency"] in doc.text.replace(" ", "")
    cmp = compare(exp, report_from_document(doc), "scanned-page.pdf")  # end to end, same OCR run
    assert cmp.exact, cmp.mismatches + cmp.extra


def test_fixtures_are_small():
    for p in DOCS.iterdir():
        if p.suffix != ".py":
            assert p.stat().st_size < 200_000, p.name


def test_fixture_expected_files_follow_the_contract():
    for p in DOCS.glob("*.expected.json"):
        exp = json.loads(p.read_text("utf-8"))
        assert exp["template"] in T.TEMPLATES
        for key in exp.get("applications", {}):
            assert key in {r.key for r in T.ALL_APPLICATION_ROWS}
        assert any((DOCS / (p.name.replace(".expected.json", "") + ext)).exists()
                   for ext in (".pdf", ".html", ".docx", ".doc", ".ofd", ".xlsx", ".zip", ".7z", ".md", ".txt"))


if os.environ.get("NIANBAO_SLOW"):
    @pytest.mark.slow
    def test_render_then_read_every_format_roundtrip(shared):
        from nianbao.demo.render import render_report

        exp = json.loads((shared / "corpus" / "hongze" / "hongze-2024.expected.json").read_text("utf-8"))
        for f in ("html", "html-gbk", "docx", "pdf-reportlab"):
            check_rows(read_document(render_report(exp, f)), exp)
