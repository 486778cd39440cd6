"""End to end over real HTTP on 127.0.0.1: the crawler (as subprocesses, like production) finds
exactly the reports the sample site holds, records every failure kind and goes on, and a night
with nothing new costs one (conditional) request per portal, except the documented cases below,
and downloads nothing; a report published between nights is still found."""
from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from crawler.runner import crawl
from crawler.store import Store
from extract.sniff import sniff
from nianbao.demo.sample_site.generate import load_site
from tests.crawler.conftest import read_jsonl

# sample portals of the API-listed families -> requests on a night with nothing new
API_PORTALS = {"sample-jpaas": 1, "sample-jpaas-session": 2, "sample-xxgk": 1, "sample-epoint": 1, "sample-truecms": 1}
# a quiet night costs one request per portal (a conditional listing, the remembered API page, a
# challenge answer), except:
QUIET_EXCEPTIONS = {"sample-jpaas-session": 2}   # `cookies: true`: the channel page for its cookie, then the API
# the night after a failure, the failed report page is asked once more (back-off: after 1, 2, 4 … nights)
RETRIED_ON_NIGHT_2 = {"sample-trs-hongze": 1,   # the dead link (404)
                      "sample-snowflake": 2}    # the report page whose "PDF" is an HTML error page, and that file


def annual_view_years(site) -> tuple[list[int], list[int]]:
    """sample-hanweb-annual's per-year views without a report in the default year range: (years
    asked every night: the current and previous calendar year; older years, asked after 2, 4 … nights)."""
    this = date.today().year
    spec = next(p for p in load_site()["portals"] if p["id"] == "sample-hanweb-annual")
    empty = [y for y in range(this - 5, this) if y not in spec["annual_view"]["years"]]
    return [y for y in empty if y >= this - 1], [y for y in empty if y < this - 1]


@pytest.fixture(scope="module")
def nights(site, tmp_path_factory):
    """Four crawls over the same data folder: three nights, and a full re-walk."""
    data = tmp_path_factory.mktemp("data")
    out = {}
    for name, full in (("first", False), ("second", False), ("third", False), ("full", True)):
        site.server.clear_log()
        run = crawl(None, None, full, name, data, registry_path=site.registry_path, base_url=site.base_url)
        out[name] = {"run": run, "manifest": read_jsonl(run / "manifest.jsonl"), "health": {
            h["portal"]: h for h in read_jsonl(run / "health.jsonl")}, "log": list(site.server.log)}
    out["data"] = data
    return out


def _truth_pairs(truth):
    return Counter((pid, d["sha256"], d["role"], d["url"]) for pid, docs in truth.items() for d in docs)


def test_first_crawl_finds_exactly_the_reports_the_site_holds(site, nights):
    man = nights["first"]["manifest"]
    got = Counter((r["portal"], r["sha256"], r["role"], r["url"][len(site.base_url):]) for r in man)
    assert got == _truth_pairs(site.truth)


def test_provenance_of_each_document(site, nights):
    store = Store(nights["data"])
    truth = {d["sha256"]: d for docs in site.truth.values() for d in docs}
    for r in nights["first"]["manifest"]:
        t = truth[r["sha256"]]
        assert store.path(r["sha256"]).read_bytes()[:4] == open(store.path(r["sha256"]), "rb").read(4)
        assert r["store_path"] == f"sha256/{r['sha256'][:2]}/{r['sha256'][2:4]}/{r['sha256']}"
        assert (Path(nights["data"]) / "store" / r["store_path"]).stat().st_size == r["size"]
        assert r["http_status"] == 200 and r["fetched_at"].endswith("Z")
        assert r["listing_url"].startswith(site.base_url) and r["detail_url"].startswith(site.base_url)
        assert r["year_hint"] == t["year"], r
        assert r["format"] == sniff(store.path(r["sha256"]).read_bytes()).kind
        assert r["format"] == {"pdf": "pdf", "docx": "docx", "html": "html", "html-gbk": "html"}[t["format"]]
        assert r["listing_title"]
        assert "Content-Type" in r["headers"]
        if r["role"] == "attachment":
            assert r["link_text"]
    # the duplicated report: same bytes under two URLs -> one new, one known
    dup = [r for r in nights["first"]["manifest"] if r["portal"] == "sample-trs-xingtai"]
    assert sorted(r["status"] for r in dup) == ["known", "new"]
    assert len({r["sha256"] for r in dup}) == 1


def test_store_is_write_once(nights):
    store = Store(nights["data"])
    for r in nights["first"]["manifest"]:
        p = store.path(r["sha256"])
        assert not (p.stat().st_mode & 0o222)


