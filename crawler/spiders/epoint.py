"""新点 Epoint EWB (徐州系; ``EWB-FRONT``, ``ewb-*`` classes).

The listing page ``/dynamic/zwgk/govInfoPub.html?categorynum=…[&deptcode=…]`` is filled by script
from ``POST {projectName}/rest/lightfrontaction/getgovinfolist`` with a JSON body
``{"deptcode", "categorynum", "siteGuid", "pageIndex", "pageSize"}``; ``siteGuid`` and
``projectName`` come from ``var siteInfo = {…}`` in ``/js/webBuilderCommon.js`` (the script the
page loads, possibly under a sub-path). The answer is ``{"custom": {"data": [{infourl, title,
realtitle, …}]}}``. Some deployments answer only over http (Xuzhou: https gives 403), so registry
entries use the scheme that works. ``pageIndex`` counts from 0 (miniui's convention; inferred):
a page that repeats earlier items ends the walk, so a 1-based server costs one extra request.
Source: shared/spec/cms-families-more.md §6a.
"""
from __future__ import annotations

import json
import re
from dataclasses import replace
from urllib.parse import parse_qs, urljoin, urlsplit

from parsel import Selector

from crawler import parsing
from crawler.spiders._apilist import ApiCall, ApiListingSpider, ApiWalk  # noqa: F401 (ApiWalk: examples' family_state)

PAGE_SIZE = 50
FIRST_PAGE = 0
API_PATH = "/rest/lightfrontaction/getgovinfolist"
_SITE_FIELD = re.compile(r"""['"]?(siteGuid|projectName)['"]?\s*:\s*['"]([^'"]*)['"]""")


def epoint_script_url(html: str, page_url: str) -> str | None:
    """URL of the ``webBuilderCommon.js`` the page loads; None if it loads none."""
    for src in Selector(text=html or "").css("script[src]::attr(src)").getall():
        if "webBuilderCommon.js" in src:
            return urljoin(page_url, src.strip())
    return None


def epoint_site_info(js: str) -> dict | None:
    """``{siteGuid, projectName}`` from ``var siteInfo = {…}``; None without a siteGuid."""
    m = re.search(r"siteInfo\s*=\s*\{(.*?)\}", js or "", re.S)
    fields = dict(_SITE_FIELD.findall(m.group(1))) if m else {}
    if not fields.get("siteGuid"):
        return None
    project = "/" + (fields.get("projectName") or "EWB-FRONT").strip("/")
    return {"siteGuid": fields["siteGuid"], "projectName": project}


def epoint_list_params(page_url: str) -> dict:
    q = {k: v[0] for k, v in parse_qs(urlsplit(page_url).query).items()}
    return {"categorynum": q.get("categorynum", ""), "deptcode": q.get("deptcode", "")}


def epoint_call(page_url: str, site: dict, params: dict, page_index: int = FIRST_PAGE,
                page_size: int = PAGE_SIZE) -> ApiCall:
    body = {"deptcode": params.get("deptcode", ""), "categorynum": params.get("categorynum", ""),
            "siteGuid": site["siteGuid"], "pageIndex": page_index, "pageSize": page_size}
    return ApiCall(urljoin(page_url, site["projectName"] + API_PATH), method="POST",
                   json_body=json.dumps(body, ensure_ascii=False, separators=(",", ":")))


def epoint_answer(text: str, base_url: str) -> tuple[list[dict], int | None] | None:
    """(items, total or None) of a getgovinfolist answer (``realtitle`` is the full title,
    ``title`` may be cut or hold markup); None if it is not one."""
    data = json.loads(text)
    custom = data.get("custom") if isinstance(data, dict) else None
    if isinstance(custom, str):  # some deployments send custom as a JSON string
        custom = json.loads(custom)
    if not isinstance(custom, dict) or not isinstance(custom.get("data", []), list):
        return None
    out = []
    for row in custom.get("data") or []:
        if not isinstance(row, dict) or not row.get("infourl"):
            continue
        url = parsing.urljoin(base_url, str(row["infourl"]).strip())
        title = parsing.clean(Selector(text=f"<p>{row.get('realtitle') or row.get('title') or ''}</p>")
                              .xpath("string(//p)").get())
        date = None
        for k in ("infodate", "infoDate", "date", "pubdate"):
            date = date or parsing.find_date(str(row.get(k) or ""))
        m = re.search(r"/((?:19|20)\d{2})(\d{2})(\d{2})/", url)
        out.append({"url": url, "title": title, "date": date or (f"{m[1]}-{m[2]}-{m[3]}" if m else None)})
    total = next((custom[k] for k in ("total", "count", "RowCount") if isinstance(custom.get(k), int)), None)
    return out, total


def epoint_next_call(call: ApiCall, items_on_page: int, total: int | None, seen_so_far: int) -> ApiCall | None:
    """The next page's call; None after an empty page or once ``total`` items were seen (a short
    page is not the end: servers cap ``pageSize`` below what was asked)."""
    body = json.loads(call.json_body or "{}")
    if not items_on_page or (total is not None and seen_so_far >= total):
        return None
    body["pageIndex"] = int(body.get("pageIndex") or 0) + 1
    return ApiCall(call.url, method="POST", json_body=json.dumps(body, ensure_ascii=False, separators=(",", ":")))


class EpointSpider(ApiListingSpider):
    name = "epoint"
    BODY_SELECTORS = (".epoint-article-content", ".ewb-article")

    def channel_calls(self, response, ref):
        if "webBuilderCommon.js" not in response.text and "EWB-FRONT" not in response.text:
            return []
        js = epoint_script_url(response.text, response.url) or urljoin(response.url, "/js/webBuilderCommon.js")
        portal = self.portals[response.meta["portal"]]
        walk = replace(self._walk(ref), channel=response.url)
        return [self.listing_request(portal, js, root=ref.listing_url, page=0, family_state=walk,
                                     callback=self.parse_site_info, dont_filter=True)]

    def parse_site_info(self, response, ref):
        pid = response.meta["portal"]
        if not self.usable(response, ref):
            return
        site = epoint_site_info(response.body.decode("utf-8", "replace"))
        if not site:
            self.listing_failed.add(ref.listing_url)
            self.record_error(pid, response.url, "no-api-config", "webBuilderCommon.js without siteInfo.siteGuid")
            return
        walk = self._walk(ref)
        channel = walk.channel or ref.listing_url
        call = epoint_call(channel, site, epoint_list_params(channel))
        yield self.api_request(self.portals[pid], call, root=ref.listing_url, page=1, walk=replace(walk, channel=None))

    def api_items(self, response):
        got = epoint_answer(response.text, response.url)
        return None if got is None else got[0]

    def api_next(self, response, call, items, walked):
        _, total = epoint_answer(response.text, response.url)
        return epoint_next_call(call, len(items), total, walked)
