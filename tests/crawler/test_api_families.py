"""The API-listed families (jpaas, xxgk, epoint, truecms): the rules behind their saved examples
(tests/fixtures/crawler/<family>/, whose outputs test_family_examples.py pins), the seen-before
stop, remembered calls, per-portal cookies and the User-Agent contact. No network."""
from __future__ import annotations

import json

import pytest
import scrapy
from scrapy.http import HtmlResponse, Response, TextResponse
from scrapy.settings import Settings

from crawler.spiders._apilist import TOP_KEPT, ApiCall, ApiWalk, cdata_records, fragment_items, reached_known
from crawler.spiders.epoint import EpointSpider, epoint_next_call, epoint_site_info
from crawler.spiders.jpaas import JpaasSpider, jpaas_answer, jpaas_next_call, jpaas_units, pick_list_unit
from crawler.spiders.truecms import TruecmsSpider, smaller_page_call, truecms_call, truecms_next_call
from crawler.spiders.xxgk import XxgkSpider, in_column, xxgk_form
from tests.crawler.conftest import FIXTURES, HOST, make_spider, ref, resp
from tests.crawler.conftest import call as run_cb
from tests.crawler.test_families import details, listings, requests


def api_resp(url: str, fixture: str | bytes, call: ApiCall, root: str, page: int = 1, **walk):
    return resp(url, fixture, rcls=TextResponse, listing_url=root, page=page, family_state=ApiWalk(call=call, **walk))


def walk_of(request) -> ApiWalk:
    return ref(request).family_state


def pending(sp, root):
    return sp.pending_validators["t"].get(root)


# --- JPaaS ----------------------------------------------------------------------------------------

JP_COL = f"{HOST}/col/col1487002/index.html"


def test_jpaas_units_pick_the_list_of_this_column():
    html = (FIXTURES / "jpaas/column.html").read_text(encoding="utf-8")
    units = jpaas_units(html)
    assert [u["query"]["tagId"] for u in units] == ["导航栏", "阳光政务_分页列表"]
    assert pick_list_unit(units, JP_COL)["query"]["pageId"] == "1487002"
    assert pick_list_unit([], JP_COL) is None


def test_jpaas_channel_page_to_build_unit_call(tmp_path):
    sp = make_spider(JpaasSpider, tmp_path, JP_COL)
    reqs = requests(run_cb(sp.parse_channel, resp(JP_COL, "jpaas/column.html", page=0)))
    [r] = reqs
    assert "paramJson=%7B%22pageNo%22%3A1%2C%22pageSize%22%3A20%7D" in r.url   # paging inside paramJson only
    assert "parseType=bulidstatic" in r.url and "cookiejar" not in r.meta


def test_jpaas_answer_pages_and_remembers_page_one(tmp_path):
    sp = make_spider(JpaasSpider, tmp_path, JP_COL)
    [first] = requests(run_cb(sp.parse_channel, resp(JP_COL, "jpaas/column.html", page=0)))
    call = walk_of(first).call
    reqs = requests(run_cb(sp.parse_listing, api_resp(first.url, "jpaas/unit_page1.json", call, JP_COL)))
    assert pending(sp, JP_COL) == {"api": call.to_state(), "top": [f"{HOST}/art/2025/1/20/art_1487002_59001.html",
                                                                   f"{HOST}/art/2025/1/8/art_1487002_58990.html"]}
    [nxt] = listings(reqs)
    reqs = requests(run_cb(sp.parse_listing, api_resp(nxt.url, "jpaas/unit_page2.json", walk_of(nxt).call,
                                              JP_COL, page=2)))
    assert sp.test_errors == []


def test_jpaas_pure_paging_rules():
    call = ApiCall(f"{HOST}/api?webId=1&paramJson=%7B%22pageNo%22%3A2%2C%22pageSize%22%3A20%7D")
    assert jpaas_next_call(call, 0, None, 40) is None                       # an empty fragment ends the list
    assert jpaas_next_call(call, 20, 40, 40) is None                        # count reached
    nxt = jpaas_next_call(call, 20, None, 40)
    assert nxt.url.endswith("paramJson=%7B%22pageNo%22%3A3%2C%22pageSize%22%3A20%7D") and "webId=1" in nxt.url
    items, total = jpaas_answer((FIXTURES / "jpaas/unit_empty.json").read_text(encoding="utf-8"), HOST)
    assert items == [] and total is None
    assert jpaas_answer('{"data": {"list": []}}', HOST) is None


