"""Issue 6 §1, property-based: the text and HTML readers and ``extract_bytes`` never crash on
generated input, answer within a deadline, and never return a number the input does not print.

Bounded: a fixed number of examples per property (more with NIANBAO_SLOW=1), a per-example
deadline, derandomized so CI is reproducible.
"""
from __future__ import annotations

import json
import os
import math
import re
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import synth
SLOW = os.environ.get("NIANBAO_SLOW") == "1"

extract = pytest.importorskip("extract")
from extract import template as T  # noqa: E402
from extract.document import Document, ExtractionError  # noqa: E402
from extract.errors import ERRORS  # noqa: E402

N = 400 if SLOW else 60
PROPS = settings(max_examples=N, deadline=5000, derandomize=True, database=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# --------------------------------------------------------------------------- vocabulary
LABELS = sorted({lab for r in T.ALL_APPLICATION_ROWS for lab in r.labels}
                | {lab for c in T.categories("2021") + T.categories("2019") for lab in c.labels}
                | {m.label for c in T.categories("2021") + T.categories("2019") for m in c.measures}
                | {c.label for c in T.APPLICANT_COLUMNS} | {g.label for g in T.REVIEW_GROUPS}
                | {o.label for o in T.REVIEW_OUTCOMES} | {t.label for t in T.TABLES.values()}
                | {"三、本年度办理结果", "（三）不予公开", "（四）无法提供", "（五）不予处理", "（六）其他处理",
                   "申请人情况", "法人或其他组织", "信息内容", "第二十条第（一）项", "行政诉讼"})
CELLS = st.one_of(
    st.integers(-10**6, 10**6).map(str),
    st.integers(0, 10**25).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["", "/", "-", "—", "无", "０", "１２３", "1,234", "160.5964万元", "增10", "-35", "1e30",
                     "NaN", "inf", "9" * 60, "\x00", "\u200b", "１，０００", "(3)", "3件", "五", "〇"]),
    st.sampled_from(LABELS),
    st.text(max_size=12),
)
SEPARATORS = st.sampled_from([" | ", "\t", " ", "  ", "|", "｜", "\n", ""])


@st.composite
def report_like_text(draw) -> str:
    """Lines that look like the tables of shared/corpus/pages/*.txt, with junk mixed in."""
    lines = []
    for _ in range(draw(st.integers(0, 40))):
        cells = draw(st.lists(CELLS, min_size=0, max_size=10))
        sep = draw(SEPARATORS)
        lines.append(sep.join(cells) + draw(st.sampled_from(["", " |", "|"])))
    if draw(st.booleans()):
        lines.insert(0, synth.TITLE)
    return draw(st.sampled_from(["\n", "\r\n", "\r"])).join(lines)


ATTR = st.sampled_from(['', ' rowspan="2"', ' colspan="3"', ' rowspan="0"', ' colspan="-1"', ' rowspan="abc"',
                        ' colspan="99999"', ' rowspan="2147483648"', ' style="display:none"', ' colspan="1.5"'])
TAGS = st.sampled_from(["div", "p", "span", "table", "tbody", "tr", "td", "th", "b", "font", "center", "ul", "li"])


def html_tree(leaves):
    return st.recursive(
        leaves,
        lambda children: st.builds(lambda tag, attr, kids, close: f"<{tag}{attr}>{''.join(kids)}" + (f"</{tag}>" if close else ""),
                                   TAGS, ATTR, st.lists(children, max_size=6), st.booleans()),
        max_leaves=60,
    )


HTML = st.builds(
    lambda head, body, tail: head + body + tail,
    st.sampled_from(["", "<html><head><meta charset='utf-8'></head><body>", "<!DOCTYPE html><html><body>",
                     "<html><head><meta http-equiv='Content-Type' content='text/html; charset=gb2312'></head><body>",
                     f"<html><head><title>{synth.TITLE}</title></head><body>"]),
    html_tree(st.one_of(CELLS, st.sampled_from(["<br>", "<!-- x -->", "<script>var a='<td>1</td>';</script>",
                                                "&nbsp;", "&#0;", "&#x110000;", "<![CDATA[3]]>", "<?xml?>"]))),
    st.sampled_from(["", "</body></html>", "</table>", "<td>"]),
)

MAGIC = st.sampled_from([b"", b"%PDF-1.4\n", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"<html>",
                         b"\xef\xbb\xbf", b"\xff\xfe", b"{\\rtf1", b"\x89PNG\r\n\x1a\n", b"\x1f\x8b", b"<?xml "])
