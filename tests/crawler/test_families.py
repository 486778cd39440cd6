"""Family spiders against saved listing/detail pages (city-scrapers style, no network)."""
from __future__ import annotations

import pytest
import scrapy
from scrapy.http import HtmlResponse, TextResponse, XmlResponse

from crawler import parsing
from crawler.spiders.gdsite import GdsiteSpider
from crawler.spiders.generic import GenericSpider
from crawler.spiders.gkmlpt import GkmlptSpider
from crawler.spiders.hanweb import HanwebSpider
from crawler.spiders.snowflake import SnowflakeSpider
from crawler.spiders.trs import TrsSpider
from crawler.items import DocumentItem
from crawler.spiders.hanweb import DataproxyPager
from tests.crawler.conftest import FIXTURES, HOST, call, make_spider, ref, resp

def requests(results):
    return [r for r in results if isinstance(r, scrapy.Request)]


def documents(results):
    return [r for r in results if isinstance(r, DocumentItem)]


def details(reqs):
    return sorted(r.url for r in reqs if r.callback.__name__ == "parse_detail")


def listings(reqs):
    return [r for r in reqs if r.callback.__name__ == "parse_listing"]


# --- TRS ------------------------------------------------------------------------------------------

def test_trs_listing_items_and_0_based_pager(tmp_path):
    url = f"{HOST}/zwgk/zfxxgknb/index_3.html"
    sp = make_spider(TrsSpider, tmp_path, f"{HOST}/zwgk/zfxxgknb/")
    reqs = requests(call(sp.parse_listing, resp(url, "trs/index_3.html")))
    assert details(reqs) == [f"{HOST}/zwgk/zfxxgknb/202301/t20230130_1800001.html",
                             f"{HOST}/zwgk/zfxxgknb/202401/t20240129_1926722.html"]  # not the notice, not 政府工作报告
    [nxt] = listings(reqs)
    assert nxt.url == f"{HOST}/zwgk/zfxxgknb/index_4.html"
    by_url = {r.url: r for r in reqs}
    r = by_url[f"{HOST}/zwgk/zfxxgknb/202401/t20240129_1926722.html"]
    assert ref(r).date == "2024-01-29" and ref(r).year == 2023
    assert "</TRS_DOCUMENT>" not in ref(r).title


def test_trs_6_argument_pager_is_1_based(tmp_path):
    url = f"{HOST}/zwgk/nb/index.shtml"
    sp = make_spider(TrsSpider, tmp_path, url)
    reqs = requests(call(sp.parse_listing, resp(url, "trs/index_6arg.shtml")))
    assert [r.url for r in listings(reqs)] == [f"{HOST}/zwgk/nb/index_2.shtml"]
    assert details(reqs) == [f"{HOST}/zwgk/nb/202401/t20240125_10131496.shtml"]


@pytest.mark.parametrize("script,url,expected", [
    ('createPageHTML(3, 0, "index", "html")', "http://h/a/", "http://h/a/index_1.html"),
    ('createPageHTML(3, 1, "index", "html")', "http://h/a/index_1.html", "http://h/a/index_2.html"),
    ('createPageHTML(3, 2, "index", "html")', "http://h/a/index_2.html", None),
    ('createPageHTML(5, 0, "list", "shtml")', "http://h/a/list.shtml", "http://h/a/list_1.shtml"),
    ("createPageHTML('page_div', 3, 1, 'index', 'shtml', 50)", "http://h/a/index.shtml", "http://h/a/index_2.shtml"),
    ("createPageHTML('page_div', 3, 3, 'index', 'shtml', 50)", "http://h/a/index_3.shtml", None),
    ('createPage(4, 0, "index", "html")', "http://h/a/index.html", "http://h/a/index_1.html"),
    ("var currentPage = 0;var countPage = 12//共多少页", "http://h/a/index.html", "http://h/a/index_1.html"),
    ("no pager", "http://h/a/", None),
])
def test_trs_next_page_reads_the_numbering_from_the_call(script, url, expected):
    assert parsing.trs_next_page(f"<script>{script}</script>", url) == expected


