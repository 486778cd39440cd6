"""TRS WCM (拓尔思) static columns.

Listing ``index.html``, ``index_1.html`` … drawn by ``createPageHTML`` (4 arguments, 0-based; or
6 arguments, 1-based ``.shtml``), articles ``./YYYYMM/tYYYYMMDD_id.html``, attachments
``./P020….pdf`` (plain links, ``appendix``/``OLDSRC``, or inside ``var rel_appendix``), the body
in ``#zoom`` / ``.TRS_Editor``. Markup: docs/cms-families.md#trs.
"""
from __future__ import annotations

from crawler import parsing
from crawler.spiders.base import ReportSpider


class TrsSpider(ReportSpider):
    name = "trs"
    BODY_SELECTORS = ("#zoom", ".TRS_Editor", ".trs_editor_view")

    def next_pages(self, response, ref):
        nxt = parsing.trs_next_page(response.text, response.url)
        return [nxt] if nxt else super().next_pages(response, ref)
