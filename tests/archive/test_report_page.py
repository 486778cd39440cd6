"""From a number to its source, in headless Chromium over a served archive (skipped without Debian
chromium): the report page of a PDF report shows tables 二, 三, 四; following a number opens the page
image with a highlighted box that lies over the printed digits; the stored copy is the same file.
Plus the plugin's routes through Datasette's test client (no browser): read-only, by hash only."""
from __future__ import annotations

import asyncio
import hashlib
import io
import re
import subprocess
import urllib.request
from pathlib import Path

import pytest
from archive_build import served_datasette

from archive import cross_report_checks, load_health, load_manifest, load_portals, load_report, open_archive

FIXTURE_PDF = Path(__file__).resolve().parent.parent / "fixtures" / "documents" / "word-2021-split.pdf"
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--hide-scrollbars", "--lang=zh-CN"]


@pytest.fixture(scope="module")
def served_pdf(tmp_path_factory):
    """A data folder with one stored PDF report (extracted by the real extractor) and a previous year."""
    from extract import extract_bytes

    data = tmp_path_factory.mktemp("data")
    pdf = FIXTURE_PDF.read_bytes()
    sha = hashlib.sha256(pdf).hexdigest()
    (data / "store" / "sha256" / sha[:2] / sha[2:4]).mkdir(parents=True)
    (data / "store" / "sha256" / sha[:2] / sha[2:4] / sha).write_bytes(pdf)
    report = extract_bytes(pdf, "report.pdf", include_text=True)
    assert report["status"] == "ok" and report["provenance"]
    report.update(year=2024, agency="示例县人民政府办公室")
    previous = {k: v for k, v in report.items() if k != "provenance"}
    previous = {**previous, "year": 2023, "applications": {
        **report["applications"], "new_received": {**report["applications"]["new_received"], "total": 80},
        "carried_forward": {**report["applications"].get("carried_forward", {}), "total": 3}}}
    db = open_archive(data / "archive.db")
    load_portals(db, [{"id": "demo", "name": "示例县人民政府办公室", "region_code": "139901", "level": "department",
                       "family": "demo", "listing_urls": []}])
    load_manifest(db, [{"portal": "demo", "sha256": sha, "store_path": f"sha256/{sha[:2]}/{sha[2:4]}/{sha}",
                        "media_type": "application/pdf", "format": "pdf", "size": len(pdf),
                        "url": "http://127.0.0.1:9/demo/report-2024.pdf", "fetched_at": "2026-11-28T02:00:00Z"}])
    prev_id = load_report(db, "0" * 64, previous, "demo")
    rid = load_report(db, sha, report, "demo")
    load_health(db, [{"portal": "demo", "finished_at": "2026-11-28T02:00:00Z", "listing_pages": 1,
                      "close_reason": "finished", "errors": [], "blocked": None}], "r1")
    cross_report_checks(db)
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return {"data": data, "db": data / "archive.db", "sha": sha, "id": rid, "prev": prev_id, "report": report,
            "pdf": pdf}


def _get(ds, path):
    async def go():
        return await ds.client.get(path)
    return asyncio.run(go())


def test_routes_serve_by_hash_only(served_pdf):
    from archive.cli import make_datasette

    ds = make_datasette(served_pdf["db"])
    sha, rid = served_pdf["sha"], served_pdf["id"]
    page = _get(ds, f"/-/report/archive/{rid}")
    assert page.status_code == 200
    for table in ("table2", "table3", "table4"):
        assert f'id="{table}"' in page.text
    assert "一、本年新收政府信息公开申请数量" in page.text and "行政复议" in page.text and "主动公开" in page.text
    # the previous year beside the number, with the change
    assert re.search(r'上年 <a href="/-/report/archive/\d+">80</a> <span class="up">\+15</span>', page.text)
    doc = _get(ds, f"/-/document/archive/{sha}")
    assert doc.status_code == 200 and doc.headers["content-type"] == "application/pdf"
    assert hashlib.sha256(doc.content).hexdigest() == sha
    assert doc.headers["content-disposition"] == f'attachment; filename="{sha[:16]}.pdf"'
    # never a path, never a file the archive does not know
    for bad in ("/-/document/archive/../../etc/passwd", f"/-/document/archive/{'f' * 64}",
                f"/-/document/archive/{sha[:-1]}", "/-/document/archive/%2e%2e%2fetc%2fpasswd",
                f"/-/page-image/archive/{'f' * 64}/1.png", f"/-/page-image/archive/{sha}/99.png",
                "/-/report/archive/999999", "/-/report/nodb/1"):
        resp = _get(ds, bad)
        assert resp.status_code in (302, 404) and b"root:" not in resp.content, bad  # 302: Datasette's own
    # canned queries and tables link report ids to report pages
    top = _get(ds, "/archive/top_requests?year=&region=")
    assert f'href="/-/report/archive/{rid}"' in top.text


