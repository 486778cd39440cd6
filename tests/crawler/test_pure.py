"""Pure pieces: anti-bot detection, registry validation, URL guard, parsing helpers, store."""
from __future__ import annotations

import os
import re

import pytest
import yaml

from crawler import parsing
from crawler.antibot import detect_block, is_stub
from crawler.middlewares import is_private_host, url_allowed
from crawler.registry import (DEFAULT_REGISTRY, FAMILIES, LEVELS, SAMPLE_REGISTRY, Portal, RegistryError,
                              load_registry, validate_entry)
from crawler.store import PortalState, Store
from tests.crawler.conftest import FIXTURES


def fx(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


# --- anti-bot -------------------------------------------------------------------------------------

@pytest.mark.parametrize("status,headers,body,kind", [
    (412, {"Set-Cookie": "FSSBBIl1UgzbN7N80S=abc; path=/"}, "antibot/ruishu_412.html", "rs-412"),
    (200, {}, "antibot/ruishu_412.html", "rs-412"),                    # $_ts at 200 is still a challenge
    (412, {}, b"<html></html>", "rs-412"),                             # any 412
    (200, {}, "antibot/wzws.html", "wzws"),
    (307, {"Set-Cookie": "wzws_cid=0f1e2d; path=/"}, b"", "wzws"),
    (521, {"Set-Cookie": "__jsluid_s=12ab; path=/"}, "antibot/jsl_521.html", "jsl-521"),
    (521, {}, "antibot/jsl_521.html", "jsl-521"),
    (200, {"Set-Cookie": "yunsuo_session_verify=0123456789abcdef0123456789abcdef; path=/"}, b"<html></html>", "yunsuo"),
    (200, {}, "antibot/yunsuo.html", "yunsuo"),
    (503, {}, b"<title>Just a moment...</title>", "cloudflare"),
])
def test_detect_block(status, headers, body, kind):
    data = fx(body) if isinstance(body, str) else body
    assert detect_block(status, headers, data) == kind


@pytest.mark.parametrize("status,body", [
    (200, "trs/article.html"), (200, "hanweb/column.html"), (404, b"<h1>404 Not Found</h1>"),
    (500, b"Internal Server Error"), (200, b"%PDF-1.7 ..."), (304, b""),
])
def test_ordinary_answers_are_not_blocks(status, body):
    data = fx(body) if isinstance(body, str) else body
    assert detect_block(status, {"Content-Type": "text/html"}, data) is None


def test_bytes_headers_as_scrapy_gives_them():
    assert detect_block(412, {b"Set-Cookie": [b"FSSBBIl1UgzbN7N80S=x"]}, b"") == "rs-412"


def test_stub():
    assert is_stub(b"<datastore></datastore>")
    assert not is_stub(fx("hanweb/dataproxy.xml"))


# --- registry -------------------------------------------------------------------------------------

def test_real_registry_is_valid_and_large():
    portals = load_registry(DEFAULT_REGISTRY)
    assert len(portals) >= 130
    ids = [p.id for p in portals]
    assert len(ids) == len(set(ids))
    for p in portals:
        assert p.family in FAMILIES and p.level in LEVELS
        assert re.fullmatch(r"\d{6}", p.region_code), p.id
        assert p.listing_urls and all(u.startswith(("http://", "https://")) for u in p.listing_urls)
        assert not p.allow_private, p.id  # only the sample registry may fetch loopback
        host = p.listing_urls[0].split("/")[2].split(":")[0]
        assert host.endswith(".gov.cn") or re.fullmatch(r"[\d.]+", host) or host == "shanghai.gov.cn", p.id
    fams = {p.family for p in portals}
    # the spec names no annual-report column URL of these API families yet (cms-families-more.md §3c, §6a, §6b)
    without_real_portal = {"xxgk", "epoint", "truecms"}
    assert fams == set(FAMILIES) - without_real_portal


def test_registry_env_var(monkeypatch):
    monkeypatch.setenv("NIANBAO_REGISTRY", str(SAMPLE_REGISTRY))
    monkeypatch.setenv("NIANBAO_SAMPLE_BASE", "http://127.0.0.1:9")
    ps = load_registry()
    assert ps[0].listing_urls[0].startswith("http://127.0.0.1:9/")
    assert all(p.allow_private for p in ps)


def test_sample_registry_needs_a_base(monkeypatch):
    monkeypatch.delenv("NIANBAO_SAMPLE_BASE", raising=False)
    with pytest.raises(RegistryError, match="base URL"):
        load_registry(SAMPLE_REGISTRY)


def test_committed_sample_registry_matches_the_generated_one(site):
    assert yaml.safe_load(SAMPLE_REGISTRY.read_text(encoding="utf-8")) == \
        yaml.safe_load(site.registry_path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("entry,problem", [
    ({"id": "x", "name": "n", "region_code": "11010", "level": "county", "family": "trs", "listing_urls": ["http://a"]}, "6 digits"),
    ({"id": "x", "name": "n", "region_code": "110101", "level": "village", "family": "trs", "listing_urls": ["http://a"]}, "bad level"),
    ({"id": "x", "name": "n", "region_code": "110101", "level": "county", "family": "dede", "listing_urls": ["http://a"]}, "unknown family"),
    ({"id": "X Y", "name": "n", "region_code": "110101", "level": "county", "family": "trs", "listing_urls": ["http://a"]}, "bad id"),
    ({"id": "x", "name": "n", "region_code": "110101", "level": "county", "family": "trs", "listing_urls": []}, "non-empty"),
    ({"id": "x", "name": "n", "region_code": "110101", "level": "county", "family": "trs", "listing_urls": ["ftp://a"]}, "not http"),
    ({"id": "x", "name": "n", "region_code": "110101", "level": "county", "family": "trs", "listing_urls": ["http://a"],
      "overrides": {"speed": 3}}, "unknown overrides"),
])
def test_validate_entry(entry, problem):
    assert any(problem in p for p in validate_entry(entry))


# --- URL guard ------------------------------------------------------------------------------------

def _portal(urls, **ov):
    return Portal(id="p", name="n", region_code="110101", level="county", family="trs", listing_urls=urls, overrides=ov)


def test_url_guard():
    real = _portal(["http://www.example.gov.cn/nb/"], attachment_hosts=["files.example.gov.cn"])
    assert url_allowed("http://www.example.gov.cn/a.pdf", real) is None
    assert url_allowed("http://files.example.gov.cn/a.pdf", real) is None
    assert "offsite" in url_allowed("http://mirror.example.com/a.pdf", real)
    assert "scheme" in url_allowed("ftp://www.example.gov.cn/a.pdf", real)
    loop = _portal(["http://127.0.0.1:8000/nb/"])
    assert "private" in url_allowed("http://127.0.0.1:8000/a.pdf", loop)       # a real portal: refused
    sample = _portal(["http://127.0.0.1:8000/nb/"], allow_private=True)
    assert url_allowed("http://127.0.0.1:8000/a.pdf", sample) is None          # the sample registry: allowed
    assert "offsite" in url_allowed("http://127.0.0.1:9000/a.pdf", sample)     # another port is another host


@pytest.mark.parametrize("url,private", [
    ("http://127.0.0.1/", True), ("http://10.1.2.3/", True), ("http://192.168.0.1:88/", True),
    ("http://localhost:8000/", True), ("http://[::1]/", True), ("http://169.254.1.1/", True),
    ("http://180.76.149.248:88/book/", False), ("http://www.gov.cn/", False),
])
def test_private_hosts(url, private):
    assert is_private_host(url) is private


# --- parsing --------------------------------------------------------------------------------------

@pytest.mark.parametrize("title,ok", [
    ("XX局2023年政府信息公开工作年度报告", True), ("2023年度政府信息公开年报", True),
    ("西藏自治区审计厅2025年政务信息公开工作开展年度报告", True),
    ("XX市2024年政府工作报告", False), ("关于开展政务公开培训的通知", False), ("", False),
    ("关于2025年度预算公开的说明", False),
])
def test_report_titles(title, ok):
    assert parsing.is_report_title(title) is ok


def test_year_hint_and_years():
    assert parsing.year_hint("XX局2023年政府信息公开工作年度报告") == 2023
    assert parsing.year_hint("政府信息公开工作年度报告", "2024-01-20") == 2023
    assert parsing.parse_years("2022-2024") == (2022, 2024)
    assert parsing.parse_years("2023") == (2023, 2023)
    assert parsing.parse_years([2024, 2022, 2023]) == (2022, 2024)
    assert parsing.parse_years(None) is None
    with pytest.raises(ValueError):
        parsing.parse_years("last year")
    assert parsing.find_date("发布时间：2024年1月29日") == "2024-01-29"


# --- store ----------------------------------------------------------------------------------------

def test_store_write_once_and_state(tmp_path):
    st = Store(tmp_path)
    sha, rel, new = st.put(b"%PDF-1.7 x")
    assert new and rel == f"sha256/{sha[:2]}/{sha[2:4]}/{sha}"
    assert st.put(b"%PDF-1.7 x") == (sha, rel, False)
    assert not os.access(st.path(sha), os.W_OK) or os.geteuid() == 0
    assert not (st.path(sha).stat().st_mode & 0o222)
    s = PortalState(tmp_path, "p")
    s.listings["u"] = {"etag": '"1"'}
    s.save()
    assert PortalState(tmp_path, "p").listings == {"u": {"etag": '"1"'}}
    assert (tmp_path / "crawl" / "state" / "p.json").exists()


def test_redirect_loop_is_an_error_not_a_silent_drop():
    from scrapy import Request
    from scrapy.exceptions import IgnoreRequest
    from scrapy.http import Response

    from crawler.middlewares import RedirectLoopMiddleware

    mw = RedirectLoopMiddleware()
    req = Request("http://h/b", meta={"redirect_urls": ["http://h/a"]})
    with pytest.raises(IgnoreRequest, match="redirect loop"):
        mw.process_response(req, Response("http://h/b", status=302, headers={"Location": "/a"}), None)
    ok = Response("http://h/b", status=302, headers={"Location": "/c"})
    assert mw.process_response(req, ok, None) is ok


def test_retry_gaps_double_up_to_a_cap(tmp_path):
    from crawler.store import RETRY_GAP_CAP, PortalState, retry_gap

    assert [retry_gap(k) for k in (1, 2, 3, 4)] == [1, 2, 4, 8]
    assert [retry_gap(k, first=2) for k in (1, 2, 3)] == [2, 4, 8]
    assert retry_gap(40) == RETRY_GAP_CAP
    st = PortalState(tmp_path, "p")
    st.begin_night()
    st.details = {"a": {"done": False, "retry_at": 3}, "b": {"done": False, "failures": 1}}   # b: an old state
    assert (st.detail_due("a"), st.detail_due("b"), st.detail_due("new")) == (False, True, True)
    st.save()
    again = PortalState(tmp_path, "p")
    again.begin_night()
    again.begin_night()
    assert again.night == 3 and again.detail_due("a")
