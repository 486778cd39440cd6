"""The OFD reader (extract/readers/ofd.py): hand-built packages for each construct it reads,
bounds on hostile packages, and the rendered fixture read back exactly."""
from __future__ import annotations

import io
import json
import time
import zipfile
from pathlib import Path

import pytest

from extract import extract_bytes
from extract.document import ExtractionError
from extract.readers.ofd import MM, read_ofd

NS = "http://www.ofdspec.org/2016"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "documents"


def package(pages: list[str], *, template: str | None = None, docinfo: str = "", extra: dict | None = None,
            prefix: str = "ofd:") -> bytes:
    """An OFD zip: ``pages`` are the inner XML of each page's Layer."""
    p = prefix
    xmlns = f'xmlns:ofd="{NS}"' if p else f'xmlns="{NS}"'
    files = {
        "OFD.xml": f'<{p}OFD {xmlns} Version="1.1" DocType="OFD"><{p}DocBody><{p}DocInfo>{docinfo}</{p}DocInfo>'
                   f'<{p}DocRoot>Doc_0/Document.xml</{p}DocRoot></{p}DocBody></{p}OFD>',
        "Doc_0/Document.xml": f'<{p}Document {xmlns}><{p}CommonData><{p}PageArea><{p}PhysicalBox>0 0 210 297'
                              f'</{p}PhysicalBox></{p}PageArea>'
                              + (f'<{p}TemplatePage ID="9" BaseLoc="Tpls/T0.xml"/>' if template else "")
                              + f'</{p}CommonData><{p}Pages>'
                              + "".join(f'<{p}Page ID="{i + 1}" BaseLoc="Pages/Page_{i}/Content.xml"/>' for i in range(len(pages)))
                              + f'</{p}Pages></{p}Document>',
    }
    for i, body in enumerate(pages):
        files[f"Doc_0/Pages/Page_{i}/Content.xml"] = (
            f'<{p}Page {xmlns}>' + (f'<{p}Template TemplateID="9"/>' if template else "")
            + f'<{p}Content><{p}Layer ID="1">{body}</{p}Layer></{p}Content></{p}Page>')
    if template:
        files["Doc_0/Tpls/T0.xml"] = f'<{p}Page {xmlns}><{p}Content><{p}Layer>{template}</{p}Layer></{p}Content></{p}Page>'
    files.update(extra or {})
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in files.items():
            zf.writestr(name, text)
    return buf.getvalue()


def text_obj(x: float, y: float, s: str, size: float = 4.0, delta: str | None = None, ctm: str | None = None,
             extra: str = "") -> str:
    d = f' DeltaX="{delta}"' if delta is not None else ""
    c = f' CTM="{ctm}"' if ctm else ""
    return (f'<ofd:TextObject ID="1" Boundary="{x} {y} 100 10" Size="{size}"{c}>'
            f'<ofd:TextCode X="0" Y="{size}"{d}{extra}>{s}</ofd:TextCode></ofd:TextObject>')


def rect(x: float, y: float, w: float, h: float, ctm: str | None = None) -> str:
    c = f' CTM="{ctm}"' if ctm else ""
    return (f'<ofd:PathObject ID="2" Boundary="{x} {y} {w} {h}"{c}><ofd:AbbreviatedData>'
            f'M 0 0 L {w} 0 L {w} {h} L 0 {h} C</ofd:AbbreviatedData></ofd:PathObject>')


def grid_table(x0: float, y0: float, rows: list[list[str]], cw: float = 30.0, rh: float = 8.0) -> str:
    out = []
    for r, row in enumerate(rows):
        for c, txt in enumerate(row):
            x, y = x0 + c * cw, y0 + r * rh
            out.append(rect(x, y, cw, rh))
            if txt:
                out.append(text_obj(x + 2, y + 2, txt, size=3.5))
    return "".join(out)


def test_text_positions_deltas_and_ctm():
    body = (text_obj(20, 30, "年度报告", delta="g 3 4")
            + text_obj(20, 50, "AB12", size=4, delta="2 2 2")
            # drawn at half the coordinates, scaled up by the CTM: the same place on the page
            + text_obj(20, 35, "申请", size=2, ctm="2 0 0 2 0 0"))
    doc = read_ofd(package([body]))
    assert "年度报告" in doc.text and "AB12" in doc.text and "申请" in doc.text
    lines = doc.text.split("\n")
    assert lines.index("年度报告") < lines.index("申请") < lines.index("AB12")


