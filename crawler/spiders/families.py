"""The CMS-family spiders (see ../shared/spec/cms-families.md for the markup they read)."""
from __future__ import annotations

import json
import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import scrapy
from parsel import Selector

from crawler import parsing
from crawler.spiders.base import ReportSpider


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
