"""The API- and script-driven families (福建 TRS platform, 开普云 Ucap, 博达 VSB): behaviour the saved
examples (tests/fixtures/crawler/<family>/, pinned by test_family_examples.py) do not show on their own —
the fjdzapp→was5 fallback, the ends of a list, bad answers — and their pure helpers. Shapes from
../shared/spec/cms-families-more.md; no network."""
from __future__ import annotations

import pytest
import scrapy
from scrapy.http import TextResponse

from crawler.spiders import fujian, ucap, vsb
from crawler.spiders.fujian import FujianSpider
from crawler.spiders.ucap import UcapSpider
from tests.crawler.conftest import HOST, call, make_spider, ref, resp

ROOT = f"{HOST}/zfxxgkzl/zfxxgkndbg/"
WAS5_PAGE4 = (f"{HOST}/was5/web/search?channelid=229105&templet=docs.jsp&sortfield=-docorderpri%2C-docreltime"
              "&classsql=chnlid%3D30170&prepage=15&page=4")
COLUMN = fujian.FujianColumn(max_static_index=2, prepage=15, record_count=62, channelid="229105",
                             classsql="chnlid=30170")


def listing_requests(results) -> list[scrapy.Request]:
    return [r for r in results if isinstance(r, scrapy.Request) and r.callback.__name__ == "parse_listing"]


def api_answer(body, page: int = 4, endpoint: str = "fjdzapp", status: int = 200) -> TextResponse:
    """``body`` (bytes, or a saved page's path) as the answer to API page ``page`` of the column."""
    return resp(f"{HOST}/fjdzapp/search", body, rcls=TextResponse, status=status, listing_url=ROOT, page=page,
                family_state=fujian.ApiPage(COLUMN, ROOT, page, endpoint))


def kinds(spider) -> list[str]:
    return [e["kind"] for e in spider.test_errors]


# --- 福建 TRS platform ---------------------------------------------------------------------------------

def test_fujian_fjdzapp_request_carries_what_the_endpoint_wants(tmp_path):
    sp = make_spider(FujianSpider, tmp_path, ROOT)
    r = resp(f"{ROOT}index_2.htm", "fujian/channel_index_2.htm", listing_url=ROOT, page=3)
    [api] = listing_requests(call(sp.parse_listing, r))
    assert api.method == "POST" and api.url == f"{HOST}/fjdzapp/search"
    assert api.headers[b"X-Requested-With"] == b"XMLHttpRequest" and api.headers[b"Referer"] == ROOT.encode()
    assert api.headers[b"Origin"] == HOST.encode()
    assert api.headers[b"Content-Type"].startswith(b"application/x-www-form-urlencoded")
    assert ref(api).page == 4 and ref(api).family_state == fujian.ApiPage(COLUMN, ROOT, 4, "fjdzapp")
    assert b"If-None-Match" not in api.headers and "cookiejar" not in api.meta  # no session needed


def test_fujian_fjdzapp_404_falls_back_to_was5_and_the_last_api_page_ends(tmp_path):
    sp = make_spider(FujianSpider, tmp_path, ROOT)
    [again] = call(sp.parse_listing, api_answer(b"<html>404</html>", status=404))
    assert again.method == "GET" and again.url == WAS5_PAGE4
    assert ref(again).page == 4 and ref(again).family_state.endpoint == "was5"
    assert sp.test_errors == [] and ROOT not in sp.listing_failed
    # the last page by recordCount (5 of 62/15): no further request
    assert listing_requests(call(sp.parse_listing, api_answer("fujian/fjdzapp_page4.json", page=5))) == []


def test_fujian_was5_404_too_is_a_recorded_error(tmp_path):
    sp = make_spider(FujianSpider, tmp_path, ROOT)
    assert call(sp.parse_listing, api_answer(b"<html>404</html>", status=404, endpoint="was5")) == []
    assert kinds(sp) == ["http-404"] and ROOT in sp.listing_failed


def test_fujian_api_answer_that_is_no_json_is_a_recorded_error(tmp_path):
    sp = make_spider(FujianSpider, tmp_path, ROOT)
    assert call(sp.parse_listing, api_answer("<html><body>系统繁忙</body></html>".encode())) == []
    assert kinds(sp) == ["bad-api-answer"]
    assert ROOT in sp.listing_failed  # its validators are not kept: tomorrow asks again in full


