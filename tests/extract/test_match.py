"""Label matching variants, template decision, layouts, split tables, decoding."""
from __future__ import annotations

import pytest

from extract import EXTRACTOR_VERSION, extract_bytes
from extract import template as T
from extract.document import Cell, Document, ExtractionError
from extract.labels import core, norm, section_of, starts_row
from extract.match import match_app_row, match_category, match_document, match_rows
from extract.readers.text import read_text

APPS = [r.key for r in T.ALL_APPLICATION_ROWS]
LAST_REJECTED = APPS.index("rejected_confirmation")


def rows(*lines: str) -> list[list[Cell]]:
    return [[Cell(t.strip()) for t in line.split("|")] for line in lines]


# --------------------------------------------------------------------------- labels
@pytest.mark.parametrize(("text", "key"), [
    ("一、本年新收政府信息公开申请数量", "new_received"),
    ("一、本 年 新 收 政 府 信 息 公 开 申 请 数 量", "new_received"),
    ("二、上年結轉政府信息公開(kāi)申請數(shù)量", "carried_over"),
    ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "partially_granted"),
    ("(二)部分公开(区分处理的,只计这一情形,不计其他情形)", "partially_granted"),
    ("2.其他法律行政止公开", "denied_prohibited_by_law"),
    ("２．其他法律行政法规禁止公开", "denied_prohibited_by_law"),
    ("3.危及\"三安全一稳定\"", "denied_security_stability"),
    ("3.危及三安全一稳定", "denied_security_stability"),
    ("三、本年度办理结果（一）予以公开", "granted"),
    ("（三）不予公开 1.属于国家秘密", "denied_state_secret"),
    ("（四）无法提供1.本机关不掌握相关政府信息", "unable_not_held"),
    ("5.要求行政机关确认或重新出具已获取信息", "rejected_confirmation"),
    ("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "other_no_correction"),
    ("（六）其他处理", "other_handling"),
    ("（七）总计", "results_total"),
    ("四、结转下年度继续办理", "carried_forward"),
])
def test_application_row_labels(text, key):
    assert match_app_row([text], LAST_REJECTED if key in ("results_total", "carried_forward") else -1) == key


def test_generic_labels_need_their_place_in_the_table():
    assert match_app_row(["3.其他"], APPS.index("other_unpaid_fee")) == "other_other"
    assert match_app_row(["其他"], -1) is None  # the applicant column header, not a row
    assert match_app_row(["总计"], -1) is None


def test_category_labels_both_templates():
    assert match_category(["规章"]) == {"2021": "regulations", "2019": "regulations"}
    assert match_category(["政府集中采购"]) == {"2019": "procurement"}
    assert match_category(["其他对外管理服务事项"]) == {"2019": "other_services"}
    assert match_category(["行政規範性文件"])["2021"] == "normative_documents"
    assert match_category(["行政强"]) == {}  # cut off: not a label


def test_normalisation():
    assert norm("公開(kāi)") == "公开"
    assert norm("（一）") == "(一)"
    assert core("本年收费金额（单位：万元）") == "本年收费金额"
    assert starts_row("（三）") and starts_row("规章") and starts_row("第二十条第（八）项")
    assert not starts_row("一情形，不计其他情形）") and not starts_row("年度")
    assert section_of("二、主动公开政府信息情况") == "active_disclosure"
    assert section_of("二、主动公开政府政府情况") == "active_disclosure"  # heading typo
    assert section_of("四、因政府信息公开工作被申请行政复议提起行政诉讼情况") == "review_litigation"
    assert section_of("五、存在的主要问题及改进情况") == "end"


# --------------------------------------------------------------------------- template decision
def test_template_from_headers_not_year():
    r = match_rows(rows("2023年", "第二十条第（一）项", "信息内容|本年新制作数量|本年新公开数量|对外公开总数量",
                        "规章|0|0|0", "规范性文件|1|1|5"))
    assert r["template"] == "2019"
    assert r["active_disclosure"]["normative_documents"] == {"new_made": 1, "new_published": 1, "total_published": 5}
    r = match_rows(rows("2020年", "第二十条第（一）项", "信息内容|本年制发件数|本年废止件数|现行有效件数",
                        "规章|0|0|0", "行政规范性文件|1|0|5"))
    assert r["template"] == "2021"
    assert r["active_disclosure"]["normative_documents"] == {"issued": 1, "repealed": 0, "in_force": 5}


