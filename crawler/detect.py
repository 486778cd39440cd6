"""Which CMS family serves a page: a pure function of (url, body, headers, status).

    d = detect_family("https://x.gov.cn/zwgk/zfxxgknb/", body_bytes, {"Content-Type": "text/html"})
    d.cms       -> "trs"          the family the page shows (finer than the crawler's spiders)
    d.family    -> "trs"          the crawler family that reads it (a registry ``family`` value)
    d.evidence  -> ["link shape tYYYYMMDD_id.html ×10: ./202009/t20200903_2748784.html", …]
    d.blocked   -> None | "rs-412" | …   an anti-bot wall answered instead of the page

Rules follow ../shared/spec/cms-families-more.md §8: first the body sniff of a real collector,
in its order (Hanweb ``dataproxy.jsp``; Hanweb ``module/xxgk/``; truecms
``messageController/getMessage.do``; JPaaS ``jpaas-publish-server``; Epoint ``govInfoPub`` /
``EWB-FRONT``), then the further markers of §8 and cms-families.md (gkmlpt ``_CONFIG``, the
Fujian TRS platform, Guangdong 集约化, 开普云 Ucap, 博达 VSB, EmpireCMS, Hanweb static, TRS
WCM, the 延安 Snowflake CMS, the ``/c<id>/`` cluster). The first rule, in that order, with a
strong marker (a string only that family writes, or its URL grammar in the page's own URL) wins;
failing that, the rule with the most links of its URL shape on the page's own host (at least two;
links to other sites say nothing about this one). The other rules that matched are listed as
``also``. Nothing matched: ``generic`` with what was seen.
Families the crawler has no spider for (EmpireCMS, the ``/c<id>/`` cluster) crawl as ``generic``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Mapping
from urllib.parse import urlsplit

from w3lib.encoding import html_to_unicode

from crawler.antibot import detect_block


@dataclass
class Detection:
    cms: str
    family: str
    evidence: list[str] = field(default_factory=list)
    also: list[str] = field(default_factory=list)
    blocked: str | None = None

    def to_dict(self) -> dict:
        return {"cms": self.cms, "family": self.family, "evidence": list(self.evidence),
                "also": list(self.also), "blocked": self.blocked}


@dataclass(frozen=True)
class Rule:
    cms: str
    family: str                      # crawler family (registry value) that reads it
    strong: tuple = ()               # (label, regex on the page text) — one is enough
    url: tuple = ()                  # (label, regex on the page's own URL) — one is enough
    links: tuple = ()                # (label, regex on href values) — two links are enough
    min_links: int = 2


def _r(p: str, flags=re.I) -> re.Pattern:
    return re.compile(p, flags)


# Order matters (the spec's §8 first, then from most to least specific).
RULES: tuple[Rule, ...] = (
    Rule("hanweb", "hanweb",
         strong=(("dataproxy.jsp (jpage list proxy)", _r(r"(?:module/(?:web/|jslib/jquery/)?jpage/)?dataproxy\.jsp")),)),
    # the Hanweb site's own per-year report view under /module/xxgk/ (the hanweb spider reads it)
    Rule("hanweb-annual", "hanweb",
         url=(("URL is Hanweb's xxgkAnnualReport.jsp per-year view", _r(r"/module/xxgk/xxgkAnnualReport\.jsp")),)),
    Rule("hanweb-xxgk", "xxgk",
         strong=(("module/xxgk/ (Hanweb 信息公开 module)", _r(r"/module/xxgk/")),),
         url=(("URL under /module/xxgk/", _r(r"/module/xxgk/(?!xxgkAnnualReport)")),)),
    Rule("truecms", "truecms",
         strong=(("messageController/getMessage.do (truecms JSONP list)", _r(r"messageController/getMessage\.do")),)),
    Rule("hanweb-jpaas", "jpaas",
         strong=(("jpaas-publish-server (大汉 JPaaS build/unit API)", _r(r"jpaas-publish-server")),
                 ("unitbuild.js with querydata", _r(r"unitbuild\.js[^>]*querydata=|querydata=[^>]*unitbuild\.js")),)),
    Rule("epoint", "epoint",
         strong=(("EWB-FRONT (新点 Epoint)", _r(r"EWB-FRONT")),
                 ("/js/webBuilderCommon.js (新点 Epoint)", _r(r"/js/webBuilderCommon\.js"))),
         url=(("URL names govInfoPub", _r(r"govInfoPub")),)),
    Rule("gkmlpt", "gkmlpt",
         strong=(("window._CONFIG with SID and TREE (gkmlpt)", _r(r"_CONFIG\s*=\s*\{[^<]{0,200}\bSID\s*:.{0,20000}?\bTREE\s*:", re.I | re.S)),),
         url=(("URL under /gkmlpt/", _r(r"/gkmlpt/")),),
         links=(("gkmlpt link", _r(r"/gkmlpt/(?:index|content/\d+/\d+/post_\d+)")),)),
    Rule("fujian-trs", "fujian",
         strong=(("list2.trsapi (福建 TRS platform)", _r(r"list2\.trsapi")),
                 ("avalon listModel({…}) pager", _r(r"listModel\s*\(\s*\{")),
                 ("/fjdzapp/search", _r(r"/fjdzapp/search"))),),
    Rule("gdsite", "gdsite",
         strong=(("a.nfw-cms-attachment (NFCMS)", _r(r"nfw-cms-attachment")),
                 ("NFCMS_SITE_ID / NFCMS_POST_ID", _r(r"NFCMS_(?:SITE|POST)_ID"))),
         links=(("link shape content/post_<id>.html", _r(r"/content/m?post_\d+\.html")),)),
    Rule("ucap", "ucap",
         strong=(("<ucapcontent> (开普云 Ucap)", _r(r"<ucapcontent\b")),
                 ("<ucaptitle> (开普云 Ucap)", _r(r"<ucaptitle\b")),
                 ("#UCAP-CONTENT (开普云 Ucap)", _r(r"id=[\"']?UCAP-CONTENT")),
                 ("loadUcapContent()", _r(r"loadUcapContent\s*\("))),
         links=(("link shape xxgk_list.shtml", _r(r"(?:^|/)(?:xxgk|nav|bmzx)_list(?:_\d+)?\.shtml")),
                # the /c<id>/ cluster shares the article shape: not Ucap when a /c<id>/ folder precedes
                ("link shape <YYYYMM>/<32 hex>.shtml", _r(r"^(?!.*/c\d+/).*/\d{6}/[0-9a-f]{32}\.shtml$")))),
    Rule("vsb", "vsb",
         strong=(("#vsb_content (博达 VSB)", _r(r"vsb_content")),
                 ("v_news_content (博达 VSB)", _r(r"v_news_content")),
                 ("urltype=tree.TreeTempUrl (博达 VSB)", _r(r"urltype=tree\.TreeTempUrl")),
                 ("pb_sys_common pager (博达 VSB)", _r(r"pb_sys_common")),
                 ("/system/_content/download.jsp (博达 VSB)", _r(r"/system/_content/download\.jsp")),
                 ("_showDynClicks (博达 VSB)", _r(r"_showDynClick"))),
         links=(("link shape /info/<col>/<id>.htm", _r(r"/info/\d+/\d+\.htm$")),)),
    Rule("empirecms", "generic",
         strong=(("/e/action/ListInfo (EmpireCMS)", _r(r"/e/action/ListInfo")),
                 ("/e/enews/ (EmpireCMS)", _r(r"/e/enews/"))),
         links=(("link shape ShowInfo.php?classid=", _r(r"/e/action/ShowInfo\.php\?classid=")),)),
    Rule("hanweb", "hanweb",
         strong=(("<script type=text/xml><datastore> (jpage island)", _r(r"<script[^>]*type=[\"']text/xml[\"'][^>]*>\s*<datastore>")),
                 ("(Hanweb CMS) comment", _r(r"Hanweb CMS|大汉网络")),
                 ("/module/download/downfile.jsp (Hanweb attachment)", _r(r"/module/download/downfile\.jsp"))),
         links=(("link shape /art/YYYY/M/D/art_<col>_<id>.html", _r(r"/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+\.html")),
                ("link shape /col/col<N>/index.html", _r(r"/col/col\d+/index\.html")))),
    Rule("trs", "trs",
         strong=(("createPageHTML( pager (TRS WCM)", _r(r"createPageHTML\s*\(")),
                 ("TRS_Editor / TRS_UEDITOR body", _r(r"TRS_(?:Editor|UEDITOR)\b")),
                 ("</TRS_DOCUMENT> template residue", _r(r"</?TRS_DOCUMENT")),
                 ("/wcm/app/js (TRS WCM)", _r(r"/wcm/app/js")),
                 ("/was5/web/search (TRS WAS5)", _r(r"/was5/web/search"))),
         links=(("link shape tYYYYMMDD_<id>.html", _r(r"(?:^|/)t(?:19|20)\d{6}_\d+(?:_\d+)?\.s?html?$")),
                ("attachment shape P020<digits>", _r(r"/P020\d{9,}\.\w+$")))),
    Rule("snowflake", "snowflake",
         strong=(("maxPage = parseInt( (延安 CMS pager)", _r(r"maxPage\s*=\s*parseInt\s*\(")),
                 ("div.m-txt-article (延安 CMS body)", _r(r"class=[\"'][^\"']*\bm-txt-article\b"))),
         links=(("link shape /<19-digit id>.html", _r(r"/\d{19}\.html$")),)),
    Rule("c-cluster", "generic",
         strong=(("common_list.shtml pager", _r(r"common_list(?:_\d+)?\.shtml")),),
         links=(("link shape /c<id>/<YYYYMM>/<32 hex>.shtml", _r(r"/c\d+/\d{6}/(?:c01_)?[0-9a-f]{32}\.shtml$")),)),
)

FAMILY_OF = {r.cms: r.family for r in RULES}
_HREF = re.compile(r"""(?:href|src)\s*=\s*["']?([^"'\s>]+)""", re.I)
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.I | re.S)
_CDATA_HREF = re.compile(r"""href=\\?['"]([^'"\\]+)""", re.I)