def test_trs_article_attachments_all_three_markups(tmp_path):
    url = f"{HOST}/zwgk/zfxxgknb/202401/t20240129_1926722.html"
    sp = make_spider(TrsSpider, tmp_path, f"{HOST}/zwgk/zfxxgknb/")
    r = resp(url, "trs/article.html", role="detail")
    links = [a["url"] for a in sp.attachment_links(r)]
    base = f"{HOST}/zwgk/zfxxgknb/202401/"
    assert links == [base + "P020240129512345678901.docx", base + "P020240129512345678902.pdf",
                     base + "P020240129512345678903.ofd"]
    assert not sp.is_inline_report(r)


# --- Hanweb ---------------------------------------------------------------------------------------

def test_hanweb_datastore_island_and_dataproxy_post(tmp_path):
    url = f"{HOST}/col/col33718/index.html"
    sp = make_spider(HanwebSpider, tmp_path, url)
    reqs = requests(call(sp.parse_listing, resp(url, "hanweb/column.html")))
    assert details(reqs) == [f"{HOST}/art/2023/1/30/art_33718_10000001.html",
                             f"{HOST}/art/2024/1/29/art_33718_11828204.html"]
    [proxy] = listings(reqs)
    assert proxy.method == "POST"
    assert proxy.url == f"{HOST}/module/web/jpage/dataproxy.jsp?startrecord=4&endrecord=45&perpage=15"
    form = dict(x.split("=", 1) for x in proxy.body.decode().split("&"))
    assert form["columnid"] == "33718" and form["unitid"] == "212860" and form["col"] == "1"
    assert proxy.headers[b"Referer"] == url.encode()


def test_hanweb_dataproxy_answer_and_its_end(tmp_path):
    url = f"{HOST}/module/web/jpage/dataproxy.jsp?startrecord=4&endrecord=45&perpage=15"
    sp = make_spider(HanwebSpider, tmp_path, f"{HOST}/col/col33718/index.html")
    pg = DataproxyPager(proxy=f"{HOST}/module/web/jpage/dataproxy.jsp", form={}, end=45, per=15, group=3, total=45)
    r = resp(url, "hanweb/dataproxy.xml", rcls=XmlResponse, family_state=pg, page=2,
             listing_url=f"{HOST}/col/col33718/index.html")
    reqs = requests(call(sp.parse_listing, r))
    assert details(reqs) == [f"{HOST}/art/2021/1/28/art_33718_8000001.html"]
    assert listings(reqs) == []


def test_hanweb_old_initdata_array(tmp_path):
    url = f"{HOST}/col/col30067/index.html"
    sp = make_spider(HanwebSpider, tmp_path, url)
    reqs = requests(call(sp.parse_listing, resp(url, "hanweb/column_initdata.html")))
    assert details(reqs) == [f"{HOST}/art/2014/1/20/art_30067_100001.html"]
    assert listings(reqs) == []  # totalRecord 2: everything was on the page


def test_hanweb_downfile_attachments(tmp_path):
    url = f"{HOST}/art/2024/1/29/art_33718_11828204.html"
    sp = make_spider(HanwebSpider, tmp_path, f"{HOST}/col/col33718/index.html")
    links = [a["url"] for a in sp.attachment_links(resp(url, "hanweb/article.html", role="detail"))]
    assert links == [f"{HOST}/module/download/downfile.jsp?classid=0&showname=XX%E5%B9%B4%E6%8A%A5.pdf"
                     "&filename=0d6f4b3c2a1e4f5a8b9c0d1e2f3a4b5c.pdf", f"{HOST}/attach/-1/1750000000000000001.pdf"]
    assert parsing.extension(links[0]) == "pdf"


def test_hanweb_annual_view_is_requested_per_year(tmp_path):
    url = f"{HOST}/module/xxgk/xxgkAnnualReport.jsp?area=113304830025582868&fbtime={{year}}"
    sp = make_spider(HanwebSpider, tmp_path, url)
    sp.years = (2022, 2024)
    reqs = list(sp.start_requests())
    assert [r.url[-4:] for r in reqs] == ["2024", "2023", "2022"]
    assert all(ref(r).annual_view and r.callback.__name__ == "parse_detail" for r in reqs)


