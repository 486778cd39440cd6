"""缺报 that can be defended: published / missing / unknown per publisher-year, with evidence; units
on platforms; incremental findings; the sample site's blocked portals give unknown."""
from __future__ import annotations

import datetime as dt
import json
import time

import pytest

from archive import cross_report_checks, load_health, load_manifest, load_portals, load_report, open_archive
from archive.checks import normalise_agency

TODAY = dt.date(2026, 11, 30)


def _portal(pid, name, level="department", **kw):
    return {"id": pid, "name": name, "region_code": "430922", "level": level, "parent": "430922",
            "family": "hanweb", "listing_urls": [f"http://127.0.0.1:9/{pid}/"], "overrides": kw.get("overrides") or {}}


def _crawl(pid, *, finished="2026-11-29T02:00:00Z", **kw):
    return {"portal": pid, "started_at": finished, "finished_at": finished, "requests": 3, "listing_pages": 2,
            "not_modified": 0, "new_documents": 0, "close_reason": "finished", "errors": [], "blocked": None, **kw}


def _report(agency, year):
    return {"agency": agency, "year": year, "title": f"{agency}{year}年政府信息公开工作年度报告", "status": "ok",
            "checks": [], "applications": {"new_received": {"total": 1}}}


def _findings(db, kind=None):
    sql = "SELECT portal, unit, agency, year, state, evidence FROM findings WHERE kind LIKE 'missing.%'"
    return [dict(zip(("portal", "unit", "agency", "year", "state", "evidence"), r))
            for r in db.execute(sql + (f" AND kind = '{kind}'" if kind else "") + " ORDER BY portal, unit, year")]


def test_listing_walked_to_its_end_with_a_year_absent_gives_que_bao(tmp_path):
    db = open_archive(tmp_path / "a.db")
    load_portals(db, [_portal("p-end", "桃江县审计局"), _portal("p-short", "桃江县统计局")])
    for pid, agency in (("p-end", "桃江县审计局"), ("p-short", "桃江县统计局")):
        for i, y in enumerate((2021, 2023)):
            load_report(db, f"{pid}-{y}".encode().hex().ljust(64, "0"), _report(agency, y), pid)
    load_health(db, [_crawl("p-end", listing_end_reached=True), _crawl("p-short")], "run1")
    cross_report_checks(db, today=TODAY, years=range(2019, 2026))
    missing = {(f["portal"], f["year"]) for f in _findings(db, "missing.report")}
    unknown = {(f["portal"], f["year"]) for f in _findings(db, "missing.unknown")}
    # walked to the end: every absent year is 缺报; 2022 lies inside what the other listing showed
    assert {("p-end", y) for y in (2019, 2020, 2022, 2024, 2025)} <= missing
    assert ("p-short", 2022) in missing and ("p-short", 2024) in missing and ("p-short", 2025) in missing
    # the other listing was never walked further back than 2021: older years are unknown, not 缺报
    assert {("p-short", 2019), ("p-short", 2020)} == unknown
    ev = json.loads(next(f for f in _findings(db) if f["portal"] == "p-end" and f["year"] == 2022)["evidence"])
    assert ev["listing_end_reached"] is True and ev["last_successful_crawl"] == "2026-11-29T02:00:00Z"


def test_blocked_failing_never_crawled_and_stale_are_unknown(tmp_path):
    db = open_archive(tmp_path / "a.db")
    load_portals(db, [_portal(p, f"{p}局") for p in ("blocked", "failing", "never", "stale")])
    load_health(db, [
        _crawl("blocked", listing_pages=0, blocked={"kind": "wzws", "url": "http://127.0.0.1:9/b/"}),
        _crawl("failing", listing_pages=0, errors=[{"kind": "crawler-failed", "message": "x"}]),
        _crawl("stale", finished="2025-01-10T02:00:00Z", listing_end_reached=True),  # before the 2024 deadline
    ], "run1")
    found = cross_report_checks(db, today=TODAY, years=[2024])
    assert {f["portal"]: f["state"] for f in found} == {p: "unknown" for p in ("blocked", "failing", "never", "stale")}
    assert all(f["passed"] is None and f["kind"] == "missing.unknown" for f in found)
    reasons = {f["portal"]: json.loads(f["evidence"]) for f in found}
    assert reasons["blocked"]["blocked"] == "wzws" and reasons["never"]["last_crawl"] is None
    assert "crawler-failed" in reasons["failing"]["last_errors"]
    # a later successful crawl that reaches the listing's end turns the stale one into 缺报
    load_health(db, [_crawl("stale", finished="2026-02-10T02:00:00Z", listing_end_reached=True)], "run2")
    found = cross_report_checks(db, today=TODAY, years=[2024])
    assert {f["portal"]: f["state"] for f in found}["stale"] == "missing"


