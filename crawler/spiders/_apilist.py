"""Shared machinery of the API-listed families (``jpaas``, ``xxgk``, ``epoint``, ``truecms``).

Their column ("channel") page holds no list: it names an endpoint (script attributes, a JS
config, a form), and the endpoint pages the list (JSON, JSONP, an HTML fragment). So:

* first crawl: channel page -> the family's first API call -> pages until the list ends;
* the items of page 1 (newest first) and the first API call are remembered in the portal state
  (``listings[<channel url>] = {"api": ..., "top": [...]}``), only when the walk succeeded;
* later crawls ask that remembered API page directly (one request) and stop paging at the page
  that holds an item seen last time (``reached_known``: pinned 置顶 items that stay on top do not
  count), so a night with nothing new costs one request and downloads nothing; a remembered call
  that fails (gone, refused, not an API answer) falls back to the channel page once;
* a channel page that names no endpoint is read as a static listing (base ``parse_listing``);
* portals with a session cookie (``overrides: {cookies: true}``, or a family's
  ``session_cookies``) always go through the channel page, which sets the cookie the API wants
  (two requests on a night with nothing new).

Family modules supply pure functions (page/answer -> items, next call) and four small hooks.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, replace
from urllib.parse import urlencode

import scrapy
from parsel import Selector
from scrapy.http import TextResponse

from crawler import parsing
from crawler.antibot import detect_block
from crawler.spiders.base import Ref, ReportSpider


@dataclass(frozen=True)
class ApiCall:
    """One request to a listing endpoint, Scrapy-free (kept in the portal state between crawls)."""
    url: str
    method: str = "GET"
    form: tuple[tuple[str, str], ...] | None = None   # application/x-www-form-urlencoded body
    json_body: str | None = None                        # application/json body (exact text)

    def to_state(self) -> dict:
        d = asdict(self)
        d["form"] = [list(kv) for kv in self.form] if self.form is not None else None
        return d

    @classmethod
    def from_state(cls, d: dict) -> "ApiCall":
        form = d.get("form")
        return cls(url=d["url"], method=d.get("method") or "GET",
                   form=tuple((str(k), str(v)) for k, v in form) if form is not None else None,
                   json_body=d.get("json_body"))

    def body(self) -> bytes | None:
        if self.form is not None:
            return urlencode(list(self.form)).encode("utf-8")
        if self.json_body is not None:
            return self.json_body.encode("utf-8")
        return None


_CDATA_RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S)


def cdata_records(xml: str) -> list[str]:
    """The HTML of each ``<record><![CDATA[…]]></record>`` (Hanweb/truecms datastore XML)."""
    return _CDATA_RECORD.findall(xml or "")


def fragment_items(html: str, base_url: str, rows: str = "li, tr") -> list[dict]:
    """Items of an HTML list fragment, in order: the first followable link of each row
    (``{url, title, date}``; the date from the row's text). Rows without a link are skipped."""
    out, seen = [], set()
    sel = Selector(text=f"<div>{html or ''}</div>")
    for row in sel.css(rows):
        for a in row.css("a[href]"):
            href = (a.attrib.get("href") or "").strip()
            if not href or href.startswith(("javascript:", "#", "mailto:")):
                continue
            url = parsing.urljoin(base_url, href).split("#", 1)[0]
            if url not in seen:
                seen.add(url)
                title = parsing.clean(a.attrib.get("title") or " ".join(a.css("::text").getall()))
                out.append({"url": url, "title": title,
                            "date": parsing.find_date(" ".join(row.css("::text").getall()))})
            break
    return out


TOP_KEPT = 50   # page-1 items remembered per listing


def reached_known(urls: list[str], known_top: list[str], page: int) -> bool:
    """True when this page holds an item the last crawl saw, so older pages hold nothing new.
    On page 1 the items still at the very top in the same order (pinned 置顶 items, or the whole
    page when nothing changed) are no evidence on their own: a page of only those counts, an item
    seen before below new ones counts."""
    known = set(known_top)
    skip = 0
    if page == 1:
        while skip < min(len(urls), len(known_top)) and urls[skip] == known_top[skip]:
            skip += 1
        if skip == len(urls) or skip >= TOP_KEPT:
            return True  # page 1 starts exactly as what was seen (all of it, or all that was kept): nothing new
    return any(u in known for u in urls[skip:])


@dataclass(frozen=True)
class ApiWalk:
    """``Ref.family_state`` of an API family's listing requests (dicts and lists are accepted, as
    in a saved example's sidecar)."""

    call: ApiCall | None = None       # the API page asked (None: the channel page or a config script)
    known_top: tuple[str, ...] = ()   # page 1's items on the last crawl
    direct: bool = False              # asked straight from the state, not via the channel page
    walked: int = 0                   # items seen on the earlier pages of this walk
    channel_cookie: bool = False      # the channel page set a cookie
    channel: str | None = None        # the channel page (while a config script it names is read)

    def __post_init__(self):
        if isinstance(self.call, dict):
            object.__setattr__(self, "call", ApiCall.from_state(self.call))
        object.__setattr__(self, "known_top", tuple(self.known_top or ()))


class ApiListingSpider(ReportSpider):
    """Base of the API-listed families (no ``name``: not a runnable spider)."""

    # --- family hooks ------------------------------------------------------------------------

    def channel_calls(self, response, ref: Ref) -> list:
        """The first API call(s) a channel page names: ``ApiCall``s, or ready Requests (a config
        script to read first). Empty: the page names no endpoint (recorded as an error)."""
        raise NotImplementedError

    def api_items(self, response) -> list[dict] | None:
        """Every item of an API answer in listing order (``{url, title, date}``), None if the
        answer is not this family's API answer."""
        raise NotImplementedError

    def api_next(self, response, call: ApiCall, items: list[dict], walked: int) -> ApiCall | None:
        """The next page's call, None at the end of the list (``walked``: items seen so far in
        this walk, this page's included)."""
        raise NotImplementedError

    def keep_item(self, response, item: dict, ref: Ref) -> bool:
        """False for items the endpoint returns that are not part of this listing."""
        return True

    def fallback_call(self, response, call: ApiCall) -> ApiCall | None:
        """Another way to ask the same page when an endpoint refuses it (404/empty), else None."""
        return None

    # --- requests ----------------------------------------------------------------------------

    def start_listing(self, portal, url: str, year: int | None = None):
        known = {} if self.full else (self.state[portal.id].listings.get(url) or {})
        walk = ApiWalk(known_top=tuple(known.get("top") or ()))
        if known.get("api") and not self.uses_cookies(portal):
            yield self.api_request(portal, ApiCall.from_state(known["api"]), root=url, page=1,
                                   walk=replace(walk, direct=True))
        else:
            yield self.channel_request(portal, url, walk)

    def channel_request(self, portal, url: str, walk: ApiWalk) -> scrapy.Request:
        # never conditional: the page's own answer (and its Set-Cookie) is what the API needs
        return self.listing_request(portal, url, root=url, page=0, family_state=replace(walk, call=None, direct=False),
                                    callback=self.parse_channel, dont_filter=True)

    def api_request(self, portal, call: ApiCall, root: str, page: int, walk: ApiWalk) -> scrapy.Request:
        headers = {"Referer": root, "X-Requested-With": "XMLHttpRequest",
                   "Accept": "application/json, text/javascript, text/html, */*; q=0.01"}
        if call.form is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded; charset=UTF-8"
        elif call.json_body is not None:
            headers["Content-Type"] = "application/json;charset=UTF-8"
        return self.listing_request(portal, call.url, root=root, page=page, family_state=replace(walk, call=call),
                                    method=call.method, body=call.body(), headers=headers)

    # --- channel page ------------------------------------------------------------------------

    def parse_channel(self, response, ref: Ref):
        pid = response.meta["portal"]
        portal = self.portals[pid]
        if not self.usable(response, ref):
            return
        response = self._decoded(response)
        calls = self.channel_calls(response, ref)
        if not calls:
            # no endpoint named: read it as a static listing (some columns of these sites are static);
            # nothing found there either -> recorded, not guessed
            static = list(super().parse_listing(response, replace(ref, page=1, family_state=None)))
            if not any(isinstance(r, scrapy.Request) for r in static):
                self.listing_failed.add(ref.listing_url)
                self.record_error(pid, response.url, "no-api-config",
                                  f"{self.name} channel page names no list endpoint and links no report")
            yield from static
            return
        walk = replace(self._walk(ref), channel_cookie=bool(response.headers.getlist("Set-Cookie")))
        for c in calls:
            yield c if isinstance(c, scrapy.Request) else self.api_request(portal, c, root=ref.listing_url, page=1,
                                                                             walk=walk)

    # --- API answers -------------------------------------------------------------------------

    @staticmethod
    def _walk(ref: Ref) -> ApiWalk:
        return ref.family_state if isinstance(ref.family_state, ApiWalk) else ApiWalk()

    def _api_items_of(self, response) -> list[dict] | None:
        if response.status >= 300 or not isinstance(response, TextResponse):
            return None
        try:
            return self.api_items(response)
        except (ValueError, TypeError, KeyError, AttributeError):
            return None

    def is_stub_listing(self, response) -> bool:
        ref = response.request.cb_kwargs.get("ref") if response.request is not None else None
        if (ref is not None and ref.page == 0) or self._api_items_of(response) is not None:
            return False  # a channel shell or a config script is small by design; so is a short API batch
        return super().is_stub_listing(response)

    def parse_listing(self, response, ref: Ref):
        pid = response.meta["portal"]
        portal = self.portals[pid]
        walk = self._walk(ref)
        call = walk.call
        if call is None:  # not an API page (a test or a family calling the base pager)
            yield from super().parse_listing(response, ref)
            return
        response = self._decoded(response)
        blocked = detect_block(response.status, response.headers, response.body)
        items = None if blocked else self._api_items_of(response)
        if not blocked and (response.status >= 400 or items is None or (ref.page == 1 and not items)):
            other = self.fallback_call(response, call)
            if other is not None:
                yield self.api_request(portal, other, root=ref.listing_url, page=ref.page, walk=walk)
                return
        if walk.direct and not blocked and (response.status >= 400 or items is None):
            # the call remembered from an earlier crawl no longer answers: ask the channel page again
            self.logger.info("portal %s: remembered API call %s answered %s; reading the channel page again",
                             pid, response.url, response.status)
            yield self.channel_request(portal, ref.listing_url, walk)
            return
        if not self.usable(response, ref):
            if response.status in (401, 403, 404) and walk.channel_cookie and not self.uses_cookies(portal):
                self.record_error(pid, response.url, "needs-cookies", "the API refused a request without the "
                                  "channel page's cookie: set `overrides: {cookies: true}` for this portal")
            return
        if items is None:
            self.listing_failed.add(ref.listing_url)
            self.record_error(pid, response.url, "not-api", f"not a {self.name} list answer")
            return
        self.count(pid, "listing_pages")
        known = () if self.full else walk.known_top
        if ref.page == 1:
            self.pending_validators[pid][ref.listing_url] = {
                "api": call.to_state(), "top": [i["url"] for i in items][:TOP_KEPT] if items else list(known)}
        seen = self._seen_in_walk.setdefault(ref.listing_url, set())
        fresh = 0
        for item in items:
            if item["url"] in seen:
                continue
            seen.add(item["url"])
            fresh += 1
            if self.keep_item(response, item, ref) and self._is_wanted(portal, item):
                yield from self.detail_requests(portal, item, listing_url=ref.listing_url)
        if not fresh or (known and reached_known([i["url"] for i in items], list(known), ref.page)):
            return  # the list ended, repeated itself, or reached what the last crawl saw
        walked = walk.walked + fresh
        nxt = self.api_next(response, call, items, walked)
        if nxt is not None:
            yield self.api_request(portal, nxt, root=ref.listing_url, page=ref.page + 1, walk=replace(walk, walked=walked))

    @property
    def _seen_in_walk(self) -> dict:
        """Listing root -> item URLs seen in this crawl's walk (a page repeating them ends it)."""
        if not hasattr(self, "_walked_urls"):
            self._walked_urls = {}
        return self._walked_urls

    def _is_wanted(self, portal, item: dict) -> bool:
        """The base listing's report filter: a report title, a year or a date, within the years."""
        if not parsing.is_report_title(item["title"]) or item["url"] in portal.listing_urls:
            return False
        if not (parsing.YEAR_IN_TITLE.search(item["title"]) or item.get("date")):
            return False
        item["year"] = parsing.year_hint(item["title"], item.get("date"))
        return self.in_years(item["year"])