# --- the walk every API family shares (shown on JPaaS) --------------------------------------------

def test_later_crawl_asks_the_remembered_call_and_stops_at_what_it_saw(tmp_path):
    sp = make_spider(JpaasSpider, tmp_path, JP_COL)
    [first] = requests(run_cb(sp.parse_channel, resp(JP_COL, "jpaas/column.html", page=0)))
    newest, older = f"{HOST}/art/2025/1/20/art_1487002_59001.html", f"{HOST}/art/2025/1/8/art_1487002_58990.html"
    sp.state["t"].listings[JP_COL] = {"api": walk_of(first).call.to_state(), "top": [newest, older]}
    [direct] = list(sp.start_listing(sp.portals["t"], JP_COL))
    assert direct.url == first.url and walk_of(direct).direct and walk_of(direct).known_top == (newest, older)
    assert direct.headers[b"Referer"] == JP_COL.encode()
    # nothing new: page 1 as seen -> no page 2 (the report page is known from the last crawl)
    sp.state["t"].details[newest] = {"done": True, "docs": []}
    call = walk_of(direct).call
    r = api_resp(direct.url, "jpaas/unit_page1.json", call, JP_COL, known_top=[newest, older], direct=True)
    assert requests(run_cb(sp.parse_listing, r)) == []
    assert pending(sp, JP_COL)["top"] == [newest, older]
    # one new item above one seen last time: that item, and no further page
    sp2 = make_spider(JpaasSpider, tmp_path / "b", JP_COL)
    r = api_resp(direct.url, "jpaas/unit_page1.json", call, JP_COL, known_top=[older], direct=True)
    reqs = requests(run_cb(sp2.parse_listing, r))
    assert details(reqs) == [newest] and listings(reqs) == []
    # nothing on the page was seen before: the walk goes on
    sp3 = make_spider(JpaasSpider, tmp_path / "c", JP_COL)
    r = api_resp(direct.url, "jpaas/unit_page1.json", call, JP_COL, known_top=[f"{HOST}/art/old.html"], direct=True)
    assert listings(requests(run_cb(sp3.parse_listing, r)))
    # a full crawl walks on
    sp2.full = True
    sp2._seen_in_walk.clear()
    assert listings(requests(run_cb(sp2.parse_listing, r)))


@pytest.mark.parametrize("urls,known,page,reached", [
    (["a", "b"], ["a", "b", "c"], 1, True),             # page 1 unchanged
    (["n", "a", "b"], ["a", "b"], 1, True),             # a new item above seen ones
    (["p", "n", "a"], ["p", "a"], 1, True),             # pinned p stays on top, n new, a seen
    (["p", "n1", "n2"], ["p", "a"], 1, False),          # only the pinned item is known: older pages may hold news
    (["n1", "n2"], ["a"], 1, False),
    (["x", "a"], ["a"], 2, True),                       # page 2 reaches a seen item
    ([], ["a"], 1, True),
    ([f"u{i}" for i in range(80)], [f"u{i}" for i in range(TOP_KEPT)], 1, True),   # a long page, as kept
])
def test_reached_known_treats_pinned_items_as_no_evidence(urls, known, page, reached):
    assert reached_known(urls, known, page) is reached


def test_a_remembered_call_that_fails_goes_back_to_the_channel_page(tmp_path):
    sp = make_spider(JpaasSpider, tmp_path, JP_COL)
    call = ApiCall(f"{HOST}/api-gateway/jpaas-publish-server/front/page/build/unit?pageId=1")
    req = sp.api_request(sp.portals["t"], call, root=JP_COL, page=1, walk=ApiWalk(known_top=("x",), direct=True))
    gone = HtmlResponse(url=call.url, status=404, body=b"<html>404</html>", request=req)
    [again] = requests(run_cb(sp.parse_listing, gone))
    assert again.url == JP_COL and again.callback == sp.parse_channel and walk_of(again).known_top == ("x",)
    assert JP_COL not in sp.listing_failed
    # a channel page that names no endpoint and links no report is recorded, not guessed
    assert requests(run_cb(sp.parse_channel, resp(JP_COL, "hanweb/article.html", page=0))) == []
    assert sp.test_errors[-1]["kind"] == "no-api-config" and JP_COL in sp.listing_failed


