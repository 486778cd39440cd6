"""An archive built from the real corpus's expected JSON files (as extraction outputs, read in place
from ../shared) plus this repository's own fixtures (tests/fixtures/archive/)."""
from __future__ import annotations

import contextlib
import hashlib
import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from extract.template import run_checks

from archive import cross_report_checks, load_health, load_manifest, load_portals, load_report, open_archive

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "archive"

PORTALS = [
    {"id": "demo-shili", "name": "示例市人民政府办公室", "region_code": "139900", "level": "department-of-city",
     "parent": None, "family": "demo", "listing_urls": ["http://127.0.0.1:9/xxgk/ndbg/"], "overrides": {}},
    {"id": "huaian-hongze", "name": "淮安市洪泽区人民政府", "region_code": "320813", "level": "county",
     "parent": None, "family": "jiangsu", "listing_urls": ["http://127.0.0.1:9/hongze/ndbg/"], "overrides": {}},
    {"id": "hebei-xingtai", "name": "邢台市人民政府办公室", "region_code": "130500", "level": "department-of-city",
     "parent": None, "family": "hebei", "listing_urls": ["http://127.0.0.1:9/xingtai/ndbg/"], "overrides": {}},
    {"id": "demo-quiet", "name": "示例县人民政府", "region_code": "139901", "level": "county",
     "parent": "demo-shili", "family": "demo", "listing_urls": [], "overrides": {}},
]
# expected-JSON path (relative to shared/corpus) -> portal
CORPUS_PORTALS = {
    "hongze/hongze-2023": "huaian-hongze",
    "hongze/hongze-2024": "huaian-hongze",
    "xingtai-2024-seed": "hebei-xingtai",
}


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _pdf_text(path: Path) -> str | None:
    try:
        import pdfplumber
    except ImportError:
        return None
    with pdfplumber.open(path) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def corpus_reports(shared: Path) -> list[dict]:
    """[{sha256, portal, report, name}] for every expected JSON in the corpus plus our fixtures."""
    out = []
    corpus = shared / "corpus"
    for exp in sorted(corpus.rglob("*.expected.json")):
        stem = str(exp.relative_to(corpus))[: -len(".expected.json")]
        report = json.loads(exp.read_text(encoding="utf-8"))
        # the expected JSONs are the extractor's tables; its report dict also carries the checks
        report.setdefault("checks", run_checks(report))
        doc = next((p for p in (corpus / (stem + ".pdf"), corpus / (stem + ".txt")) if p.exists()), exp)
        if doc.suffix == ".txt":
            report["text"] = doc.read_text(encoding="utf-8")
        elif doc.suffix == ".pdf":
            report["text"] = _pdf_text(doc)
        out.append({"sha256": sha(doc.read_bytes()), "portal": CORPUS_PORTALS.get(stem), "report": report,
                    "name": stem, "path": doc})
    for fx in sorted(FIXTURES.glob("*.json")):
        out.append({"sha256": sha(fx.read_bytes()), "portal": "demo-shili",
                    "report": json.loads(fx.read_text(encoding="utf-8")), "name": fx.stem, "path": fx})
    return out


def manifest_records(items: list[dict]) -> list[dict]:
    recs = []
    for it in items:
        if not it["portal"]:
            continue
        base = {"portal": it["portal"], "sha256": it["sha256"], "store_path": f"sha256/{it['sha256'][:2]}/"
                f"{it['sha256'][2:4]}/{it['sha256']}", "media_type": "application/pdf", "format": "pdf",
                "size": it["path"].stat().st_size, "role": "attachment", "http_status": 200,
                "listing_url": f"http://127.0.0.1:9/{it['portal']}/list.html", "link_text": it["report"].get("title"),
                "listing_date": f"{(it['report'].get('year') or 2024) + 1}-01-20", "year_hint": it["report"].get("year"),
                "headers": {"Content-Type": "application/pdf"}, "fetched_at": "2026-11-28T02:00:03Z", "status": "new"}
        recs.append({**base, "url": f"http://127.0.0.1:9/{it['portal']}/{it['name']}.pdf",
                     "final_url": f"http://127.0.0.1:9/{it['portal']}/{it['name']}.pdf"})
    # the same document seen at a second URL: one document, two sources
    first = recs[0]
    recs.append({**first, "url": first["url"].replace(".pdf", "-copy.pdf"), "final_url": None,
                  "fetched_at": "2026-11-28T02:05:00Z"})
    return recs


def health_records() -> list[dict]:
    """One crawl of each test portal (health.jsonl records): demo-shili and hebei-xingtai read to the
    listing's last page, huaian-hongze read (listing not walked to its end), demo-quiet blocked."""
    def rec(pid, **kw):
        return {"portal": pid, "family": "demo", "started_at": "2026-11-28T02:00:00Z",
                "finished_at": "2026-11-28T02:01:00Z", "requests": 5, "bytes": 1000, "new_documents": 1,
                "known_documents": 0, "listing_pages": 2, "not_modified": 0, "rejected": 0, "empty_views": 0,
                "close_reason": "finished", "errors": [], "blocked": None, **kw}
    return [rec("demo-shili", listing_end_reached=True), rec("hebei-xingtai", listing_end_reached=True),
            rec("huaian-hongze"),
            rec("demo-quiet", listing_pages=0, blocked={"kind": "rs-412", "url": "http://127.0.0.1:9/q/"},
                errors=[{"url": "http://127.0.0.1:9/q/", "kind": "http-412", "message": "blocked"}])]


def build(path: Path, shared: Path):
    import datetime as dt

    items = corpus_reports(shared)
    db = open_archive(path)
    load_portals(db, PORTALS)
    load_manifest(db, manifest_records(items))
    load_health(db, health_records(), "20261128T020000-nightly")
    ids = {}
    for it in items:
        ids[it["name"]] = load_report(db, it["sha256"], it["report"], it["portal"])
    cross_report_checks(db, today=dt.date(2026, 11, 28), years=range(2022, 2026))
    return db, items, ids


@contextlib.contextmanager
def served_datasette(db_path: Path, metadata_path: Path):
    """``nianbao serve``'s Datasette on a free 127.0.0.1 port; yields its base URL."""
    from archive.cli import datasette_args, write_metadata

    meta = write_metadata(db_path, metadata_path)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "datasette", *datasette_args(db_path, meta, port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    try:
        while True:
            try:
                urllib.request.urlopen(base + "/-/versions.json", timeout=2)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    proc.kill()
                    raise RuntimeError("datasette did not start: " + proc.stdout.read().decode()[-2000:])
                time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)
