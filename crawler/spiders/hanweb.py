"""Hanweb (大汉) JCMS.

``/col/colN/index.html`` with the first records in a ``<datastore>`` XML island (or an old
``InitData`` array), further records from ``dataproxy.jsp`` (POST ``startrecord/endrecord/perpage``),
articles ``/art/YYYY/M/D/art_C_A.html``, downloads ``downfile.jsp``; and the 信息公开 module's
``xxgkAnnualReport.jsp?area=&fbtime=`` view (one request per unit and year: the "listing" is the
report itself). Markup: docs/cms-families.md#hanweb.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit

import scrapy
from parsel import Selector

from crawler.spiders.base import ReportSpider

_RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S)
_NEXTGROUP = re.compile(r"<nextgroup>\s*<!\[CDATA\[(.*?)\]\]>\s*</nextgroup>", re.S)
_INITDATA = re.compile(r"var\s+InitData\w*\s*=\s*\[(.*?)\]\s*;", re.S)
_JS_STR = re.compile(r"'((?:[^'\\]|\\.)*)'|\"((?:[^\"\\]|\\.)*)\"", re.S)


@dataclass(frozen=True)
class DataproxyPager:
    """Where a ``dataproxy.jsp`` batch came from (``Ref.family_state`` of its request)."""

    proxy: str
    form: dict
    end: int          # the last record asked for
    per: int
    group: int
    total: int


class HanwebSpider(ReportSpider):
    name = "hanweb"
    BODY_SELECTORS = ("#zoom",)

    def start_listing(self, portal, url: str, year: int | None = None):
        if "xxgkAnnualReport.jsp" in url:  # a dynamic report view: the "listing" is the report
            yield from self.detail_requests(portal, {"url": url, "title": "", "date": None, "year": year},
                                            listing_url=url, annual_view=True)
            return
        yield from super().start_listing(portal, url, year)

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

    def next_pages(self, response, ref):
        text = response.text
        pg = ref.family_state
        if isinstance(pg, DataproxyPager):  # a dataproxy answer: continue while records remain
            total = int((re.search(r"<totalrecord>\s*(\d+)", text) or [0, pg.total])[1])
            start = pg.end + 1
            if start > total or not self._records_html(text):
                return []
            return [self._proxy_request(response, ref, pg.proxy, pg.form, start, pg.per, pg.group, total)]
        m = re.search(r"\.jpage\(\s*\{(.*?)\}\s*\)", text, re.S)
        if not m:
            return super().next_pages(response, ref)
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
        return [self._proxy_request(response, ref, response.urljoin(proxy), form, have + 1, per, group, total)]

    def _proxy_request(self, response, ref, proxy, form, start, per, group, total):
        end = min(total, start + per * group - 1) if total else start + per * group - 1
        url = f"{proxy}?{urlencode({'startrecord': start, 'endrecord': end, 'perpage': per})}"
        portal = self.portals[response.meta["portal"]]
        pager = DataproxyPager(proxy=proxy, form=form, end=end, per=per, group=group, total=total)
        return self.listing_request(portal, url, root=ref.listing_url, page=ref.page + 1, family_state=pager,
                                    cls=scrapy.FormRequest, formdata=form,
                                    headers={"Referer": ref.listing_url, "Accept": "application/xml, text/xml, */*"})
