"""Text helpers every part shares: CJK ranges, traditional → simplified, dates, UTC stamps.

Pure (standard library + zhconv), cheap to import.

    >>> find_date("发布日期：２０２４年１月２日")
    '2024-01-02'
"""
from __future__ import annotations

import datetime as _dt
import functools
import re
import unicodedata

# The CJK Unified Ideographs block (what reports print); the extension-A block and the
# compatibility ideographs are in CJK_WIDE for width-sensitive cleanup.
CJK = "\u4e00-\u9fff"
CJK_RE = re.compile(f"[{CJK}]")
CJK_WIDE = "\u2e80-\u9fff\uf900-\ufaff"

# 2024年1月2日, 2024-01-02, 2024/1/2, 2024.01.02, 2024 年 1 月 2 日 (after NFKC: full-width digits)
DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d)")


def count_cjk(text: str) -> int:
    return len(CJK_RE.findall(text))


@functools.lru_cache(maxsize=1)
def _trad_chars() -> frozenset[str]:
    """Characters whose presence means a text needs folding to simplified (zhconv's TRADONLY set
    plus every single character its zh-cn table changes)."""
    from zhconv import zhconv as z

    d = z.getdict("zh-cn")
    return frozenset(z.zhcdicts["TRADONLY"]) | frozenset(k for k, v in d.items() if len(k) == 1 and k != v)


def has_traditional(text: str) -> bool:
    return not _trad_chars().isdisjoint(text)


def to_simplified(text: str) -> str:
    """Fold traditional characters to simplified (zhconv) — skipped, cheaply, for the vast
    majority of texts that contain no traditional character (zhconv costs ~1 ms per page)."""
    if not text:
        return text
    try:
        import zhconv
    except ImportError:  # pragma: no cover — zhconv is a dependency
        return text
    if not has_traditional(text):
        return text
    return zhconv.convert(text, "zh-cn")


def ymd(year: int, month: int, day: int) -> str | None:
    """'YYYY-MM-DD' for a real calendar date, else None."""
    try:
        return _dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def find_date(text: str | None) -> str | None:
    """The first calendar date printed in ``text`` as 'YYYY-MM-DD' (None when there is none).
    Full-width digits and separators are folded first (NFKC)."""
    if not text:
        return None
    s = unicodedata.normalize("NFKC", text)
    for m in DATE.finditer(s):
        d = ymd(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if d:
            return d
    return None


def utc_now() -> str:
    """Now, UTC, as the archive and manifests record it: '2026-11-28T02:00:03Z'."""
    return _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


__all__ = ["CJK", "CJK_RE", "CJK_WIDE", "DATE", "count_cjk", "has_traditional", "to_simplified", "ymd",
           "find_date", "utc_now"]