def test_a_static_column_of_an_api_family_is_read_as_a_static_listing(tmp_path):
    url = f"{HOST}/zwgk/zfxxgknb/index_3.html"
    sp = make_spider(JpaasSpider, tmp_path, url)
    reqs = requests(run_cb(sp.parse_channel, resp(url, "trs/index_3.html", page=0)))
    assert details(reqs) == [f"{HOST}/zwgk/zfxxgknb/202301/t20230130_1800001.html",
                             f"{HOST}/zwgk/zfxxgknb/202401/t20240129_1926722.html"]
    assert sp.test_errors == [] and url not in sp.listing_failed


def test_a_failed_page_keeps_what_the_last_crawl_saw(tmp_path):
    sp = make_spider(JpaasSpider, tmp_path, JP_COL)
    call = ApiCall(f"{HOST}/u?paramJson=%7B%22pageNo%22%3A2%2C%22pageSize%22%3A20%7D")
    req = sp.api_request(sp.portals["t"], call, root=JP_COL, page=2, walk=ApiWalk())
    assert list(run_cb(sp.parse_listing, HtmlResponse(url=call.url, status=500, body=b"oops", request=req))) == []
    assert JP_COL in sp.listing_failed  # closed() then keeps the previous state for this listing


def test_session_cookie_portal_goes_through_the_channel_page(tmp_path):
    sp = make_spider(JpaasSpider, tmp_path, JP_COL)
    sp.portals["t"].overrides["cookies"] = True
    sp.state["t"].listings[JP_COL] = {"api": {"url": f"{HOST}/u"}, "top": ["x"]}
    [req] = list(sp.start_listing(sp.portals["t"], JP_COL))
    assert req.url == JP_COL and req.meta["cookiejar"] == "t" and walk_of(req).known_top == ("x",)
    [api] = requests(run_cb(sp.parse_channel, resp(JP_COL, "jpaas/column.html", page=0)))
    assert api.meta["cookiejar"] == "t"


def test_an_api_refusal_after_a_cookie_names_the_override(tmp_path):
    sp = make_spider(JpaasSpider, tmp_path, JP_COL)
    call = ApiCall(f"{HOST}/u")
    req = sp.api_request(sp.portals["t"], call, root=JP_COL, page=1, walk=ApiWalk(channel_cookie=True))
    list(run_cb(sp.parse_listing, HtmlResponse(url=call.url, status=403, body=b"<html>forbidden</html>", request=req)))
    assert "needs-cookies" in {e["kind"] for e in sp.test_errors}


# --- Hanweb xxgk module ---------------------------------------------------------------------------

XX_COL = f"{HOST}/col/col1229106/index.html"


def test_xxgk_form_from_the_column_page():
    html = (FIXTURES / "xxgk/column.html").read_text(encoding="utf-8")
    assert xxgk_form(html, XX_COL) == {"infotypeId": "A0509", "jdid": "3201", "area": "11320100MB1234567X",
                                       "divid": "div1229106", "column": "1229106",
                                       "endpoint": f"{HOST}/module/xxgk/search.jsp"}
    assert xxgk_form("<html>no module</html>", XX_COL) is None
    assert in_column(f"{HOST}/art/2025/1/22/art_1229106_70022.html", "1229106")
    assert not in_column(f"{HOST}/art/2025/1/22/art_12291060_70022.html", "1229106")
    assert in_column(f"{HOST}/x.html", "")


def test_xxgk_search_pages_take_only_this_columns_reports(tmp_path):
    sp = make_spider(XxgkSpider, tmp_path, XX_COL)
    [first] = requests(run_cb(sp.parse_channel, resp(XX_COL, "xxgk/column.html", page=0)))
    assert first.method == "POST" and b"currpage=1" in first.body
    reqs = requests(run_cb(sp.parse_listing, api_resp(first.url, "xxgk/search_page1.html", walk_of(first).call,
                                              XX_COL)))
    # the 图解 article of another column is a report title, but not this column's: never fetched
    assert all("art_1229107_" not in u for u in details(reqs))
    [nxt] = listings(reqs)
    reqs = requests(run_cb(sp.parse_listing, api_resp(nxt.url, "xxgk/search_page2.html", walk_of(nxt).call,
                                              XX_COL, page=2)))
    assert pending(sp, XX_COL)["top"][0] == f"{HOST}/art/2025/2/10/art_1229107_70031.html"  # every column's items


