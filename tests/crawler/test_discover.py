"""Discovery: the sample city hierarchy, the polite fetcher, the registry edits, `family: auto`."""
from __future__ import annotations

import json
import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import yaml
from click.testing import CliRunner

from crawler.discovery import pages, regions
from crawler.discovery.auto import resolve_auto
from crawler.discovery.crawl import discover, host_rule, site_domain
from crawler.discovery.fetch import PoliteFetcher
from crawler.discovery.registry_edit import learn_detections, seed_entry
from crawler.registry import DEFAULT_REGISTRY, load_registry, validate_entry
from nianbao.cli import main


def _truth(site) -> dict:
    return json.loads((site.site_dir / "hierarchy.json").read_text(encoding="utf-8"))


def _discover(site, start_path="/huaian/", **kw):
    start = site.base_url + start_path
    fetcher = PoliteFetcher(allow_private=True, host_allowed=host_rule(start), delay=0)
    return discover(start, fetcher.get, **kw), fetcher


@pytest.mark.parametrize("start_path", ["/huaian/", "/huaian/zfxxgk/"])
def test_finds_every_column_and_nothing_else(site, start_path):
    result, fetcher = _discover(site, start_path)
    truth = _truth(site)["columns"]
    got = {c.listing_urls[0].replace(site.base_url, ""): c for c in result.candidates}
    assert sorted(got) == sorted(t["path"] for t in truth)
    for t in truth:
        c = got[t["path"]]
        assert (c.name, c.family, c.region_code, c.level) == (t["name"], t["family"], t["region_code"], t["level"])
        assert c.evidence["link_text"] and c.evidence["found_on"].startswith(site.base_url)
    assert len({c.id for c in result.candidates}) == len(result.candidates)
    assert all(u.startswith(site.base_url) for u in fetcher.requested)   # never left the start host
    assert not any("gsxt" in u or "/tjnb/" in u for u in fetcher.requested)


def test_parents_and_units(site):
    result, _ = _discover(site)
    by_name = {c.name: c for c in result.candidates}
    assert by_name["淮安市人民政府"].parent == "320000"                     # city -> province
    assert by_name["清江浦区人民政府"].parent == "320800"                   # district -> city
    assert by_name["淮安市教育局"].parent == "320800"                       # department -> its government
    assert by_name["淮安市教育局"].evidence["unit_path"] == "淮安市人民政府 > 淮安市教育局"
    assert by_name["淮安市生态环境局"].evidence["cms"] == "vsb"
    assert "淮安市统计局" not in by_name and not any("涟水" in n for n in by_name)


def test_depth_limits_the_walk(site):
    result, _ = _discover(site, depth=2)
    assert {c.name for c in result.candidates} == {"淮安市人民政府"}


def test_a_walled_start_is_an_error_not_a_crash(site):
    result, _ = _discover(site, "/rs/zfxxgknb/")
    assert not result.candidates and "rs-412" in result.errors[0]["error"]


def test_host_rule():
    allowed = host_rule("https://www.huaian.gov.cn/", extra_hosts=["jyj.jiangsu.gov.cn"])
    assert allowed("https://jyj.huaian.gov.cn/col/col1/index.html")       # the same government's hosts
    assert allowed("https://jyj.jiangsu.gov.cn/")                          # a registry host
    assert not allowed("http://www.gsxt.gov.cn/")                          # another government
    assert not allowed("https://huaian.gov.cn.example.com/")
    assert not host_rule("http://127.0.0.1:8000/")("http://127.0.0.2:8000/")
    assert site_domain("www.mof.gov.cn") == "mof.gov.cn"


@pytest.mark.parametrize("text,url,ok", [
    ("政府信息公开年报", "http://a/zfxxgknb/", True),
    ("政府信息公开工作年度报告", "http://a/col/col1/index.html", True),
    ("年度报告", "http://a/ndbg.htm", True),
    ("信息公开年报专栏", "http://a/nb/", True),
    ("2023年政府信息公开工作年度报告", "http://a/nb/202401/t20240129_1.html", False),   # one report
    ("2023年度报告", "http://a/nb/2023n/", True),                                      # a per-year listing
    ("统计年报", "http://a/tjnb/", False),
    ("企业年报公示", "http://a/qynb/", False),
    ("法治政府建设年度报告", "http://a/fzzf/", False),
    ("年报", "http://a/files/nb.pdf", False),
])
def test_column_text(text, url, ok):
    assert pages.is_column_text(text, url) is ok


