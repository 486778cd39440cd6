"""Title, agency, report year and published date, read from the document's own text.

Never from a URL. Rules (each seen in shared/corpus/pages):

- title: a short line (or two lines joined: agency / year+report) that names a year and ends
  in …报告, as printed (spaces between Chinese characters removed); absent when the report
  prints no title line (a title only quoted inside a sentence is not a title line);
- agency: the issuing body as the title prints it; without a title, from the preamble
  ('现公布XX局2023年…报告', '由XX编制'), the contact sentence ('请与XX联系'), or the full
  name the report uses for itself (我局 → the 'XX市XX局' it names); null when the report
  only says 我局. Simplified characters, pinyin glosses removed. A title that names only a
  place (杨柳镇) takes the body's full name where the text prints it (杨柳镇人民政府);
- year: the title's year, else the statistics period, else the most frequent year;
- published_date: 发布时间/发布日期 lines, else reader hints.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter

from extract.labels import strip_glosses
from nianbao.text import CJK, to_simplified, ymd

_CJK = CJK
_YEAR = r"((?:19|20)\d{2})"
_TITLE_TAIL = re.compile(r"(?:年度?|年).{0,30}?(?:信息公开|政务公开|信息公开).{0,16}?(?:报告|年报)(?:[(（][^()（）]{1,8}[)）])?$")
_G = r"(?:[(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,7}[)）])?"
_TITLE_PREFIX = re.compile(rf"^(?:Page\s*\d+\s*[-–—]\s*|[标標]{_G}\s*[题題]{_G}|名{_G}\s*[称稱]{_G}|文件名称|报告名称)[:：\s]*", re.I)
_SENTENCE_PUNCT = re.compile(r"[，,。；;！？：:]")
_ORG_SUFFIX = r"(?:人民政府办公室|人民政府办公厅|人民政府|办公室|办公厅|委员会|办事处|管理委员会|管委会|局|厅|委|署|院|中心|政府)"
_PLACE_END = ("省", "市", "县", "区", "镇", "乡", "街道", "州", "旗", "盟")
_OFFICE_UNITS = re.compile(r"(?:政府信息公开中心|信息公开中心|政务公开办公室|党政办公室|党政办|综合办公室|办公室|综合科|办公厅)$")
_DEPT_END = ("局", "厅", "委员会", "委", "院", "署", "人民政府", "中心", "办事处")


def _clean_line(line: str) -> str:
    t = unicodedata.normalize("NFKC", line).strip()
    t = re.sub(rf"(?<=[{_CJK}\d()）(（])\s+(?=[{_CJK}(（])", "", t)
    t = re.sub(rf"(?<=[{_CJK}])\s+(?=[\d(（])", "", t)
    t = re.sub(r"\s+", " ", t)
    return t


def _plain(line: str) -> str:
    """As printed, spaces between Chinese characters removed (NFKC not applied: the title
    keeps the report's own characters)."""
    t = line.strip()
    t = re.sub(rf"(?<=[{_CJK}\d)）(（\]])[ \t\u3000]+(?=[{_CJK}(（\d])", "", t)
    t = re.sub(rf"(?<=[{_CJK}])[ \t\u3000]+(?=\d)", "", t)
    return t.strip()


def simplify(text: str) -> str:
    return to_simplified(strip_glosses(unicodedata.normalize("NFKC", text)))


def _is_title(t: str) -> bool:
    if not t or len(t) > 70 or len(t) < 8:
        return False
    if _SENTENCE_PUNCT.search(re.sub(r"[(（][^()（）]*[)）]", "", t)):
        return False
    s = simplify(t)
    if not re.search(_YEAR + r"\s*年", s):
        return False
    if s.startswith(("根据", "按照", "依据", "本报告", "本年度", "现将", "特", "编制", "《")):
        return False
    return bool(_TITLE_TAIL.search(s))


_MARKUP = re.compile(r"^\s*(?:#{1,6}\s*|>\s*)+|\*\*|__")  # markdown heading/quote marks, bold


def _issuer_line(t: str) -> bool:
    """A line that is only an organisation's name (the issuing body printed above a 关于… title)."""
    s = simplify(t)
    return 4 <= len(s) <= 30 and not _SENTENCE_PUNCT.search(s) and not re.search(r"\d{4}\s*年", s) \
        and bool(re.search(_ORG_SUFFIX + "$|" + "(?:" + "|".join(_PLACE_END) + ")$", s))


def _with_issuer(title: str, lines: list[str], i: int) -> str:
    """'关于2021年度…报告' printed under its issuing body's name: the title names that body."""
    if i > 0 and simplify(title).startswith("关于") and _issuer_line(lines[i - 1]):
        return lines[i - 1] + title
    return title


def find_title(lines: list[str]) -> str | None:
    lines = [_TITLE_PREFIX.sub("", _plain(_MARKUP.sub("", x))) for x in lines[:150]]
    lines = [x for x in lines if x]
    # standalone lines first (a metadata 标题/名称 row last), then two lines joined
    for i, t in enumerate(lines):
        if _is_title(t):
            return _with_issuer(t, lines, i)
        if i + 1 < len(lines):
            j = t + lines[i + 1]
            if len(t) <= 40 and not _SENTENCE_PUNCT.search(t) and _is_title(j) and not _is_title(lines[i + 1]):
                return _with_issuer(j, lines, i)
            if _is_title(j) and _is_title(lines[i + 1]) and len(t) <= 30 and not _SENTENCE_PUNCT.search(t) \
                    and not re.search(r"\d{4}\s*年", simplify(t)) and re.search(_ORG_SUFFIX + "$|" + "(?:" + "|".join(_PLACE_END) + ")$", simplify(t)):
                return j
    return None


def agency_from_title(title: str) -> str | None:
    s = simplify(title)
    s = re.sub(r"[(（](?:文字版|全文|摘要|图文版|图解版)[)）]$", "", s)
    m = re.match(rf"^(.*?){_YEAR}\s*年度?(.*?)(?:政府信息公开|政务信息公开|政务公开|信息公开)", s)
    if not m:
        return None
    before, after = m.group(1).strip(), m.group(3).strip()
    name = before or after
    name = re.sub(r"(?:关于)$", "", name)
    return name or None


def _expand_place(name: str, text: str) -> str:
    """'杨柳镇' -> '杨柳镇人民政府' when the text prints the body's full name."""
    if not name or not name.endswith(_PLACE_END):
        return name
    forms = (name + "人民政府", name + "办事处", name + "街道办事处") if not name.endswith("街道") else (name + "办事处",)
    for f in forms:
        if f in text:
            return f
    return name


def _strip_office(name: str) -> str:
    """'桃江县审计局办公室' -> '桃江县审计局'; '丽水市人民政府办公室政府信息公开中心' ->
    '丽水市人民政府' (internal offices of the body that reports)."""
    cand = name
    for _ in range(3):
        m = _OFFICE_UNITS.search(cand)
        if not m:
            break
        cand = cand[: m.start()]
        if len(cand) >= 4 and cand.endswith(_DEPT_END):
            return cand
    return name


_NAME = rf"[{_CJK}()（）]{{2,40}}?"
_PREAMBLE = [
    re.compile(rf"(?:现公布|现公开|特编制|编制了?|公布了?|公开了?|发布)《?(?P<name>{_NAME})(?P<year>(?:19|20)\d{{2}})\s*年度?(?:政府信息公开|政务信息公开|政务公开|信息公开)"),
    re.compile(rf"(?:现公布|现公开|公布|公开)《?(?P<year>(?:19|20)\d{{2}})\s*年度?(?P<name>{_NAME})(?:政府信息公开|政务信息公开)"),
]
_BY = re.compile(rf"由(?P<name>{_NAME}{_ORG_SUFFIX})(?:根据[^。]{{0,80}}?)?(?:综合各项数据)?(?:编制|编写|制作|编。|编$)")
_CONTACT = [
    re.compile(rf"(?:请与|直接与|可与|请联系|联系单位[:：]?)(?P<name>{_NAME}{_ORG_SUFFIX}[{_CJK}]{{0,10}}?)(?:[(（]|联系|。|,|，|；)"),
]
_SELF = re.compile(r"我(局|委|办|厅|镇|乡|街道|区|县|市|院|署|中心)")
_SELF_SUFFIX = {"局": ("局",), "委": ("委员会", "委"), "办": ("办公室", "办"), "厅": ("厅",), "镇": ("镇人民政府", "镇政府"),
                "乡": ("乡人民政府",), "街道": ("街道办事处",), "区": ("区人民政府",), "县": ("县人民政府",),
                "市": ("市人民政府",), "院": ("院",), "署": ("署",), "中心": ("中心",)}


def _valid_name(name: str | None) -> bool:
    if not name or len(name) < 2:
        return False
    if name.startswith(("本", "我", "该", "各", "全")) or re.search(r"关于|做好|印发|通知|要求|工作", name):
        return False
    return bool(re.search(_ORG_SUFFIX + "$", name)) or name.endswith(_PLACE_END) or name.endswith((")", "）"))


def _fix_name(name: str) -> str:
    name = name.strip("《》“”\"' ")
    if name.endswith("人民"):
        name += "政府"
    return name


def agency_from_text(text: str) -> tuple[str | None, int | None]:
    s = simplify(text[:6000])
    s1 = re.sub(r"\s+", "", s)
    for pat in _PREAMBLE:
        for m in pat.finditer(s1):
            name = _fix_name(m.group("name"))
            if _valid_name(name):
                return _expand_place(name, s1), int(m.group("year"))
    m = _BY.search(s1)
    if m and _valid_name(m.group("name")):
        return _strip_office(_fix_name(m.group("name"))), None
    for pat in _CONTACT:
        m = pat.search(s1)
        if m:
            name = _fix_name(m.group("name"))
            name = re.sub(r"(?:办公室|党政办公室)?(?:联系)?$", lambda x: x.group(0), name)
            name = _strip_office(name)
            if _valid_name(name) and any(name.endswith(x) for x in _DEPT_END + ("办公室",)):
                return name, None
    signed = _signature_agency(text)
    if signed:
        return signed, None
    return _self_named(s1), None


def _signature_agency(text: str) -> str | None:
    """The 落款: an organisation's name on its own line just above the closing date line."""
    tail = [x.strip() for x in simplify(text[-3000:]).split("\n") if x.strip()][-8:]
    for i in range(len(tail) - 1, 0, -1):
        if _DATE_LINE.match(tail[i]):
            name = re.sub(r"\s+", "", tail[i - 1])
            if 4 <= len(name) <= 40 and not _SENTENCE_PUNCT.search(name) and re.search(_ORG_SUFFIX + "$", name) \
                    and _valid_name(name):
                return name
            return None
    return None


def _self_named(s: str) -> str | None:
    """我局 → the 'XX市XX局' that begins a clause most often."""
    selfs = Counter(m.group(1) for m in _SELF.finditer(s))
    short = re.findall(r"(?<![" + _CJK + r"])?(?:省|市|县|区|州)([" + _CJK + r"]{1,12}?(?:局|委员会))", s)
    suffixes: tuple[str, ...] = ()
    if selfs:
        suffixes = _SELF_SUFFIX[selfs.most_common(1)[0][0]]
    elif short:
        suffixes = ("局", "委员会")
    if not suffixes:
        return None
    clauses = re.split(r"[,，。;；:：、《》()（）\"“”\s]", s)
    cands: Counter = Counter()
    for cl in clauses:
        cl = re.sub(r"^(?:按照|根据|由|经|在|对|通过|请与|联系|结合|以|为|将|是|和|及)", "", cl)
        for suf in suffixes:
            m = re.match(rf"^([{_CJK}]{{2,30}}?{suf})", cl)
            if not m:
                continue
            name = m.group(1)
            head = name[: len(name) - len(suf)]
            # a place name first: '铜仁市教育局', '北京市东城区发展和改革委员会'
            pm = re.match(rf"^[{_CJK}]{{1,10}}?(?:省|自治区|市|自治州|州|盟|县|区|旗|镇|乡|街道)", head)
            if pm and pm.end() >= 2 and not name.startswith(("我", "本", "该", "全")):
                cands[name] += 1
            break
    if not cands:
        return None
    best = max(cands.items(), key=lambda kv: (kv[1], len(kv[0])))
    return best[0]


def find_year(text: str, title: str | None, hint: int | None = None) -> int | None:
    if title:
        m = re.search(_YEAR + r"\s*年", simplify(title))
        if m:
            return int(m.group(1))
    s = re.sub(r"\s+", "", simplify(text[:8000]))
    m = re.search(r"(?:统计|数据|期限|时限|时间)[^。]{0,20}?(?:自|从|为|是)?" + _YEAR + r"年?0?1月0?1日", s)
    if m:
        return int(m.group(1))
    if hint:
        return hint
    years = Counter(int(y) for y in re.findall(_YEAR + r"年", s))
    if years:
        return years.most_common(1)[0][0]
    return None


_DATE = re.compile(r"(?<!统计)(?<!数据)(?:发布时间|发布日期|发文日期|成文日期|印发日期|时间|日期)[:：\s]*((?:19|20)\d{2})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})")
_DATE_LINE = re.compile(r"^\s*((?:19|20)\d{2})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})\s*日?\s*$")


def _ymd(m) -> str | None:
    y, mo, d = (int(x) for x in m.groups()[:3])
    return ymd(y, mo, d)


def find_published_date(text: str, meta: dict | None = None) -> str | None:
    """发布时间/发布日期 printed in the page, else the reader's hint (HTML meta tags), else the
    date line of the signature block (落款: the last lines, a line holding only a date), else a
    date line alone near the top. File dates (pdf_created, docx_created) are never used."""
    s = unicodedata.normalize("NFKC", text[:5000])
    m = _DATE.search(s)
    if m and _ymd(m):
        return _ymd(m)
    meta = meta or {}
    v = meta.get("published_date")
    if isinstance(v, str) and re.match(r"^\d{4}-\d{2}-\d{2}$", v):
        return v
    tail = [x for x in unicodedata.normalize("NFKC", text[-3000:]).split("\n") if x.strip()][-8:]
    for line in reversed(tail):
        m = _DATE_LINE.match(line)
        if m and _ymd(m):
            return _ymd(m)
    for line in s[:1500].split("\n"):
        m = _DATE_LINE.match(line)
        if m and _ymd(m):
            return _ymd(m)
    return None


def extract_metadata(text: str, meta: dict | None = None) -> dict:
    """{'title'?, 'agency', 'year', 'published_date'?} — title/published_date only when printed."""
    meta = meta or {}
    lines = [x for x in text.split("\n") if x.strip()]
    title = find_title(lines)
    if title is None:
        # a reader hint (PDF /Title, HTML <title> '标题_网站名', ArticleTitle) counts only when
        # the document prints it
        printed = {_TITLE_PREFIX.sub("", _plain(x)) for x in text.split("\n")[:400] if x.strip()}
        for key in ("article_title", "title", "pdf_title", "docx_title", "html_title"):
            mt = meta.get(key)
            if not isinstance(mt, str):
                continue
            for part in re.split(r"[_|]| - | – ", mt):
                p = _plain(part)
                if _is_title(p) and p in printed:
                    title = p
                    break
            if title:
                break
    if title is None:
        # a portal page's own title (metadata row, article heading, <title> minus the site's
        # suffix) is printed on the page even when the article body leaves it out
        for mt in meta.get("page_titles") or []:
            for part in [mt] + re.split(r"[_|]| - | – | — ", mt):
                p = _TITLE_PREFIX.sub("", _plain(part))
                if _is_title(p):
                    title = p
                    break
            if title:
                break
    out: dict = {}
    agency = None
    year_hint = None
    if title:
        out["title"] = title
        simple = to_simplified(strip_glosses(title))
        if simple != title:
            out["title_simplified"] = simple
        agency = agency_from_title(title)
        if agency:
            agency = _expand_place(agency, re.sub(r"\s+", "", simplify(text[:8000])))
    if not agency:
        agency, year_hint = agency_from_text(text)
    out["agency"] = agency or None
    out["year"] = find_year(text, title, year_hint)
    date = find_published_date(text, meta)
    if date:
        out["published_date"] = date
    return out