def decode_html(body: bytes, headers: Mapping | None = None) -> str:
    """Text of an HTML body: BOM, then Content-Type charset, then <meta charset>, then sniffing
    (w3lib, as Scrapy does)."""
    ctype = None
    for k, v in (headers or {}).items():
        k = k.decode("latin-1") if isinstance(k, bytes) else str(k)
        if k.lower() == "content-type":
            v = v[0] if isinstance(v, (list, tuple)) and v else v
            ctype = v.decode("latin-1") if isinstance(v, bytes) else str(v)
    _enc, text = html_to_unicode(ctype, body or b"")
    return text


def _links(text: str) -> list[str]:
    found = dict.fromkeys(_HREF.findall(text) + _CDATA_HREF.findall(text))  # distinct, in order
    return [h.split("#")[0].split("?")[0] if "/e/action/" not in h and "TreeTempUrl" not in h else h
            for h in found]


def _match(rule: Rule, url: str, text: str, links: list[str]) -> tuple[list[str], bool, int]:
    """(evidence, has a strong marker, largest count of same-shape links)."""
    ev = []
    for label, rx in rule.strong:
        m = rx.search(text)
        if m:
            ev.append(f"{label}: {m.group(0)[:80]!r}")
    for label, rx in rule.url:
        if rx.search(url or ""):
            ev.append(label)
    strong = bool(ev)
    best = 0
    for label, rx in rule.links:
        hits = [h for h in links if rx.search(h)]
        if hits:
            ev.append(f"{label} ×{len(hits)}: {hits[0][:100]}")
            best = max(best, len(hits))
    return ev, strong, best


