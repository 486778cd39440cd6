"""Pure helpers shared by the spiders: report titles, years, dates, attachment URLs, pagers."""
from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from nianbao.text import DATE, find_date  # noqa: F401 - re-exported for the spiders

REPORT_TITLE = re.compile(r"信息公开.{0,20}(?:年度|工作)?报告|年度报告|年报")
NOT_REPORT = re.compile(r"^(?!.*信息公开).*政府工作报告")  # 政府工作报告 is another document
YEAR_IN_TITLE = re.compile(r"((?:19|20)\d{2})\s*年")
DOC_EXTENSIONS = {"pdf", "doc", "docx", "wps", "xls", "xlsx", "et", "ofd", "zip", "rar", "7z",
                  "jpg", "jpeg", "png", "tif", "tiff", "rtf", "odt"}
ATTACHMENT_MARKERS = ("downfile.jsp", "/attach/", "/attachment/", "download.jsp", "DownloadAttach",
                      "/files/", "getfile")
NEXT_TEXT = re.compile(r"^\s*(下一页|下页|后一页|next|>|›|»)\s*$", re.I)


def clean(text: str | None) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def is_report_title(title: str) -> bool:
    t = clean(title)
    return bool(t) and bool(REPORT_TITLE.search(t)) and not NOT_REPORT.search(t) and len(t) < 200


def year_hint(title: str | None, date: str | None = None) -> int | None:
    """The report year a title names (2023 in 'XX局2023年政府信息公开工作年度报告'); else the
    year before the publication date (reports come out in the following January)."""
    m = YEAR_IN_TITLE.search(title or "")
    if m:
        return int(m.group(1))
    if date and re.match(r"\d{4}", date):
        return int(date[:4]) - 1
    return None


def extension(url: str) -> str:
    path = urlsplit(url).path
    name = path.rsplit("/", 1)[-1]
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if not ext or ext in ("jsp", "php", "aspx", "do"):
        q = urlsplit(url).query
        m = re.search(r"(?:filename|file|name)=[^&]*\.([A-Za-z0-9]{2,5})(?:&|$)", q)
        if m:
            return m.group(1).lower()
    return ext


def is_attachment_url(url: str) -> bool:
    return extension(url) in DOC_EXTENSIONS or any(m in url for m in ATTACHMENT_MARKERS)


def parse_years(value) -> tuple[int, int] | None:
    """'2022-2024' | '2023' | (2022, 2024) | [2022, 2023, 2024] | None -> (lo, hi) or None."""
    if value in (None, "", "all"):
        return None
    if isinstance(value, (list, tuple)):
        ys = [int(v) for v in value]
        return (min(ys), max(ys)) if ys else None
    s = str(value).strip()
    m = re.fullmatch(r"(\d{4})\s*(?:-|:|\.\.)\s*(\d{4})", s)
    if m:
        lo, hi = int(m.group(1)), int(m.group(2))
        return (min(lo, hi), max(lo, hi))
    if re.fullmatch(r"\d{4}", s):
        return (int(s), int(s))
    raise ValueError(f"years must look like 2022-2024 or 2023, got {value!r}")


# --- TRS createPageHTML --------------------------------------------------------------------------

_CPH6 = re.compile(r"createPageHTML\(\s*['\"][^'\"]*['\"]\s*,\s*(\d+)\s*,\s*(\d+)\s*,\s*['\"]([^'\"]+)['\"]\s*,"
                   r"\s*['\"]([^'\"]+)['\"]")
_CPH4 = re.compile(r"createPage(?:HTML)?\(\s*(\d+)\s*,\s*(\d+)\s*,\s*['\"]([^'\"]+)['\"]\s*,\s*['\"]([^'\"]+)['\"]")
_VARS = (re.compile(r"var\s+countPage\s*=\s*(\d+)"), re.compile(r"var\s+currentPage\s*=\s*(\d+)"))


def trs_next_page(text: str, page_url: str) -> str | None:
    """The next listing page named by a TRS pager call on ``page_url``, or None on the last.

    4 arguments ``createPageHTML(count, current, name, ext)``: 0-based, page i ≥ 1 is name_i.ext.
    6 arguments ``createPageHTML(div, count, current, name, ext, total)``: 1-based, page k ≥ 2 is
    name_k.ext. The numbering is read from the call, never assumed."""
    m6 = _CPH6.search(text)
    if m6:
        count, cur, name, ext = int(m6.group(1)), int(m6.group(2)), m6.group(3), m6.group(4)
        nxt = cur + 1
        return urljoin(page_url, f"{name}_{nxt}.{ext}") if nxt <= count else None
    m4 = _CPH4.search(text)
    if m4:
        count, cur, name, ext = int(m4.group(1)), int(m4.group(2)), m4.group(3), m4.group(4)
        nxt = cur + 1
        return urljoin(page_url, f"{name}_{nxt}.{ext}") if nxt < count else None
    c, p = _VARS[0].search(text), _VARS[1].search(text)
    if c and p:
        count, cur = int(c.group(1)), int(p.group(1))
        ext = extension(page_url) or "html"
        return urljoin(page_url, f"index_{cur + 1}.{ext}") if cur + 1 < count else None
    return None
