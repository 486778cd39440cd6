"""Label text normalisation and matching against the template (extract/template.py).

Tolerates whitespace inside labels, full-/half-width punctuation and digits, traditional
characters, pinyin glosses (``公開(kāi)``), quotes, trailing remarks in brackets and small
typos. Every label comes from ``extract.template``; nothing here names a row by hand.
"""
from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher
from collections import Counter
from functools import lru_cache

from extract import template as T
from nianbao.text import to_simplified

_GLOSS = re.compile(r"[(（][a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ]{1,7}[)）]")
_WS = re.compile(r"[\s\u3000\u200b\ufeff\x00]+")
_QUOTES = re.compile(r"[“”\"'‘’「」『』〝〞]")
CN_NUM = "一二三四五六七八九十"
NUMBERING = re.compile(
    rf"^(?:[{CN_NUM}]{{1,3}}[、.．]|\([{CN_NUM}]{{1,3}}\)[、.．]?|\(\d{{1,2}}\)[、.．]?|\d{{1,2}}[.、．](?!\d))"
)
_TRAILING_REMARK = re.compile(r"\([^()]*\)$")
_GLUED_FIGURES = re.compile(r"^(.*?[^\d\s.])\d+(?:\.\d+)?$")
_PUNCT = re.compile(r"[、，,。.．:：;；!！?？·・\-—_/／|｜]")


def strip_glosses(text: str) -> str:
    """'公開(kāi)' -> '公開'."""
    return _GLOSS.sub("", text)


@lru_cache(maxsize=20000)
def norm(text: str) -> str:
    """Comparable form: NFKC (full-width -> half-width, （）-> ()), simplified characters, no
    pinyin glosses, no whitespace, no quotes."""
    t = unicodedata.normalize("NFKC", text or "")
    t = strip_glosses(t)
    t = to_simplified(t)
    t = _WS.sub("", t)
    t = _QUOTES.sub("", t)
    t = t.replace("〔", "(").replace("〕", ")").replace("[", "(").replace("]", ")").replace("【", "(").replace("】", ")")
    return t


def strip_numbering(t: str) -> str:
    """'(一)予以公开' -> '予以公开'; '1.属于国家秘密' -> '属于国家秘密' (on normalised text)."""
    prev = None
    while prev != t:
        prev = t
        t = NUMBERING.sub("", t, count=1)
    return t


def numbering(t: str) -> str | None:
    m = NUMBERING.match(t)
    return m.group(0) if m else None


def core(text: str) -> str:
    """Numbering, a trailing bracketed remark and punctuation removed: the part to compare."""
    t = strip_numbering(norm(text))
    t2 = _TRAILING_REMARK.sub("", t)
    if t2:
        t = t2
    return _PUNCT.sub("", t)


def similar(a: str, b: str) -> float:
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def similar_at_least(a: str, b: str, threshold: float) -> bool:
    """``similar(a, b) >= threshold``, with the cheap upper bounds first (the length bound, then
    ``quick_ratio``): the matcher asks this of every label against every template label."""
    total = len(a) + len(b)
    if not total:
        return threshold <= 1.0  # difflib: two empty sequences are identical
    if 2.0 * min(len(a), len(b)) / total < threshold:  # difflib's own formula
        return False
    # quick_ratio's bound (characters in common, order aside) without building a matcher
    if 2.0 * sum((_counts(a) & _counts(b)).values()) / total < threshold:
        return False
    return SequenceMatcher(None, a, b, autojunk=False).ratio() >= threshold


@lru_cache(maxsize=4096)
def _counts(s: str) -> Counter:
    return Counter(s)


def label_matches(text_core: str, label_cores: tuple[str, ...], fuzzy: bool = True) -> bool:
    if not text_core:
        return False
    for lc in label_cores:
        if text_core == lc:
            return True
    if fuzzy and len(text_core) >= 6:
        for lc in label_cores:
            if len(lc) >= 6 and abs(len(lc) - len(text_core)) <= 3 and similar_at_least(text_core, lc, 0.85):
                return True
    return False


# --------------------------------------------------------------------------- label tables
@lru_cache(maxsize=None)
def application_row_cores() -> tuple[tuple[str, tuple[str, ...], bool], ...]:
    """(row key, label cores, generic) for every table-三 row; ``generic`` marks rows whose
    label is a short word that also appears elsewhere (其他, 总计): they need context."""
    out = []
    for r in T.ALL_APPLICATION_ROWS:
        cores = tuple(dict.fromkeys(core(x) for x in r.labels))
        generic = min(len(c) for c in cores) <= 2
        out.append((r.key, cores, generic))
    return tuple(out)