def _own_links(url: str, links: list[str]) -> list[str]:
    """Links on the page's own host (relative ones included); all links when the host is unknown."""
    host = urlsplit(url or "").netloc.lower()
    if not host:
        return links
    return [h for h in links if not urlsplit(h).netloc or urlsplit(h).netloc.lower() == host]


def detect_family(url: str, body: bytes | str | None, headers: Mapping | None = None,
                  status: int = 200) -> Detection:
    """The family of one fetched page (pure: no I/O). A wall (瑞数, WZWS, 加速乐, 知道创宇, 云锁,
    Cloudflare) gives ``cms='blocked'`` with ``blocked`` set and the family left ``generic``."""
    raw = body.encode("utf-8") if isinstance(body, str) else (body or b"")
    wall = detect_block(status, headers, raw)
    if wall:
        return Detection("blocked", "generic", [f"anti-bot answer {wall} (status {status})"], blocked=wall)
    text = body if isinstance(body, str) else decode_html(raw, headers)
    links = _own_links(url, _links(text))
    strong, by_links = [], []
    for rule in RULES:
        ev, is_strong, count = _match(rule, url, text, links)
        if is_strong:
            strong.append((rule, ev))
        elif count >= rule.min_links:
            by_links.append((count, rule, ev))
    by_links.sort(key=lambda t: -t[0])      # stable: ties keep the rule order
    matched = strong + [(rule, ev) for _, rule, ev in by_links]
    if matched:
        rule, ev = matched[0]
        also = list(dict.fromkeys(r.cms for r, _ in matched[1:] if r.cms != rule.cms))
        return Detection(rule.cms, rule.family, ev, also=also)
    return Detection("generic", "generic", ["no family marker found; saw: " + seen_summary(text, links)])


def seen_summary(text: str, links: list[str] | None = None) -> str:
    """A one-line account of a page, for a ``generic`` answer the reviewer can act on."""
    links = _links(text) if links is None else links
    m = _TITLE.search(text)
    title = re.sub(r"\s+", " ", m.group(1)).strip()[:60] if m else ""
    exts: dict[str, int] = {}
    for h in links:
        e = re.search(r"\.(\w{2,5})$", h)
        if e:
            exts[e.group(1).lower()] = exts.get(e.group(1).lower(), 0) + 1
    top = ", ".join(f".{k}×{v}" for k, v in sorted(exts.items(), key=lambda kv: -kv[1])[:4])
    scripts = len(re.findall(r"<script\b", text, re.I))
    return f"title {title!r}, {len(text)} chars, {len(links)} links ({top or 'no file links'}), {scripts} scripts"


__all__ = ["detect_family", "Detection", "RULES", "FAMILY_OF", "decode_html", "seen_summary"]