def test_hanweb_detail_of_xxgk_and_jpaas_finds_the_downfile(tmp_path):
    sp = make_spider(XxgkSpider, tmp_path, XX_COL)
    url = f"{HOST}/art/2025/1/22/art_1229106_70022.html"
    assert [a["url"] for a in sp.attachment_links(resp(url, "xxgk/article.html", role="detail"))] == [
        f"{HOST}/module/download/downfile.jsp?classid=0&showname=%E5%B9%B4%E6%8A%A5.pdf&filename=c0ffee0123456789.pdf"]
    url = f"{HOST}/art/2025/1/20/art_1487002_59001.html"
    assert [a["url"] for a in sp.attachment_links(resp(url, "jpaas/article.html", role="detail"))] == [
        f"{HOST}/module/download/downfile.jsp?classid=0&showname=%E5%B9%B4%E6%8A%A5.pdf&filename=5f0a1b2c3d4e.pdf"]


# --- Epoint EWB -----------------------------------------------------------------------------------

EP_LIST = f"{HOST}/dynamic/zwgk/govInfoPub.html?categorynum=004001&deptcode=001"


def test_epoint_list_page_script_and_site_info_to_the_json_call(tmp_path):
    sp = make_spider(EpointSpider, tmp_path, EP_LIST)
    [js] = requests(run_cb(sp.parse_channel, resp(EP_LIST, "epoint/govInfoPub.html", page=0)))
    assert js.url == f"{HOST}/shengbenji/js/webBuilderCommon.js" and js.callback == sp.parse_site_info
    body = (FIXTURES / "epoint/webBuilderCommon.js").read_bytes()
    r = Response(url=js.url, body=body, headers={"Content-Type": "application/octet-stream"}, request=js)
    reqs = requests(run_cb(sp.parse_site_info, r))
    [call] = reqs
    assert json.loads(call.body) == {"deptcode": "001", "categorynum": "004001",
                                     "siteGuid": "7eb5f7f1-9041-43ad-8e13-8fcb82ea831a", "pageIndex": 0, "pageSize": 50}
    assert call.headers[b"Content-Type"].startswith(b"application/json") and call.headers[b"Referer"] == EP_LIST.encode()
    assert epoint_site_info("var siteInfo = {siteName: 'x'};") is None


def test_epoint_answer_realtitle_dates_and_paging(tmp_path):
    sp = make_spider(EpointSpider, tmp_path, EP_LIST)
    call = ApiCall(f"{HOST}/EWB-FRONT/rest/lightfrontaction/getgovinfolist", method="POST",
                   json_body='{"deptcode":"001","categorynum":"004001","siteGuid":"g","pageIndex":0,"pageSize":50}')
    reqs = requests(run_cb(sp.parse_listing, api_resp(call.url, "epoint/getgovinfolist_page0.json", call, EP_LIST)))
    by = {r.url: r for r in reqs}
    r = by[f"{HOST}/xxgk/004001/20250121/3f2c8e0a-1b2c-4d5e-8f90-a1b2c3d4e5f6.html"]
    assert ref(r).title == "样例市2024年政府信息公开工作年度报告" and ref(r).date == "2025-01-21"
    assert ref(by[f"{HOST}/xxgk/004001/20240126/9e8d7c6b-5a49-3827-1605-f4e3d2c1b0a9.html"]).date == "2024-01-26"
    # a short page is not the end (servers cap pageSize); an empty one, or the total, is
    nxt = epoint_next_call(call, 10, None, 10)
    assert json.loads(nxt.json_body)["pageIndex"] == 1 and nxt.method == "POST"
    assert epoint_next_call(call, 0, None, 10) is None and epoint_next_call(call, 10, 10, 10) is None


def test_epoint_detail_attachment(tmp_path):
    sp = make_spider(EpointSpider, tmp_path, EP_LIST)
    url = f"{HOST}/xxgk/004001/20250121/3f2c8e0a-1b2c-4d5e-8f90-a1b2c3d4e5f6.html"
    assert [a["url"] for a in sp.attachment_links(resp(url, "epoint/article.html", role="detail"))] == [
        f"{HOST}/xxgk/004001/20250121/P020250121001.pdf"]