def test_gbk_page_stored_as_served(site, nights):
    rec = next(r for r in nights["first"]["manifest"] if r["portal"] == "sample-generic-gbk" and r["role"] == "detail")
    data = Store(nights["data"]).path(rec["sha256"]).read_bytes()
    assert "西青区教育局".encode("gb18030") in data  # GBK bytes kept; extract decodes them
    assert rec["listing_title"].startswith("西青区教育局2020年")  # the GBK listing was decoded right


def test_every_failure_kind_recorded_and_the_crawl_goes_on(nights):
    h = nights["first"]["health"]
    assert h["sample-blocked-rs"]["blocked"]["kind"] == "rs-412"
    assert h["sample-blocked-wzws"]["blocked"]["kind"] == "wzws"
    assert h["sample-blocked-jsl"]["blocked"]["kind"] == "jsl-521"
    assert h["sample-blocked-yunsuo"]["blocked"]["kind"] == "yunsuo"
    for pid in ("sample-blocked-rs", "sample-blocked-wzws", "sample-blocked-jsl", "sample-blocked-yunsuo"):
        assert h[pid]["requests"] == 1 and h[pid]["new_documents"] == 0 and h[pid]["errors"] == []
    kinds = {(pid, e["kind"]) for pid, x in h.items() for e in x["errors"]}
    assert ("sample-trs-hongze", "http-404") in kinds          # dead link
    assert ("sample-snowflake", "rejected") in kinds           # HTML error page under a .pdf name
    assert ("sample-snowflake", "offsite") in kinds            # a host outside the registry: refused, not fetched
    assert h["sample-snowflake"]["rejected"] == 1
    # the same portals still delivered their other reports
    assert h["sample-trs-hongze"]["new_documents"] == 2 and h["sample-snowflake"]["new_documents"] == 2
    for x in h.values():
        assert {"portal", "started_at", "finished_at", "requests", "bytes", "new_documents", "known_documents",
                "errors", "blocked"} <= set(x)
    assert not any("example.gov.cn" in p for _, p, _, _ in nights["first"]["log"])


def _expected_quiet(site, night: str) -> dict[str, int]:
    recent, older = annual_view_years(site)
    out = {p.id: QUIET_EXCEPTIONS.get(p.id, 1) for p in site.portals()}
    if night == "second":
        for pid, n in RETRIED_ON_NIGHT_2.items():
            out[pid] += n
        out["sample-hanweb-annual"] = len(recent)
    else:  # third: the failed pages wait 2 nights now; the older empty years come due (2 nights after night 1)
        out["sample-hanweb-annual"] = len(recent) + len(older)
    return out


@pytest.mark.parametrize("night", ["second", "third"])
def test_a_quiet_night_is_one_request_per_portal_and_downloads_nothing(site, nights, night):
    quiet = nights[night]
    assert quiet["manifest"] == []
    assert sum(x["new_documents"] for x in quiet["health"].values()) == 0
    got = {pid: x["requests"] for pid, x in quiet["health"].items()}
    assert got == _expected_quiet(site, night)
    # what the server saw is what the crawler counted (robots.txt aside)
    assert len([p for _, p, _, _ in quiet["log"] if p != "/robots.txt"]) == sum(got.values())
    # static listings answer 304; an API family's first page is a (small) 200 answer
    assert sum(x["bytes"] for pid, x in quiet["health"].items() if pid not in API_PORTALS) < 6000
    assert all(quiet["health"][pid]["bytes"] < 3000 for pid in API_PORTALS)
    statuses = Counter(s for _, p, s, _ in quiet["log"] if p != "/robots.txt")
    static = [p for p in site.portals() if p.id not in API_PORTALS and "{year}" not in p.listing_urls[0]
              and not quiet["health"][p.id]["blocked"]]
    assert statuses[304] == len(static) >= 10   # every static listing answered "not modified"
    # the dead link and the fake PDF are retried on night 2 only (next: 2 nights later)
    retried = [p for _, p, _, _ in quiet["log"] if "t20230128_5316801" in p or "1510124050167522476" in p]
    assert len(retried) == (2 if night == "second" else 0), retried


def test_api_families_second_night_one_request_for_the_first_page(site, nights):
    """JPaaS, xxgk, Epoint, truecms: the remembered first API page only (the session portal also
    asks its channel page for the cookie), stopping at the newest item already known."""
    h = nights["second"]["health"]
    for pid, expected in API_PORTALS.items():
        assert h[pid]["requests"] == expected and h[pid]["errors"] == [], (pid, h[pid])
        assert nights["first"]["health"][pid]["errors"] == [], pid
    log = [p for _, p, _, _ in nights["second"]["log"]]
    assert not any("/art/" in p or "/content/" in p or "/xxgk/004001/" in p for p in log), log
    # the API families stayed on the portal's list: the 图解 article of another column never fetched
    assert not any("art_1229107_" in p for _, p, _, _ in nights["first"]["log"])


