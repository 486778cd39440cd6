"""Discovery: from a portal's home (or its 政府信息公开 page) to every unit's annual-report column.

    result = discover("https://www.huaian.gov.cn/", fetch=PoliteFetcher(...).get, depth=3)
    result.candidates  -> [Candidate(id, name, region_code, level, parent, family, listing_url, evidence)]
    result.pages, result.errors

A breadth-first walk over *nav* and *unit* links (see ``pages.classify_links``) up to ``depth``
link steps and ``max_pages`` fetches, never outside ``allowed_hosts`` (a predicate; see
``host_rule``). Each *column* link found on a unit's pages becomes one candidate of that unit: the
column page is fetched once to name its family (``crawler.detect``); a gkmlpt entry whose TREE
holds a 年报 category is a column too. A unit reached through a link (市教育局 on the city's
department list) is a child of the unit whose page held the link; its region code comes from
GB/T 2260 (``regions``): a government's own division (searched under its parent's), a department
inherits its government's. ``fetch`` is any ``url -> Fetched``: the walk itself does no I/O.
"""
from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field, asdict
from typing import Callable, Iterable
from urllib.parse import urlsplit

from crawler.detect import decode_html, detect_family
from crawler.discovery import pages, regions
from crawler.discovery.fetch import Fetched


@dataclass
class Unit:
    name: str
    region_code: str | None
    level: str
    parent_code: str | None
    home: str                      # the first page of this unit that was read
    chain: list[str] = field(default_factory=list)   # names from the start unit down


@dataclass
class Candidate:
    id: str
    name: str
    region_code: str | None
    level: str
    parent: str | None
    family: str
    listing_urls: list[str]
    evidence: dict

    def entry(self) -> dict:
        d = asdict(self)
        return d


@dataclass
class Result:
    start: str
    candidates: list[Candidate] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"start": self.start, "pages_read": len(self.pages),
                "candidates": [c.entry() for c in self.candidates], "errors": self.errors}


def site_domain(host: str) -> str:
    """``www.huaian.gov.cn`` -> ``huaian.gov.cn`` (a government's own hosts share it)."""
    host = host.split(":")[0].lower()
    labels = host.split(".")
    if host.endswith(".gov.cn") and len(labels) >= 3:
        return ".".join(labels[-3:])
    return host


def host_rule(start_url: str, extra_hosts: Iterable[str] = ()) -> Callable[[str], bool]:
    """May discovery visit ``url``? Only the start host, other hosts of the same ``*.gov.cn``
    government domain, and ``extra_hosts`` (the registry's and the seeds' hosts)."""
    start = urlsplit(start_url).netloc.lower()
    extra = {h.lower() for h in extra_hosts if h}
    gov = start.split(":")[0].endswith(".gov.cn")
    dom = site_domain(start)

    def allowed(url: str) -> bool:
        host = urlsplit(url).netloc.lower()
        if host == start or host in extra:
            return True
        return gov and site_domain(host) == dom and host.split(":")[0].endswith(".gov.cn")

    return allowed


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _unit_slug(url: str) -> str:
    parts = urlsplit(url)
    path = re.sub(r"/(?:index\.s?html?|col/col\d+/index\.html)$", "/", parts.path)
    s = _slug(path)
    if s:
        return s[:40].strip("-")
    labels = [x for x in parts.hostname.split(".") if x not in ("www", "gov", "cn", "com", "org")] if parts.hostname else []
    return _slug("-".join(labels)) or "home"


def _full_name(text: str, parent: Unit | None) -> str:
    """"市教育局" on 淮安市's list -> "淮安市教育局"."""
    if parent and parent.region_code and text[:1] in "省市区县州盟旗":
        div = regions.name_of(parent.region_code) or ""
        if div.endswith(text[:1]):
            return div[:-1] + text
    return text


def _government(name: str, within: str | None) -> tuple[str | None, str | None]:
    """(region code, level of that division) if ``name`` names a division's government (淮安市,
    清江浦区人民政府, 淮安市人民政府办公室 -> 淮安市), else (None, None)."""
    div = pages.division_name(name)
    if not re.search(r"(?:[省市区县旗盟州]|自治区)$", div):
        return None, None
    code = regions.code_for(div, within=within)
    return (code, regions.division_level(code)) if code else (None, None)


