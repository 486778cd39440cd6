"""The CMS-family spiders (see ../shared/spec/cms-families.md for the markup they read)."""
from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from html import escape
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import scrapy
from parsel import Selector
from scrapy.http import TextResponse

from crawler import parsing
from crawler.antibot import detect_block
from crawler.spiders.base import ReportSpider
from extract.readers.html import append_to_body, embedded_body_html, script_json_value


class TrsSpider(ReportSpider):
    """TRS WCM static columns: ``index.html``, ``index_1.html`` … drawn by ``createPageHTML``
    (4 arguments, 0-based; or 6 arguments, 1-based), articles ``./YYYYMM/tYYYYMMDD_id.html``,
    attachments ``./P020….pdf`` (plain links, ``appendix``/``OLDSRC``, or inside ``var rel_appendix``)."""

    name = "trs"
    family = "trs"

    def next_pages(self, response):
        nxt = parsing.trs_next_page(response.text, response.url)
        return [nxt] if nxt else super().next_pages(response)


class GdsiteSpider(ReportSpider):
    """Guangdong 集约化 static columns: ``index.html``, ``index_2.html`` … (1-based, no
    ``index_1``), absolute ``…/content/post_<id>.html`` links, ``a.nfw-cms-attachment``."""

    name = "gdsite"
    family = "gdsite"

    def next_pages(self, response):
        out = super().next_pages(response)
        if out:
            return out
        m = re.search(r"index_(\d+)\.(s?html?)$", urlsplit(response.url).path)
        cur = int(m.group(1)) if m else 1
        for a in response.css("a[href]"):
            href = a.attrib["href"]
            mm = re.search(r"index_(\d+)\.(s?html?)(?:$|\?)", href)
            if mm and int(mm.group(1)) == cur + 1:
                return [response.urljoin(href)]
        return []


class SnowflakeSpider(ReportSpider):
    """Shaanxi/延安 CMS with 19-digit Snowflake article ids: ``<column>/1.html``, ``2.html`` …,
    the page count in ``maxPage = parseInt('N')``, items in ``div.m-lst``."""

    name = "snowflake"
    family = "snowflake"

    def listing_items(self, response):
        anchors = response.css("div[class*=m-lst] a[href], div[class*=m-2lst] a[href]")
        return self.anchor_items(response, anchors) if anchors else super().listing_items(response)

    def next_pages(self, response):
        m = re.search(r"maxPage\s*=\s*parseInt\(\s*['\"]?(\d+)", response.text)
        if not m:
            return super().next_pages(response)
        last = int(m.group(1))
        mm = re.search(r"/(\d+)\.html$", urlsplit(response.url).path)
        cur = int(mm.group(1)) if mm else 1
        return [urljoin(response.url, f"{cur + 1}.html")] if cur < last else []


class GenericSpider(ReportSpider):
    """Any portal: links whose text names an annual report, 下一页-style pagination.
    ``scrapy crawl generic -a portal=<id>`` also accepts portals of other families."""

    name = "generic"
    family = "generic"


_RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S)
_NEXTGROUP = re.compile(r"<nextgroup>\s*<!\[CDATA\[(.*?)\]\]>\s*</nextgroup>", re.S)
_INITDATA = re.compile(r"var\s+InitData\w*\s*=\s*\[(.*?)\]\s*;", re.S)
_JS_STR = re.compile(r"'((?:[^'\\]|\\.)*)'|\"((?:[^\"\\]|\\.)*)\"", re.S)