def test_a_server_repeating_page_one_ends_the_walk(tmp_path):
    """A 1-based server answers pageIndex 0 and 1 alike: the repeat adds nothing and ends the walk."""
    sp = make_spider(EpointSpider, tmp_path, EP_LIST)
    call = ApiCall(f"{HOST}/EWB-FRONT/rest/lightfrontaction/getgovinfolist", method="POST",
                   json_body='{"pageIndex":0,"pageSize":2}')
    body = json.loads((FIXTURES / "epoint/getgovinfolist_page0.json").read_text(encoding="utf-8"))
    body["custom"]["data"] = body["custom"]["data"][:2]
    del body["custom"]["total"]
    data = json.dumps(body).encode()
    [d, nxt] = requests(run_cb(sp.parse_listing, api_resp(call.url, data, call, EP_LIST)))
    again = api_resp(nxt.url, data, walk_of(nxt).call, EP_LIST, page=2, walked=walk_of(nxt).walked)
    assert requests(run_cb(sp.parse_listing, again)) == []


# --- truecms --------------------------------------------------------------------------------------

TC_COL = f"{HOST}/rgsrmzf/ndbg/index.html"


def test_truecms_channel_jsonp_and_perpage_fallback(tmp_path):
    sp = make_spider(TruecmsSpider, tmp_path, TC_COL)
    [first] = requests(run_cb(sp.parse_channel, resp(TC_COL, "truecms/column.html", page=0)))
    assert first.headers[b"Referer"] == TC_COL.encode()   # 如皋 answers 404 without it
    # perpage 50 answered 404: the same page again with 20, then 10, then the 404 is recorded
    call = walk_of(first).call
    r = HtmlResponse(url=first.url, status=404, body=b"<html>404</html>", request=first)
    [again] = requests(run_cb(sp.parse_listing, r))
    assert "perpage=20" in again.url and "endrecord=20" in again.url and sp.test_errors == []
    assert "perpage=10" in smaller_page_call(walk_of(again).call).url
    assert smaller_page_call(truecms_call({"proxy": f"{HOST}/p", "column": "1"}, per=10)) is None
    assert smaller_page_call(truecms_call({"proxy": f"{HOST}/p", "column": "1"}, start=21, per=20)) is None
    reqs = requests(run_cb(sp.parse_listing, api_resp(again.url, "truecms/getMessage_1.jsonp",
                                              walk_of(again).call, TC_COL)))
    assert pending(sp, TC_COL)["api"]["url"] == again.url    # the call that worked is remembered
    del call


def test_truecms_paging_by_records():
    call = truecms_call({"proxy": f"{HOST}/p", "column": "7"}, start=1, per=20)
    nxt = truecms_next_call(call, 20, 45)
    assert "startrecord=21" in nxt.url and "endrecord=40" in nxt.url and "perpage=20" in nxt.url
    assert truecms_next_call(truecms_call({"proxy": "p", "column": "7"}, start=41, per=20), 5, 45) is None
    assert truecms_next_call(call, 0, None) is None


def test_truecms_detail_attachment(tmp_path):
    sp = make_spider(TruecmsSpider, tmp_path, TC_COL)
    url = f"{HOST}/rgsrmzf/ndbg/content/8d2f5e10-6b1a-4c3e-9f7d-2a1b0c9d8e7f.html"
    assert [a["url"] for a in sp.attachment_links(resp(url, "truecms/article.html", role="detail"))] == [
        f"{HOST}/rgsrmzf/ndbg/content/files/2f3e4d5c6b7a8990.docx"]


def test_shared_fragment_helpers():
    assert cdata_records("<record><![CDATA[<li>a</li>]]></record>\n<record><![CDATA[<li>b</li>]]></record>") == \
        ["<li>a</li>", "<li>b</li>"]
    items = fragment_items("<li><a href='javascript:void(0)'>x</a><a href='/a.html' title='T'>t</a> 2024-1-5</li>"
                           "<li>no link</li><li><a href='/a.html'>again</a></li>", HOST)
    assert items == [{"url": f"{HOST}/a.html", "title": "T", "date": "2024-01-05"}]


# --- cookies and the User-Agent contact -----------------------------------------------------------

def _crawler(**settings):
    from scrapy.utils.test import get_crawler
    return get_crawler(settings_dict=settings)


