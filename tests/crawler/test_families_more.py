"""The API- and script-driven families (福建 TRS platform, 开普云 Ucap, 博达 VSB) against saved pages
built from the shapes in ../shared/spec/cms-families-more.md; each fixture's expected output sits
beside it as ``<name>.expected.json`` (no network)."""
from __future__ import annotations

import json
from urllib.parse import parse_qsl

import pytest
import scrapy
from scrapy.http import HtmlResponse, TextResponse

from crawler.spiders import fujian, ucap, vsb
from crawler.spiders.fujian import FujianSpider
from crawler.spiders.ucap import UcapSpider
from crawler.spiders.vsb import VsbSpider
from tests.crawler.conftest import FIXTURES
from tests.crawler.test_families import make_spider

HOST = "http://www.example.gov.cn"


def expected(family: str, name: str) -> dict:
    return json.loads((FIXTURES / family / f"{name}.expected.json").read_text(encoding="utf-8"))


def response(url: str, family: str, fixture: str, rcls=HtmlResponse, status: int = 200, **meta):
    body = (FIXTURES / family / fixture).read_bytes()
    m = {"portal": "t", "role": "listing", "listing_url": url, "page": 1, **meta}
    if m["role"] == "detail":
        m.setdefault("detail_url", url)
    return rcls(url=url, body=body, status=status, encoding="utf-8", request=scrapy.Request(url, meta=m))


def outcome(results) -> dict:
    """What a parse produced, in the shape of the expected files."""
    reqs = [r for r in results if isinstance(r, scrapy.Request)]
    details = sorted(({"url": r.url, "date": r.meta["listing_date"], "year": r.meta["year_hint"],
                       "title": r.meta["listing_title"]} for r in reqs if r.callback.__name__ == "parse_detail"),
                     key=lambda d: d["url"])
    nxt = []
    for r in reqs:
        if r.callback.__name__ != "parse_listing":
            continue
        n = {"method": r.method, "url": r.url, "page": r.meta.get("page")}
        if r.method == "POST":
            n["form"] = dict(parse_qsl(r.body.decode()))
        n["headers"] = {k.decode(): r.headers.get(k).decode() for k in r.headers}
        nxt.append(n)
    return {"details": details, "next": nxt}


def assert_matches(got: dict, want: dict, page: int) -> None:
    """Every key the expected file names must match (titles and headers only where it names them)."""
    assert len(got["details"]) == len(want["details"]), got["details"]
    for g, w in zip(got["details"], want["details"]):
        assert {k: g[k] for k in w} == w
    assert len(got["next"]) == len(want["next"]), got["next"]
    for g, w in zip(got["next"], want["next"]):
        assert g["method"] == w["method"] and g["url"] == w["url"]
        assert g["page"] == page + 1
        assert {k: g.get("form", {}).get(k) for k in w.get("form", {})} == w.get("form", {})
        assert {k: g["headers"].get(k) for k in w.get("headers", {})} == w.get("headers", {})


def run_listing(cls, family: str, fixture: str, name: str, rcls=HtmlResponse, registry_url: str | None = None,
                tmp_path=None, **meta):
    want = expected(family, name)
    root = want.get("listing_url") or registry_url or want["url"]
    sp = make_spider(cls, tmp_path, registry_url or root)
    sp.full = bool(want.get("full"))
    page = want.get("page", 1)
    r = response(want["url"], family, fixture, rcls=rcls, listing_url=root, page=page, **meta)
    got = outcome(sp.parse_listing(r))
    assert_matches(got, want, page)
    return sp, got


def run_detail(cls, family: str, fixture: str, name: str, tmp_path):
    want = expected(family, name)
    sp = make_spider(cls, tmp_path, f"{HOST}/column/")
    r = response(want["url"], family, fixture, role="detail")
    assert sp.is_inline_report(r) is want["inline_report"]
    assert [{"url": a["url"], "text": a["text"]} for a in sp.attachment_links(r)] == want["attachments"]
    return sp, want, r


# --- 福建 TRS platform ---------------------------------------------------------------------------------

def test_fujian_channel_page_items_and_next_static_page(tmp_path):
    run_listing(FujianSpider, "fujian", "channel_index.htm", "channel_index", tmp_path=tmp_path)