def test_unit_and_nav_text():
    assert pages.is_unit_text("市发展和改革委员会") and pages.is_unit_text("清江浦区") and pages.is_unit_text("钦工镇")
    assert not pages.is_unit_text("新闻中心") and not pages.is_unit_text("政府信息公开")
    assert pages.is_nav_text("部门信息公开") and pages.is_nav_text("政府信息公开目录")
    assert not pages.is_nav_text("政府信息公开指南") and not pages.is_nav_text("依申请公开")
    assert pages.unit_name_from_title("政府信息公开-淮安市人民政府") == "淮安市人民政府"
    assert pages.unit_name_from_title("淮安市人民政府门户网站") == "淮安市人民政府"


def test_region_codes_come_from_the_division_dataset():
    assert regions.code_for("清江浦区", within="320800") == "320812"
    assert regions.code_for("朝阳区") is None                        # 北京 and 辽宁 both have one
    assert regions.code_for("朝阳区", within="110000") == "110105"
    assert regions.division_level("320000") == "province" and regions.division_level("320800") == "city"
    assert regions.code_for("和安县") is not None                   # a county set up in 2024: the data is current


class _Handler(BaseHTTPRequestHandler):
    seen: list = []

    def do_GET(self):
        _Handler.seen.append((self.path, self.headers.get("User-Agent")))
        if self.path == "/robots.txt":
            body, status, extra = b"User-agent: *\nDisallow: /secret/\n", 200, {}
        elif self.path == "/away":
            body, status, extra = b"", 302, {"Location": "http://www.example.com/x"}
        else:
            body, status, extra = "<html><title>样例</title></html>".encode(), 200, {}
        self.send_response(status)
        for k, v in extra.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *a):
        pass


@pytest.fixture()
def tiny_server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    _Handler.seen = []
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_fetcher_politeness(tiny_server):
    from crawler import settings

    base = tiny_server
    assert "private/loopback" in PoliteFetcher().get(base + "/").error            # refused outside tests
    f = PoliteFetcher(allow_private=True, host_allowed=host_rule(base + "/"), delay=0)
    assert f.get(base + "/").status == 200
    assert f.get(base + "/secret/page.html").error == "disallowed by robots.txt"
    assert "outside the hosts" in f.get(base + "/away").error                     # redirect off the host
    # the project's User-Agent (UTF-8 on the wire; http.server reads headers as latin-1)
    assert all(ua.encode("latin-1").decode("utf-8") == settings.USER_AGENT for _, ua in _Handler.seen)
    assert [p for p, _ in _Handler.seen].count("/robots.txt") == 1 and "/secret/page.html" not in str(_Handler.seen)


def test_registry_accepts_home_only_entries_and_crawls_skip_them():
    assert validate_entry({"id": "x-home", "name": "X", "region_code": "110000", "level": "province",
                           "family": "auto", "home_url": "https://www.beijing.gov.cn/", "seed": True}) == []
    assert validate_entry({"id": "x", "name": "X", "region_code": "110000", "level": "province",
                           "family": "trs"})          # neither listing nor home: still a problem
    every = load_registry(DEFAULT_REGISTRY, include_seeds=True)
    seeds = [p for p in every if p.seed]
    assert len([p for p in seeds if p.level == "province"]) == 31
    assert len([p for p in seeds if p.region_code == "100000"]) >= 25
    assert all(p.needs_discovery and p.family == "auto" and p.home_url for p in seeds)
    crawled = load_registry(DEFAULT_REGISTRY)
    assert not any(p.needs_discovery for p in crawled) and len(crawled) == len(every) - len(seeds)


def test_seed_codes_match_the_dataset():
    for p in load_registry(DEFAULT_REGISTRY, include_seeds=True):
        if p.seed and p.level == "province":
            assert seed_entry(p.name, p.home_url)["region_code"] == p.region_code
            assert regions.division_level(p.region_code) == "province"