def test_full_recrawl_refetches_and_marks_everything_known(site, nights):
    full = nights["full"]["manifest"]
    assert len(full) == len(nights["first"]["manifest"])
    assert {r["status"] for r in full} == {"known"}


def test_a_crawl_that_times_out_still_reports_every_portal(tmp_path):
    from crawler.registry import SAMPLE_REGISTRY

    run = crawl(["sample-trs-xingtai", "sample-gd"], (2022, 2024), False, "killed", tmp_path,
                registry_path=SAMPLE_REGISTRY, base_url="http://127.0.0.1:9", timeout=0.5)
    h = {x["portal"]: x for x in read_jsonl(run / "health.jsonl")}
    assert set(h) == {"sample-trs-xingtai", "sample-gd"}
    assert all(x["errors"][0]["kind"] == "crawler-failed" for x in h.values())
    assert (run / "manifest.jsonl").exists()


def test_an_api_item_published_between_nights_costs_one_list_request(site, tmp_path):
    """JPaaS: a report that appears on top of page 1 after the first night is found by the one
    remembered API request, then fetched (its page and attachment); nothing else is asked."""
    api_path = "/api-gateway/jpaas-publish-server/front/page/build/unit"
    unit = site.server.routes["jpaas"][api_path]["lists"]["2945|1487002"]
    items = list(unit["items"])
    report = next(i for i in items if "2024年政府信息公开工作年度报告" in i)
    try:
        unit["items"] = [i for i in items if i is not report]   # not published yet
        crawl(["sample-jpaas"], None, False, "before", tmp_path, registry_path=site.registry_path, base_url=site.base_url)
        unit["items"] = items                                       # published: on top of page 1 again
        site.server.clear_log()
        run = crawl(["sample-jpaas"], None, False, "after", tmp_path, registry_path=site.registry_path,
                    base_url=site.base_url)
        log = [p for _, p, _, _ in site.server.log if p != "/robots.txt"]
    finally:
        unit["items"] = items
    [doc] = read_jsonl(run / "manifest.jsonl")
    assert doc["status"] == "new" and doc["year_hint"] == 2024 and doc["role"] == "attachment"
    assert sum(p.startswith(api_path) for p in log) == 1 and len(log) == 3, log   # list page, report page, file


@pytest.mark.parametrize("pid,listing_path", [
    ("sample-fujian", "/fj/fgw/zfxxgkzl/zfxxgkndbg/"),
    ("sample-fujian-was5", "/fj/jyt/zwgk/zfxxgkndbg/"),
    ("sample-ucap", "/ucap/shuyang/syssfj/zfxxgknb/xxgk_list.shtml"),
    ("sample-vsb", "/vsb/wushan/xxgk/zfxxgknb.htm"),
])
def test_api_and_script_families_exact_then_one_conditional_request(site, nights, pid, listing_path):
    first = [r for r in nights["first"]["manifest"] if r["portal"] == pid]
    assert sorted((r["sha256"], r["url"][len(site.base_url):]) for r in first) == \
        sorted((d["sha256"], d["url"]) for d in site.truth[pid])
    assert nights["first"]["health"][pid]["new_documents"] == len(site.truth[pid]) > 0
    second = nights["second"]["health"][pid]
    assert second["requests"] == 1 and second["not_modified"] == 1 and second["new_documents"] == 0
    assert [r for r in nights["second"]["manifest"] if r["portal"] == pid] == []
    assert (("GET", listing_path, 304) in {(m, p, s) for m, p, s, _ in nights["second"]["log"]})
    # another department's report linked from the Ucap list is never fetched
    assert not any("/sytjj/" in p for _, p, _, _ in nights["first"]["log"])


def _report_page(title: str, day: str) -> bytes:
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><meta name="ArticleTitle" content="{title}">'
            f'<meta name="PubDate" content="{day}"><title>{title}</title></head><body><div id="zoom">'
            f"<p>一、总体情况</p><p>二、主动公开政府信息情况</p><p>三、收到和处理政府信息公开申请情况</p>"
            f"<table><tr><td>依申请公开</td></tr></table></div></body></html>").encode("utf-8")