def test_html_cells_show_table_row_column(tmp_path):
    from archive.cli import make_datasette

    db = open_archive(tmp_path / "archive.db")
    r = {"year": 2024, "agency": "某局", "format": "html", "status": "ok", "checks": [],
         "applications": {"new_received": {"total": 12}},
         "provenance": {"applications.new_received.total": {"table": 1, "row": 2, "col": 8, "raw": "12件"}}}
    rid = load_report(db, "1" * 64, r, None)
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    page = _get(make_datasette(tmp_path / "archive.db"), f"/-/source/archive/{rid}/applications/new_received.total")
    assert page.status_code == 200 and 'id="locator"' in page.text
    assert "第 2 个表格，第 3 行，第 9 列" in page.text and "12件" in page.text


@pytest.fixture(scope="module")
def server(served_pdf):
    with served_datasette(served_pdf["db"], served_pdf["data"] / "metadata.json") as base:
        yield base


def _chromium(args: list[str], url: str, profile: Path) -> subprocess.CompletedProcess:
    return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args, url], capture_output=True,
                          text=True, timeout=60)


@pytest.mark.browser
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed")
def test_number_to_its_source_in_chromium(server, served_pdf, tmp_path):
    from PIL import Image

    rid, sha = served_pdf["id"], served_pdf["sha"]
    dom = _chromium(["--virtual-time-budget=3000", "--dump-dom"], f"{server}/-/report/archive/{rid}",
                    tmp_path / "p1").stdout
    for table in ("table2", "table3", "table4"):
        assert f'id="{table}"' in dom, table
    link = re.search(r'<a href="(/-/source/archive/\d+/applications/new_received\.total)"[^>]*>95</a>', dom)
    assert link, "the number 95 (本年新收 总计) links to its source"
    stored = re.search(r'<a href="(/-/document/archive/[0-9a-f]{64})" id="stored-copy"', dom).group(1)
    with urllib.request.urlopen(server + stored) as resp:
        assert hashlib.sha256(resp.read()).hexdigest() == sha

    # follow the number: the page image with the highlighted box
    shot = tmp_path / "source.png"
    src = _chromium(["--virtual-time-budget=5000", "--window-size=1000,1400", f"--screenshot={shot}", "--dump-dom"],
                    server + link.group(1), tmp_path / "p2").stdout
    box = re.search(r'id="highlight" data-bbox="([\d.,]+)" data-page-size="([\d.,]+)"', src)
    img = re.search(r'id="page-image" src="([^"]+)"', src)
    assert box and img, src[-1500:]
    x0, top, x1, bottom = map(float, box.group(1).split(","))
    prov = served_pdf["report"]["provenance"]["applications.new_received.total"]
    assert [x0, top, x1, bottom] == prov["bbox"]
    # the box lies over the printed digits: the PDF's text inside it is the printed value …
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(served_pdf["pdf"])
    page = pdf[prov["page"] - 1]
    w, h = page.get_size()
    assert page.get_textpage().get_text_bounded(x0, h - bottom, x1, h - top).strip() == prov["raw"] == "95"
    pdf.close()
    # … and the served page image has ink inside the box (scaled from points to pixels) and none around it
    with urllib.request.urlopen(server + img.group(1)) as resp:
        png = Image.open(io.BytesIO(resp.read())).convert("L")
    sx, sy = png.width / w, png.height / h
    inside = png.crop((int(x0 * sx), int(top * sy), int(x1 * sx), int(bottom * sy)))
    assert min(inside.getdata()) < 100, "no dark pixels (digits) inside the highlighted box"
    # in the rendered browser page the red highlight frames dark (digit) pixels
    screen = Image.open(shot).convert("RGB")
    red = [(x, y) for y in range(screen.height) for x in range(0, screen.width, 2)
           if (lambda p: p[0] > 200 and p[1] < 60 and p[2] < 60)(screen.getpixel((x, y)))]
    assert red, "the highlight is not drawn"
    rx0, rx1 = min(x for x, _ in red), max(x for x, _ in red)
    ry0, ry1 = min(y for _, y in red), max(y for _, y in red)
    inner = screen.crop((rx0 + 3, ry0 + 3, rx1 - 2, ry1 - 2)).convert("L")
    assert min(inner.getdata()) < 110, "the highlighted box in the browser does not lie over the digits"


