"""Cell values as the contract reads them (shared/spec/template.md, "Cell values").

    parse_cell("1,234")        -> Value(1234)
    parse_cell("160.5964万元")  -> Value(160.5964, unit="万元")
    parse_cell("增10")          -> Value(10, sign="增")
    parse_cell("/")            -> Value(None)          # nothing reported
    parse_cell("规章")          -> None                 # not a value at all

Blank, ``/``, ``-``, ``—``, ``无`` are null. Full-width digits and thousands separators are
read as printed. Decimals and negatives are kept only for measures that allow them
(``extract.template.DECIMAL_MEASURES``); elsewhere such a cell is reported as not readable.
"""
from __future__ import annotations

import math
from functools import lru_cache
import re
import unicodedata
from dataclasses import dataclass

from extract.template import DECIMAL_MEASURES

NULL_TOKENS = frozenset({"", "/", "\\", "-", "--", "—", "——", "–", "－", "－－", "无", "/无", "空", "×", "x", "X", "*", "…"})
UNITS = ("万元", "元", "件", "项", "个", "条", "次", "宗", "人次", "户", "份")
_NUM = re.compile(
    r"^(?P<sign>[增减+\-])?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?P<unit>万元|万|元|件|项|个|条|次|宗|人次|户|份)?$"
)
_NUMLIKE = re.compile(r"^[+\-]*(?:\d[\d_,.]*(?:[eE][+\-]?\d+)?|0[xX][0-9a-fA-F]+|nan|inf|infinity)$", re.I)
MAX_DIGITS = 15  # larger integers are not counts any report prints; beyond this they are treated as garbage


@dataclass(frozen=True)
class Value:
    value: int | float | None
    unit: str | None = None
    sign: str | None = None  # 增 / 减 / + / - as printed
    raw: str = ""
    unreadable: bool = False

    @property
    def note(self) -> str | None:
        bits = []
        if self.unit:
            bits.append(f"unit {self.unit} printed in the cell")
        if self.sign in ("增", "减"):
            bits.append(f"printed with {self.sign}")
        return "; ".join(bits) or None


def normalize_value_text(text: str) -> str:
    t = text or ""
    if not t.isascii():
        t = unicodedata.normalize("NFKC", t)
    t = t.replace("\u200b", "").replace("\ufeff", "").replace("\x00", "")
    t = re.sub(r"\s+", "", t)
    t = t.replace("，", ",")
    return t


def is_null_token(text: str) -> bool:
    return normalize_value_text(text) in NULL_TOKENS or _only_dashes(normalize_value_text(text))


def _only_dashes(t: str) -> bool:
    return bool(t) and all(ch in "-—–－_~" for ch in t) and len(t) <= 4


def parse_cell(text: str | None) -> Value | None:
    """A Value for a value cell (number or null token), ``None`` when the cell is not a value."""
    raw = text or ""
    if len(raw) > 64:
        t = raw.strip()
        if len(t) > 64:
            return Value(None, raw=raw, unreadable=True) if t.isdigit() else None
    return _parse_cell(raw)


@lru_cache(maxsize=65536)
def _parse_cell(raw: str) -> Value | None:
    if re.search(r"\d[\s\u3000]+[\d+\-]", unicodedata.normalize("NFKC", raw)):
        return None  # two numbers, not one
    t = normalize_value_text(raw)
    if t in NULL_TOKENS or _only_dashes(t):
        return Value(None, raw=raw)
    m = _NUM.match(t)
    if not m:
        if _NUMLIKE.match(t):  # printed as a number but not one we can read: keeps the column, null
            return Value(None, raw=raw, unreadable=True)
        return None
    num = m.group("num").replace(",", "")
    digits = num.split(".")[0]
    if len(digits.lstrip("0")) > MAX_DIGITS:
        return Value(None, raw=raw, unreadable=True)
    if "." in num:
        v: int | float = float(num)
        if not math.isfinite(v):
            return Value(None, raw=raw, unreadable=True)
    else:
        v = int(num)
    sign = m.group("sign")
    if sign in ("减", "-") and v != 0:
        v = -v
    elif sign in ("减", "-"):
        v = 0
    return Value(v, unit=m.group("unit"), sign=sign, raw=raw)


def is_value(text: str | None) -> bool:
    return parse_cell(text) is not None


def is_blank(text: str | None) -> bool:
    if not text:
        return True
    t = text.strip()
    if not t:
        return True
    if len(t) > 4:
        return False
    return not normalize_value_text(t)


def value_for(measure: str | None, parsed: Value) -> tuple[int | float | None, list[str]]:
    """The number to record for ``measure`` and any warnings. Decimals and negatives are
    only kept where the template allows them; elsewhere the cell is recorded as null."""
    v = parsed.value
    warnings: list[str] = []
    if v is None:
        return None, warnings
    allows = measure in DECIMAL_MEASURES
    if isinstance(v, float):
        if v.is_integer() and not allows:
            v = int(v)
        elif not allows:
            warnings.append(f"{measure}: decimal {parsed.raw!r} in a count column, recorded as null")
            return None, warnings
    if v < 0 and not allows:
        warnings.append(f"{measure}: negative {parsed.raw!r} in a count column, recorded as null")
        return None, warnings
    if parsed.unit == "元" and measure in ("amount_10k_yuan", "amount"):
        warnings.append(f"{measure}: {parsed.raw!r} printed in 元 in a 万元 column; recorded as printed")
    return v, warnings