def test_cli_discover_review_apply(site, tmp_path):
    reg = tmp_path / "portals.yaml"
    shutil.copy(DEFAULT_REGISTRY, reg)
    with reg.open("a", encoding="utf-8") as fh:   # a seed for the sample city, as the real seeds are written
        fh.write('- {id: huaian-home, name: 淮安市人民政府, region_code: "320800", level: city, family: auto, '
                 f'home_url: "{site.base_url}/huaian/", seed: true}}\n')
    out = tmp_path / "cands.yaml"
    r = CliRunner().invoke(main, ["portals", "discover", site.base_url + "/huaian/", "--registry", str(reg),
                                  "--out", str(out), "--delay", "0", "--allow-private"])
    assert r.exit_code == 0, r.output
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert len(data["candidates"]) == len(_truth(site)["columns"])
    # review: reject one
    for c in data["candidates"]:
        if c["name"] == "淮安市生态环境局":
            c["accept"] = False
    out.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    r = CliRunner().invoke(main, ["portals", "discover", "--apply", str(out), "--registry", str(reg)])
    assert r.exit_code == 0, r.output
    after = {p.id: p for p in load_registry(reg, include_seeds=True)}
    city = after["huaian-home"]                                   # the seed became a portal with its column
    assert not city.seed and city.family == "trs" and city.listing_urls[0].endswith("/huaian/zfxxgk/zfxxgknb/")
    assert not any(p.name == "淮安市生态环境局" for p in after.values())
    jyj = next(p for p in after.values() if p.name == "淮安市教育局")
    assert jyj.family == "hanweb" and jyj.region_code == "320800" and "discovered from" in jyj.overrides["note"]
    assert len(after) == len(load_registry(DEFAULT_REGISTRY, include_seeds=True)) + 1 + 5
    assert reg.read_text(encoding="utf-8").startswith(DEFAULT_REGISTRY.read_text(encoding="utf-8").split("\n", 1)[0])


def test_auto_family_is_detected_recorded_and_learned(site, tmp_path):
    raw = yaml.safe_load(site.registry_path.read_text(encoding="utf-8"))
    wanted = {"sample-trs-xingtai": "trs", "sample-hanweb": "hanweb", "sample-snowflake": "snowflake",
              "sample-blocked-rs": "generic"}
    entries = [e for e in raw["portals"] if e["id"] in wanted]
    lines = ["sample: true\nportals:\n"]
    for e in entries:
        e["family"] = "auto"
        lines.append("- " + yaml.safe_dump(e, allow_unicode=True, default_flow_style=True, width=10**6).strip() + "\n")
    reg = tmp_path / "auto.yaml"
    reg.write_text("".join(lines), encoding="utf-8")
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    portals = load_registry(reg, base_url=site.base_url)
    resolved, resolved_reg = resolve_auto(portals, run_dir, reg)
    assert {p.id: p.family for p in resolved} == wanted
    assert {p.id: p.family for p in load_registry(resolved_reg, base_url=site.base_url)} == wanted
    recs = [json.loads(x) for x in (run_dir / "detections.jsonl").read_text(encoding="utf-8").splitlines()]
    assert next(r for r in recs if r["portal"] == "sample-blocked-rs")["blocked"] == "rs-412"
    changed = learn_detections(run_dir, reg)
    assert changed == {k: v for k, v in wanted.items() if k != "sample-blocked-rs"}   # a wall teaches nothing
    text = reg.read_text(encoding="utf-8")
    assert text.count("family: auto") == 1


def test_a_crawl_of_an_auto_portal_detects_first_then_crawls(site, tmp_path):
    """The runner resolves `family: auto` (run_dir/detections.jsonl) and crawls with the answer."""
    from crawler.runner import crawl
    from tests.crawler.conftest import read_jsonl

    raw = yaml.safe_load(site.registry_path.read_text(encoding="utf-8"))
    entry = next(e for e in raw["portals"] if e["id"] == "sample-snowflake")
    entry["family"] = "auto"
    reg = tmp_path / "auto.yaml"
    reg.write_text(yaml.safe_dump({"sample": True, "portals": [entry]}, allow_unicode=True, sort_keys=False),
                   encoding="utf-8")
    run = crawl(None, None, False, "auto1", tmp_path / "data", registry_path=reg, base_url=site.base_url)
    det = read_jsonl(run / "detections.jsonl")
    assert [(d["portal"], d["family"]) for d in det] == [("sample-snowflake", "snowflake")]
    health = read_jsonl(run / "health.jsonl")
    assert [(h["portal"], h["family"]) for h in health] == [("sample-snowflake", "snowflake")]
    got = sorted(r["sha256"] for r in read_jsonl(run / "manifest.jsonl"))
    assert got == sorted(d["sha256"] for d in site.truth["sample-snowflake"])


