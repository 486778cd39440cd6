"""Guangdong 政府信息公开目录管理平台 (gkmlpt).

Entry ``/<prefix>/gkmlpt/index`` with ``window._CONFIG = {SID, TREE}``; the report categories
(else category 0 = all) are listed by ``api/all/<cat>?page=<n>&sid=<SID>`` (JSON, 100 articles a
page, a 404 past the last page); report pages ``content/<a>/<b>/post_<id>.html`` carry their body
in ``_CONFIG.DETAIL.content`` and the API names their attachments. A later crawl goes straight to
the API pages the entry named last time (conditional requests), back to the entry if one is gone.
Markup: docs/cms-families.md#gkmlpt.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from html import escape
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import scrapy
from scrapy.http import TextResponse

from crawler import parsing
from crawler.antibot import detect_block
from crawler.spiders.base import ReportSpider
from extract.readers.html import append_to_body, embedded_body_html, script_json_value


_GK_SID = re.compile(r"""\bSID\s*:\s*['"]?([\w-]+)""")
_GK_PER_PAGE = 100
_GK_CATEGORY = re.compile(r"年度报告|年报")
_PCT_U = re.compile(r"%u([0-9a-fA-F]{4})")


def gkmlpt_categories(tree) -> list:
    """Ids of the categories whose name names annual reports (outermost only); [0] (all) if none."""
    out: list = []

    def walk(nodes):
        for n in nodes or []:
            if not isinstance(n, dict):
                continue
            if _GK_CATEGORY.search(str(n.get("name") or "")) and n.get("id") is not None:
                out.append(n["id"])
            else:
                walk(n.get("children"))

    walk(tree if isinstance(tree, list) else [])
    return out or [0]


def unescape_pct_u(text: str) -> str:
    return _PCT_U.sub(lambda m: chr(int(m.group(1), 16)), text or "")


@dataclass(frozen=True)
class RememberedApi:
    """``Ref.family_state`` of an API page asked for straight from the state: its entry page."""

    entry: str


@dataclass(frozen=True)
class ApiAttachments:
    """``Ref.family_state`` of a report page: the attachments the API listed for it."""

    links: tuple[tuple[str, str], ...]   # (url, name)


class GkmlptSpider(ReportSpider):
    name = "gkmlpt"
    BODY_SELECTORS = ("#zoom",)  # where parse_detail puts the _CONFIG.DETAIL body

    def start_listing(self, portal, url: str, year: int | None = None):
        if "/gkmlpt/api/" in url:
            yield self.listing_request(portal, url, root=url, page=1)
            return
        # a later crawl goes straight to the API pages the entry named last time (conditional
        # requests: one per category); the entry page itself is fetched again if one of them fails
        api = urljoin(url, "api/all/")
        known = [] if self.full else sorted(u for u in self.state[portal.id].listings if u.startswith(api))
        for u in known:
            yield self._known_api(portal, u, url)
        if not known:
            yield self.entry_request(portal, url)

    def entry_request(self, portal, url: str) -> scrapy.Request:
        return self.listing_request(portal, url, root=url, page=0, callback=self.parse_entry, dont_filter=True)

    def _known_api(self, portal, url: str, entry: str) -> scrapy.Request:
        return self.listing_request(portal, url, root=url, page=1, family_state=RememberedApi(entry))

    def parse_entry(self, response, ref):
        pid = response.meta["portal"]
        portal = self.portals[pid]
        if not self.usable(response, ref):
            return
        response = self._decoded(response)
        text = response.text
        m = _GK_SID.search(text)
        if not m:
            self.listing_failed.add(ref.listing_url)
            self.record_error(pid, response.url, "no-config", "gkmlpt entry page without window._CONFIG SID")
            return
        sid = m.group(1)
        for cat in gkmlpt_categories(script_json_value(text, "TREE")):
            api = urljoin(response.url, f"api/all/{cat}?{urlencode({'page': 1, 'sid': sid})}")
            yield self.listing_request(portal, api, root=api, page=1)

    @staticmethod
    def _articles(response):
        try:
            data = json.loads(response.text)
        except ValueError:
            return None
        return data if isinstance(data, dict) else None

    def listing_items(self, response):
        data = self._articles(response)
        if data is None:
            return super().listing_items(response)
        out = []
        for a in data.get("articles") or []:
            if not isinstance(a, dict):
                continue
            href = a.get("url") or a.get("post_url")
            if not href:
                continue
            url = response.urljoin(str(href)).split("#", 1)[0]
            title = parsing.clean(unescape_pct_u(str(a.get("title") or "")))
            d = parsing.find_date(str(a.get("date") or "")) or parsing.find_date(str(a.get("created_at") or ""))
            if not d and str(a.get("create_time") or "").isdigit():
                d = datetime.fromtimestamp(int(a["create_time"]), timezone(timedelta(hours=8))).strftime("%Y-%m-%d")
            atts = [x for x in a.get("attachment") or [] if isinstance(x, dict) and x.get("url")]
            item = {"url": url, "title": title, "date": d}
            if atts:  # the report page's request carries them: its page may not link them
                item["family_state"] = ApiAttachments(tuple(
                    (response.urljoin(str(x["url"])), unescape_pct_u(str(x.get("name") or ""))) for x in atts))
            out.append(item)
        return out

    def next_pages(self, response, ref):
        data = self._articles(response)
        if data is None:
            return super().next_pages(response, ref)
        n = len(data.get("articles") or [])
        page = max(1, ref.page)
        total = data.get("total")
        more = (page * _GK_PER_PAGE < int(total)) if str(total).isdigit() else n >= _GK_PER_PAGE
        if not n or not more:
            return []
        parts = urlsplit(response.url)
        q = [(k, v) for k, v in parse_qsl(parts.query) if k != "page"]
        return [parts._replace(query=urlencode([("page", page + 1)] + q)).geturl()]

    def is_stub_listing(self, response) -> bool:
        if isinstance(response, TextResponse) and self._articles(response) is not None:
            return False  # a JSON batch: a short one is no degraded page
        return super().is_stub_listing(response)

    def parse_listing(self, response, ref):
        if response.status == 404 and ref.page >= 2:
            return  # past the last page: some deployments answer 404 instead of an empty batch
        remembered = ref.family_state if isinstance(ref.family_state, RememberedApi) else None
        if remembered and response.status >= 400 and not detect_block(response.status, response.headers, response.body):
            # an API page remembered from an earlier crawl is gone (new SID or category): ask the entry again
            portal = self.portals[response.meta["portal"]]
            self.listing_failed.add(ref.listing_url)
            yield self.entry_request(portal, remembered.entry)
            return
        yield from super().parse_listing(response, ref)

    def readable(self, response, ref):
        """The ``_CONFIG.DETAIL.content`` body (and the API's attachments) as markup in ``#zoom``."""
        if response.status >= 400 or not isinstance(response, TextResponse):
            return response
        html = embedded_body_html(response.text)
        if isinstance(ref.family_state, ApiAttachments):
            html += "".join(f'<p><a href="{escape(u)}">{escape(n)}</a></p>' for u, n in ref.family_state.links)
        if not html:
            return response
        text = append_to_body(response.text, f'<div id="zoom">{html}</div>')
        return response.replace(body=text.encode("utf-8"), encoding="utf-8")
