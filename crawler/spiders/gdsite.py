"""Guangdong 集约化 (site-group) static columns.

Listing ``index.html``, ``index_2.html`` … (1-based, no ``index_1``), absolute
``…/content/post_<id>.html`` links, attachments ``a.nfw-cms-attachment``, the body in
``.news_cont_d_wrap``. Markup: docs/cms-families.md#gdsite.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from crawler.spiders.base import ReportSpider


class GdsiteSpider(ReportSpider):
    name = "gdsite"
    BODY_SELECTORS = (".news_cont_d_wrap",)

    def next_pages(self, response, ref):
        out = super().next_pages(response, ref)
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
