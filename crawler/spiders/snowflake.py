"""Shaanxi/延安 CMS with 19-digit Snowflake article ids.

Listing ``<column>/1.html``, ``2.html`` …, the page count in ``maxPage = parseInt('N')``, items in
``div.m-lst*``, the body (and scanned pages as images) in ``.m-txt-article``.
Markup: docs/cms-families.md#snowflake.
"""
from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from crawler.spiders.base import ReportSpider


class SnowflakeSpider(ReportSpider):
    name = "snowflake"
    BODY_SELECTORS = (".m-txt-article",)

    def listing_items(self, response):
        anchors = response.css("div[class*=m-lst] a[href], div[class*=m-2lst] a[href]")
        return self.anchor_items(response, anchors) if anchors else super().listing_items(response)

    def next_pages(self, response, ref):
        m = re.search(r"maxPage\s*=\s*parseInt\(\s*['\"]?(\d+)", response.text)
        if not m:
            return super().next_pages(response, ref)
        last = int(m.group(1))
        mm = re.search(r"/(\d+)\.html$", urlsplit(response.url).path)
        cur = int(mm.group(1)) if mm else 1
        return [urljoin(response.url, f"{cur + 1}.html")] if cur < last else []