def test_cookies_only_for_requests_with_a_portal_jar():
    from crawler.middlewares import PortalCookiesMiddleware
    mw = PortalCookiesMiddleware.from_crawler(_crawler(COOKIES_ENABLED=False))
    with_jar = scrapy.Request(f"{HOST}/col/col1/index.html", meta={"cookiejar": "p"})
    mw.process_response(with_jar, Response(with_jar.url, headers={"Set-Cookie": "JSESSIONID=abc; Path=/"}, request=with_jar))
    api = scrapy.Request(f"{HOST}/api", meta={"cookiejar": "p"})
    mw.process_request(api)
    assert api.headers.get("Cookie") == b"JSESSIONID=abc"
    plain = scrapy.Request(f"{HOST}/col/col1/index.html")
    mw.process_response(plain, Response(plain.url, headers={"Set-Cookie": "X=1; Path=/"}, request=plain))
    other = scrapy.Request(f"{HOST}/api")
    mw.process_request(other)
    assert other.headers.get("Cookie") is None
    other_jar = scrapy.Request(f"{HOST}/api", meta={"cookiejar": "q"})
    mw.process_request(other_jar)
    assert other_jar.headers.get("Cookie") is None   # one jar per portal


def test_user_agent_names_the_contact_and_real_hosts_need_one(monkeypatch):
    from scrapy.exceptions import IgnoreRequest

    from crawler import settings as project
    from crawler.middlewares import ContactUserAgentMiddleware
    monkeypatch.delenv("NIANBAO_CONTACT", raising=False)
    mw = ContactUserAgentMiddleware.from_crawler(_crawler(USER_AGENT=project.USER_AGENT))
    local = scrapy.Request("http://127.0.0.1:8123/col/col1/index.html")
    mw.process_request(local)  # the sample site and tests work without a contact
    assert b"no contact configured" in local.headers[b"User-Agent"]
    with pytest.raises(IgnoreRequest, match="NIANBAO_CONTACT"):
        mw.process_request(scrapy.Request("https://www.hhtz.gov.cn/col/col1487002/index.html"))
    mw = ContactUserAgentMiddleware.from_crawler(_crawler(USER_AGENT=project.USER_AGENT,
                                                          NIANBAO_CONTACT="mailto:ops@example.org"))
    real = scrapy.Request("https://www.hhtz.gov.cn/col/col1487002/index.html")
    mw.process_request(real)
    assert real.headers[b"User-Agent"].decode() == "nianbao/0.1 (+mailto:ops@example.org; archive of 政府信息公开工作年度报告)"
    monkeypatch.setenv("NIANBAO_CONTACT", "https://example.org/crawl")
    mw = ContactUserAgentMiddleware.from_crawler(_crawler(USER_AGENT=project.USER_AGENT))
    assert "https://example.org/crawl" in mw.user_agent


def test_a_refused_request_is_recorded_as_no_contact(tmp_path):
    from twisted.python.failure import Failure

    from crawler.middlewares import NoContact
    sp = make_spider(JpaasSpider, tmp_path, JP_COL)
    req = sp.channel_request(sp.portals["t"], JP_COL, ApiWalk())
    f = Failure(NoContact("no contact: set NIANBAO_CONTACT before crawling www.example.gov.cn"))
    f.request = req
    sp.on_error(f)
    assert sp.test_errors[-1]["kind"] == "no-contact" and JP_COL in sp.listing_failed


def test_registry_accepts_the_cookies_override(tmp_path):
    from crawler.registry import load_registry
    reg = tmp_path / "r.yaml"
    reg.write_text("portals:\n- {id: m, name: 部, region_code: '100000', level: department, family: jpaas, "
                   "listing_urls: ['https://www.miit.gov.cn/col/col1/index.html'], overrides: {cookies: true}}\n",
                   encoding="utf-8")
    [p] = load_registry(reg)
    assert p.overrides["cookies"] is True
    sp = make_spider(JpaasSpider, tmp_path / "s", JP_COL)
    assert sp._meta(p)["cookiejar"] == "m" and "cookiejar" not in sp._meta(sp.portals["t"])
    sp.session_cookies = True   # a whole family on; a portal's `cookies: false` still turns it off
    assert sp._meta(sp.portals["t"])["cookiejar"] == "t"
    p.overrides["cookies"] = False
    assert "cookiejar" not in sp._meta(p)


def test_settings_keep_cookies_off_globally():
    from crawler import settings as project
    assert project.COOKIES_ENABLED is False and "{contact}" in project.USER_AGENT
    s = Settings()
    s.setmodule(project)
    mws = s.getdict("DOWNLOADER_MIDDLEWARES")
    assert mws["crawler.middlewares.PortalCookiesMiddleware"] and mws["scrapy.downloadermiddlewares.useragent.UserAgentMiddleware"] is None
