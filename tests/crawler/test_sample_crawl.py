"""End to end over real HTTP on 127.0.0.1: the crawler (as subprocesses, like production) finds
exactly the reports the sample site holds, records every failure kind and goes on, and a second
crawl with nothing new costs about one request per listing and downloads nothing."""
from __future__ import annotations

from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from crawler.runner import crawl
from crawler.store import Store
from extract.sniff import sniff
from tests.crawler.conftest import read_jsonl

# sample portals of the API-listed families -> requests on a night with nothing new
API_PORTALS = {"sample-jpaas": 1, "sample-jpaas-session": 2, "sample-xxgk": 1, "sample-epoint": 1, "sample-truecms": 1}


@pytest.fixture(scope="module")
def nights(site, tmp_path_factory):
    """Three crawls over the same data folder: first night, second night, and a full re-walk."""
    data = tmp_path_factory.mktemp("data")
    out = {}
    for name, full in (("first", False), ("second", False), ("full", True)):
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


def test_second_night_costs_about_one_request_per_listing_and_downloads_nothing(site, nights):
    second = nights["second"]
    assert second["manifest"] == []
    assert sum(x["new_documents"] for x in second["health"].values()) == 0
    # static listings answer 304; an API family's first page is a (small) 200 answer
    assert sum(x["bytes"] for pid, x in second["health"].items() if pid not in API_PORTALS) < 6000
    assert all(second["health"][pid]["bytes"] < 3000 for pid in API_PORTALS)
    listings = sum(len(p.listing_urls) for p in site.portals() if "{year}" not in p.listing_urls[0])
    annual = 4  # xxgkAnnualReport.jsp: the years without a report are asked again (2022 is done)
    retried = 3  # failed report pages are retried (404, the fake PDF page and its attachment)
    sessions = sum(1 for p in site.portals() if p.overrides.get("cookies"))  # channel page first, for its cookie
    paths = [p for _, p, _, _ in second["log"] if p != "/robots.txt"]
    assert len(paths) <= listings + annual + retried + sessions, paths
    statuses = Counter(s for _, p, s, _ in second["log"] if p != "/robots.txt")
    assert statuses[304] >= 6
    first_req = sum(x["requests"] for x in nights["first"]["health"].values())
    assert sum(x["requests"] for x in second["health"].values()) < first_req / 2.5


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
