"""Formats of issue 14: spreadsheets, archives, tables as pictures, and real layouts that read
wrong (header text broken inside a cell, run-together cells, markdown, issuing-body lines,
portal metadata). Fixtures are rendered by nianbao.demo.render (tests/fixtures/documents)."""
from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from extract import CONTRACT_KEYS, extract_bytes
from extract.evaluate import compare
from nianbao.demo.render import render_report

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
    from extract.document import ExtractionError

    data, exp = fixture("tables-workbook.xlsx")
    try:
        xls = convert(data, "xlsx", "xls")
    except ExtractionError as exc:
        pytest.skip(f"LibreOffice cannot write XLS here (Calc not installed?): {exc.message[:120]}")
    out = extract_bytes(xls, "t.xls")
    assert out["format"] == "xls"
    assert_exact(out, exp, "t.xls")


# --------------------------------------------------------------------------- archives
def zip_of(files: list[tuple[str, bytes]], method=zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        for name, data in files:
            zf.writestr(name, data)
    return buf.getvalue()


@pytest.mark.parametrize("name", ["archive-gbk-names.zip", "archive-report.7z"])
def test_archive_fixtures_read_exactly(name):
    data, exp = fixture(name)
    out = extract_bytes(data, name)
    assert out["status"] == "ok" and out["format"] == name.rsplit(".", 1)[1], out.get("error")
    assert_exact(out, exp, name)
    assert all(k in out for k in CONTRACT_KEYS)


def test_gbk_member_names_are_decoded():
    data, _ = fixture("archive-gbk-names.zip")
    out = extract_bytes(data, "a.zip")
    names = [m["name"] for m in out["archive"]["members"]]
    assert names[0].startswith("青山镇人民政府2023年") and "附件/统计表.xlsx" in names
    assert out["archive"]["member"] == names[0]
    assert not any("reports" in w for w in out["warnings"])  # the docx and the xlsx are the same report


def test_archive_with_two_different_reports_says_so():
    data, exp = fixture("tables-workbook.xlsx")
    other = dict(exp, agency="白沙县审计局", title="白沙县审计局2020年政府信息公开工作年度报告", year=2020)
    z = zip_of([("a/梅溪县审计局年度报告.xlsx", data), ("b/白沙县年度报告.xlsx", render_report(other, "xlsx"))])
    out = extract_bytes(z, "x.zip")
    assert out["status"] == "ok" and out["year"] == 2019
    assert any("holds 2 reports" in w for w in out["warnings"])
    assert [m["year"] for m in out["archive"]["members"]] == [2019, 2020]


def test_archive_prose_member_lends_metadata_to_the_table_member():
    import openpyxl

    data, exp = fixture("tables-workbook.xlsx")
    wb = openpyxl.load_workbook(io.BytesIO(data))
    wb.worksheets[0].delete_rows(1)  # no title row in the workbook
    wb.properties.title = None
    buf = io.BytesIO()
    wb.save(buf)
    prose = render_report({k: exp[k] for k in ("title", "agency", "year", "template")}, "text")
    z = zip_of([("正文.txt", prose), ("附表.xlsx", buf.getvalue())])
    out = extract_bytes(z, "x.zip")
    assert out["status"] == "ok" and out["archive"]["member"] == "附表.xlsx"
    assert out["title"] == exp["title"] and out["agency"] == exp["agency"]
    assert_exact(out, exp, "prose+tables zip")


def test_nested_archive_is_followed_within_bounds():
    data, exp = fixture("archive-gbk-names.zip")
    once = zip_of([("inner.zip", data)], zipfile.ZIP_STORED)
    out = extract_bytes(once, "outer.zip")
    assert out["status"] == "ok" and out["archive"]["member"] == "inner.zip"
    assert_exact(out, exp, "nested")
    deep = data
    for _ in range(4):
        deep = zip_of([("x.zip", deep)], zipfile.ZIP_STORED)
    out = extract_bytes(deep, "deep.zip")
    assert out["status"] == "error" and out["error"]["code"] == "archive_too_deep"


def test_zip_bomb_and_odd_archives_get_clear_codes():
    bomb = zip_of([("report.pdf", b"\0" * (60 * 1024 * 1024))])
    assert len(bomb) < 200_000
    out = extract_bytes(bomb, "b.zip")
    assert (out["status"], out["error"]["code"]) == ("error", "zip_bomb")
    out = extract_bytes(zip_of([("a.jpg", b"\xff\xd8\xff" + b"1" * 100), ("__MACOSX/._a", b"x")]), "e.zip")
    assert out["error"]["code"] == "archive_empty"
    # encrypted member: the flag bit set (zipfile cannot write encryption)
    raw = bytearray(zip_of([("报告.pdf", b"%PDF-1.4 not really")], zipfile.ZIP_STORED))
    for sig in (b"PK\x03\x04", b"PK\x01\x02"):
        i = raw.find(sig)
        off = i + (6 if sig == b"PK\x03\x04" else 8)
        raw[off] |= 1
    out = extract_bytes(bytes(raw), "enc.zip")
    assert out["status"] == "error" and out["error"]["code"] == "archive_encrypted"
    out = extract_bytes(b"Rar!\x1a\x07\x01\x00" + b"\x00" * 64, "r.rar")
    assert out["status"] == "error" and out["error"]["code"] in ("malformed", "archive_empty")
    out = extract_bytes(b"7z\xbc\xaf\x27\x1c" + b"\x00" * 64, "r.7z")
    assert out["status"] == "error" and out["error"]["code"] == "malformed"


def test_rar_without_a_decompressor_is_a_recorded_error(monkeypatch):
    import rarfile

    from extract.archives import _Rar, Member

    class Boom:
        def open(self, ref):
            raise rarfile.RarCannotExec("no unrar")

    backend = _Rar.__new__(_Rar)
    backend.rarfile, backend.rf = rarfile, Boom()
    from extract.archives import ArchiveError

    with pytest.raises(ArchiveError) as exc:
        backend.read(Member("报告.pdf", 10, 10))
    assert exc.value.code == "archive_backend_missing"


# --------------------------------------------------------------------------- run-together cells
def test_split_run_needs_a_unique_split():
    from extract.runtogether import split_run, unique_split

    assert unique_split("452000047", [(7, True)]) == ["45", "2", "0", "0", "0", "0", "47"]
    assert unique_split("000", [(3, False)]) == ["0", "0", "0"]
    assert unique_split("1011", [(3, False)]) is None  # 1|0|11 or 10|1|1
    assert len(split_run("110000011", [(7, True)], limit=5)) == 2  # 11 0 … 11 and 1 10 0 … 11
    assert unique_split("7730.28", [(1, False)]) == ["7730.28"]
    assert split_run("0012", [(3, False)]) == [["0", "0", "12"]]  # 0|01|2: a leading zero
    assert unique_split("100120000000000", [(5, True)] * 3) == list("100120000000000")


def test_glued_fixture_reads_exactly():
    data = (DOCS / "glued-cells.txt").read_bytes()
    exp = json.loads((DOCS / "glued-cells.expected.json").read_text("utf-8"))
    out = extract_bytes(data, "glued-cells.txt")
    assert_exact(out, exp, "glued-cells.txt")
    assert any("run together" in w for w in out["warnings"])  # never silent


def test_glued_rows_resolved_by_column_identities_or_left_null():
    shared = Path(__file__).resolve().parents[3] / "shared" / "corpus"
    if not shared.is_dir():
        pytest.skip("shared corpus absent")
    exp = json.loads((shared / "xingtai-2024-seed.expected.json").read_text("utf-8"))
    rep = {k: exp[k] for k in ("title", "agency", "year", "template", "active_disclosure", "applications",
                               "review_litigation")}
    out = extract_bytes(render_report(rep, "text-glued"), "x.txt")
    apps = out["applications"]
    # several row-valid splits; the table's column identities keep exactly one — the printed one
    assert apps["partially_granted"] == rep["applications"]["partially_granted"]
    assert apps["results_total"] == rep["applications"]["results_total"]
    assert any("column identities" in w for w in out["warnings"])
    # 行政规范性文件 '3225' (3, 2, 25) has other splits and no identity: nulls, with a warning
    assert set(out["active_disclosure"]["normative_documents"].values()) == {None}
    assert any("normative_documents: figures run together ('3225')" in w for w in out["warnings"])
    wrong = [k for k, row in apps.items() for c, v in row.items() if v is not None and v != rep["applications"][k][c]]
    assert not wrong


# --------------------------------------------------------------------------- markdown, portal pages, issuers
@pytest.mark.parametrize("name", ["converted.md", "converted-split-rows.md", "portal-gkml-meta.html",
                                  "split-header-2019.html", "split-header-2019.pdf"])
def test_layout_fixtures_read_exactly(name):
    data, exp = fixture(name)
    out = extract_bytes(data, name)
    assert out["status"] == "ok"
    assert_exact(out, exp, name)
    assert all(k in out for k in CONTRACT_KEYS)


def test_issuing_body_line_above_a_guanyu_title():
    from extract.metadata import extract_metadata as meta

    m = meta("来源：县融媒体中心\n青石镇人民政府\n关于2021年度政府信息公开\n工作的年度报告\n一、总体情况\n")
    assert m["title"] == "青石镇人民政府关于2021年度政府信息公开工作的年度报告" and m["agency"] == "青石镇人民政府"
    m = meta("# 北川县人民政府办公室\n\n# 关于2022年度政府信息公开工作年度报告\n## 一、总体情况\n")
    assert m["title"] == "北川县人民政府办公室关于2022年度政府信息公开工作年度报告"
    assert m["agency"] == "北川县人民政府办公室"  # 办公室 kept: the title names it
    m = meta("发布机构：县政务服务和数据管理局\n青石镇人民政府文件\n青政发〔2022〕3号\n青石镇人民政府\n"
             "关于2021年度政府信息公开工作的年度报告\n")
    assert m["agency"] == "青石镇人民政府"


def test_portal_page_title_and_date_come_from_its_metadata():
    data, exp = fixture("portal-gkml-meta.html")
    text = data.decode("utf-8")
    assert "生成日期" in text and text.index("2024-12-31") < text.index(exp["published_date"])
    out = extract_bytes(data, "p.html")
    assert (out["title"], out["agency"], out["published_date"]) == (exp["title"], exp["agency"], exp["published_date"])
    # the same page with the title only in <title> (site suffix) and <ucaptitle>
    bare = text.replace("名　　称：", "说　　明：")
    out = extract_bytes(bare.encode("utf-8"), "p.html")
    assert out["title"] == exp["title"]
    ucap = bare.replace(f"<title>{exp['title']} - ", "<title>").replace("<body>", f"<body><ucaptitle>{exp['title']}</ucaptitle>")
    out = extract_bytes(ucap.encode("utf-8"), "p.html")
    assert out["title"] == exp["title"]


def test_markdown_marks_never_reach_title_or_agency():
    out = extract_bytes("# **杏花镇人民政府2022年政府信息公开工作年度报告**\n\n## 一、总体情况\n\n本镇依法公开。\n".encode(), "x.md")
    assert out["title"] == "杏花镇人民政府2022年政府信息公开工作年度报告" and out["agency"] == "杏花镇人民政府"


# --------------------------------------------------------------------------- tables as pictures
@pytest.mark.parametrize("name", ["picture-table.docx", "picture-table.pdf"])
def test_picture_table_read_by_ocr(name):
    from extract.readers import ocr

    if not ocr.available():
        pytest.skip("OCR extra (rapidocr) not installed")
    data, exp = fixture(name)
    out = extract_bytes(data, name)
    assert out["status"] == "ok" and "needs_ocr" not in out
    assert_exact(out, exp, name)
    assert any("read by OCR from a picture" in w for w in out["warnings"])


def test_picture_table_without_ocr_is_recorded(monkeypatch):
    from extract.readers import ocr

    monkeypatch.setattr(ocr, "available", lambda: False)
    for name in ("picture-table.docx", "picture-table.pdf"):
        data, exp = fixture(name)
        out = extract_bytes(data, name)
        assert out["status"] == "ok" and out["needs_ocr"] == ["applications"], name
        assert "applications" not in out and out["active_disclosure"] == exp["active_disclosure"]
        assert any("table 三 is a picture" in w for w in out["warnings"])
    # a report whose tables are all Word tables never looks for pictures
    plain = extract_bytes((DOCS / "report.docx").read_bytes(), "report.docx")
    assert "needs_ocr" not in plain
