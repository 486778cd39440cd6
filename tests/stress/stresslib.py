"""Helpers shared by the fault-injection and crash tests: load a crawl run into the archive
through the documented APIs, and take a comparable snapshot of an archive."""
from __future__ import annotations

import json
import sqlite3
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

FACT_TABLES = ("active_disclosure", "applications", "review_litigation")


def read_jsonl(path: Path) -> list[dict]:
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            out.append(json.loads(line))
    return out


def load_run(db_path: Path, run_dir: Path, data_dir: Path) -> dict:
    """crawl run → archive, as docs/interfaces.md describes: load_manifest, then extract each
    stored document not yet reported and load_report. Returns counts."""
    import archive
    from extract import extract_bytes

    records = read_jsonl(run_dir / "manifest.jsonl")
    db = archive.open_archive(db_path)
    try:
        archive.load_manifest(db, records)
        done = {r[0] for r in db.conn.execute("SELECT sha256 FROM reports")}
        loaded = 0
        for rec in records:
            sha = rec["sha256"]
            if sha in done:
                continue
            data = (data_dir / "store" / rec["store_path"]).read_bytes()
            name = Path(urlsplit(rec.get("final_url") or rec.get("url") or "").path).name or None
            report = extract_bytes(data, filename=name, include_text=True)
            archive.load_report(db, sha, report, rec.get("portal"))
            done.add(sha)
            loaded += 1
        return {"records": len(records), "reports_loaded": loaded}
    finally:
        db.close()


def path_of(url: str | None) -> str:
    """The URL without scheme and origin (the proxy's port differs between runs)."""
    if not url:
        return ""
    p = urlsplit(url)
    return p.path + (f"?{p.query}" if p.query else "")


def snapshot(db_path: Path) -> dict:
    """What a run left in the archive, independent of ids, ports and timestamps."""
    con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        snap = {
            "integrity": con.execute("PRAGMA integrity_check").fetchone()[0],
            "documents": sorted(r[0] for r in con.execute("SELECT sha256 FROM documents")),
            "sources": sorted(Counter((sha, path_of(url)) for sha, url in
                                      con.execute("SELECT sha256, url FROM sources")).items()),
            "reports": {r[0]: tuple(r[1:]) for r in con.execute(
                "SELECT sha256, status, year, template, title, error_code FROM reports")},
            "report_rows": con.execute("SELECT count(*) FROM reports").fetchone()[0],
        }
        facts = {}
        for t in FACT_TABLES:
            cols = [c[1] for c in con.execute(f"PRAGMA table_info([{t}])") if c[1] != "report"]
            sel = ", ".join(f"t.[{c}]" for c in cols)
            for row in con.execute(f"SELECT r.sha256, {sel} FROM [{t}] t JOIN reports r ON r.id = t.report"):
                facts.setdefault(row[0], []).append((t,) + tuple(row[1:]))
        snap["facts"] = {k: sorted(v, key=repr) for k, v in facts.items()}
        snap["fact_rows"] = sum(len(v) for v in facts.values())
        return snap
    finally:
        con.close()


def duplicates(db_path: Path) -> dict:
    con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        return {
            "sources": con.execute("SELECT sha256, url, count(*) FROM sources GROUP BY 1, 2 HAVING count(*) > 1").fetchall(),
            "reports": con.execute("SELECT sha256, count(*) FROM reports GROUP BY 1 HAVING count(*) > 1").fetchall(),
            "orphan_facts": con.execute(
                "SELECT count(*) FROM applications a LEFT JOIN reports r ON r.id = a.report WHERE r.id IS NULL"
            ).fetchone()[0],
        }
    finally:
        con.close()


def truth_docs(site) -> dict[str, set[str]]:
    """portal → set of sha256 the sample site holds."""
    return {pid: {d["sha256"] for d in docs} for pid, docs in site.truth.items()}