def test_template_from_value_counts_without_headers():
    r = match_rows(rows("二、主动公开政府信息情况", "行政许可|3|增1|40", "其他对外管理服务事项|2|0|9"))
    assert r["template"] == "2019"
    assert r["active_disclosure"]["licensing"] == {"prev_year_items": 3, "change": 1, "decisions": 40}


def test_template_undecidable_without_tables():
    assert match_rows(rows("一、总体情况", "2022年，我局主动公开信息10条。"))["template"] is None


def test_2021_table_with_2019_other_handling_row():
    r = match_rows(rows(
        "三、收到和处理政府信息公开申请情况",
        "（五）不予处理|5.要求行政机关确认或重新出具已获取信息|0|0|0|0|0|0|0",
        "（六）其他处理|1|0|0|0|0|0|1",
        "（七）总计|1|0|0|0|0|0|1",
    ))
    assert r["applications"]["other_handling"]["total"] == 1
    assert "other_other" not in r["applications"]


# --------------------------------------------------------------------------- layouts
def test_merged_label_cells_and_padding():
    doc = Document("pdf", rows=[
        [Cell("三、收到和处理政府信息公开申请情况")],
        [Cell("一、本年新收政府信息公开申请数量"), Cell(""), Cell(""), Cell("21"), Cell("0"), Cell("0"), Cell("0"),
         Cell("0"), Cell("0"), Cell("21")],
        [Cell(""), Cell("（三）不予公开"), Cell("1.属于国家秘密"), Cell("1"), Cell("0"), Cell("0"), Cell("0"),
         Cell("0"), Cell("0"), Cell("1")],
        [Cell(""), Cell(""), Cell("2.其他法律行政止公开"), *[Cell("0") for _ in range(7)]],
        [Cell("行政许可"), Cell("550"), Cell(""), Cell("")],
    ])
    r = match_document(doc)
    assert r["applications"]["new_received"]["natural_person"] == 21
    assert r["applications"]["denied_state_secret"]["total"] == 1
    assert r["applications"]["denied_prohibited_by_law"]["total"] == 0


def test_blank_cells_are_null_and_short_rows_left_out():
    r = match_rows(rows(
        "三、收到和处理政府信息公开申请情况",
        "一、本年新收政府信息公开申请数量| | | | | | |5",
        "二、上年结转政府信息公开申请数量|1|0|0|0|0|0",
    ))
    assert r["applications"]["new_received"] == {c: None for c in
                                                 ("natural_person", "commercial", "research", "social_welfare",
                                                  "legal_services", "other_org")} | {"total": 5}
    assert "carried_over" not in r["applications"]
    assert any("carried_over" in w for w in r["warnings"])


def test_one_cell_per_line_regrouped():
    text = "\n\n".join(["二、主动公开政府信息情况", "第二十条第(一)项", "信息内容", "本年制发\n件数", "本年废止\n件数",
                        "现行有效\n件数", "规章", "0", "1", "2", "行政规范性文件", "3", "4", "5"])
    doc = read_text(text.encode("utf-8"))
    assert [[c.text for c in r] for r in doc.rows][-2:] == [["规章", "0", "1", "2"], ["行政规范性文件", "3", "4", "5"]]
    r = match_document(doc)
    assert r["active_disclosure"]["normative_documents"] == {"issued": 3, "repealed": 4, "in_force": 5}


def test_pipe_per_line_layout_keeps_blank_cells():
    text = "第二十条第(五)项 |\n||||\n信息内容 |\n本年处理决定数量 |\n|\n行政许可 |\n|\n|\n行政处罚 |\n7 |\n"
    r = match_document(read_text(("二、主动公开政府信息情况\n" + text).encode()))
    assert r["active_disclosure"]["penalty"] == {"decisions": 7}


def test_table_split_over_pages_with_footer_and_repeated_header():
    text = "\n".join([
        "三、收到和处理政府信息公开申请情况",
        "申请人情况 | 自然人 | 法人或其他组织 | 总计 |",
        "一、本年新收政府信息公开申请数量 | 4 | 0 | 0 | 0 | 0 | 0 | 4 |",
        "- 3 -",
        "申请人情况 | 自然人 | 法人或其他组织 | 总计 |",
        "商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 |",
        "二、上年结转政府信息公开申请数量 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |",
    ])
    r = match_document(read_text(text.encode()))
    assert r["applications"]["new_received"]["total"] == 4
    assert r["applications"]["carried_over"]["total"] == 1


