"""Archive at scale: build an archive of N synthetic reports and time the build, the search box,
every canned query and dashboard chart, Datasette page loads, ``nianbao serve``'s memory and a
nightly increment.

    python benchmarks/archive.py                       # 10,000 reports
    python benchmarks/archive.py --reports 1000000     # a million (see docs/archive.md for figures)
    python benchmarks/archive.py --quick               # 2,000 reports
    python benchmarks/archive.py --reports 1000000 --keep /big/a.db --build-only   # build, keep
    python benchmarks/archive.py --reuse /big/a.db     # measure an archive built before (migrations applied)

Synthetic reports start from the repository's fixture extractions (tests/fixtures/archive/) and
vary every number (scaled by a per-agency size, noise per cell, the identities kept for most
reports and broken for some, a few corrections); the text is assembled from report-like
sentences with varying numbers and agency names, so search tokens are realistic. One portal per
six report slots (2019–2024), 缺报 for ~5 % of portal-years; every portal has a crawl record
(5 % blocked, 30 % walked to the listing's end). Reports are generated and prepared (tokens, fact
rows) in ``--workers`` processes while the main process writes. Prints: build time, database and
FTS size, p50/p95 over repeated runs of the FTS search for 2-character and longer words (as
Datasette's search box runs it), each canned query and dashboard chart with random year/region,
Datasette page loads (a report row, a filtered table, the report page, a search) from a served
``datasette`` process with ``nianbao serve``'s settings and its peak memory, and a nightly
increment: 1,000 new reports loaded one by one (as the nightly flow does), their crawl records and
the incremental cross-report checks.
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

from archive import (add_correction, cross_report_checks, load_health, load_portals, load_report,  # noqa: E402
                     load_reports_bulk, open_archive)
from archive.load import prepare_report  # noqa: E402
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


YEARS = list(range(2019, 2025))
SKIP = 0.05  # share of portal-years without a report (缺报)
_BASES: list[str] = []


def portal_of(i: int) -> dict:
    code, prov = PROVINCES[i % len(PROVINCES)]
    region = f"{code}{(i // len(PROVINCES)) % 90 + 1:02d}{i % 99 + 1:02d}"
    dept = DEPTS[i % len(DEPTS)]
    city = f"第{i // len(DEPTS) + 1}市"
    name = f"{prov}{city}{dept}" if dept != "人民政府办公室" else f"{prov}{city}人民政府"
    return {"id": f"p{i:06d}", "name": name, "region_code": region,
            "level": "county" if name.endswith("人民政府") else "department-of-city",
            "parent": None, "family": "synthetic", "listing_urls": [], "overrides": {}}


def slots_for(n: int) -> int:
    """Report slots (portal × year) that yield about n reports after the 缺报 skips."""
    return int(n / (1 - SKIP)) + 1


def crawl_record(i: int, finished: str = "2026-06-01T02:00:00Z") -> dict:
    rnd = random.Random(i * 7919 + 1)
    blocked = rnd.random() < 0.05
    return {"portal": f"p{i:06d}", "started_at": finished, "finished_at": finished, "requests": 4,
            "listing_pages": 0 if blocked else 2, "not_modified": 0, "new_documents": 1,
            "close_reason": "finished", "errors": [], "listing_end_reached": (not blocked) and rnd.random() < 0.3,
            "blocked": {"kind": "rs-412", "url": "http://127.0.0.1:9/"} if blocked else None}


def make_report(k: int, year: int | None = None, salt: str = "") -> tuple[str, dict, str] | None:
    """Report slot k (portal k // 6, year 2019 + k % 6): (sha256, report, portal) or None (缺报)."""
    if not _BASES:
        _BASES.extend(_templates())
    rnd = random.Random(f"{k}{salt}")
    if not salt and rnd.random() < SKIP:
        return None
    i = k // len(YEARS)
    p = portal_of(i)
    year = year or YEARS[k % len(YEARS)]
    size = random.Random(i).lognormvariate(3, 1.2)  # agencies differ by orders of magnitude
    base = json.loads(_BASES[k % len(_BASES)])
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
    return f"{k:060x}{salt or '0000'}"[-64:].rjust(64, "0"), base, p["id"]


def _prepare_chunk(args) -> list[tuple]:
    start, end, now = args
    out = []
    for k in range(start, end):
        item = make_report(k)
        if item is not None:
            p = portal_of(k // len(YEARS))
            out.append(prepare_report(*item, p["region_code"], p["level"], now))
    return out


def prepared_stream(slots: int, workers: int, now: str, chunk: int = 200):
    """Generated and prepared reports, in slot order, made by ``workers`` processes."""
    import multiprocessing as mp

    tasks = [(s, min(s + chunk, slots), now) for s in range(0, slots, chunk)]
    if workers <= 0:
        for t in tasks:
            yield from _prepare_chunk(t)
        return
    from collections import deque

    # a bounded window of chunks in flight: Pool.imap would queue every result in memory when the
    # writing process is the slower one (gigabytes at a million reports)
    t0, done, step = time.perf_counter(), 0, max(chunk, slots // 20 // chunk * chunk)

    def progress(n: int) -> None:
        nonlocal done
        if (done + n) // step > done // step:
            print(f"  … {done + n:,} of {slots:,} slots prepared and handed to the writer in "
                  f"{time.perf_counter() - t0:.0f} s (load average {os.getloadavg()[0]:.1f})", flush=True)
        done += n

    with mp.get_context("fork").Pool(workers) as pool:
        window: deque = deque()
        for t in tasks:
            window.append(pool.apply_async(_prepare_chunk, (t,)))
            if len(window) >= 3 * workers:
                yield from window.popleft().get()
                progress(chunk)
        while window:
            yield from window.popleft().get()
            progress(chunk)


def synthetic(n: int, seed: int = 7):
    """(portals, items): n report slots as (sha256, report, portal) — for tests and small runs."""
    slots = slots_for(n)
    portals = [portal_of(i) for i in range(slots // len(YEARS) + 1)]
    return portals, (it for it in (make_report(k) for k in range(slots)) if it is not None)


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


def _fmt_bytes(n: float) -> str:
    return f"{n / 1e9:.2f} GB" if n >= 1e9 else f"{n / 1e6:.1f} MB"


def build(path: Path, n: int, workers: int) -> dict:
    """Build the archive; returns timings and counts."""
    t0 = time.perf_counter()
    c0 = time.process_time()
    db = open_archive(path)
    slots = slots_for(n)
    n_portals = slots // len(YEARS) + 1
    load_portals(db, (portal_of(i) for i in range(n_portals)))
    load_health(db, (crawl_record(i) for i in range(n_portals)), "bench-night-0")
    t_schema = time.perf_counter()
    # A fresh build: write the pages once (rollback journal) instead of twice (WAL + checkpoint).
    db.conn.execute("PRAGMA journal_mode = DELETE")
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    loaded = load_reports_bulk(db, prepared_stream(slots, workers, now), prepared=True)
    db.conn.execute("PRAGMA journal_mode = WAL")
    t_load = time.perf_counter()
    rnd = random.Random(3)
    for rid in rnd.sample(range(1, loaded + 1), min(50, loaded)):
        add_correction(db, who="bench", why="synthetic correction", table="applications", report=rid,
                       keys="new_received.total", value=rnd.randint(0, 999))
    t_corr = time.perf_counter()
    findings = cross_report_checks(db, full=True)
    t_checks = time.perf_counter()
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.execute("ANALYZE")
    t_end = time.perf_counter()
    db.close()
    return {"loaded": loaded, "portals": n_portals, "total": t_end - t0, "schema": t_schema - t0,
            "load": t_load - t_schema, "corrections": t_corr - t_load, "checks": t_checks - t_corr,
            "findings": len(findings), "analyze": t_end - t_checks, "cpu": time.process_time() - c0}


def _served(path: Path):
    """A ``datasette serve`` process with nianbao serve's settings (immutable, metadata); yields base URL, pid."""
    import contextlib
    import socket
    import subprocess
    import urllib.request

    from archive.cli import datasette_args, write_metadata

    @contextlib.contextmanager
    def run():
        meta = write_metadata(path, Path(tempfile.mkdtemp(prefix="nianbao-bench-meta-")) / "metadata.json")
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        proc = subprocess.Popen([sys.executable, "-c", "import sys; from archive.cli import _plain_error_tracebacks;"
                                 " _plain_error_tracebacks(); from datasette.cli import cli; cli.main(sys.argv[1:],"
                                 " prog_name='datasette')", *datasette_args(path, meta, port)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=str(ROOT))
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 300
        while True:
            try:
                urllib.request.urlopen(base + "/-/versions.json", timeout=5)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    proc.kill()
                    raise RuntimeError("datasette did not start")
                time.sleep(0.3)
        try:
            yield base, proc.pid
        finally:
            proc.terminate()
            proc.wait(timeout=30)

    return run()


def _peak_rss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0


def measure(path: Path, runs: int, increment: int, serve: bool) -> None:
    import urllib.parse
    import urllib.request

    db = open_archive(path)  # applies any migration newer than the build
    loaded = db.execute("SELECT count(*) FROM reports").fetchone()[0]
    max_id = db.execute("SELECT max(id) FROM reports").fetchone()[0]
    n_portals = db.execute("SELECT count(*) FROM portals").fetchone()[0]
    size = path.stat().st_size
    fsize = fts_size(db.conn)
    db.close()
    print(f"db size: {_fmt_bytes(size)}; FTS index {_fmt_bytes(fsize)}; reports {loaded:,}; portals {n_portals:,}")

    conn = sqlite3.connect(f"file:{path}?immutable=1", uri=True)
    from datasette.utils import escape_fts

    conn.create_function("escape_fts", 1, escape_fts)
    rnd = random.Random(3)
    years = [str(y) for y in YEARS]
    regions = sorted({r[0][:2] for r in conn.execute("SELECT DISTINCT region_code FROM portals LIMIT 2000")
                      if r[0]}) + [r[0][:4] for r in conn.execute(
                          "SELECT DISTINCT substr(region_code, 1, 4) FROM portals LIMIT 20") if r[0]]

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
                          "q": rnd.choice(WORDS_2 + WORDS_4), "report": str(rnd.randint(1, max_id))}[p]
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

    if serve:
        with _served(path) as (base, pid):
            db_name = path.stem
            pages = {
                "report row (/archive/reports/<id>)": lambda: f"/{db_name}/reports/{rnd.randint(1, max_id)}",
                "report page (/-/report/<id>)": lambda: f"/-/report/{db_name}/{rnd.randint(1, max_id)}",
                "filtered table (report_totals?year=&region_code__startswith=)": lambda: (
                    f"/{db_name}/report_totals?year={rnd.choice(years)}&region_code__startswith="
                    f"{urllib.parse.quote(rnd.choice(regions))}"),
                "facts of one report (applications?report=)": lambda: f"/{db_name}/applications?report={rnd.randint(1, max_id)}",
                "search page (reports?_search=)": lambda: f"/{db_name}/reports?_search={urllib.parse.quote(rnd.choice(WORDS_2 + WORDS_4))}",
            }
            print(f"\n| Datasette page (served, immutable) | p50 ms | p95 ms | status |\n|---|---|---|---|")
            for label, make in pages.items():
                ts, status = [], None
                for _ in range(runs):
                    t0 = time.perf_counter()
                    try:
                        with urllib.request.urlopen(base + make(), timeout=60) as resp:
                            resp.read()
                            status = resp.status
                    except urllib.error.HTTPError as exc:
                        status = exc.code
                    ts.append((time.perf_counter() - t0) * 1000)
                print(f"| {label} | {pct(ts, 0.5):.0f} | {pct(ts, 0.95):.0f} | {status} |")
            print(f"\nnianbao serve (datasette, immutable) peak memory: {_fmt_bytes(_peak_rss(pid))}")

    if increment:
        db = open_archive(path)
        first_portal = db.execute("SELECT count(*) FROM portals").fetchone()[0]
        t0 = time.perf_counter()
        new = []
        for j in range(increment):  # 2025 reports of existing portals, as a night after the deadline brings
            k = (j * 6151) % (first_portal * len(YEARS))
            item = make_report(k, year=2025, salt=f"n{j:04d}")
            new.append(item)
        t_gen = time.perf_counter()
        for sha, report, portal in new:
            load_report(db, sha, report, portal)
        t_load = time.perf_counter()
        touched = sorted({int(p[1:]) for _, _, p in new})
        load_health(db, [crawl_record(i, finished=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
                         for i in touched], "bench-night-1")
        t_health = time.perf_counter()
        found = cross_report_checks(db)
        t_checks = time.perf_counter()
        db.close()
        print(f"\nnightly increment: {increment:,} new reports loaded one by one {t_load - t_gen:.1f} s "
              f"({(t_load - t_gen) / increment * 1000:.0f} ms each), {len(touched):,} crawl records "
              f"{t_health - t_load:.1f} s, incremental cross-report checks {t_checks - t_health:.1f} s "
              f"({len(found):,} findings rewritten); total {t_checks - t_gen:.1f} s (generation "
              f"{t_gen - t0:.1f} s not counted); load average {os.getloadavg()[0]:.1f}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reports", type=int, default=10_000)
    ap.add_argument("--quick", action="store_true", help="2,000 reports, fewer query runs")
    ap.add_argument("--runs", type=int, default=20, help="runs per query")
    ap.add_argument("--workers", type=int, default=2, help="processes generating and preparing reports")
    ap.add_argument("--keep", type=Path, default=None, help="write the archive here and keep it")
    ap.add_argument("--reuse", type=Path, default=None, help="measure this archive (built by --keep) instead")
    ap.add_argument("--build-only", action="store_true", help="build (with --keep), measure nothing")
    ap.add_argument("--increment", type=int, default=1000, help="reports in the nightly increment (0: none)")
    ap.add_argument("--no-serve", action="store_true", help="skip the served Datasette page loads")
    args = ap.parse_args(argv)
    n = 2000 if args.quick else args.reports
    runs = 5 if args.quick else args.runs
    print(f"# archive benchmark (cpus: {os.cpu_count()}, load average at start {os.getloadavg()[0]:.1f})", flush=True)

    tmp = None
    if args.reuse:
        path = args.reuse
    else:
        tmp = None if args.keep else Path(tempfile.mkdtemp(prefix="nianbao-bench-archive-"))
        path = args.keep or tmp / "archive.db"
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        b = build(path, n, args.workers)
        print(f"build: {b['loaded']:,} reports, {b['portals']:,} portals: {b['total']:.1f} s total = schema+portals"
              f"+crawl records {b['schema']:.1f} s + bulk load {b['load']:.1f} s "
              f"({b['loaded'] / max(b['load'], 1e-9):,.0f} reports/s, {args.workers} worker processes) + 50 "
              f"corrections {b['corrections']:.1f} s + cross-report checks (full) {b['checks']:.1f} s "
              f"({b['findings']:,} findings) + checkpoint/analyze {b['analyze']:.1f} s; CPU time of the writing "
              f"process {b['cpu']:.1f} s; load average now {os.getloadavg()[0]:.1f}", flush=True)
    if not args.build_only:
        measure(path, runs, args.increment, not args.no_serve)
    if tmp is not None:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