def make_unit(name: str, parent: Unit | None, home: str, region_hint: str | None = None) -> Unit:
    code, div_level = _government(name, parent.region_code if parent else None)
    if region_hint and not parent:
        code, div_level = region_hint, regions.division_level(region_hint) or div_level
    level = pages.guess_level(name, div_level)
    if level in ("province", "city", "county") and code:
        region = code
        div = regions.divisions().get(code)
        parent_code = parent.region_code if parent and parent.region_code else (div.parent if div else None)
        if div and name == div.name:
            name += "人民政府"          # a bare division name on a district list
    else:   # departments and townships belong to the government above them
        region = parent.region_code if parent else code
        parent_code = region if parent else None
    chain = (parent.chain if parent else []) + [name]
    return Unit(name, region, level, parent_code, home, chain)


def discover(start_url: str, fetch: Callable[[str], Fetched], *, depth: int = 4, max_pages: int = 200,
             region_code: str | None = None, start_name: str | None = None,
             known_ids: Iterable[str] = ()) -> Result:
    result = Result(start_url)
    taken_ids = set(known_ids)
    seen: set[str] = set()
    columns: dict[str, Candidate] = {}
    queue: deque[tuple[str, int, Unit | None, str | None]] = deque([(start_url, 0, None, start_name)])
    while queue and len(result.pages) < max_pages:
        url, d, parent, link_name = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        page = fetch(url)
        det = None if page.error else detect_family(page.url, page.body, page.headers, page.status)
        why = page.error or (det.blocked and f"anti-bot wall {det.blocked}") or (
            page.status >= 400 and f"HTTP {page.status}")
        if why:
            result.errors.append({"url": url, "error": why})
            continue
        result.pages.append(page.url)
        html = decode_html(page.body, page.headers)
        if parent is None or link_name:   # a new unit starts here
            name = link_name or pages.unit_name_from_title(pages.page_title(html))
            unit = make_unit(_full_name(name, parent), parent, page.url,
                             region_hint=region_code if parent is None else None)
        else:
            unit = parent
        if det.cms == "gkmlpt":
            cat = pages.gkmlpt_annual_category(html)
            if cat:
                _add(columns, result, taken_ids, unit, page.url, cat, url, det, fetched=page)
        for link in pages.classify_links(page.url, html):
            if link.kind == "column":
                _add(columns, result, taken_ids, unit, link.url, link.text, page.url, None, fetch=fetch)
            elif d < depth and link.url not in seen:
                queue.append((link.url, d + 1, unit, link.text if link.kind == "unit" else None))
    return result


def _add(columns, result, taken_ids, unit: Unit, col_url: str, text: str, found_on: str, det=None,
         fetch=None, fetched: Fetched | None = None) -> None:
    if col_url in columns:
        return
    if det is None:
        page = fetch(col_url)
        det = None if page.error else detect_family(page.url, page.body, page.headers, page.status)
        why = page.error or (det.blocked and f"anti-bot wall {det.blocked}") or (
            page.status >= 400 and f"HTTP {page.status}")
        if why:   # a column that cannot be read is reported, not proposed
            result.errors.append({"url": col_url, "error": why, "column_of": unit.name})
            return
        col_url = page.url
    if "xxgkAnnualReport.jsp" in col_url:   # Hanweb's per-year view: the registry asks for each year
        col_url = re.sub(r"([?&]fbtime=)\d{4}", r"\1{year}", col_url)
    base = f"{unit.region_code or 'x'}-{_unit_slug(unit.home)}"
    cid, k = base, 2
    while cid in taken_ids:
        cid, k = f"{base}-{k}", k + 1
    taken_ids.add(cid)
    cand = Candidate(
        id=cid, name=unit.name, region_code=unit.region_code, level=unit.level, parent=unit.parent_code,
        family=det.family, listing_urls=[col_url],
        evidence={"link_text": text, "found_on": found_on, "unit_path": " > ".join(unit.chain),
                  "cms": det.cms, "detection": det.evidence[:4]})
    columns[col_url] = cand
    result.candidates.append(cand)


__all__ = ["discover", "host_rule", "site_domain", "Candidate", "Result", "Unit", "make_unit"]