def test_apply_replaces_a_seed_once(tmp_path):
    from crawler.discovery.registry_edit import apply_candidates, entry_line

    reg = tmp_path / "r.yaml"
    reg.write_text("portals:\n" + entry_line(seed_entry("北京市人民政府", "https://www.beijing.gov.cn/")), encoding="utf-8")
    cand = {"region_code": "110000", "level": "province", "parent": None, "name": "北京市人民政府",
            "evidence": {"found_on": "https://www.beijing.gov.cn/gongkai/", "cms": "trs"}}
    data = {"candidates": [
        dict(cand, id="110000-beijing", family="trs", listing_urls=["https://www.beijing.gov.cn/gongkai/zfxxgk/gknb/"]),
        dict(cand, id="110000-beijing-2", family="weird", listing_urls=["https://www.beijing.gov.cn/gongkai/nb2/"]),
        dict(cand, id="bad id", family="trs", listing_urls=["ftp://x/"])]}
    cf = tmp_path / "c.yaml"
    cf.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    report = apply_candidates(cf, reg)
    assert report["replaced"] == ["beijing-home"] and report["added"] == ["110000-beijing-2"]
    assert list(report["rejected"]) == ["bad id"]
    got = {p.id: p for p in load_registry(reg, include_seeds=True)}
    assert got["beijing-home"].listing_urls == ["https://www.beijing.gov.cn/gongkai/zfxxgk/gknb/"]
    assert got["beijing-home"].home_url == "https://www.beijing.gov.cn/" and not got["beijing-home"].seed
    assert got["110000-beijing-2"].family == "generic"         # an unknown family crawls as generic


def test_discover_is_io_free_and_templates_the_hanweb_year_view():
    """The walk only calls `fetch`: a dict of pages is enough. A 年报 link to Hanweb's
    xxgkAnnualReport.jsp becomes a per-year listing URL ({year})."""
    from crawler.discovery.fetch import Fetched

    site = {
        "http://www.tx.gov.cn/": '<title>桐乡市人民政府</title><a href="/xxgk/">政府信息公开</a>',
        "http://www.tx.gov.cn/xxgk/": '<a href="/module/xxgk/xxgkAnnualReport.jsp?area=113304830025582868&fbtime=2023">'
                                      '政府信息公开年报</a>',
        "http://www.tx.gov.cn/module/xxgk/xxgkAnnualReport.jsp?area=113304830025582868&fbtime=2023":
            "<html><body><div id='zoom'>一、总体情况</div></body></html>",
    }
    asked = []

    def fetch(url):
        asked.append(url)
        return Fetched(url, 200, {"Content-Type": "text/html; charset=utf-8"}, site[url].encode()) if url in site \
            else Fetched(url, 404)

    result = discover("http://www.tx.gov.cn/", fetch)
    (c,) = result.candidates
    assert c.listing_urls == ["http://www.tx.gov.cn/module/xxgk/xxgkAnnualReport.jsp?area=113304830025582868&fbtime={year}"]
    assert (c.name, c.region_code, c.level, c.family, c.evidence["cms"]) == ("桐乡市人民政府", "330483", "county",
                                                                             "hanweb", "hanweb-annual")
    assert set(asked) == set(site)


def test_home_column_for_a_home_only_entry(site):
    """What a crawl calls for a seed: the home unit's own column, not its departments'."""
    from crawler.discovery.auto import home_column
    from crawler.registry import Portal

    seed = Portal(id="huaian-home", name="淮安市人民政府", region_code="320800", level="city", family="auto",
                  listing_urls=[], home_url=site.base_url + "/huaian/", seed=True, overrides={"allow_private": True})
    fetcher = PoliteFetcher(allow_private=True, host_allowed=host_rule(seed.home_url), delay=0)
    got = home_column(seed, fetch=fetcher.get)
    assert got["listing_urls"] == [site.base_url + "/huaian/zfxxgk/zfxxgknb/"] and got["family"] == "trs"
    assert len(fetcher.requested) < 15