FILENAMES = st.one_of(st.none(), st.sampled_from(["r.pdf", "r.html", "r.docx", "r.doc", "r.wps", "r.txt", "r",
                                                  "../../x.pdf", "r.PDF", ".pdf"]), st.text(max_size=30))


# --------------------------------------------------------------------------- checks
def _digits(text: str) -> str:
    t = unicodedata.normalize("NFKC", text)
    return re.sub(r"(?<=\d)[,，](?=\d)", "", t)


def assert_no_invented_numbers(facts: dict, source: str) -> None:
    digits = _digits(source)
    for key, v in facts.items():
        if v is None:
            continue
        assert isinstance(v, (int, float)) and not isinstance(v, bool), f"{key} = {v!r}"
        assert math.isfinite(v), f"{key} = {v!r}"
        if isinstance(v, int) or float(v).is_integer():
            assert str(abs(int(v))) in digits, f"{key} = {v!r} is not printed in the input"


def assert_document(doc) -> None:
    assert isinstance(doc, Document)
    assert isinstance(doc.text, str)
    for row in doc.rows:
        for cell in row:
            assert isinstance(cell.text, str)


def assert_contract(res: dict) -> None:
    assert isinstance(res, dict)
    assert res["status"] in ("ok", "no_tables", "needs_ocr", "error"), res["status"]
    if res["status"] == "error":
        assert res["error"]["code"] in ERRORS
    json.dumps(res, allow_nan=False, ensure_ascii=False)


def _reader(module: str, name: str):
    try:
        mod = __import__(f"extract.readers.{module}", fromlist=[name])
        return getattr(mod, name)
    except (ImportError, AttributeError):
        pytest.skip(f"extract.readers.{module}.{name} has not landed yet")


def _extract_bytes():
    if not hasattr(extract, "extract_bytes"):
        pytest.skip("extract.extract_bytes has not landed yet")
    return extract.extract_bytes


# --------------------------------------------------------------------------- properties
@PROPS
@given(text=report_like_text(), encoding=st.sampled_from(["utf-8", "gb18030", "utf-16", "big5"]))
def test_text_reader_never_crashes(text, encoding):
    read_text = _reader("text", "read_text")
    data = text.encode(encoding, "replace")
    try:
        doc = read_text(data)
    except ExtractionError as exc:
        assert exc.code in ERRORS
        return
    assert_document(doc)


@PROPS
@given(html=HTML, encoding=st.sampled_from(["utf-8", "gb18030"]))
def test_html_reader_never_crashes(html, encoding):
    read_html = _reader("html", "read_html")
    try:
        doc = read_html(html.encode(encoding, "replace"))
    except ExtractionError as exc:
        assert exc.code in ERRORS
        return
    assert_document(doc)


@PROPS
@given(text=report_like_text())
def test_extract_bytes_on_text_invents_nothing(text):
    res = _extract_bytes()(text.encode("utf-8"), filename="report.txt")
    assert_contract(res)
    assert_no_invented_numbers(synth.flatten(res), text)


@PROPS
@given(html=HTML)
def test_extract_bytes_on_html_invents_nothing(html):
    res = _extract_bytes()(html.encode("utf-8"), filename="report.html")
    assert_contract(res)
    assert_no_invented_numbers(synth.flatten(res), html)


@PROPS
@given(magic=MAGIC, body=st.binary(max_size=4096), filename=FILENAMES)
def test_extract_bytes_on_bytes_never_raises(magic, body, filename):
    res = _extract_bytes()(magic + body, filename=filename)
    assert_contract(res)


@settings(max_examples=40 if SLOW else 12, deadline=20000, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(cut=st.floats(0.0, 1.0), flips=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)), max_size=8))
def test_extract_bytes_on_damaged_pdf(cut, flips):
    """The synthetic report PDF, cut and with bytes flipped: a result, never an exception, and any
    fact returned is one the PDF prints."""
    import hostile

    data = bytearray(hostile.clean_pdf())
    for where, byte in flips:
        data[int(where * (len(data) - 1))] = byte
    data = bytes(data[: max(1, int(len(data) * cut))]) if cut < 1 else bytes(data)
    res = _extract_bytes()(data, filename="report.pdf")
    assert_contract(res)
    truth = synth.flatten(synth.make_facts())
    for key, v in synth.flatten(res).items():
        if v is not None:
            assert key in truth and math.isclose(v, truth[key], abs_tol=1e-9), f"{key} = {v!r}"