def test_a_platform_yields_one_finding_per_department(tmp_path):
    db = open_archive(tmp_path / "a.db")
    load_portals(db, [_portal("platform", "桃江县政府信息公开平台")])
    depts = ["桃江县审计局", "桃江县统计局", "桃江县民政局"]
    for d in depts:
        load_report(db, f"{d}2023".encode().hex()[:64].ljust(64, "0"), _report(d, 2023), "platform")
    # 2024: two of the three departments published (one names itself with the county's prefix dropped
    # and a note in brackets: still the same unit)
    load_report(db, "a" * 64, _report("桃江县审计局", 2024), "platform")
    load_report(db, "b" * 64, _report("统计局（桃江县）", 2024), "platform")
    load_report(db, "c" * 64, _report("桃江县统计局", 2024), "platform")
    load_health(db, [_crawl("platform")], "run1")
    cross_report_checks(db, today=TODAY, years=[2023, 2024, 2025])
    missing = [(f["agency"], f["year"]) for f in _findings(db, "missing.report")]
    assert sorted(missing) == sorted([("桃江县民政局", 2024)] + [(d, 2025) for d in depts])
    assert len({f["unit"] for f in _findings(db, "missing.report") if f["year"] == 2025}) == 3
    assert normalise_agency("桃江縣審計局 ") == "桃江县审计局"


def test_registry_units_are_expected_from_every_covered_year(tmp_path):
    db = open_archive(tmp_path / "a.db")
    load_portals(db, [_portal("platform", "平台", overrides={"units": ["甲县审计局", "甲县统计局"]})])
    load_report(db, "d" * 64, _report("甲县审计局", 2023), "platform")
    load_health(db, [_crawl("platform", listing_end_reached=True)], "run1")
    cross_report_checks(db, today=TODAY, years=[2023])
    assert [(f["agency"], f["state"]) for f in _findings(db)] == [("甲县统计局", "missing")]


def test_findings_are_updated_incrementally(tmp_path):
    db = open_archive(tmp_path / "a.db")
    load_portals(db, [_portal(p, f"{p}局") for p in ("a", "b")])
    load_health(db, [_crawl("a", listing_end_reached=True), _crawl("b", listing_end_reached=True)], "run1")
    load_report(db, "f" * 64, _report("a局", 2023), "a")
    load_report(db, "0" * 64, _report("b局", 2023), "b")
    time.sleep(1.1)  # timestamps have second resolution: a load in the same second counts as changed
    cross_report_checks(db)  # the first call computes everything
    before = {(r[0], r[1]): r[2] for r in db.execute("SELECT portal, year, id FROM findings")}
    assert before
    time.sleep(1.1)
    load_report(db, "e" * 64, _report("a局", 2024), "a")  # a run touches portal a only
    time.sleep(1.1)
    found = cross_report_checks(db)
    assert found and {f["portal"] for f in found} == {"a"}
    after = {(r[0], r[1]): r[2] for r in db.execute("SELECT portal, year, id FROM findings")}
    assert ("a", 2024) not in after and ("a", 2024) in before
    assert {k: v for k, v in after.items() if k[0] == "b"} == {k: v for k, v in before.items() if k[0] == "b"}
    assert cross_report_checks(db) == []  # nothing changed since


@pytest.mark.timeout(300)
def test_sample_site_blocked_portals_are_unknown_not_que_bao(tmp_path):
    from crawler.runner import crawl
    from crawler.registry import load_registry
    from nianbao.demo.sample_site import sample_site
    from flows.records import manifest, health

    with sample_site() as site:
        run = crawl(None, None, False, "night1", tmp_path / "data", registry_path=site.registry_path,
                    base_url=site.base_url)
        registry = load_registry(site.registry_path, base_url=site.base_url)
    db = open_archive(tmp_path / "a.db")
    load_portals(db, registry)
    load_manifest(db, manifest(run))
    load_health(db, health(run), run.name)
    for rec in manifest(run):  # a stand-in extraction: the year the listing names
        if rec.get("year_hint"):
            load_report(db, rec["sha256"], _report(None, rec["year_hint"]), rec["portal"])
    cross_report_checks(db, today=TODAY, years=range(2019, 2026))
    blocked = {p for (p,) in db.execute("SELECT portal FROM crawls WHERE blocked_kind IS NOT NULL")}
    assert len(blocked) >= 4 and all("blocked" in p for p in blocked)
    states = {(f["portal"], f["year"]): f["state"] for f in _findings(db)}
    assert {s for (p, _), s in states.items() if p in blocked} == {"unknown"}
    assert not [k for k, s in states.items() if k[0] in blocked and s == "missing"]
