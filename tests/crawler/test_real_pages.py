"""Real saved portal pages from ../shared/corpus/portal-pages, read in place (skipped without ../shared):
the family spider must take every annual report the page lists, no other item, and the next page."""
from __future__ import annotations

import scrapy

from crawler.spiders import spider_classes
from tests.crawler.conftest import call, make_spider, resp


def test_real_trs_listing_gives_every_report_and_the_next_page(shared, tmp_path):
    page = shared / "corpus" / "portal-pages" / "ordos-egb-xxgknb-list-trs.html"
    url = "http://www.ordos.gov.cn/egb/xxgk/xxgknb/"  # where the page is served (its links are relative)
    spider = make_spider(spider_classes()["trs"], tmp_path, url)
    out = call(spider.parse_listing, resp(url, page.read_bytes(), role="listing", page=1))
    requests = [r for r in out if isinstance(r, scrapy.Request)]
    details = {r.url.removeprefix(url): r.cb_kwargs["ref"].title for r in requests
               if r.cb_kwargs["ref"].role == "detail"}
    # 10 items on the page: 4 annual reports; 年度工作会议 and 一图读懂 items are not reports
    assert details == {
        "202009/t20200903_2748784.html": "鄂尔多斯市2019年政府信息公开工作年度报告",
        "202003/t20200311_2593126.html": "鄂尔多斯市人民政府办公室2019年政府信息公开工作年度报告",
        "201905/t20190530_2380968.html": "鄂尔多斯市2018年政府信息公开年度报告",
        "201905/t20190530_2380967.html": "内蒙古自治区2018年政府信息公开工作年度报告",
    }
    assert [r.url for r in requests if r.cb_kwargs["ref"].role == "listing"] == [url + "index_1.html"]
    assert spider.test_errors == []