def test_fujian_api_page_with_nothing_new_stops(tmp_path):
    sp = make_spider(FujianSpider, tmp_path, ROOT)
    for u in ("202001/t20200121_5200001.htm", "201901/t20190125_4900003.htm"):
        sp.state["t"].details[ROOT + u] = {"done": True, "docs": ["x"]}
    assert call(sp.parse_listing, api_answer("fujian/fjdzapp_page4.json")) == []


def test_fujian_column_without_listmodel_is_paged_like_trs(tmp_path):
    sp = make_spider(FujianSpider, tmp_path, f"{HOST}/zwgk/nb/")
    body = ('<html><body><ul><li><a href="./202401/t20240117_1.htm">某局2023年政府信息公开工作年度报告</a>'
            '<span>2024-01-17</span></li></ul><script>createPageHTML(3, 0, "index", "htm");</script></body></html>')
    r = resp(f"{HOST}/zwgk/nb/", body.encode())
    assert [x.url for x in listing_requests(call(sp.parse_listing, r))] == [f"{HOST}/zwgk/nb/index_1.htm"]


@pytest.mark.parametrize("script,expected_column", [
    ("listModel({listArgs:{channelid:'516770', classsql:\"chnlid=54310*puborg='福建省人民政府'\"}, maxStaticIndex: 4,"
     " pagebar:{prepage: 20, recordCount: '95'}})",
     fujian.FujianColumn(4, 20, 95, "516770", "chnlid=54310*puborg='福建省人民政府'")),
    ("require(['list2.trsapi']); var chnlid = 30170; listModel({pagebar:{recordCount:\"7\"}})",
     fujian.FujianColumn(0, 15, 7, "229105", "chnlid=30170")),
    ("createPageHTML(3, 0, 'index', 'htm')", None),
])
def test_fujian_column_configuration(script, expected_column):
    assert fujian.fujian_column(f"<script>{script}</script>") == expected_column


def test_fujian_page_sequence_static_then_api():
    col = fujian.FujianColumn(max_static_index=1, prepage=3, record_count=9, channelid="229105", classsql="chnlid=1")
    assert fujian.next_static_or_api(col, "http://h/a/") == ("static", "http://h/a/index_1.htm")
    assert fujian.next_static_or_api(col, "http://h/a/index_1.htm") == ("api", 3)
    assert fujian.next_static_or_api(col, "http://h/a/index_1.html") == ("api", 3)
    short = fujian.FujianColumn(max_static_index=2, prepage=15, record_count=20, channelid="229105", classsql=None)
    assert fujian.next_static_or_api(short, "http://h/a/index.htm") == ("static", "http://h/a/index_1.htm")
    assert fujian.next_static_or_api(short, "http://h/a/index_1.htm") is None  # 2 pages only
    no_filter = fujian.FujianColumn(max_static_index=0, prepage=15, record_count=90, channelid="229105", classsql=None)
    assert fujian.next_static_or_api(no_filter, "http://h/a/index.htm") is None  # the API needs the column filter


# --- 开普云 Ucap ---------------------------------------------------------------------------------------

def test_ucap_empty_list_page_ends_the_list(tmp_path):
    root = f"{HOST}/sysfj/zfxxgknb/xxgk_list.shtml"
    sp = make_spider(UcapSpider, tmp_path, root)
    sp.full = True  # even a full walk stops at a page that lists nothing
    r = resp(f"{HOST}/sysfj/zfxxgknb/xxgk_list_5.shtml", "ucap/xxgk_list_empty.shtml", listing_url=root, page=5)
    assert call(sp.parse_listing, r) == []


def test_ucap_404_past_the_last_page_ends_quietly(tmp_path):
    root = f"{HOST}/sysfj/zfxxgknb/xxgk_list.shtml"
    sp = make_spider(UcapSpider, tmp_path, root)
    gone = resp(f"{HOST}/sysfj/zfxxgknb/xxgk_list_4.shtml", b"<h1>404</h1>", status=404, listing_url=root, page=4)
    assert call(sp.parse_listing, gone) == []
    assert sp.test_errors == [] and root not in sp.listing_failed
    first = resp(root, b"<h1>404</h1>", status=404, listing_url=root, page=1)
    assert call(sp.parse_listing, first) == [] and root in sp.listing_failed  # the column itself: an error


@pytest.mark.parametrize("url,n,expected_url", [
    ("http://h/a/xxgk_list.shtml", 2, "http://h/a/xxgk_list_2.shtml"),
    ("http://h/a/xxgk_list_2.shtml", 3, "http://h/a/xxgk_list_3.shtml"),
    ("http://h/a/xxgk_list_3.shtml", 1, "http://h/a/xxgk_list.shtml"),
    ("http://h/a/nav_list.shtml", 2, "http://h/a/nav_list_2.shtml"),
    ("http://h/a/", 2, None),
])
def test_ucap_page_names(url, n, expected_url):
    assert ucap.page_url(url, n) == expected_url