# --- Guangdong ------------------------------------------------------------------------------------

def test_gdsite_listing_and_1_based_pager(tmp_path):
    url = f"{HOST}/zwgk/zfxxgknb/"
    sp = make_spider(GdsiteSpider, tmp_path, url)
    reqs = requests(call(sp.parse_listing, resp(url, "gdsite/index.html")))
    assert details(reqs) == [f"{HOST}/zwgk/zfxxgknb/content/post_3995464.html",
                             f"{HOST}/zwgk/zfxxgknb/content/post_7176738.html"]
    assert [r.url for r in listings(reqs)] == [f"{HOST}/zwgk/zfxxgknb/index_2.html"]


def test_gdsite_attachments(tmp_path):
    url = f"{HOST}/zwgk/zfxxgknb/content/post_7176738.html"
    sp = make_spider(GdsiteSpider, tmp_path, f"{HOST}/zwgk/zfxxgknb/")
    links = [a["url"] for a in sp.attachment_links(resp(url, "gdsite/post.html", role="detail"))]
    assert links == [f"{HOST}/attachment/0/618/618186/7176738.pdf", f"{HOST}/attachment/1/1658/1658591/7176738.pdf"]


# --- Snowflake ------------------------------------------------------------------------------------

def test_snowflake_listing_and_maxpage(tmp_path):
    url = f"{HOST}/zfxxgk/zfxxgknb/szfnb/2.html"
    sp = make_spider(SnowflakeSpider, tmp_path, f"{HOST}/zfxxgk/zfxxgknb/szfnb/")
    reqs = requests(call(sp.parse_listing, resp(url, "snowflake/2.html", page=2)))
    assert details(reqs) == [f"{HOST}/zfxxgk/zfxxgknb/szfnb/2023n/1750000000000000001.html"]
    assert [r.url for r in listings(reqs)] == [f"{HOST}/zfxxgk/zfxxgknb/szfnb/3.html"]
    last = resp(f"{HOST}/zfxxgk/zfxxgknb/szfnb/3.html", "snowflake/2.html", page=3)
    sp2 = make_spider(SnowflakeSpider, tmp_path / "b", f"{HOST}/zfxxgk/zfxxgknb/szfnb/")
    assert listings(requests(call(sp2.parse_listing, last))) == []


def test_snowflake_inline_report_is_stored_with_its_scan_image(tmp_path):
    url = f"{HOST}/zfxxgk/zfxxgknb/szfnb/2023n/1750000000000000001.html"
    sp = make_spider(SnowflakeSpider, tmp_path, f"{HOST}/zfxxgk/zfxxgknb/szfnb/")
    sp.tracker.opened(url, "t", url, {})
    r = resp(url, "snowflake/article.html", role="detail", title="子长市2023年政府信息公开工作年度报告")
    out = call(sp.parse_detail, r)
    assert [x.url for x in requests(out)] == [f"{HOST}/u/cms/2024/01/scan-page1.jpg"]  # not the logo
    [doc] = documents(out)
    assert doc.role == "detail" and doc.format == "html" and doc.year_hint == 2023 and doc.body == r.body


# --- generic (GBK) --------------------------------------------------------------------------------

def test_generic_gbk_listing_and_next_link(tmp_path):
    url = f"{HOST}/old/nb/list.htm"
    sp = make_spider(GenericSpider, tmp_path, url)
    r = resp(url, "generic/list_gbk.htm")
    assert isinstance(r, TextResponse) and r.encoding in ("gb18030", "gbk", "gb2312")
    reqs = requests(call(sp.parse_listing, r))
    assert details(reqs) == [f"{HOST}/old/nb/content/758703.htm"]
    assert ref(reqs[0]).title == "西青区教育局2020年政府信息公开工作年度报告"
    assert [x.url for x in listings(reqs)] == [f"{HOST}/old/nb/list_2.htm"]