@lru_cache(maxsize=None)
def group_prefixes() -> tuple[str, ...]:
    """Normalised group headings that may precede a row label in the same cell or row:
    '三、本年度办理结果', '(三)不予公开', … (the ``group`` of each row)."""
    gs = {norm(r.group) for r in T.ALL_APPLICATION_ROWS if r.group}
    gs |= {norm(r.label) for r in T.ALL_APPLICATION_ROWS if r.key == "other_handling"}
    # forms without numbering as well
    gs |= {strip_numbering(g) for g in list(gs)}
    return tuple(sorted((g for g in gs if g), key=len, reverse=True))


@lru_cache(maxsize=None)
def category_cores() -> dict[str, dict[str, tuple[str, ...]]]:
    """template -> category key -> label cores."""
    return {t: {c.key: tuple(dict.fromkeys(core(x) for x in c.labels)) for c in T.categories(t)} for t in T.TEMPLATES}


@lru_cache(maxsize=None)
def measure_labels() -> list[tuple[str, str, str, bool]]:
    """(normalised label, template, measure key, is_primary) for every table-二 measure label,
    longest first (so '本年处理决定数量' wins over '处理决定数量' at the same place)."""
    out = []
    for t in T.TEMPLATES:
        for c in T.categories(t):
            for m in c.measures:
                for i, lab in enumerate(m.labels):
                    n = _PUNCT.sub("", strip_numbering(norm(lab)))
                    out.append((n, t, m.key, i == 0))
    out = list(dict.fromkeys(out))
    return sorted(out, key=lambda x: -len(x[0]))


def find_measures(text: str) -> list[tuple[int, str, dict[str, str], dict[str, bool]]]:
    """Measure labels found in a header text, in order: (position, matched label,
    {template: key}, {template: primary})."""
    t = _PUNCT.sub("", norm(text))
    t = re.sub(r"\([^()]*(单位|万元)[^()]*\)", "", t)
    taken = [False] * len(t)
    found: dict[int, tuple[str, dict, dict]] = {}
    for lab, tmpl, key, primary in measure_labels():
        start = 0
        while True:
            i = t.find(lab, start)
            if i < 0:
                break
            start = i + 1
            if any(taken[i : i + len(lab)]):
                if i in found and found[i][0] == lab:
                    found[i][1].setdefault(tmpl, key)
                    found[i][2][tmpl] = found[i][2].get(tmpl, False) or primary
                continue
            for k in range(i, i + len(lab)):
                taken[k] = True
            found[i] = (lab, {tmpl: key}, {tmpl: primary})
    return [(i, lab, keys, prim) for i, (lab, keys, prim) in sorted(found.items())]


@lru_cache(maxsize=None)
def section_cores() -> dict[str, tuple[str, ...]]:
    return {k: tuple(dict.fromkeys(core(x) for x in item.labels)) for k, item in T.TABLES.items()}


@lru_cache(maxsize=8192)
def section_of(text: str) -> str | None:
    """Which table a heading introduces ('active_disclosure', 'applications',
    'review_litigation'), 'end' for another numbered section heading, else None."""
    if len(text) > 200:
        return None
    n = norm(text)
    if len(n) > 40 or len(n) < 3:
        return None
    num = numbering(n)
    c = core(text)
    for key, cores in section_cores().items():
        for sc in cores:
            if sc and (sc in c or (len(c) >= 6 and similar_at_least(c, sc, 0.75))):
                return key
    if "行政复议" in c and "行政诉讼" in c:
        return "review_litigation"
    if num and re.match(rf"^[{CN_NUM}]{{1,2}}、", num) and len(c) >= 4:
        if any(w in c for w in ("问题", "改进", "其他需要报告", "其他事项", "总体情况", "概述")):
            return "end"
    return None


def review_group_of(text: str) -> str | None:
    c = core(text)
    for g in T.REVIEW_GROUPS:
        for lab in g.labels:
            lc = core(lab)
            if c == lc:
                return g.key
    return None


@lru_cache(maxsize=None)
def row_start_cores() -> frozenset[str]:
    """Label cores that begin a table row (categories, table-三 rows, headings)."""
    s: set[str] = set()
    for cats in category_cores().values():
        for cores in cats.values():
            s.update(cores)
    for _key, cores, _g in application_row_cores():
        s.update(cores)
    for cores in section_cores().values():
        s.update(cores)
    for g in T.REVIEW_GROUPS:
        s.add(core(g.label))
    s.add(core("信息内容"))
    return frozenset(x for x in s if x)


def starts_row(text: str) -> bool:
    """Does this label fragment begin a new table row (rather than continue a wrapped label)?"""
    n = norm(text[:200])
    if not n:
        return False
    if numbering(n):
        return True
    if n.startswith(("第二十条", "(本列数据", "本列数据", "信息内容")):
        return True
    c = core(text)
    if c in row_start_cores():
        return True
    # a row label with its figures glued on ('规章1011', text that lost its cell separators)
    m = _GLUED_FIGURES.match(n)
    return bool(m) and core(m.group(1)) in row_start_cores()