def test_fujian_last_static_page_continues_with_the_fjdzapp_api(tmp_path):
    sp, got = run_listing(FujianSpider, "fujian", "channel_index_2.htm", "channel_index_2",
                          registry_url=f"{HOST}/zfxxgkzl/zfxxgkndbg/", tmp_path=tmp_path)
    assert got["next"][0]["headers"]["Content-Type"].startswith("application/x-www-form-urlencoded")


def _api_meta(endpoint: str, page: int = 4) -> dict:
    col = fujian.FujianColumn(max_static_index=2, prepage=15, record_count=62, channelid="229105",
                              classsql="chnlid=30170")
    return {"fujian_api": fujian.ApiPage(col, f"{HOST}/zfxxgkzl/zfxxgkndbg/", page, endpoint)}


def test_fujian_fjdzapp_answer_under_data_stays_on_the_portal_host(tmp_path):
    run_listing(FujianSpider, "fujian", "fjdzapp_page4.json", "fjdzapp_page4", rcls=TextResponse,
                registry_url=f"{HOST}/zfxxgkzl/zfxxgkndbg/", tmp_path=tmp_path, **_api_meta("fjdzapp"))


def test_fujian_was5_answer_under_docs_with_raw_line_breaks(tmp_path):
    run_listing(FujianSpider, "fujian", "was5_page4.txt", "was5_page4", rcls=TextResponse,
                registry_url=f"{HOST}/zfxxgkzl/zfxxgkndbg/", tmp_path=tmp_path, **_api_meta("was5"))


def test_fujian_fjdzapp_404_falls_back_to_was5_and_the_last_api_page_ends(tmp_path):
    root = f"{HOST}/zfxxgkzl/zfxxgkndbg/"
    sp = make_spider(FujianSpider, tmp_path, root)
    gone = TextResponse(url=f"{HOST}/fjdzapp/search", status=404, body=b"<html>404</html>", encoding="utf-8",
                        request=scrapy.Request(f"{HOST}/fjdzapp/search",
                                               meta={"portal": "t", "role": "listing", "listing_url": root, "page": 4,
                                                     **_api_meta("fjdzapp")}))
    [again] = list(sp.parse_listing(gone))
    assert again.method == "GET" and again.url == expected("fujian", "was5_page4")["url"]
    assert again.meta["page"] == 4 and again.meta["fujian_api"].endpoint == "was5"
    assert sp.health_for("t")["errors"] == [] and root not in sp.listing_failed
    # the last page by recordCount: no further request
    last = response(f"{HOST}/fjdzapp/search", "fujian", "fjdzapp_page4.json", rcls=TextResponse, listing_url=root,
                    page=5, **_api_meta("fjdzapp", page=5))
    assert [r for r in sp.parse_listing(last) if r.callback.__name__ == "parse_listing"] == []


def test_fujian_api_answer_that_is_no_json_is_a_recorded_error(tmp_path):
    root = f"{HOST}/zfxxgkzl/zfxxgkndbg/"
    sp = make_spider(FujianSpider, tmp_path, root)
    r = TextResponse(url=f"{HOST}/fjdzapp/search", body="<html><body>系统繁忙</body></html>".encode(), encoding="utf-8",
                     request=scrapy.Request(f"{HOST}/fjdzapp/search", meta={"portal": "t", "role": "listing",
                                                                             "listing_url": root, "page": 4,
                                                                             **_api_meta("fjdzapp")}))
    assert list(sp.parse_listing(r)) == []
    assert [e["kind"] for e in sp.health_for("t")["errors"]] == ["bad-api-answer"]
    assert root in sp.listing_failed  # its validators are not kept: tomorrow asks again in full


def test_fujian_article_attachments(tmp_path):
    run_detail(FujianSpider, "fujian", "article.htm", "article", tmp_path)


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


def test_fujian_column_without_listmodel_is_paged_like_trs(tmp_path):
    sp = make_spider(FujianSpider, tmp_path, f"{HOST}/zwgk/nb/")
    body = ('<html><body><ul><li><a href="./202401/t20240117_1.htm">某局2023年政府信息公开工作年度报告</a>'
            '<span>2024-01-17</span></li></ul><script>createPageHTML(3, 0, "index", "htm");</script></body></html>')
    r = HtmlResponse(url=f"{HOST}/zwgk/nb/", body=body.encode(), encoding="utf-8",
                     request=scrapy.Request(f"{HOST}/zwgk/nb/", meta={"portal": "t", "role": "listing",
                                                                      "listing_url": f"{HOST}/zwgk/nb/", "page": 1}))
    assert [x.url for x in sp.parse_listing(r) if x.callback.__name__ == "parse_listing"] == [f"{HOST}/zwgk/nb/index_1.htm"]


