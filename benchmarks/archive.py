"""Archive at scale: build an archive of N synthetic reports and time the build, the search box
and every canned query.

    python benchmarks/archive.py                     # 10,000 reports
    python benchmarks/archive.py --reports 100000    # 100,000 reports (a few minutes on 2 cores)
    python benchmarks/archive.py --quick             # 2,000 reports

Synthetic reports start from the repository's fixture extractions (tests/fixtures/archive/) and
vary every number (scaled by a per-agency size, noise per cell, the identities kept for most
reports and broken for some, a few corrections); the text is assembled from report-like
sentences with varying numbers and agency names, so search tokens are realistic. ~3,000 portals,
six report years, 缺报 for ~5 % of portal-years. Prints: build time, database size (FTS index
separately), and p50/p95 over repeated runs of: the FTS search for 2-character and 4+-character
words (as Datasette's search box runs it), each canned query and each dashboard chart with random
year/region.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive import add_correction, cross_report_checks, load_portals, load_reports_bulk, open_archive  # noqa: E402
from archive.metadata import canned_queries, dashboards  # noqa: E402
from archive.search import FTS_TABLE, fts_size  # noqa: E402
from extract.template import run_checks  # noqa: E402

PROVINCES = [("13", "河北省"), ("32", "江苏省"), ("44", "广东省"), ("51", "四川省"), ("37", "山东省"), ("33", "浙江省")]
DEPTS = ["人民政府办公室", "教育局", "公安局", "民政局", "司法局", "财政局", "自然资源局", "生态环境局", "住房和城乡建设局",
         "交通运输局", "水利局", "农业农村局", "卫生健康委员会", "市场监督管理局", "审计局", "人力资源和社会保障局"]
SENTENCES = [
    "{agency}认真贯彻落实《中华人民共和国政府信息公开条例》，全年主动公开政府信息{a}条。",
    "本年新收政府信息公开申请{b}件，上年结转{c}件，均在法定期限内答复。",
    "答复“本机关不掌握相关政府信息”{d}件，对申请人做好告知说明。",
    "全年因政府信息公开被申请行政复议{e}件，结果维持{f}件，结果纠正{g}件。",
    "因政府信息公开工作被提起行政诉讼{h}件，尚未审结{i}件。",
    "通过政府网站、政务新媒体等平台发布政策解读{a}篇，回应社会关切。",
    "加强政府信息公开平台建设，更新完善政府信息公开指南和目录。",
    "存在的主要问题是主动公开的深度和广度有待提高，政策解读形式较为单一。",
    "下一步将进一步规范依申请公开办理流程，提升答复质量。",
    "本年度未收取信息处理费。",
    "对涉及国家秘密、商业秘密、个人隐私的信息依法不予公开。",
    "开展政务公开专题培训{j}次，参训人员{k}人次。",
]
WORDS_2 = ["复议", "诉讼", "纠正", "公开", "培训", "隐私"]
WORDS_4 = ["行政复议", "行政诉讼", "结果纠正", "政策解读", "政府信息公开", "本机关不掌握"]


def _templates() -> list[str]:
    """The fixture extractions as JSON text (json.loads is ~10× faster than deepcopy)."""
    out = []
    for p in sorted((ROOT / "tests/fixtures/archive").glob("*.json")):
        r = json.loads(p.read_text(encoding="utf-8"))
        r.pop("provenance", None)
        r["checks"] = run_checks(r)
        out.append(json.dumps(r, ensure_ascii=False))
    return out


def synthetic(n: int, seed: int = 7):
    """Yield (sha256, report, portal) for n reports, plus the portal list."""
    rnd = random.Random(seed)
    bases = _templates()
    years = list(range(2019, 2025))
    n_portals = max(1, n // len(years))
    portals = []
    for i in range(n_portals):
        code, prov = PROVINCES[i % len(PROVINCES)]
        region = f"{code}{(i // len(PROVINCES)) % 90 + 1:02d}{i % 99 + 1:02d}"
        dept = DEPTS[i % len(DEPTS)]
        city = f"第{i // len(DEPTS) + 1}市"
        name = f"{prov}{city}{dept}" if dept != "人民政府办公室" else f"{prov}{city}人民政府"
        portals.append({"id": f"p{i:06d}", "name": name, "region_code": region,
                        "level": "county" if name.endswith("人民政府") else "department-of-city",
                        "parent": None, "family": "synthetic", "listing_urls": [], "overrides": {}})

    def gen():
        k = 0
        for p in portals:
            size = rnd.lognormvariate(3, 1.2)  # agencies differ by orders of magnitude
            for year in years:
                if k >= n:
                    return
                if rnd.random() < 0.05:
                    continue  # 缺报
                base = json.loads(bases[k % len(bases)])
                base["year"], base["agency"] = year, p["name"]
                base["title"] = f"{p['name']}{year}年政府信息公开工作年度报告"
                base["template"] = "2021" if year >= 2021 else "2019"
                for table in ("applications", "review_litigation", "active_disclosure"):
                    for cells in base.get(table, {}).values():
                        for key, v in cells.items():
                            if isinstance(v, (int, float)):
                                val = v * size / 20 * rnd.uniform(0.5, 1.5)
                                cells[key] = round(val, 2) if isinstance(v, float) else int(val)
                apps = base["applications"]
                parts = [r for r in apps if r not in ("new_received", "carried_over", "results_total", "carried_forward")]
                broken = rnd.random() < 0.03  # 3 % of reports break an identity
                for col in apps["new_received"]:
                    total = sum(apps[r].get(col) or 0 for r in parts)
                    apps["results_total"][col] = total + (1 if broken and col == "total" else 0)
                    apps["new_received"][col] = max(0, total + apps["carried_forward"][col] - apps["carried_over"][col])
                for g in base["review_litigation"].values():
                    g["total"] = sum(g[o] for o in ("upheld", "corrected", "other", "pending"))
                # the checks as the extractor would report them (run_checks costs 4 ms a report)
                for c in base["checks"]:
                    c["passed"] = not (broken and c["code"] == "applications.results_sum" and c.get("column") == "total")
                nums = {c: rnd.randint(0, 500) for c in "abcdefghijk"}
                nums.update(b=apps["new_received"]["total"], d=apps["unable_not_held"]["total"],
                            e=base["review_litigation"]["review"]["total"])
                sents = rnd.sample(SENTENCES, rnd.randint(6, len(SENTENCES)))
                base["text"] = base["title"] + "\n" + "\n".join(s.format(agency=p["name"], **nums) for s in sents)
                base.pop("provenance", None)
                base["extractor_version"] = "synthetic-1"
                yield f"{k:064x}", base, p["id"]
                k += 1

    return portals, gen()


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]


def time_query(conn, sql: str, params_fn, runs: int) -> tuple[float, float, int]:
    ts, n = [], 0
    for _ in range(runs):
        p = params_fn()
        t0 = time.perf_counter()
        n = len(conn.execute(sql, p).fetchall())
        ts.append((time.perf_counter() - t0) * 1000)
    return pct(ts, 0.5), pct(ts, 0.95), n


def time_query_pairs(conn, sql_params_fn, runs: int) -> tuple[float, float, int]:
    ts, n = [], 0
    for _ in range(runs):
        sql, p = sql_params_fn()
        t0 = time.perf_counter()
        n = len(conn.execute(sql, p).fetchall())
        ts.append((time.perf_counter() - t0) * 1000)
    return pct(ts, 0.5), pct(ts, 0.95), n


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reports", type=int, default=10_000)
    ap.add_argument("--quick", action="store_true", help="2,000 reports, fewer query runs")
    ap.add_argument("--runs", type=int, default=20, help="runs per query")
    ap.add_argument("--keep", type=Path, default=None, help="write the archive here and keep it")
    args = ap.parse_args(argv)
    n = 2000 if args.quick else args.reports
    runs = 5 if args.quick else args.runs

    tmp = None if args.keep else Path(tempfile.mkdtemp(prefix="nianbao-bench-archive-"))
    path = args.keep or tmp / "archive.db"
    if path.exists():
        path.unlink()
    t0 = time.perf_counter()
    c0 = time.process_time()
    db = open_archive(path)
    portals, items = synthetic(n)
    load_portals(db, portals)
    t_schema = time.perf_counter()
    # A fresh build: write the pages once (rollback journal) instead of twice (WAL + checkpoint).
    db.conn.execute("PRAGMA journal_mode = DELETE")
    loaded = load_reports_bulk(db, items)
    db.conn.execute("PRAGMA journal_mode = WAL")
    t_load = time.perf_counter()
    rnd = random.Random(3)
    for rid in rnd.sample(range(1, loaded + 1), min(50, loaded)):
        add_correction(db, who="bench", why="synthetic correction", table="applications", report=rid,
                       keys="new_received.total", value=rnd.randint(0, 999))
    findings = cross_report_checks(db, today=dt.date(2026, 6, 1), years=range(2019, 2025))
    t_checks = time.perf_counter()
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.execute("ANALYZE")
    t_end = time.perf_counter()
    cpu = time.process_time() - c0
    size = path.stat().st_size
    fsize = fts_size(db.conn)
    text_bytes = db.execute("SELECT sum(length(CAST(text AS BLOB))) FROM reports").fetchone()[0]
    facts = sum(db[t].count for t in ("applications", "review_litigation", "active_disclosure"))
    db.close()

    print(f"# archive benchmark: {loaded:,} reports, {facts:,} fact rows, {len(portals):,} portals "
          f"(cpus: {os.cpu_count()})")
    print(f"build: {t_end - t0:.1f} s total = schema+portals {t_schema - t0:.1f} s + bulk load "
          f"{t_load - t_schema:.1f} s ({loaded / max(t_load - t_schema, 1e-9):,.0f} reports/s) + "
          f"corrections+cross-report checks {t_checks - t_load:.1f} s ({len(findings):,} findings) + "
          f"checkpoint/analyze {t_end - t_checks:.1f} s; CPU time of this process {cpu:.1f} s "
          f"(wall time above includes waiting for a shared machine; load average {os.getloadavg()[0]:.1f})")
    print(f"db size: {size / 1e6:.1f} MB; FTS index {fsize / 1e6:.1f} MB "
          f"({fsize / max(text_bytes, 1):.2f}× the {text_bytes / 1e6:.1f} MB of UTF-8 text)")

    conn = sqlite3.connect(f"file:{path}?immutable=1", uri=True)
    from datasette.utils import escape_fts

    conn.create_function("escape_fts", 1, escape_fts)
    years = [str(y) for y in range(2019, 2025)]
    regions = sorted({p["region_code"][:2] for p in portals}) + sorted({p["region_code"][:4] for p in portals})[:20]

    print(f"\n| query | p50 ms | p95 ms | rows (last run) |\n|---|---|---|---|")
    search_sql = (f"SELECT id, agency, year, title FROM reports WHERE id IN (SELECT rowid FROM [{FTS_TABLE}] "
                  f"WHERE [{FTS_TABLE}] MATCH escape_fts(?)) ORDER BY id LIMIT 101")
    for label, words in (("search box, 2-char words", WORDS_2), ("search box, 4+-char words", WORDS_4)):
        p50, p95, rows = time_query(conn, search_sql, lambda w=words: [rnd.choice(w)], runs)
        print(f"| {label} ({', '.join(words)}) | {p50:.1f} | {p95:.1f} | {rows} |")
    count_sql = f"SELECT count(*) FROM [{FTS_TABLE}] WHERE [{FTS_TABLE}] MATCH escape_fts(?)"
    p50, p95, _ = time_query(conn, count_sql, lambda: [rnd.choice(WORDS_2)], runs)
    print(f"| search count (2-char word, all matches) | {p50:.1f} | {p95:.1f} | 1 |")
    for name, q in canned_queries().items():
        params = q.get("params", [])

        def fn(params=params):
            out = {}
            for p in params:
                out[p] = {"year": rnd.choice(years + [""]), "region": rnd.choice(regions + [""]),
                          "q": rnd.choice(WORDS_2 + WORDS_4), "report": str(rnd.randint(1, loaded))}[p]
            return out

        p50, p95, rows = time_query(conn, q["sql"], fn, runs)
        print(f"| canned: {name} | {p50:.1f} | {p95:.1f} | {rows} |")
    for name, chart in dashboards("archive")["overview"]["charts"].items():
        def chart_fn(sql=chart["query"]):  # datasette-dashboards drops a [[ ... ]] block whose parameter is empty
            year, region = rnd.choice(years + [""]), rnd.choice(regions + [""])
            keep = {"year": bool(year), "region": bool(region)}
            return re.sub(r"\[\[(.*?)\]\]", lambda m: m.group(1) if all(
                keep[p] for p in re.findall(r":(\w+)", m.group(1))) else "", sql), {"year": year, "region": region}

        p50, p95, rows = time_query_pairs(conn, chart_fn, runs)
        print(f"| dashboard: {name} | {p50:.1f} | {p95:.1f} | {rows} |")
    conn.close()
    if not args.keep:
        path.unlink()
        for suffix in ("-wal", "-shm", "-journal"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        tmp.rmdir()
    return 0


if __name__ == "__main__":
    sys.exit(main())
