"""Round trip: random but plausible reports -> ``nianbao.demo.render`` -> ``extract_bytes`` gives
back exactly the tables, template, year, agency and title; printed variations of the
template (spaces in labels, 繁体, numbering, the 行政止 typo, full-width digits, '/' nulls,
section-title variants) do not change a cell; and a report whose arithmetic is broken keeps
its figures as printed while the matching check fails.

Bounded and reproducible: hypothesis profile ``roundtrip`` (derandomized, no database, no
deadline, few examples; ``NIANBAO_SLOW=1`` runs more, randomly seeded: use
``--hypothesis-seed``). LibreOffice ``pdf`` gets one example.
"""
from __future__ import annotations

import copy
import os
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extract import extract_bytes
from extract import template as T
from nianbao.demo.render import render_report

SLOW = os.environ.get("NIANBAO_SLOW") == "1"
settings.register_profile(
    "roundtrip", max_examples=60 if SLOW else 8, deadline=None, derandomize=not SLOW, database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
RT = settings.get_profile("roundtrip")

FAST = ("html", "html-gbk", "html-paragraphs", "html-portal", "docx", "text", "pdf-reportlab", "ofd", "xlsx", "markdown",
        "markdown-split")
CONTRACT = ("title", "agency", "year", "template", "active_disclosure", "applications", "review_litigation")
OTHER_2021 = ("other_no_correction", "other_unpaid_fee", "other_other")

PLACES = ("邢台市", "杭州市西湖区", "洪泽区", "北京市朝阳区", "杨柳镇", "黑龙江省", "苏州工业园区", "阿拉善盟",
          "国家税务总局苏州市", "深圳市南山区")
ORGANS = ("人民政府办公室", "教育局", "卫生健康委员会", "人民政府", "财政局", "自然资源和规划局",
          "市场监督管理局", "税务局", "生态环境局", "住房和城乡建设局")


# --------------------------------------------------------------------------- strategies
def counts(null_p: int = 8):
    """A count as printed: mostly small, zeros common, sometimes large, sometimes null."""
    return st.one_of(
        st.just(0), st.integers(0, 9), st.integers(0, 500), st.integers(0, 10**6),
        *([st.none()] if null_p else []),
    )


def decimals(negative: bool):
    lo = -10**6 if negative else 0
    return st.one_of(st.just(0), st.integers(lo, 10**5), st.integers(lo, 10**7).map(lambda x: x / 100),
                     st.integers(lo, 10**6).map(lambda x: x / 10000), st.none())


def measure_value(key: str):
    if key in T.DECIMAL_MEASURES:
        return decimals(negative=(key == "change"))
    return counts()


@st.composite
def reports(draw, template: str | None = None) -> dict:
    tpl = template or draw(st.sampled_from(T.TEMPLATES))
    year = draw(st.integers(2021, 2025) if tpl == "2021" else st.integers(2019, 2023))
    agency = draw(st.sampled_from(PLACES)) + draw(st.sampled_from(ORGANS))
    title = draw(st.sampled_from((f"{agency}{year}年政府信息公开工作年度报告",
                                  f"{agency}{year}年度政府信息公开工作年度报告")))
    rep: dict = {"title": title, "agency": agency, "year": year, "template": tpl}
    rep["active_disclosure"] = {
        cat.key: {m.key: draw(measure_value(m.key)) for m in cat.measures} for cat in T.categories(tpl)
    }
    rows = [r.key for r in T.application_rows(tpl)]
    if tpl == "2021" and draw(st.integers(0, 4)) == 0:
        # a 2021 table carrying the single 2019 （六）其他处理 row
        rows = [k for k in rows if k not in OTHER_2021]
        rows.insert(rows.index("results_total"), "other_handling")
    rep["applications"] = {k: {c.key: draw(counts()) for c in T.APPLICANT_COLUMNS} for k in rows}
    if draw(st.integers(0, 4)):  # table 四 missing one time in five
        rep["review_litigation"] = {g.key: {o.key: draw(counts()) for o in T.REVIEW_OUTCOMES}
                                    for g in T.REVIEW_GROUPS}
    # now and then a row printed with every cell blank, or a whole column left blank
    for table in ("active_disclosure", "applications", "review_litigation"):
        if table in rep and draw(st.integers(0, 5)) == 0:
            row = draw(st.sampled_from(sorted(rep[table])))
            rep[table][row] = {k: None for k in rep[table][row]}
    if draw(st.integers(0, 7)) == 0:
        col = draw(st.sampled_from([c.key for c in T.APPLICANT_COLUMNS]))
        for cells in rep["applications"].values():
            cells[col] = None
    return rep


def contract(out: dict) -> dict:
    return {k: out.get(k) for k in CONTRACT}


def expected(rep: dict) -> dict:
    return {k: rep.get(k) for k in CONTRACT}


def roundtrip(rep: dict, fmt: str, **kw) -> dict:
    out = extract_bytes(render_report(rep, fmt, **kw))
    assert out["status"] == "ok", (fmt, out.get("error"), out.get("warnings"))
    return out


def assert_same(rep: dict, out: dict, fmt: str) -> None:
    want, got = expected(rep), contract(out)
    diff = {k: (want[k], got[k]) for k in CONTRACT if want[k] != got[k]}
    assert not diff, (fmt, diff, out.get("warnings"))


# --------------------------------------------------------------------------- 1. round trip
@RT
@given(rep=reports(), fmt=st.sampled_from(FAST))
def test_roundtrip_one_format(rep, fmt):
    assert_same(rep, roundtrip(rep, fmt), fmt)


@settings(RT, max_examples=4 if SLOW else 2)
@given(rep=reports())
def test_roundtrip_every_fast_format(rep):
    for fmt in FAST:
        assert_same(rep, roundtrip(rep, fmt), fmt)


def test_roundtrip_docx_with_table_picture():
    """Table 三 pasted as a picture into a DOCX whose prose is text: OCR reads it back exactly
    (one example: OCR takes seconds). Only with the OCR extra."""
    from extract.readers import ocr

    from nianbao.demo.render.image import cjk_font_path

    if not ocr.available():
        pytest.skip("OCR extra (rapidocr) not installed")
    if cjk_font_path() is None:
        pytest.skip("no CJK font (fontconfig) to draw the table picture: apt-get install fonts-noto-cjk")
    rep = _fixed_report()
    assert_same(rep, roundtrip(rep, "docx-picture"), "docx-picture")


def test_roundtrip_libreoffice_pdf():
    """One example through LibreOffice (slow: several seconds); reportlab when it is absent."""
    assert_same(_fixed_report(), roundtrip(_fixed_report(), "pdf"), "pdf")


def _fixed_report() -> dict:
    """One deterministic report with every hard case: nulls at both ends of rows, zeros,
    decimals, a null total column cell (the label's colspan then looks like a value)."""
    rep = {"title": "杭州市西湖区教育局2023年政府信息公开工作年度报告", "agency": "杭州市西湖区教育局",
           "year": 2023, "template": "2021"}
    rep["active_disclosure"] = {c.key: {m.key: (12.35 if m.key == "amount_10k_yuan" else i) for m in c.measures}
                                for i, c in enumerate(T.categories("2021"))}
    rep["active_disclosure"]["licensing"] = {"decisions": None}
    apps = {}
    for i, r in enumerate(T.application_rows("2021")):
        apps[r.key] = {c.key: (i * 7 + j) % 11 for j, c in enumerate(T.APPLICANT_COLUMNS)}
    apps["granted"]["total"] = None
    apps["carried_over"]["natural_person"] = None
    rep["applications"] = apps
    rep["review_litigation"] = {g.key: {o.key: (None if (g.key, o.key) == ("review", "upheld") else k)
                                        for k, o in enumerate(T.REVIEW_OUTCOMES)} for g in T.REVIEW_GROUPS}
    return rep


def _blank(cells: dict) -> dict:
    return {k: None for k in cells}


def _edge(name: str) -> dict:
    """The fixed report with one kind of blank printing (each found by the round trip)."""
    rep = _fixed_report()
    apps, rl, ad = rep["applications"], rep["review_litigation"], rep["active_disclosure"]
    if name == "first-app-row-blank":  # opens table 三 with no figure to recognise it by
        apps["new_received"] = _blank(apps["new_received"])
    elif name == "app-row-blank":
        apps["denied_query_item"] = _blank(apps["denied_query_item"])
    elif name == "total-column-blank":  # every row's last cell blank: the label colspans decide
        for cells in apps.values():
            cells["total"] = None
    elif name == "review-group-blank":
        rl["litigation_direct"] = _blank(rl["litigation_direct"])
    elif name == "review-all-blank":
        rep["review_litigation"] = {g: _blank(c) for g, c in rl.items()}
    elif name == "table2-all-blank":
        rep["active_disclosure"] = {k: _blank(c) for k, c in ad.items()}
    return rep


EDGES = ("first-app-row-blank", "app-row-blank", "total-column-blank", "review-group-blank", "review-all-blank",
         "table2-all-blank")


@pytest.mark.parametrize("fmt", FAST)
def test_fixed_hard_report(fmt):
    rep = _fixed_report()
    assert_same(rep, roundtrip(rep, fmt), fmt)


@pytest.mark.parametrize("fmt", ("html", "docx", "text", "pdf-reportlab", "ofd"))
@pytest.mark.parametrize("edge", EDGES)
def test_blank_printing(edge, fmt):
    rep = _edge(edge)
    assert_same(rep, roundtrip(rep, fmt), f"{fmt} {edge}")


# --------------------------------------------------------------------------- variations
FULLWIDTH = str.maketrans("0123456789.-", "０１２３４５６７８９．－")


def _space_inside(s: str) -> str:
    """A space in the middle of the label's Chinese text (retyped or justified labels)."""
    m = re.search(r"[\u4e00-\u9fff]{4,}", s)
    if not m:
        return s
    mid = m.start() + (m.end() - m.start()) // 2
    return s[:mid] + " " + s[mid:]


def _numbering(style: str):
    def f(s: str) -> str:
        if style == "dun":  # 1、
            return re.sub(r"^(\d)\.", r"\1、", s)
        if style == "paren":  # （1）
            return re.sub(r"^(\d)\.", r"（\1）", s)
        return s
    return f


def _typo(s: str) -> str:
    return s.replace("其他法律行政法规禁止公开", "其他法律行政止公开")


def _traditional(s: str) -> str:
    zhconv = pytest.importorskip("zhconv")
    return zhconv.convert(s, "zh-hant")


LABEL_VARIANTS = {
    "halfwidth-parens": lambda s: s.replace("（", "(").replace("）", ")"),  # (一)予以公开
    "fullwidth-dot": lambda s: re.sub(r"^(\d)\.", r"\1．", s),  # 1．属于国家秘密
    "no-numbering": lambda s: re.sub(r"^(\d\.|（[一二三四五六七]）|[一二三四]、)", "", s),
    "ideographic-space": lambda s: s.replace("公开", "公\u3000开"),
    "heji": lambda s: s.replace("总计", "合计"),  # 合计 for 总计
    "spaces": _space_inside,
    "numbering-dun": _numbering("dun"),
    "numbering-paren": _numbering("paren"),
    "typo": _typo,
    "traditional": _traditional,
}
HEADINGS = {
    "review_litigation": ("四、因政府信息公开工作被申请行政复议、提起行政诉讼情况", "四、政府信息公开行政复议、行政诉讼情况"),
    "applications": ("三、收到和处理政府信息公开申请情况", "三、收到和处理政府信息公开申请的情况"),
    "active_disclosure": ("二、主动公开政府信息情况", "二、主动公开政府信息的情况"),
}


@st.composite
def variants(draw) -> dict:
    v: dict = {}
    names = draw(st.lists(st.sampled_from(sorted(LABEL_VARIANTS)), max_size=3, unique=True))
    if names:
        fns = [LABEL_VARIANTS[n] for n in names]

        def label(s, fns=fns):
            for f in fns:
                s = f(s)
            return s
        v["label"] = label
        v["names"] = names
    if draw(st.booleans()):
        v["value"] = lambda s: s.translate(FULLWIDTH)
    v["null"] = draw(st.sampled_from(("", "/", "-", "—", "无")))
    v["headings"] = {k: draw(st.sampled_from(opts)) for k, opts in HEADINGS.items()}
    return v


@settings(RT, max_examples=20 if SLOW else 6)
@given(rep=reports(), v=variants(), fmt=st.sampled_from(FAST))
def test_roundtrip_printed_variations(rep, v, fmt):
    assert_same(rep, roundtrip(rep, fmt, variant=v), f"{fmt} {v.get('names')} null={v['null']!r}")


@pytest.mark.parametrize("name", sorted(LABEL_VARIANTS))
@pytest.mark.parametrize("fmt", ("html", "text"))
def test_each_label_variation(name, fmt):
    rep = _fixed_report()
    v = {"label": LABEL_VARIANTS[name], "null": "/"}
    assert_same(rep, roundtrip(rep, fmt, variant=v), f"{fmt} {name}")


@pytest.mark.parametrize("fmt", ("html", "text", "docx"))
def test_fullwidth_digits_and_heading_variants(fmt):
    rep = _fixed_report()
    v = {"value": lambda s: s.translate(FULLWIDTH),
         "headings": {k: opts[0] for k, opts in HEADINGS.items()}}
    assert_same(rep, roundtrip(rep, fmt, variant=v), fmt)


# --------------------------------------------------------------------------- 3. wrong numbers
def consistent_report() -> dict:
    """A 2021 report satisfying every identity (勾稽关系)."""
    rep = copy.deepcopy(_fixed_report())
    rep["active_disclosure"]["licensing"] = {"decisions": 4}
    apps: dict = {}
    parts = T.APPLICANT_PARTS
    result_keys = T.result_row_keys({r.key: 1 for r in T.application_rows("2021")})
    for i, key in enumerate(result_keys):
        apps[key] = {c: (i + 3 * j) % 5 for j, c in enumerate(parts)}
    apps["results_total"] = {c: sum(apps[k][c] for k in result_keys) for c in parts}
    apps["carried_forward"] = {c: 2 + j for j, c in enumerate(parts)}
    apps["carried_over"] = {c: 1 + j % 2 for j, c in enumerate(parts)}
    apps["new_received"] = {c: apps["results_total"][c] + apps["carried_forward"][c] - apps["carried_over"][c]
                            for c in parts}
    for row in apps.values():
        row["total"] = sum(row[c] for c in parts)
    rep["applications"] = {r.key: apps[r.key] for r in T.application_rows("2021")}
    rep["review_litigation"] = {g.key: {"upheld": 1, "corrected": 2, "other": 0, "pending": 1 + i, "total": 4 + i}
                                for i, g in enumerate(T.REVIEW_GROUPS)}
    return rep


def _bump(rep: dict, table: str, row: str, col: str, by: int) -> None:
    rep[table][row][col] += by


def _break_balance(rep):  # one more carried over, printed in its row's total too
    _bump(rep, "applications", "carried_over", "natural_person", 1)
    _bump(rep, "applications", "carried_over", "total", 1)


def _break_results_sum(rep):  # one more granted, (七)总计 not updated
    _bump(rep, "applications", "granted", "natural_person", 1)
    _bump(rep, "applications", "granted", "total", 1)


def _break_row_totals(rep):  # totals moved between two rows: columns still balance
    _bump(rep, "applications", "new_received", "total", 1)
    _bump(rep, "applications", "carried_over", "total", -1)


def _break_review(rep):
    _bump(rep, "review_litigation", "litigation_direct", "total", 1)


BREAKS = {
    "applications.balance": (_break_balance, {"natural_person", "total"}),
    "applications.results_sum": (_break_results_sum, {"natural_person", "total"}),
    "applications.row_totals": (_break_row_totals, None),
    "review_litigation.total": (_break_review, {"litigation_direct"}),
}


def test_consistent_report_passes_every_check():
    rep = consistent_report()
    out = roundtrip(rep, "html")
    assert_same(rep, out, "html")
    assert out["checks"] and all(c["passed"] for c in out["checks"]), [c for c in out["checks"] if not c["passed"]]
    assert {c["code"] for c in out["checks"]} == {i.code for i in T.IDENTITIES}


@pytest.mark.parametrize("fmt", ("html", "docx", "text", "pdf-reportlab", "ofd"))
@pytest.mark.parametrize("code", sorted(BREAKS))
def test_wrong_number_fails_its_check(code, fmt):
    rep = consistent_report()
    brk, where = BREAKS[code]
    brk(rep)
    out = roundtrip(rep, fmt)
    assert_same(rep, out, fmt)  # figures kept as printed, never "corrected"
    failed = [c for c in out["checks"] if not c["passed"]]
    assert failed and {c["code"] for c in failed} == {code}, failed
    if where is not None:
        assert {c.get("column") or c.get("group") for c in failed} == where, failed
    else:
        assert failed[0]["rows_failed"] == 2 and "new_received" in failed[0]["detail"]
