"""The archive through Datasette's own JSON API (in-process test client): exact numbers, the search
box, every canned query, the dashboards, the export."""
from __future__ import annotations

import asyncio
import csv
import json

import pytest

from archive.metadata import build_metadata, canned_queries


def get(ds, path: str):
    async def go():
        return await ds.client.get(path)

    resp = asyncio.run(go())
    return resp


def rows(ds, path: str) -> list[dict]:
    base, _, qs = path.partition("?")
    resp = get(ds, f"{base}.json?{qs}&_shape=array")
    assert resp.status_code == 200, (path, resp.text[:500])
    return resp.json()


def test_metadata_shape():
    meta = build_metadata("archive")
    queries = meta["databases"]["archive"]["queries"]
    assert len(queries) >= 8
    assert sum("year" in (q.get("params") or []) for q in queries.values()) >= 5
    assert sum("region" in (q.get("params") or []) for q in queries.values()) >= 5
    charts = meta["plugins"]["datasette-dashboards"]["overview"]["charts"]
    assert {"requests-by-year", "outcome-mix", "appeals-corrected"} <= set(charts)


def test_versions_and_plugins(ds):
    v = get(ds, "/-/versions.json").json()
    assert v["datasette"]["version"].startswith("0.65")
    plugins = {p["name"] for p in get(ds, "/-/plugins.json").json()}
    assert "datasette-dashboards" in plugins


def test_table_row_and_labels(ds, built):
    rid = built["ids"]["xingtai-2024-seed"]
    row = rows(ds, f"/archive/report_totals?id={rid}")[0]
    assert (row["agency"], row["year"], row["new_received"], row["not_held"]) == ("邢台市人民政府办公室", 2024, 227, 104)
    # a fact row links its key to the label table, whose label_column is the official label
    resp = get(ds, f"/archive/applications.json?report={rid}&row=unable_not_held&applicant=total&_labels=on&_shape=array")
    cell = resp.json()[0]
    assert cell["value"] == 104
    assert cell["row"] == {"value": "unable_not_held", "label": "1.本机关不掌握相关政府信息"}
    html = get(ds, f"/archive/reports/{rid}").text
    assert "邢台市人民政府办公室" in html


@pytest.mark.parametrize("word,expect", [
    ("复议", ["xingtai-2024-seed", "shili-2023"]),
    ("行政复议", ["xingtai-2024-seed", "shili-2023"]),
    ("诉讼", ["shili-2024"]),
    ("政府信息公开", ["shili-2024", "hongze/hongze-2024"]),
    ("本机关不掌握", ["shili-2023"]),
    ("结果纠正", ["shili-2023"]),
    ("行政复议 结果维持", ["shili-2023"]),
])
def test_search_box(ds, built, word, expect):
    """Datasette's own ?_search= on the reports table and the report_totals view."""
    for table in ("reports", "report_totals"):
        got = {r["id"] for r in rows(ds, f"/archive/{table}?_search={word}&_size=max&_col=id")}
        for name in expect:
            assert built["ids"][name] in got, (table, word, name)
    # an unrelated report is not found
    assert built["ids"]["pages/001"] not in {r["id"] for r in rows(ds, f"/archive/reports?_search=结果纠正&_col=id")}


def test_search_html_page(ds):
    html = get(ds, "/archive/reports?_search=行政复议").text
    assert "行政复议" in html and 'name="_search"' in html


