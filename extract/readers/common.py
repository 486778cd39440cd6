"""Small helpers shared by the readers: cell-text cleanup, line grouping, page-number lines."""
from __future__ import annotations

import re
import unicodedata

from nianbao.text import CJK_WIDE

_WIDE = CJK_WIDE + "\u3000-\u303f\uff00-\uffef“”‘’…—·"
_SPACE_BETWEEN_WIDE = re.compile(rf"(?<=[{_WIDE}])[ \t\u00a0\u3000]+(?=[{_WIDE}])")
_SPACE_WIDE_LEFT = re.compile(rf"(?<=[{_WIDE}])[ \t\u00a0]+(?=[0-9A-Za-z.()])")
_SPACE_WIDE_RIGHT = re.compile(rf"(?<=[0-9A-Za-z.()])[ \t\u00a0]+(?=[{_WIDE}])")
_NEWLINE = re.compile(r"\s*\n\s*")
PAGE_NUMBER_LINE = re.compile(
    r"^\s*(?:[-—–－~·•]\s*\d{1,4}\s*[-—–－~·•]|第\s*\d{1,4}\s*页(?:\s*[,，/／]?\s*共\s*\d{1,4}\s*页)?|"
    r"\d{1,4}\s*/\s*\d{1,4}|[-—–－]?\s*\d{1,3}\s*[-—–－]?)\s*$"
)


def clean_cell(text: str | None) -> str:
    """Join a cell's lines and drop the spacing a layout engine puts between wide characters.

    '自\\n然\\n人' → '自然人'; '总 计' → '总计'; '只计这一情\\n形' → '只计这一情形';
    '2023 年' → '2023年'; '14\\n5' → '145' (a number wrapped in a narrow column). Latin words keep
    one space."""
    if not text:
        return ""
    text = text.replace("\u00a0", " ").replace("\r", "\n")
    parts = [p for p in _NEWLINE.split(text.strip()) if p]
    out = ""
    for p in parts:
        # a number wrapped in a narrow column ('14\n5') is one number; wide characters join
        # without a space; Latin words keep one
        if out and not (_is_wide(out[-1]) or _is_wide(p[0])) and not (out[-1].isdigit() and p[0].isdigit()):
            out += " "
        out += p
    out = _SPACE_BETWEEN_WIDE.sub("", out)
    out = _SPACE_WIDE_LEFT.sub("", out)
    out = _SPACE_WIDE_RIGHT.sub("", out)
    return re.sub(r"[ \t]{2,}", " ", out).strip()


def _is_wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


def is_page_number(line: str) -> bool:
    return bool(PAGE_NUMBER_LINE.match(line)) and len(line.strip()) <= 16


def group_lines(items: list, top=lambda w: w["top"], bottom=lambda w: w["bottom"], tol_ratio: float = 0.5) -> list[list]:
    """Group positioned items (words, OCR boxes) into lines by vertical overlap, top to bottom;
    each line sorted left to right by ``x0``."""
    lines: list[list] = []
    spans: list[tuple[float, float]] = []
    for it in sorted(items, key=lambda w: (top(w), w["x0"])):
        t, b = top(it), bottom(it)
        h = max(b - t, 1.0)
        placed = False
        for i in range(len(lines) - 1, max(-1, len(lines) - 4), -1):
            lt, lb = spans[i]
            overlap = min(b, lb) - max(t, lt)
            if overlap >= tol_ratio * min(h, lb - lt):
                lines[i].append(it)
                spans[i] = (min(t, lt), max(b, lb))
                placed = True
                break
        if not placed:
            lines.append([it])
            spans.append((t, b))
    return [sorted(line, key=lambda w: w["x0"]) for line in lines]