def _chars_of(data: bytes) -> list[dict]:
    """The chars the reader hands to the LayoutPage seam (first page)."""
    import extract.readers.ofd as ofd

    seen: list = []
    real = ofd.TableReader.add_page

    def spy(self, page, pno=None):
        seen.append(page)
        return real(self, page, pno)

    ofd.TableReader.add_page = spy
    try:
        read_ofd(data)
    finally:
        ofd.TableReader.add_page = real
    return seen[0].chars


def test_char_boxes_in_points_with_g_runs_and_ctm():
    chars = _chars_of(package([text_obj(20, 30, "一二三四五", size=4, delta="g 4 5")
                               + text_obj(0, 0, "中", size=2, ctm="2 0 0 2 100 100")]))
    five = chars[:5]
    assert [round(c["x0"] / MM, 3) for c in five] == [20, 25, 30, 35, 40]  # g 4 5: four steps of 5 mm
    assert all(abs(c["bottom"] - c["top"] - 4 * MM) < 1e-6 for c in five)
    assert abs(five[0]["bottom"] / MM - (30 + 4 + 0.2 * 4)) < 1e-6  # baseline Y=4 below the boundary top
    big = chars[5]
    assert round(big["x0"] / MM, 3) == 100 and round((big["bottom"] - big["top"]) / MM, 3) == 4  # size 2 × CTM 2
    assert all(c["upright"] for c in chars)


def test_ruled_table_from_path_objects_and_template():
    rows = [["项目", "本年新收", "总计"], ["自然人", "12", "12"], ["法人", "3", "4"]]
    footer_rule = '<ofd:PathObject ID="3" Boundary="20 280 170 1"><ofd:AbbreviatedData>M 0 0 L 170 0</ofd:AbbreviatedData></ofd:PathObject>'
    doc = read_ofd(package([grid_table(30, 60, rows)], template=footer_rule + text_obj(95, 285, "内部资料")))
    assert [[c.text for c in r] for r in doc.rows] == rows
    assert doc.rows[1][1].page == 1 and doc.rows[1][1].bbox is not None
    x0, top, x1, bottom = doc.rows[1][1].bbox
    assert abs(x0 - 60 * MM) < 0.01 and abs(top - 68 * MM) < 0.01  # cell 2 of row 2, in points
    assert "内部资料" in doc.text  # template objects are part of the page


def test_table_rulings_as_separate_lines_inside_page_blocks():
    """Rulings drawn as single lines (M … L …), nested in PageBlocks, with a stroke-less (not
    painted) path that must not count."""
    xs, ys = [30, 60, 90, 120], [60, 68, 76]
    lines = [f'<ofd:PathObject ID="4" Boundary="{x} {ys[0]} 0.1 {ys[-1] - ys[0]}"><ofd:AbbreviatedData>M 0 0 L 0 '
             f'{ys[-1] - ys[0]}</ofd:AbbreviatedData></ofd:PathObject>' for x in xs]
    lines += [f'<ofd:PathObject ID="5" Boundary="{xs[0]} {y} {xs[-1] - xs[0]} 0.1"><ofd:AbbreviatedData>M 0 0 L '
              f'{xs[-1] - xs[0]} 0</ofd:AbbreviatedData></ofd:PathObject>' for y in ys]
    hidden = ('<ofd:PathObject ID="6" Boundary="45 60 0.1 16" Stroke="false"><ofd:AbbreviatedData>M 0 0 L 0 16'
              '</ofd:AbbreviatedData></ofd:PathObject>')
    texts = [text_obj(32, 62, "甲"), text_obj(62, 62, "乙"), text_obj(92, 62, "丙"),
             text_obj(32, 70, "1"), text_obj(62, 70, "2"), text_obj(92, 70, "3")]
    body = "<ofd:PageBlock><ofd:PageBlock>" + "".join(lines) + hidden + "</ofd:PageBlock>" + "".join(texts) + "</ofd:PageBlock>"
    doc = read_ofd(package([body]))
    assert [[c.text for c in r] for r in doc.rows] == [["甲", "乙", "丙"], ["1", "2", "3"]]