def test_known_details_are_not_fetched_again_and_paging_stops(tmp_path):
    url = f"{HOST}/zwgk/zfxxgknb/index_3.html"
    sp = make_spider(TrsSpider, tmp_path, f"{HOST}/zwgk/zfxxgknb/")
    for u in (f"{HOST}/zwgk/zfxxgknb/202301/t20230130_1800001.html", f"{HOST}/zwgk/zfxxgknb/202401/t20240129_1926722.html"):
        sp.state["t"].details[u] = {"done": True, "docs": ["x"]}
    assert requests(call(sp.parse_listing, resp(url, "trs/index_3.html"))) == []  # nothing new: no detail, no next page
    sp.full = True
    assert len(requests(call(sp.parse_listing, resp(url, "trs/index_3.html")))) == 3


def test_year_filter(tmp_path):
    url = f"{HOST}/zwgk/zfxxgknb/index_3.html"
    sp = make_spider(TrsSpider, tmp_path, f"{HOST}/zwgk/zfxxgknb/")
    sp.years = (2023, 2024)
    assert details(requests(call(sp.parse_listing, resp(url, "trs/index_3.html")))) == [
        f"{HOST}/zwgk/zfxxgknb/202401/t20240129_1926722.html"]


def test_family_mismatch_is_refused(tmp_path):
    with pytest.raises(ValueError, match="not of family"):
        make_spider(TrsSpider, tmp_path, f"{HOST}/col/col1/index.html", family="hanweb")
    make_spider(GenericSpider, tmp_path, f"{HOST}/col/col1/index.html", family="hanweb")  # generic takes any


# --- gkmlpt ---------------------------------------------------------------------------------------

def test_gkmlpt_entry_picks_report_categories_and_sid(tmp_path):
    url = f"{HOST}/gkmlpt/index"
    sp = make_spider(GkmlptSpider, tmp_path, url)
    [start] = list(sp.start_listing(sp.portals["t"], url))
    assert start.callback == sp.parse_entry
    reqs = requests(call(sp.parse_entry, resp(url, "gkmlpt/index.html", page=0)))
    assert [r.url for r in reqs] == [f"{HOST}/gkmlpt/api/all/721?page=1&sid=755041",   # not its child 7211
                                     f"{HOST}/gkmlpt/api/all/730?page=1&sid=755041"]
    assert all(r.callback.__name__ == "parse_listing" and ref(r).page == 1 for r in reqs)
    # no category names a report: category 0 (all)
    reqs = requests(call(sp.parse_entry, resp(f"{HOST}/sub/gkmlpt/index", "gkmlpt/index_all.html", page=0)))
    assert [r.url for r in reqs] == [f"{HOST}/sub/gkmlpt/api/all/0?page=1&sid=662021"]


def test_gkmlpt_api_listing_years_titles_and_paging(tmp_path):
    api = f"{HOST}/gkmlpt/api/all/721?page=1&sid=755041"
    sp = make_spider(GkmlptSpider, tmp_path, f"{HOST}/gkmlpt/index")
    sp.years = (2020, 2024)
    reqs = requests(call(sp.parse_listing, resp(api, "gkmlpt/api_all_721_page1.json", rcls=TextResponse)))
    assert details(reqs) == [f"{HOST}/gkmlpt/content/10/10987/post_10987654.html",
                             f"{HOST}/gkmlpt/content/11/11230/post_11230001.html"]   # not the notice, not 2019
    by_url = {r.url: r for r in reqs}
    r = by_url[f"{HOST}/gkmlpt/content/11/11230/post_11230001.html"]
    assert ref(r).title == "坪山区2024年政府信息公开工作年度报告"          # %uXXXX unescaped
    assert ref(r).date == "2025-01-20" and ref(r).year == 2024
    assert ref(by_url[f"{HOST}/gkmlpt/content/10/10987/post_10987654.html"]).date == "2024-01-25"
    [nxt] = listings(reqs)
    assert nxt.url == f"{HOST}/gkmlpt/api/all/721?page=2&sid=755041" and ref(nxt).page == 2
    # page 2: short (no stub), last by total; an article without url falls back to post_url
    p2 = f"{HOST}/gkmlpt/api/all/721?page=2&sid=755041"
    reqs = requests(call(sp.parse_listing, resp(p2, "gkmlpt/api_all_721_page2.json", rcls=TextResponse,
                                          listing_url=api, page=2)))
    assert details(reqs) == [f"{HOST}/xxgk/content/post_6000001.html"] and not listings(reqs)
    assert sp.test_errors == []
    # a 404 past the last page ends paging quietly
    gone = resp(f"{HOST}/gkmlpt/api/all/721?page=3&sid=755041", b"Not Found", rcls=TextResponse, status=404,
                listing_url=api, page=3)
    assert call(sp.parse_listing, gone) == [] and sp.test_errors == []
    assert api not in sp.listing_failed