@pytest.mark.parametrize("url,batch,expected_url", [
    ("http://h/s/info/getInfoCommon/?pagesize=15&currpage=1&channelid=ab", 15,
     "http://h/s/info/getInfoCommon/?pagesize=15&channelid=ab&currpage=2"),
    ("http://h/s/info/getInfoCommon/?pagesize=15&currpage=2&channelid=ab", 7, None),   # a short batch: the last
    ("http://h/s/info/getInfoCommon/?channelid=ab", 10, "http://h/s/info/getInfoCommon/?channelid=ab&currpage=2"),
    ("http://h/s/info/getInfoCommon/?channelid=ab", 0, None),
])
def test_ucap_json_list_paging(url, batch, expected_url):
    assert ucap.json_next_url(url, batch) == expected_url


def test_ucap_json_list_answer_that_is_no_json_is_a_degraded_page(tmp_path):
    url = f"{HOST}/szinf/info/getInfoCommon/?pagesize=3&currpage=1&channelid=ab"
    assert ucap.json_list("<html>维护中</html>") is None and ucap.json_list('{"infolist": "x"}') is None
    sp = make_spider(UcapSpider, tmp_path, url)
    r = resp(url, "<html><body>系统维护中</body></html>".encode(), rcls=TextResponse)
    assert call(sp.parse_listing, r) == []
    assert kinds(sp) == ["stub"]  # a short answer that is no JSON batch: a degraded page


def test_ucap_column_membership():
    prefix = ucap.column_prefix("http://h.gov.cn/sysfj/zfxxgknb/xxgk_list_2.shtml")
    assert ucap.in_column("https://h.gov.cn/sysfj/zfxxgknb/202401/" + "a" * 32 + ".shtml", prefix)
    assert not ucap.in_column("http://h.gov.cn/sytjj/zfxxgknb/202401/" + "a" * 32 + ".shtml", prefix)
    assert not ucap.in_column("http://other.gov.cn/sysfj/zfxxgknb/202401/" + "a" * 32 + ".shtml", prefix)
    assert ucap.column_prefix("http://h.gov.cn/dofcom/0204/") == "h.gov.cn/dofcom/0204/"


# --- 博达 VSB ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("html,url,expected_url", [
    # no 下页 link: computed from the numbering (the largest page number is the total)
    ('<div class="p_pages"><span class="p_no_d">1</span><span class="p_no"><a href="nb/5.htm">2</a></span>'
     '<span class="p_no"><a href="nb/1.htm">6</a></span></div>', "http://h/x/nb.htm", "http://h/x/nb/5.htm"),
    ('<div class="p_pages"><span class="p_t">共3页</span></div>', "http://h/x/nb.htm", "http://h/x/nb/2.htm"),
    ("", "http://h/x/nb/3.htm", "http://h/x/nb/2.htm"),
    ("", "http://h/x/nb/1.htm", None),
    ('<div class="p_pages"><span class="p_no_d">1</span></div>', "http://h/x/nb.htm", None),
    ("", "http://h/list.jsp?totalpage=3&PAGENUM=3&urltype=tree.TreeTempUrl&wbtreeid=1029", None),
    ('<div class="p_pages"><span class="p_t">1/4</span></div>',
     "http://h/list.jsp?wbtreeid=1154&urltype=tree.TreeTempUrl&a1154p=2",
     "http://h/list.jsp?wbtreeid=1154&urltype=tree.TreeTempUrl&a1154p=3"),
])
def test_vsb_next_page_numbering(html, url, expected_url):
    assert vsb.next_page(html, url) == expected_url


@pytest.mark.parametrize("url,key", [
    ("http://h/system/_content/download.jsp?urltype=news.DownloadAttachUrl&owner=12&wbfileid=34", ("12", "34")),
    ("http://h/system/_content/download.jsp?wbfileid=34&owner=12&urltype=news.DownloadAttachUrl", ("12", "34")),
    ("http://h/system/_content/download.jsp?urltype=news.DownloadAttachUrl&owner=12", False),
    ("http://h/system/_content/download.jsp?owner=12&wbfileid=34&wbfileid=35", False),
    ("http://h/info/1082/86001.htm", None),
])
def test_vsb_attachment_identity(url, key):
    assert vsb.attachment_key(url) == key