def test_default_namespace_and_docinfo_title():
    data = package([text_obj(20, 30, "标题").replace("ofd:", "")], prefix="", docinfo="<Title>某县2024年政府信息公开工作年度报告</Title>")
    data_text = read_ofd(data)
    assert "标题" in data_text.text
    assert data_text.meta["title"] == "某县2024年政府信息公开工作年度报告"


@pytest.mark.parametrize("case,code", [
    ("no_docroot", "malformed"), ("broken_xml", "malformed"), ("missing_page", "malformed"),
    ("images_only", "needs_ocr"), ("not_zip", "malformed"),
])
def test_unreadable_packages_give_error_codes(case, code):
    if case == "no_docroot":
        data = package([text_obj(1, 1, "字")], extra={"OFD.xml": f'<ofd:OFD xmlns:ofd="{NS}"><ofd:DocBody/></ofd:OFD>'})
    elif case == "broken_xml":
        data = package(["<ofd:TextObject"])
    elif case == "missing_page":
        data = package([text_obj(1, 1, "字")])
        buf = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(buf, "w") as dst:
            for info in src.infolist():
                if "Page_0" not in info.filename:
                    dst.writestr(info, src.read(info))
        data = buf.getvalue()
    elif case == "images_only":
        data = package(['<ofd:ImageObject ID="7" Boundary="0 0 210 297" ResourceID="8"/>'])
    else:
        data = b"PK\x03\x04 not really a zip"
    with pytest.raises(ExtractionError) as exc:
        read_ofd(data)
    assert exc.value.code == code


def test_zip_bomb_refused_by_real_size():
    """An entry that expands far beyond the package (its header may say anything)."""
    bomb = b"<x>" + b" " * (80 * 1024 * 1024) + b"</x>"
    data = package([text_obj(1, 1, "字")], extra={"Doc_0/Pages/Page_0/Content.xml": bomb})
    assert len(data) < 1024 * 1024
    started = time.monotonic()
    out = extract_bytes(data, "bomb.ofd")
    assert out["status"] == "error" and out["error"]["code"] == "zip_bomb", out.get("error")
    assert time.monotonic() - started < 10


def test_delta_runs_are_bounded_by_the_text():
    from extract.readers.ofd import _deltas

    assert _deltas("1 g 3 2.5 4", 10) == [1, 2.5, 2.5, 2.5, 4]
    assert len(_deltas("g 999999999 1 " * 1000, 3)) == 3
    doc = read_ofd(package([text_obj(20, 30, "一二", delta="g 999999999 5 " * 200)]))
    assert "一二" in doc.text.replace(" ", "")


def test_entity_expansion_is_not_performed():
    laughs = ('<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
              '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">'
              '<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">]>'
              f'<ofd:Page xmlns:ofd="{NS}"><ofd:Content><ofd:Layer><ofd:TextObject ID="1" Boundary="1 1 9 9" Size="3">'
              '<ofd:TextCode X="0" Y="3">&f;&f;&f;</ofd:TextCode></ofd:TextObject></ofd:Layer></ofd:Content></ofd:Page>')
    data = package([""], extra={"Doc_0/Pages/Page_0/Content.xml": laughs})
    started = time.monotonic()
    out = extract_bytes(data, "laughs.ofd")
    assert time.monotonic() - started < 10
    assert out["status"] in ("error", "no_tables", "needs_ocr")
    assert len(json.dumps(out)) < 100_000


def test_rendered_fixture_reads_exactly():
    data = (FIXTURES / "report-split.ofd").read_bytes()
    want = json.loads((FIXTURES / "report-split.expected.json").read_text("utf-8"))
    out = extract_bytes(data, "report-split.ofd")
    assert out["status"] == "ok" and out["format"] == "ofd"
    for key in ("title", "agency", "year", "template", "published_date", "active_disclosure", "applications",
                "review_litigation"):
        assert out.get(key) == want[key], key
    pages = {p.get("page") for k, p in out["provenance"].items() if k.startswith("applications.")}
    assert len(pages) == 2  # table 三 really is split over two pages