def test_gkmlpt_listing_stops_when_nothing_new(tmp_path):
    api = f"{HOST}/gkmlpt/api/all/721?page=1&sid=755041"
    sp = make_spider(GkmlptSpider, tmp_path, f"{HOST}/gkmlpt/index")
    sp.years = (2020, 2024)
    for u in (f"{HOST}/gkmlpt/content/10/10987/post_10987654.html", f"{HOST}/gkmlpt/content/11/11230/post_11230001.html"):
        sp.state["t"].details[u] = {"done": True, "docs": []}
    reqs = requests(call(sp.parse_listing, resp(api, "gkmlpt/api_all_721_page1.json", rcls=TextResponse)))
    assert reqs == []


def test_gkmlpt_detail_body_from_config_and_api_attachments(tmp_path):
    sp = make_spider(GkmlptSpider, tmp_path, f"{HOST}/gkmlpt/index")
    sp.years = None
    api = f"{HOST}/gkmlpt/api/all/721?page=1&sid=755041"
    listed = {r.url: r for r in requests(call(sp.parse_listing, resp(api, "gkmlpt/api_all_721_page1.json",
                                                                     rcls=TextResponse)))}
    url = f"{HOST}/gkmlpt/content/10/10987/post_10987654.html"
    served = (FIXTURES / "gkmlpt/post_10987654.html").read_bytes()
    out = call(sp.parse_detail, HtmlResponse(url=url, body=served, request=listed[url]))
    assert [r.url for r in requests(out)] == [f"{HOST}/attachment/0/9/9876/10987654.docx"]
    [doc] = documents(out)
    assert doc.role == "detail" and doc.url == url and doc.year_hint == 2023
    assert doc.body == served  # stored as served, not with the body the spider put into markup
    # the report listed with an attachment in the API: the attachment is fetched from its page
    url = f"{HOST}/gkmlpt/content/11/11230/post_11230001.html"
    r = HtmlResponse(url=url, body=b"<html><body><p>see attachment</p></body></html>", request=listed[url])
    reqs = requests(call(sp.parse_detail, r))
    assert [x.url for x in reqs] == ["http://www.example.gov.cn/attachment/0/5/5/11230001.pdf"]
    assert ref(reqs[0]).link_text == "坪山区2024年政府信息公开工作年度报告.pdf"


def test_gkmlpt_later_crawl_goes_to_known_api_and_falls_back_to_entry(tmp_path):
    entry = f"{HOST}/gkmlpt/index"
    api = f"{HOST}/gkmlpt/api/all/721?page=1&sid=755041"
    sp = make_spider(GkmlptSpider, tmp_path, entry)
    sp.state["t"].listings[api] = {"etag": '"abc"', "last_modified": None}
    [req] = list(sp.start_listing(sp.portals["t"], entry))
    assert req.url == api and req.headers.get("If-None-Match") == b'"abc"'
    gone = TextResponse(url=api, status=404, body=b"Not Found", request=req)
    [again] = call(sp.parse_listing, gone)
    assert again.url == entry and again.callback == sp.parse_entry
    sp.full = True
    [req] = list(sp.start_listing(sp.portals["t"], entry))
    assert req.url == entry