def test_review_table_fifteen_numbers_in_fixed_order():
    text = "\n".join([
        "四、政府信息公开行政复议、行政诉讼情况",
        "行政复议 行政诉讼",
        "结果维持 结果纠正 其他结果 尚未审结 总计",
        "未经复议直接起诉 复议后起诉",
        "1 2 3 4 10 5 6 7 8 26 0 0 0 1 1",
        "五、存在的主要问题及改进情况",
    ])
    rl = match_document(read_text(text.encode()))["review_litigation"]
    assert rl["review"] == {"upheld": 1, "corrected": 2, "other": 3, "pending": 4, "total": 10}
    assert rl["litigation_direct"]["total"] == 26
    assert rl["litigation_after_review"] == {"upheld": 0, "corrected": 0, "other": 0, "pending": 1, "total": 1}


def test_review_table_transposed_rows():
    r = match_rows(rows("四、政府信息公开行政复议、行政诉讼情况", "行政复议|1|0|0|0|1",
                        "未经复议直接起诉|0|0|0|0|0", "复议后起诉|0|0|1|0|1"))
    assert r["review_litigation"]["litigation_after_review"]["other"] == 1


def test_provenance_keeps_raw_text():
    r = match_rows(rows("二、主动公开政府信息情况", "第二十条第（九）项", "信息内容|采购项目数量|采购总金额",
                        "政府集中采购|8|160.5964万元", "第二十条第（一）项",
                        "信息内容|本年新制作数量|本年新公开数量|对外公开总数量", "规章|0|0|0"))
    p = r["provenance"]["active_disclosure.procurement.amount"]
    assert p["raw"] == "160.5964万元" and p["unit"] == "万元"
    assert r["active_disclosure"]["procurement"]["amount"] == 160.5964


# --------------------------------------------------------------------------- decoding
def test_gbk_and_utf8_read_the_same():
    text = "二、主动公开政府信息情况\n第二十条第（五）项\n信息内容 | 本年处理决定数量 |\n行政许可 | 12 |\n"
    a = match_document(read_text(text.encode("utf-8")))
    b = match_document(read_text(text.encode("gb18030")))
    assert a["active_disclosure"] == b["active_disclosure"] == {"licensing": {"decisions": 12}}


def test_mojibake_is_refused():
    text = "政府信息公开工作年度报告 一、总体情况 本年新收政府信息公开申请数量 12 件" * 5
    bad = text.encode("utf-8").decode("latin-1").encode("utf-8")
    with pytest.raises(ExtractionError) as exc:
        read_text(bad)
    assert exc.value.code == "mojibake"
    res = extract_bytes(bad, filename="r.txt")
    assert res["status"] == "error" and res["error"]["code"] in ("mojibake", "not_a_report")


def test_empty_text():
    with pytest.raises(ExtractionError) as exc:
        read_text(b"  \r\n\t ")
    assert exc.value.code == "empty_file"


def test_extract_bytes_contract_shape():
    text = ("测试县审计局2021年政府信息公开工作年度报告\n二、主动公开政府信息情况\n第二十条第（一）项\n"
            "信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |\n规章 | 0 | 0 | 0 |\n")
    res = extract_bytes(text.encode(), filename="r.txt", include_text=True)
    assert list(res)[:5] == ["title", "agency", "year", "template", "active_disclosure"]
    assert res["status"] == "ok" and res["error"] is None and res["format"] == "text"
    assert res["extractor_version"] == EXTRACTOR_VERSION
    assert res["agency"] == "测试县审计局" and res["year"] == 2021
    assert "applications" not in res and res["text"].startswith("测试县")
    assert res["checks"] == []


def test_readable_report_without_tables():
    res = extract_bytes("某县民政局2022年政府信息公开工作年度报告\n一、总体情况\n我局主动公开信息30条。".encode())
    assert res["status"] == "no_tables" and res["template"] is None


def test_not_a_report():
    res = extract_bytes("今日天气晴，气温二十度。".encode() * 10, filename="x.txt")
    assert res["status"] == "error" and res["error"]["code"] == "not_a_report"