def test_report_page_marks_corrections_failed_identities_and_continuity(tmp_path):
    import json

    from archive import add_correction
    from archive.cli import make_datasette

    fixtures = Path(__file__).resolve().parent.parent / "fixtures" / "archive"
    db = open_archive(tmp_path / "archive.db")
    load_portals(db, [{"id": "demo-shili", "name": "示例市人民政府办公室", "region_code": "139900",
                       "level": "department", "family": "demo", "listing_urls": []}])
    ids = {}
    for y in (2023, 2024):
        r = json.loads((fixtures / f"shili-{y}.json").read_text(encoding="utf-8"))
        if y == 2024:  # the extractor found an identity broken in column 自然人
            r["checks"] = [{**c, "passed": False} if c["code"] == "applications.balance"
                           and c.get("column") == "natural_person" else c for c in r["checks"]]
        ids[y] = load_report(db, f"{y:064x}", r, "demo-shili")
    add_correction(db, who="王", why="印刷错误", table="applications", report=ids[2024], keys="granted.total", value=71)
    cross_report_checks(db, today=__import__("datetime").date(2026, 11, 28), years=[2023, 2024])
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    page = _get(make_datasette(tmp_path / "archive.db"), f"/-/report/archive/{ids[2024]}").text
    # the correction: corrected value shown, the printed one struck through beside it
    assert re.search(r'data-cell="applications\.granted\.total"[^>]*>71</a><del[^>]*>70</del>', page)
    # the failed identity is listed and its column marked
    assert 'data-check="applications.balance"' in page and 'class="failed">自然人</th>' in page
    # 上年结转 9 ≠ last year's 结转下年度 7: the continuity mark beside the number
    assert re.search(r'data-continuity="total">✗ 上年结转下年度 <a href="/-/report/archive/\d+">7</a>', page)
    assert f'上一年度报告（2023）' in page


def test_search_page_skips_the_count_over_every_match(served_pdf):
    """A table search answers with the newest matches first and no total or facets (a count over
    every match is linear in the archive); &_count=1 gives Datasette's default page back."""
    from archive.cli import make_datasette

    ds = make_datasette(served_pdf["db"])
    fast = _get(ds, "/archive/reports.json?_search=%E5%A4%8D%E8%AE%AE&_shape=objects")  # 复议
    assert fast.status_code == 200
    body = fast.json()
    assert body["filtered_table_rows_count"] is None and "sorted by id descending" in body["human_description_en"]
    assert [r["id"] for r in body["rows"]] == sorted((r["id"] for r in body["rows"]), reverse=True)
    full = _get(ds, "/archive/reports.json?_search=%E5%A4%8D%E8%AE%AE&_count=1&_shape=objects").json()
    assert full["filtered_table_rows_count"] == len(full["rows"]) >= 1
    assert {r["id"] for r in full["rows"]} == {r["id"] for r in body["rows"]}
    assert _get(ds, "/archive/reports?_search=%E5%A4%8D%E8%AE%AE").status_code == 200
