"""Cell values per shared/spec/template.md ("Cell values")."""
from __future__ import annotations

import pytest

from extract.values import is_value, parse_cell, value_for


@pytest.mark.parametrize("text", ["", " ", "/", "-", "—", "——", "－", "无", " / "])
def test_null_tokens(text):
    v = parse_cell(text)
    assert v is not None and v.value is None


@pytest.mark.parametrize(("text", "value"), [
    ("0", 0), ("227", 227), ("１２３", 123), ("１，０００", 1000), ("1,234", 1234), ("3,412", 3412),
    (" 18000 ", 18000), ("7730.28", 7730.28), ("１２.５", 12.5),
])
def test_numbers_as_printed(text, value):
    assert parse_cell(text).value == value


def test_units_and_signs_are_kept_as_notes():
    v = parse_cell("160.5964万元")
    assert v.value == 160.5964 and v.unit == "万元" and "万元" in v.note
    v = parse_cell("251000元")
    assert v.value == 251000 and v.unit == "元"
    assert parse_cell("增10").value == 10 and parse_cell("增10").sign == "增"
    assert parse_cell("减3").value == -3
    assert parse_cell("-35").value == -35


@pytest.mark.parametrize("text", ["规章", "2024年", "1.属于国家秘密", "（一）予以公开", "行政许可", "46 1 10"])
def test_labels_and_several_numbers_are_not_one_value(text):
    assert parse_cell(text) is None


@pytest.mark.parametrize("text", ["1e30", "NaN", "Infinity", "0x1F", "--3", "9" * 40])
def test_unreadable_numbers_keep_their_column_but_are_null(text):
    v = parse_cell(text)
    assert v is not None and v.value is None and v.unreadable


def test_decimals_and_negatives_only_where_the_template_allows():
    assert value_for("amount_10k_yuan", parse_cell("0.86"))[0] == 0.86
    assert value_for("change", parse_cell("-35"))[0] == -35
    assert value_for("amount", parse_cell("251.5万元"))[0] == 251.5
    v, warns = value_for("decisions", parse_cell("12.5"))
    assert v is None and warns
    v, warns = value_for(None, parse_cell("-5"))
    assert v is None and warns
    assert value_for("decisions", parse_cell("7.0"))[0] == 7
    assert isinstance(value_for("decisions", parse_cell("7.0"))[0], int)


def test_is_value():
    assert is_value("0") and is_value("/") and not is_value("其他")