def _home_registry(site, tmp_path):
    """The sample registry's snowflake portal plus three home-only entries of the 淮安 hierarchy:
    the city (not a seed: crawled), 市教育局 (a seed: only when asked for), 涟水县 (no column)."""
    raw = yaml.safe_load(site.registry_path.read_text(encoding="utf-8"))
    snowflake = next(e for e in raw["portals"] if e["id"] == "sample-snowflake")
    local = "{allow_private: true, delay: 0}"
    reg = tmp_path / "homes.yaml"
    reg.write_text("sample: true\nportals:\n"
                   "- " + yaml.safe_dump(snowflake, allow_unicode=True, default_flow_style=True, width=10**6).strip() + "\n"
                   '- {id: huaian-home, name: 淮安市人民政府, region_code: "320800", level: city, family: auto, '
                   f'home_url: "{{base}}/huaian/", overrides: {local}}}\n'
                   '- {id: huaian-jyj-home, name: 淮安市教育局, region_code: "320800", level: department, family: auto, '
                   f'home_url: "{{base}}/huaian/bm/jyj/", seed: true, overrides: {local}}}\n'
                   '- {id: lianshui-home, name: 淮安市涟水县人民政府, region_code: "320826", level: county, family: auto, '
                   f'home_url: "{{base}}/huaian/ls/", overrides: {local}}}\n', encoding="utf-8")
    return reg


def test_a_crawl_discovers_the_column_of_a_home_only_entry_and_learns_it(site, tmp_path):
    """Non-seed home-only entries are resolved by discovery before the spiders start, crawled in
    the same run, recorded in detections.jsonl and learned into the registry; seeds wait."""
    from crawler.runner import crawl
    from tests.crawler.conftest import read_jsonl

    reg = _home_registry(site, tmp_path)
    site.server.clear_log()
    run = crawl(None, None, False, "homes", tmp_path / "data", registry_path=reg, base_url=site.base_url)
    det = {d["portal"]: d for d in read_jsonl(run / "detections.jsonl")}
    assert set(det) == {"huaian-home", "lianshui-home"}                 # the seed was not touched
    city = det["huaian-home"]
    assert city["discovered"] and city["family"] == "trs" and city["error"] is None
    assert city["listing_urls"] == [site.base_url + "/huaian/zfxxgk/zfxxgknb/"]
    assert det["lianshui-home"]["listing_urls"] == [] and det["lianshui-home"]["error"]
    health = {h["portal"]: h for h in read_jsonl(run / "health.jsonl")}
    assert set(health) == {"sample-snowflake", "huaian-home", "lianshui-home"}
    assert health["huaian-home"]["family"] == "trs" and health["huaian-home"]["requests"] >= 1   # crawled this run
    assert [e["kind"] for e in health["lianshui-home"]["errors"]] == ["no-column"]
    assert not any(p.startswith("/huaian/bm/jyj/") for _, p, _, _ in site.server.log)
    assert ("GET", "/huaian/zfxxgk/zfxxgknb/") in {(m, p) for m, p, _, _ in site.server.log}
    changed = learn_detections(run, reg)
    assert changed == {"huaian-home": "trs"}
    learned = {p.id: p for p in load_registry(reg, base_url=site.base_url)}
    assert learned["huaian-home"].listing_urls == city["listing_urls"] and learned["huaian-home"].family == "trs"
    assert "lianshui-home" not in learned and "huaian-jyj-home" not in learned   # still home-only
    assert learned["huaian-home"].home_url == site.base_url + "/huaian/"
    # the next crawl reads the column from the registry: no discovery for it any more
    run2 = crawl(["huaian-home"], None, False, "homes2", tmp_path / "data", registry_path=reg, base_url=site.base_url)
    assert read_jsonl(run2 / "detections.jsonl") == []


def test_a_seed_asked_for_by_id_is_discovered_and_crawled(site, tmp_path):
    from crawler.runner import crawl
    from tests.crawler.conftest import read_jsonl

    reg = _home_registry(site, tmp_path)
    run = crawl(["huaian-jyj-home"], None, False, "seed", tmp_path / "data", registry_path=reg, base_url=site.base_url)
    [d] = read_jsonl(run / "detections.jsonl")
    assert (d["portal"], d["family"], d["listing_urls"]) == ("huaian-jyj-home", "hanweb",
                                                             [site.base_url + "/col/col61003/index.html"])
    [h] = read_jsonl(run / "health.jsonl")
    assert h["portal"] == "huaian-jyj-home" and h["family"] == "hanweb"
