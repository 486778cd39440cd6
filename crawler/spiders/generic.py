"""Any portal: links whose text names an annual report, 下一页-style pagination.

``scrapy crawl generic -a portal=<id>`` also accepts portals of other families. Its body
selectors are the common containers and those of CMSs without a family module yet; move them to a
family module when one is written.
"""
from __future__ import annotations

from crawler.spiders.base import ReportSpider


class GenericSpider(ReportSpider):
    name = "generic"
    accepts_any_family = True
    BODY_SELECTORS = (".article-content", ".article_content", ".article-body", ".con_text", ".art_con", ".content",
                      "#content")