class HanwebSpider(ReportSpider):
    """Hanweb (大汉) JCMS: ``/col/colN/index.html`` with the first records in a
    ``<datastore>`` XML island (or an old ``InitData`` array), further records from
    ``dataproxy.jsp`` (POST ``startrecord/endrecord/perpage``), articles
    ``/art/YYYY/M/D/art_C_A.html``, downloads ``downfile.jsp``; and the 信息公开 module's
    ``xxgkAnnualReport.jsp?area=&fbtime=`` view (one request per unit and year)."""

    name = "hanweb"
    family = "hanweb"

    def _records_html(self, text: str) -> list[str]:
        recs = _RECORD.findall(text)
        if not recs:
            m = _INITDATA.search(text)
            if m:
                recs = [(a or b).replace("\\'", "'").replace('\\"', '"') for a, b in _JS_STR.findall(m.group(1))]
        return recs

    def listing_items(self, response):
        recs = self._records_html(response.text)
        if recs:
            sel = Selector(text="<ul>" + "".join(recs) + "</ul>")
            return self.anchor_items(response, sel.css("a[href]"))
        return super().listing_items(response)  # Shandong-style columns list /art/ links in the HTML

    def next_pages(self, response):
        text = response.text
        meta = response.meta
        pg = meta.get("hanweb")
        if pg:  # a dataproxy answer: continue while records remain
            total = int((re.search(r"<totalrecord>\s*(\d+)", text) or [0, pg["total"]])[1])
            start = pg["end"] + 1
            if start > total or not self._records_html(text):
                return []
            return [self._proxy_request(response, pg["proxy"], pg["form"], start, pg["per"], pg["group"], total)]
        m = re.search(r"\.jpage\(\s*\{(.*?)\}\s*\)", text, re.S)
        if not m:
            return super().next_pages(response)
        opts = m.group(1)

        def opt(name, default=None):
            mm = re.search(rf"{name}\s*:\s*['\"]?([^,'\"}}]+)", opts)
            return mm.group(1).strip() if mm else default

        total = int(opt("totalRecord", "0"))
        per = int(opt("perPage", "20"))
        group = int(opt("groupSize", "3"))
        have = len(self._records_html(text))
        if have >= total:
            return []
        form = {"col": "1", "appid": "1", "webid": "1", "path": "/", "columnid": "", "sourceContentType": "1",
                "unitid": "", "webname": "", "permissiontype": "0"}
        proxy = opt("proxyUrl") or "/module/web/jpage/dataproxy.jsp"
        ng = _NEXTGROUP.search(text)
        if ng:
            href = re.search(r"href=['\"]([^'\"]+)", ng.group(1))
            if href:
                u = urlsplit(href.group(1))
                proxy = u.path if u.path.startswith("/") else proxy
                form.update({k: v for k, v in parse_qsl(u.query) if k in form})
        ajax = re.search(r"ajaxParam\s*:\s*\{(.*?)\}", opts, re.S)
        if ajax:
            for k, v in re.findall(r"(\w+)\s*:\s*['\"]?([^,'\"}]*)", ajax.group(1)):
                if k in form:
                    form[k] = v.strip()
        if not form["columnid"]:
            mm = re.search(r"/col/col(\d+)/", response.url)
            form["columnid"] = mm.group(1) if mm else ""
        if not form["unitid"]:
            mm = re.search(r"\$\(['\"]#(\w+)['\"]\)\.jpage", text)
            form["unitid"] = mm.group(1) if mm else ""
        return [self._proxy_request(response, response.urljoin(proxy), form, have + 1, per, group, total)]

    def _proxy_request(self, response, proxy, form, start, per, group, total):
        end = min(total, start + per * group - 1) if total else start + per * group - 1
        url = f"{proxy}?{urlencode({'startrecord': start, 'endrecord': end, 'perpage': per})}"
        portal = self.portals[response.meta["portal"]]
        meta = self._meta(portal, role="listing", listing_url=response.meta["listing_url"],
                          page=response.meta.get("page", 1) + 1,
                          hanweb={"proxy": proxy, "form": form, "end": end, "per": per, "group": group, "total": total})
        return scrapy.FormRequest(url, formdata=form, callback=self.parse_listing, errback=self.on_error, meta=meta,
                                  headers={"Referer": response.meta["listing_url"],
                                           "Accept": "application/xml, text/xml, */*"})


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