@pytest.fixture()
def publish(site, monkeypatch):
    """``publish(raw_path, body)``: the sample server answers ``raw_path`` (path and query) with
    ``body`` from now on (an ETag of its bytes, 304 to a matching If-None-Match), as a portal does
    when it publishes a page or changes its listing. Gone after the test."""
    import hashlib

    pages: dict[str, bytes] = {}
    original = site.server.answer

    def answer(method, raw_path, headers, body):
        if raw_path in pages:
            data = pages[raw_path]
            etag = '"' + hashlib.sha1(data).hexdigest()[:16] + '"'
            h = {"Content-Type": "text/html; charset=utf-8", "ETag": etag}
            return (304, h, b"") if headers.get("If-None-Match") == etag else (200, h, data)
        return original(method, raw_path, headers, body)

    monkeypatch.setattr(site.server, "answer", answer)
    return pages.__setitem__


def _night(site, pid, name, data):
    site.server.clear_log()
    run = crawl([pid], None, False, name, data, registry_path=site.registry_path, base_url=site.base_url)
    return read_jsonl(run / "manifest.jsonl"), [p for _, p, _, _ in site.server.log if p != "/robots.txt"]


def test_a_report_added_to_a_static_listing_is_found_the_next_night(site, publish, tmp_path):
    """TRS: the changed listing answers 200 instead of 304; only the new report page (and the next
    listing page, which brings nothing new) is asked."""
    listing = "/trs/xingtai/zfxxgk/zfxxgknb/"
    _night(site, "sample-trs-xingtai", "n1", tmp_path)
    _, _, before = site.server.answer("GET", listing, {}, b"")
    new = "/trs/xingtai/zfxxgk/zfxxgknb/202601/t20260120_9000001.html"
    title = f"邢台市人民政府办公室{date.today().year - 1}年政府信息公开工作年度报告"
    publish(listing, before.replace(b"<ul>\n", f'<ul>\n<li><a href=".{new[len(listing) - 1:]}" title="{title}">'
                                              f"{title}</a><b>2026-01-20</b></li>\n".encode(), 1))
    publish(new, _report_page(title, "2026-01-20"))
    man, log = _night(site, "sample-trs-xingtai", "n2", tmp_path)
    assert [(r["url"][len(site.base_url):], r["status"]) for r in man] == [(new, "new")]
    assert log[:1] == [listing] and new in log and len(log) <= 3, log
    man, log = _night(site, "sample-trs-xingtai", "n3", tmp_path)
    assert man == [] and log == [listing]   # quiet again: the new listing answers 304


def test_annual_view_reports_published_later_are_found(site, publish, tmp_path):
    """Hanweb xxgkAnnualReport.jsp: the previous year's view is asked every night (found the next
    night); an older year still empty is asked after 2, 4 … nights (found when it comes due)."""
    pid = "sample-hanweb-annual"
    recent, older = annual_view_years(site)
    jsp = "/module/xxgk/xxgkAnnualReport.jsp?area=11371003MB1234567X&fbtime={}"
    _night(site, pid, "n1", tmp_path)
    late = older[-1]
    publish(jsp.format(recent[-1]), _report_page(f"文登区信访局{recent[-1]}年政府信息公开工作年度报告", "2026-01-20"))
    publish(jsp.format(late), _report_page(f"文登区信访局{late}年政府信息公开工作年度报告", "2026-02-02"))
    man, log = _night(site, pid, "n2", tmp_path)
    assert sorted(log) == sorted(jsp.format(y) for y in recent), log
    assert [r["url"][len(site.base_url):] for r in man] == [jsp.format(recent[-1])]
    man, log = _night(site, pid, "n3", tmp_path)    # the older empty years come due
    assert sorted(log) == sorted(jsp.format(y) for y in older)
    assert [r["url"][len(site.base_url):] for r in man] == [jsp.format(late)]
    man, log = _night(site, pid, "n4", tmp_path)    # found years are done; the still-empty ones wait 4 nights
    assert man == [] and log == []


def test_a_failed_report_page_back_off_and_recovery(site, publish, tmp_path):
    """The dead link of sample-trs-hongze: asked again after 1 night, then after 2; when it comes
    back it is found on the night it is due."""
    pid, dead = "sample-trs-hongze", "/trs/hongze/zwgk/zfxxgknb/202301/t20230128_5316801.shtml"
    asked = []
    for night in ("n1", "n2", "n3"):
        _, log = _night(site, pid, night, tmp_path)
        asked.append(dead in log)
    assert asked == [True, True, False]
    publish(dead, _report_page("洪泽区2022年政府信息公开工作年度报告", "2023-01-28"))
    man, log = _night(site, pid, "n4", tmp_path)    # 2 nights after the second failure
    assert dead in log and [r["url"][len(site.base_url):] for r in man] == [dead]