# --- 开普云 Ucap ---------------------------------------------------------------------------------------

def test_ucap_list_page_keeps_only_its_own_column_and_guesses_the_next_page(tmp_path):
    run_listing(UcapSpider, "ucap", "xxgk_list_2.shtml", "xxgk_list_2", tmp_path=tmp_path)


def test_ucap_empty_list_page_ends_the_list(tmp_path):
    run_listing(UcapSpider, "ucap", "xxgk_list_empty.shtml", "xxgk_list_empty", tmp_path=tmp_path)


def test_ucap_404_past_the_last_page_ends_quietly(tmp_path):
    root = f"{HOST}/sysfj/zfxxgknb/xxgk_list.shtml"
    sp = make_spider(UcapSpider, tmp_path, root)
    gone = HtmlResponse(url=f"{HOST}/sysfj/zfxxgknb/xxgk_list_4.shtml", status=404, body=b"<h1>404</h1>",
                        request=scrapy.Request(root, meta={"portal": "t", "role": "listing", "listing_url": root,
                                                           "page": 4}))
    assert list(sp.parse_listing(gone)) == []
    assert sp.health_for("t")["errors"] == [] and root not in sp.listing_failed
    first = HtmlResponse(url=root, status=404, body=b"<h1>404</h1>",
                         request=scrapy.Request(root, meta={"portal": "t", "role": "listing", "listing_url": root,
                                                            "page": 1}))
    assert list(sp.parse_listing(first)) == [] and root in sp.listing_failed  # the column itself: an error


@pytest.mark.parametrize("url,n,expected_url", [
    ("http://h/a/xxgk_list.shtml", 2, "http://h/a/xxgk_list_2.shtml"),
    ("http://h/a/xxgk_list_2.shtml", 3, "http://h/a/xxgk_list_3.shtml"),
    ("http://h/a/xxgk_list_3.shtml", 1, "http://h/a/xxgk_list.shtml"),
    ("http://h/a/nav_list.shtml", 2, "http://h/a/nav_list_2.shtml"),
    ("http://h/a/", 2, None),
])
def test_ucap_page_names(url, n, expected_url):
    assert ucap.page_url(url, n) == expected_url


def test_ucap_article_attachment_and_head_metadata(tmp_path):
    sp, want, r = run_detail(UcapSpider, "ucap", "article.shtml", "article", tmp_path)
    sp.details[want["url"]] = {"portal": "t", "pending": 1, "failed": False, "docs": [], "listing_url": want["url"],
                               "item": {}}
    [att] = [x for x in sp.parse_detail(r) if isinstance(x, scrapy.Request)]
    assert att.meta["listing_date"] == want["listing_date"] and att.meta["year_hint"] == want["year_hint"]
    assert att.meta["listing_title"] == "某县司法局2023年政府信息公开工作年度报告"


# --- 博达 VSB ------------------------------------------------------------------------------------------

def test_vsb_first_page_and_its_count_down_next_page(tmp_path):
    run_listing(VsbSpider, "vsb", "zfxxgknb.htm", "zfxxgknb", tmp_path=tmp_path)


def test_vsb_last_page_1_htm_ends(tmp_path):
    run_listing(VsbSpider, "vsb", "zfxxgknb_page5.htm", "zfxxgknb_page5", tmp_path=tmp_path)


def test_vsb_dynamic_list_jsp_pagenum(tmp_path):
    run_listing(VsbSpider, "vsb", "list_jsp.html", "list_jsp", tmp_path=tmp_path)


def test_vsb_download_jsp_attachments_by_owner_and_wbfileid(tmp_path):
    sp, want, _ = run_detail(VsbSpider, "vsb", "article.htm", "article", tmp_path)
    assert [e["kind"] for e in sp.health_for("t")["errors"]] == want["errors"]


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
