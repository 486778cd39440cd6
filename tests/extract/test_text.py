"""nianbao.text: the one definition of CJK ranges, simplification, dates and UTC stamps."""
import re

from nianbao.text import CJK_RE, count_cjk, find_date, has_traditional, to_simplified, utc_now


def test_find_date_forms():
    assert find_date("发布日期：2024年1月2日") == "2024-01-02"
    assert find_date("2024-01-02") == "2024-01-02"
    assert find_date("2024/1/2 10:00") == "2024-01-02"
    assert find_date("2024.01.02") == "2024-01-02"
    assert find_date("２０２４年１月２日") == "2024-01-02"  # full-width digits
    assert find_date("2024 年 1 月 2 日") == "2024-01-02"
    assert find_date("2023年2月30日，后来 2024年2月29日") == "2024-02-29"  # impossible dates skipped
    assert find_date("电话 12024-01-02") is None  # not a year inside a longer number
    assert find_date("") is None and find_date(None) is None and find_date("2024年") is None


def test_to_simplified_fast_path_and_fold():
    s = "政府信息公开工作年度报告"
    assert not has_traditional(s) and to_simplified(s) is s  # untouched, no zhconv call
    assert to_simplified("政府資訊公開") == "政府资讯公开"
    assert to_simplified("") == ""


def test_cjk_and_utc():
    assert count_cjk("abc中文12") == 2 and CJK_RE.search("x年") is not None
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", utc_now())