class GkmlptSpider(ReportSpider):
    """Guangdong 政府信息公开目录管理平台: entry ``/<prefix>/gkmlpt/index`` with
    ``window._CONFIG = {SID, TREE}``; the report categories (else category 0 = all) are listed by
    ``api/all/<cat>?page=<n>&sid=<SID>`` (JSON, 100 articles a page, a 404 past the last page);
    report pages ``content/<a>/<b>/post_<id>.html`` carry their body in ``_CONFIG.DETAIL.content``."""

    name = "gkmlpt"
    family = "gkmlpt"

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
        return scrapy.Request(url, callback=self.parse_entry, errback=self.on_error, dont_filter=True,
                              meta=self._meta(portal, role="listing", listing_url=url, page=0))

    def _known_api(self, portal, url: str, entry: str) -> scrapy.Request:
        req = self.listing_request(portal, url, root=url, page=1)
        req.meta["gkmlpt_entry"] = entry
        return req

    def parse_entry(self, response):
        pid = response.meta["portal"]
        portal = self.portals[pid]
        if not self.usable(response, "listing"):
            return
        response = self._decoded(response)
        text = response.text
        m = _GK_SID.search(text)
        if not m:
            self.listing_failed.add(response.meta["listing_url"])
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
            if atts:
                self.api_attachments[url] = [(response.urljoin(str(x["url"])), unescape_pct_u(str(x.get("name") or "")))
                                             for x in atts]
            out.append({"url": url, "title": title, "date": d})
        return out

    @property
    def api_attachments(self) -> dict:
        if not hasattr(self, "_api_attachments"):
            self._api_attachments = {}
        return self._api_attachments

    def next_pages(self, response):
        data = self._articles(response)
        if data is None:
            return super().next_pages(response)
        n = len(data.get("articles") or [])
        page = max(1, int(response.meta.get("page") or 1))
        total = data.get("total")
        more = (page * _GK_PER_PAGE < int(total)) if str(total).isdigit() else n >= _GK_PER_PAGE
        if not n or not more:
            return []
        parts = urlsplit(response.url)
        q = [(k, v) for k, v in parse_qsl(parts.query) if k != "page"]
        return [parts._replace(query=urlencode([("page", page + 1)] + q)).geturl()]

    def usable(self, response, role: str) -> bool:
        if role == "listing" and response.status < 300 and isinstance(response, TextResponse) \
                and self._articles(response) is not None:
            role = "api"  # a JSON batch: a short one is no degraded page
        return super().usable(response, role)

    def parse_listing(self, response):
        if response.status == 404 and response.meta.get("page", 1) >= 2:
            return  # past the last page: some deployments answer 404 instead of an empty batch
        entry = response.meta.get("gkmlpt_entry")
        if entry and response.status >= 400 and not detect_block(response.status, response.headers, response.body):
            # an API page remembered from an earlier crawl is gone (new SID or category): ask the entry again
            portal = self.portals[response.meta["portal"]]
            self.listing_failed.add(response.meta.get("listing_url"))
            yield self.entry_request(portal, entry)
            return
        yield from super().parse_listing(response)

    def save_document(self, response, role: str, link_text: str, sniffed=None) -> dict:
        served = response.meta.pop("gkmlpt_served", None) if role == "detail" else None
        return super().save_document(served if served is not None else response, role, link_text, sniffed)

    def parse_detail(self, response):
        if response.status < 400 and isinstance(response, TextResponse):
            html = embedded_body_html(response.text)
            html += "".join(f'<p><a href="{escape(u)}">{escape(n)}</a></p>'
                            for u, n in self.api_attachments.get(response.meta.get("detail_url"), []))
            if html:  # the body (and the API's attachments) as markup the shared parser reads
                response.meta["gkmlpt_served"] = response  # stored as served, not as rewritten here
                text = append_to_body(response.text, f'<div id="zoom">{html}</div>')
                response = response.replace(body=text.encode("utf-8"), encoding="utf-8")
        yield from super().parse_detail(response)