def test_canned_queries(ds, built):
    ids = built["ids"]
    q = lambda name, **p: rows(ds, f"/archive/{name}?" + "&".join(f"{k}={v}" for k, v in p.items()))  # noqa: E731

    top = q("top_requests", year="2024", region="")
    named = ("邢台市人民政府办公室", "示例市人民政府办公室", "淮安市洪泽区人民政府")  # the corpus may hold others
    assert [(r["机关"], r["本年新收"]) for r in top if r["机关"] in named][:3] == [
        ("邢台市人民政府办公室", 227), ("示例市人民政府办公室", 150), ("淮安市洪泽区人民政府", 95)]
    assert [r["本年新收"] for r in q("top_requests", year="2024", region="3208")] == [95]
    assert [r["机关"] for r in q("top_requests", year="", region="洪泽")] == ["淮安市洪泽区人民政府", "洪泽区人民政府"]

    rate = {r["report"]: r for r in q("not_held_rate", year="2024", region="")}
    assert rate[ids["xingtai-2024-seed"]]["比例百分比"] == round(100 * 104 / 224, 1)

    by_year = {r["年度"]: r for r in q("not_held_by_year", region="")}
    assert by_year[2023]["本机关不掌握"] == 10 + 30

    app = {r["report"]: r for r in q("appeals_corrected", year="", region="")}
    assert app[ids["hongze/hongze-2023"]]["复议纠正"] == 1 and app[ids["shili-2023"]]["复议纠正"] == 1
    assert ids["xingtai-2024-seed"] not in app  # 复议 1, upheld

    missing = q("missing_reports", year="2025", region="")
    assert sorted(r["门户"] for r in missing) == ["demo-shili", "hebei-xingtai", "huaian-hongze"]
    assert q("missing_reports", year="", region="139901") == []  # demo-quiet is blocked: unknown, not 缺报
    assert [r["门户"] for r in q("publication_unknown", year="", region="139901")] == ["demo-quiet"] * 4

    failed = q("failed_identities", year="2023", region="")
    assert {(r["report"], r["列或组"]) for r in failed} == {(ids["hongze/hongze-2023"], "review"),
                                                          (ids["hongze/hongze-2023"], "litigation_after_review")}

    breaks = q("continuity_breaks", year="2024")
    assert {(r["申请人列"], r["本年上年结转"], r["上年结转下年度"]) for r in breaks} == {("natural_person", 9, 7), ("total", 9, 7)}

    years = {r["年度"]: r for r in q("requests_by_year", region="")}
    huaian = sum(r["本年新收"] for r in top if r["机关"] == "淮安市人民政府")  # huaian/huaian-2024 when present
    assert years[2024]["本年新收"] == 227 + 150 + 95 + 66 + huaian  # xingtai, shili, hongze, pages/101
    assert years[2023]["本年新收"] == 21 + 120 + 0  # hongze, shili, pages/003

    mix = q("outcome_mix", year="2023", region="3208")
    assert [r["办理结果"] for r in mix][:2] == ["（一）予以公开", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"]
    assert {r["办理结果"]: r["件数"] for r in mix}["1.本机关不掌握相关政府信息"] == 10

    t3 = q("report_table3", report=str(ids["xingtai-2024-seed"]))
    assert t3[0]["项目"] == "一、本年新收政府信息公开申请数量" and t3[0]["总计"] == 227 and t3[0]["自然人"] == 106

    found = q("search", q="本机关不掌握", year="")
    hit = {r["report"]: r for r in found}[ids["shili-2023"]]
    assert "本机关不掌握相关政府信息" in hit["摘录"]
    assert {r["report"] for r in q("search", q="复议", year="2023")} >= {ids["shili-2023"]}

    assert q("corrections_log") == []
    # every canned query runs
    for name in canned_queries():
        resp = get(ds, f"/archive/{name}.json?year=2024&region=&q=复议&report=1")
        assert resp.status_code == 200, (name, resp.text[:300])


def test_dashboard_pages(ds):
    html = get(ds, "/-/dashboards/overview").text
    assert "requests-by-year" in html or "各年度本年新收申请" in html
    meta = build_metadata("archive")
    for slug, chart in meta["plugins"]["datasette-dashboards"]["overview"]["charts"].items():
        sql = chart["query"].replace("[[ AND r.year = CAST(:year AS INTEGER) ]]", "").replace(
            "[[ AND r.region_code LIKE :region || '%' ]]", "")
        resp = get(ds, "/archive.json?" + __import__("urllib.parse").parse.urlencode({"sql": sql, "_shape": "array"}))
        assert resp.status_code == 200 and resp.json(), slug
        assert get(ds, f"/-/dashboards/overview/{slug}").status_code == 200


def test_export(built, tmp_path):
    from archive.cli import export_tables

    counts = export_tables(built["path"], tmp_path / "csv", "csv")
    assert counts["reports"] == len(built["items"])
    with open(tmp_path / "csv" / "applications.csv", encoding="utf-8-sig") as fh:
        recs = list(csv.DictReader(fh))
    x = [r for r in recs if r["agency"] == "邢台市人民政府办公室" and r["row"] == "new_received" and r["applicant"] == "total"]
    assert x[0]["value"] == "227" and x[0]["row_label"] == "一、本年新收政府信息公开申请数量"
    export_tables(built["path"], tmp_path / "json", "json")
    data = json.loads((tmp_path / "json" / "review_litigation.json").read_text(encoding="utf-8"))
    assert {"group_label", "outcome_label", "value", "extracted_value"} <= set(data[0])
    assert (tmp_path / "json" / "README.md").exists()


def test_cli_help():
    from click.testing import CliRunner

    from nianbao.cli import main

    r = CliRunner().invoke(main, ["serve", "--help"])
    assert r.exit_code == 0 and "--db" in r.output
    r = CliRunner().invoke(main, ["export", "--help"])
    assert r.exit_code == 0 and "parquet" in r.output