def test_bare_page_number_under_a_one_line_row_is_skipped():
    text = ("二、主动公开政府信息情况\n第二十条第（一）项\n信息内容 本年制发件数 本年废止件数 现行有效件数\n"
            "规章 0 0 3\n3\n行政规范性文件 1 2 5\n")
    ad = match_document(read_text(text.encode()))["active_disclosure"]
    assert ad == {"regulations": {"issued": 0, "repealed": 0, "in_force": 3},
                  "normative_documents": {"issued": 1, "repealed": 2, "in_force": 5}}


def test_block_label_in_the_same_row_as_a_category():
    r = match_rows(rows("二、主动公开政府信息情况", "第二十条第（五）项|信息内容|本年处理决定数量", "第二十条第（五）项|行政许可|9"))
    assert r["active_disclosure"] == {"licensing": {"decisions": 9}}


def test_review_header_over_several_rows_without_heading():
    r = match_rows(rows("三、收到和处理政府信息公开申请情况", "四、结转下年度继续办理|0|0|0|0|0|0|0",
                        "行政复议", "行政诉讼", "结果维持|结果纠正|其他结果|尚未审结|总计",
                        "0|0|0|0|0|0|0|0|0|0|1|0|0|0|1"))
    assert r["review_litigation"]["litigation_after_review"] == {"upheld": 1, "corrected": 0, "other": 0,
                                                                 "pending": 0, "total": 1}


# --------------------------------------------------------------------------- metadata
def test_metadata_rules():
    from extract.metadata import extract_metadata as meta

    m = meta("西藏自治區(qū)人民政府\n\n2023年政府信息公開(kāi)工作年度報告\n")
    assert m["title"] == "西藏自治區(qū)人民政府2023年政府信息公開(kāi)工作年度報告"
    assert m["agency"] == "西藏自治区人民政府" and m["year"] == 2023
    assert m["title_simplified"] == "西藏自治区人民政府2023年政府信息公开工作年度报告"
    m = meta("根据条例要求,现公布开阳县市场监督管理局2020年政府信息公开工作年度报告。")
    assert "title" not in m and m["agency"] == "开阳县市场监督管理局" and m["year"] == 2020
    m = meta("一、总体情况\n2024年,我局主动公开信息57条。")
    assert m == {"agency": None, "year": 2024}
    m = meta("杨柳镇2021年政府信息公开工作年度报告\n本报告由杨柳镇人民政府办公室编制。")
    assert m["agency"] == "杨柳镇人民政府"
    m = meta("如有疑问,请与桃江县审计局办公室联系。\n统计期限为2020年1月1日至12月31日。")
    assert m["agency"] == "桃江县审计局" and m["year"] == 2020
    m = meta("一、总体情况\n2023年，我镇主动公开信息10条。\n大营镇人民政府\n2024年1月25日\n")
    assert m["agency"] == "大营镇人民政府" and m["published_date"] == "2024-01-25"
    m = meta("邯郸市生态环境局2022年度政府信息公开年报\n发布时间：2023-01-5\n")
    assert m["title"] == "邯郸市生态环境局2022年度政府信息公开年报" and m["published_date"] == "2023-01-05"


# the matcher's fuzzy label test takes shortcuts (length and character-count bounds, a memo);
# they must answer exactly what difflib's ratio answers
from hypothesis import given, settings, strategies as st  # noqa: E402

_LABEL_CHARS = "政府信息公开年度报告主动申请行政复议诉讼其他总计一二三、（）"


@settings(max_examples=2000, deadline=None)
@given(st.text(_LABEL_CHARS, max_size=16), st.text(_LABEL_CHARS, max_size=16), st.sampled_from([0.6, 0.75, 0.85, 1.0]))
def test_similar_at_least_answers_as_difflib_does(a, b, threshold):
    from extract.labels import similar, similar_at_least

    assert similar_at_least(a, b, threshold) == (similar(a, b) >= threshold)


def test_the_match_is_reused_only_while_the_rows_are_unchanged():
    from extract.document import Cell, Document
    from extract.match import match_document

    doc = Document(format="pdf", rows=[[Cell(t) for t in r.split("|")] for r in (
        "二、主动公开政府信息情况", "第二十条第（一）项", "信息内容|本年制发件数|本年废止件数|现行有效件数",
        "规章|1|0|5")])
    first = match_document(doc)
    first["warnings"].append("the caller's own")
    again = match_document(doc)
    assert again == {**first, "warnings": first["warnings"][:-1]}
    doc.rows[-1][1].text = "2"  # a reader changed a cell: matched anew
    assert match_document(doc) != again
