"""What a government page's links are, for discovery. Pure (parsel only).

    classify_links(url, html) -> [Link(url, text, kind)]   kind: column | unit | nav
    unit_name_from_title("淮安市人民政府门户网站") -> "淮安市人民政府"
    guess_level("淮安市发展和改革委员会") -> "department"

A *column* link names the annual-report column (政府信息公开年报 / 年度报告 / 政府信息公开工作年度
报告 …) and does not point at one article; a *unit* link names a government or department
(…局, …委员会, …区, …县, …镇, …街道, …人民政府); a *nav* link leads further into the disclosure
navigation (政府信息公开, 信息公开目录, 部门/县区/乡镇 lists). Everything else is ignored.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from parsel import Selector

# the annual-report column (the disclosure one, not 统计年报 / 企业年报 / 法治政府建设年度报告 …)
_COLUMN = re.compile(r"信息公开.{0,8}(?:年报|年度报告)|"
                     r"^(?:(?:19|20)\d{2}年)?(?:政务公开|公开|工作)?(?:年报|年度报告|度报告)(?:专栏|专题|栏目)?$")
_NOT_COLUMN = re.compile(r"统计|企业|工商|年鉴|决算|预算|财务|法治|上市|年检|个体|合作社|人大|政协|审计工作|年度考核")
_YEAR = re.compile(r"(?:19|20)\d{2}\s*年")
_NAV = re.compile(r"政府信息公开|信息公开|政务公开|公开目录|信息公开平台|部门|区县|县区|县市区|乡镇|镇街|街道|市直|"
                  r"机构设置|组成部门|直属机构|政府机构|单位")
_NAV_SKIP = re.compile(r"指南|申请|制度|规定|意见箱|留言|咨询|投诉|下载|登录|注册|English|无障碍|纠错|查询")
_UNIT = re.compile(r"(?:人民政府|政府|管委会|管理委员会|委员会|办公室|办公厅|局|厅|委|署|办|中心|院|"
                   r"[省市州盟区县旗镇乡]|街道(?:办事处)?)$")
_UNIT_SKIP = re.compile(r"年报|年度报告|公开|通知|公告|首页|新闻|动态|要闻|专题|政策|解读|服务|互动|概况|领导|"
                        r"导航|地图|网站|\d")
# one article or document (never a column), after cms-families*.md URL grammars
_ARTICLE = re.compile(
    r"(?:^|/)t(?:19|20)\d{6}_\d+|/art/\d{4}/|/art_[0-9a-f]{32}|/(?:m?post)_\d+\.html|/\d{19}\.html|"
    r"/\d{6}/(?:c01_)?[0-9a-f]{32}\.shtml|/info/\d+/\d+\.htm|ShowInfo\.php|/content_\d+|"
    r"\.(?:pdf|docx?|xlsx?|wps|ofd|zip|rar|jpg|png)$", re.I)
_LISTING_SHAPE = re.compile(r"/$|/index(?:_\d+)?\.s?html?$|/col/col\d+/|list\w*\.s?html?$|/\d+\.html$|/gkmlpt/", re.I)
_TITLE_TAIL = re.compile(r"(?:门户网站|政府网站|网站|政府信息公开平台|信息公开平台|政府信息公开|首页)$")


@dataclass(frozen=True)
class Link:
    url: str
    text: str
    kind: str        # column | unit | nav


def _clean(text: str) -> str:
    return re.sub(r"[\s\u3000\xa0]+", "", text or "")


def is_article_url(url: str) -> bool:
    return bool(_ARTICLE.search(urlsplit(url).path + ("?" + urlsplit(url).query if urlsplit(url).query else "")))


def is_column_text(text: str, url: str) -> bool:
    t = _clean(text)
    if not t or len(t) > 30 or not _COLUMN.search(t) or _NOT_COLUMN.search(t):
        return False
    if is_article_url(url):
        return False
    if _YEAR.search(t):  # "2023年政府信息公开工作年度报告" is one report, unless it is a per-year listing
        return bool(_LISTING_SHAPE.search(urlsplit(url).path))
    return True


def is_unit_text(text: str) -> bool:
    t = _clean(text)
    return 2 <= len(t) <= 30 and bool(_UNIT.search(t)) and not _UNIT_SKIP.search(t)


def is_nav_text(text: str) -> bool:
    t = _clean(text)
    return 2 <= len(t) <= 20 and bool(_NAV.search(t)) and not _NAV_SKIP.search(t)


def classify_links(url: str, html: str) -> list[Link]:
    """The column, unit and navigation links of one page, in page order, each URL once."""
    sel = Selector(text=html or "<html></html>")
    out: dict[str, Link] = {}
    for a in sel.css("a[href]"):
        href = (a.attrib.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "mailto:", "#", "tel:")):
            continue
        target = urljoin(url, href).split("#")[0]
        text = _clean(" ".join(a.css("::text").getall())) or _clean(a.attrib.get("title", ""))
        if is_column_text(text, target):
            kind = "column"
        elif is_unit_text(text) and not is_article_url(target):
            kind = "unit"
        elif is_nav_text(text) and not is_article_url(target):
            kind = "nav"
        else:
            continue
        prev = out.get(target)
        if prev is None or (prev.kind != "column" and kind == "column"):
            out[target] = Link(target, text, kind)
    return list(out.values())


def page_title(html: str) -> str:
    m = re.search(r"<title[^>]*>(.*?)</title>", html or "", re.I | re.S)
    return _clean(m.group(1)) if m else ""


def unit_name_from_title(title: str) -> str:
    """"淮安市人民政府门户网站" -> "淮安市人民政府"; "首页-淮安市教育局" -> "淮安市教育局"."""
    parts = [p for p in re.split(r"[-_|｜—–·>＞]+", _clean(title)) if p]
    names = [_TITLE_TAIL.sub("", p) for p in parts]
    names = [n for n in names if n and is_unit_text(n)]
    return max(names, key=len) if names else (_TITLE_TAIL.sub("", parts[0]) if parts else "")


def gkmlpt_annual_category(html: str) -> str | None:
    """The name of the annual-report category in a gkmlpt entry's ``_CONFIG.TREE``, if any."""
    m = re.search(r"TREE\s*:\s*(\[.*?\])\s*,\s*(?:SERVICE_AREA_ID|DETAIL|\w+\s*:)", html or "", re.S)
    if not m:
        return None
    for name in re.findall(r'"name"\s*:\s*"([^"]+)"', m.group(1)):
        if is_column_text(name, "/gkmlpt/index"):
            return name
    return None


_GOV_SUFFIX = re.compile(r"(?:人民政府|政府)(?:办公室|办公厅)?$")


def guess_level(name: str, division_level: str | None = None) -> str:
    """Registry level from a unit's name (and, when known, the level of the division it names)."""
    n = _clean(name)
    if re.search(r"(?:街道|镇|乡)(?:办事处|人民政府)?$", n):
        return "township"
    if _GOV_SUFFIX.search(n) and not n.endswith(("办公室", "办公厅")) and division_level:
        return division_level
    if n.endswith(("区", "县", "旗")) and division_level == "county":
        return "county"
    if division_level and re.fullmatch(r".{2,12}(?:省|市|自治区|自治州|区|县|旗|盟)", n):
        return division_level
    return "department"


def division_name(name: str) -> str:
    """The division a government's name names: "清江浦区人民政府" -> "清江浦区"."""
    return _GOV_SUFFIX.sub("", _clean(name))


__all__ = ["Link", "classify_links", "is_column_text", "is_unit_text", "is_nav_text", "is_article_url",
           "page_title", "unit_name_from_title", "gkmlpt_annual_category", "guess_level", "division_name"]
