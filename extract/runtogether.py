"""Run-together cells: a row whose figures lost their separators in a text copy.

    一、本年新收政府信息公开申请数量452000047   →   45, 2, 0, 0, 0, 0, 47

The template knows how many cells the row has and which identities they obey (a table-三 row's
总计 is the sum of the six applicant columns; each table-四 group's 总计 is the sum of its four
outcomes). A split is accepted only when it is the *only* one that gives every cell at least
one digit, no number a leading zero, and satisfies the identities; otherwise nothing is
guessed (the caller leaves the cells null and says so).
"""
from __future__ import annotations

import re

MAX_DIGITS = 64  # longer runs are not a table row
MAX_STEPS = 200_000  # search steps per group; beyond that the split is not called unique


class _TooMany(Exception):
    pass
_NULL_MARK = re.compile(r"(?:[/／\\\-－—–_]|无)\s*$")
TRAILING_DIGITS = re.compile(r"^(.*?[^\d\s.])\s*(\d+(?:\.\d+)?)$", re.S)


def _valid(part: str) -> bool:
    return part == "0" or not part.startswith("0")


def _group_splits(digits: str, size: int, summed: bool, limit: int) -> list[list[str]]:
    """Every way to cut ``digits`` into ``size`` numbers (digit rules; last = sum of the others
    when ``summed``), at most ``limit`` of them."""
    n = len(digits)
    out: list[list[str]] = []
    if n < size:
        return out
    if not summed:
        def rec(pos: int, k: int, acc: list[str]) -> None:
            if len(out) >= limit:
                return
            if k == 1:
                part = digits[pos:]
                if part and _valid(part):
                    out.append(acc + [part])
                return
            for ln in range(1, n - pos - (k - 1) + 1):
                part = digits[pos:pos + ln]
                if not _valid(part):
                    break  # a leading zero: longer parts starting here are invalid too
                rec(pos + ln, k - 1, acc + [part])
        rec(0, size, [])
        return out
    # the total (last cell) is at least as long as every part, and no part exceeds it: a search
    # over cut positions pruned by the running sum (longer parts only grow)
    budget = [MAX_STEPS]
    for total_len in range(1, n - (size - 1) + 1):
        total = digits[n - total_len:]
        if not _valid(total):
            continue
        head = digits[: n - total_len]
        rest = size - 1
        if not (rest <= len(head) <= rest * total_len):
            continue
        t = int(total)

        def rec(pos: int, k: int, acc: int, parts: list[str]) -> None:
            budget[0] -= 1
            if budget[0] < 0:
                raise _TooMany
            if len(out) >= limit:
                return
            left = len(head) - pos
            if k == 0:
                if left == 0 and acc == t:
                    out.append(parts + [total])
                return
            if not (k <= left <= k * total_len):
                return
            for ln in range(1, min(total_len, left - (k - 1)) + 1):
                part = head[pos:pos + ln]
                if not _valid(part):
                    break
                v = int(part)
                if acc + v > t:
                    break
                rec(pos + ln, k - 1, acc + v, parts + [part])

        try:
            rec(0, rest, 0, [])
        except _TooMany:
            return [["?"]] * limit  # too many to tell: not unique
        if len(out) >= limit:
            return out
    return out


def split_run(digits: str, groups: list[tuple[int, bool]], limit: int = 2) -> list[list[str]]:
    """Splits of ``digits`` into consecutive groups ``(size, last_is_sum)``; at most ``limit``
    (two are enough to know the split is not unique)."""
    if groups == [(1, False)]:  # one cell: the run is the figure (a decimal too: 7730.28)
        return [[digits]] if re.fullmatch(r"(?:0|[1-9]\d*)(?:\.\d+)?", digits) else []
    if not digits.isdigit() or len(digits) > MAX_DIGITS:
        return []
    if len(groups) == 1:
        size, summed = groups[0]
        return _group_splits(digits, size, summed, limit)
    out: list[list[str]] = []
    size, summed = groups[0]
    rest_min = sum(s for s, _ in groups[1:])
    for cut in range(size, len(digits) - rest_min + 1):
        for first in _group_splits(digits[:cut], size, summed, limit):
            for tail in split_run(digits[cut:], groups[1:], limit):
                out.append(first + tail)
                if len(out) >= limit:
                    return out
    return out


def unique_split(digits: str, groups: list[tuple[int, bool]]) -> list[str] | None:
    found = split_run(digits, groups, limit=2)
    return found[0] if len(found) == 1 else None


def trailing_digits(label: str) -> tuple[str, str] | None:
    """('一、本年新收政府信息公开申请数量', '452000047') for a label with figures glued on."""
    m = TRAILING_DIGITS.match(label)
    if not m or _NULL_MARK.search(m.group(1)):
        return None  # '规范性文件/466': a null cell printed before the figures — not one glued run
    return m.group(1), m.group(2)


__all__ = ["split_run", "unique_split", "trailing_digits"]
