"""Small stand-ins for the crawler, the extractor and the archive, to test the flows' own logic
(selection, caching, catch-up, failure accounting) fast and deterministically."""
from __future__ import annotations

import hashlib
import threading
import json
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils


@dataclass
class Portal:
    id: str
    name: str
    region_code: str
    level: str = "city"
    parent: str | None = None
    family: str = "fake"
    listing_urls: list = field(default_factory=list)
    overrides: dict = field(default_factory=dict)


def doc(portal: str, year: int, **extra) -> bytes:
    body = {"title": f"{portal} {year}年政府信息公开工作年度报告", "agency": portal, "year": year,
            "status": "ok", "checks": [{"code": "applications.balance", "passed": True}]}
    body.update(extra)
    return json.dumps(body, ensure_ascii=False, sort_keys=True).encode()


class FakeWeb:
    """portal id -> list of document bytes; ``broken`` portals make the crawl subprocess fail."""

    def __init__(self):
        self.docs: dict[str, list[bytes]] = {
            "a": [doc("a", 2022), doc("a", 2023)],
            "b": [doc("b", 2023), b"\x00garbage"],
            "c": [doc("c", 2023, checks=[{"code": "x", "passed": False}])],
        }
        self.broken: set[str] = set()
        self.blocked: set[str] = set()
        self.crawls: list[tuple] = []
        self.lock = threading.Lock()

    def registry(self, path=None):
        return [Portal("a", "A市", "130500"), Portal("b", "B县", "130521", family="other"),
                Portal("c", "C市", "440100")]

    def crawl(self, portals, years, full, run_id, data_dir, registry=None):
        with self.lock:
            return self._crawl(portals, years, full, run_id, data_dir)

    def _crawl(self, portals, years, full, run_id, data_dir):
        self.crawls.append((tuple(portals), tuple(years or ()), full, run_id))
        if set(portals) & self.broken:
            raise RuntimeError("scrapy exited with status 1")
        run = Path(data_dir) / "crawl" / "runs" / run_id
        run.mkdir(parents=True, exist_ok=True)
        state = Path(data_dir) / "crawl" / "state" / "known.txt"
        state.parent.mkdir(parents=True, exist_ok=True)
        known = set(state.read_text().split()) if state.exists() else set()
        for pid in portals:
            new = 0
            if pid in self.blocked:
                with open(run / "health.jsonl", "a") as fh:
                    fh.write(json.dumps({"portal": pid, "requests": 1, "new_documents": 0, "errors": [],
                                         "blocked": {"kind": "rs-412", "url": "http://x/"}}) + "\n")
                continue
            for i, data in enumerate(self.docs.get(pid, [])):
                year = json.loads(data).get("year") if data.startswith(b"{") else None
                if years and year and year not in years:
                    continue
                sha = hashlib.sha256(data).hexdigest()
                if sha in known and not full:
                    continue
                rel = f"sha256/{sha[:2]}/{sha[2:4]}/{sha}"
                p = Path(data_dir) / "store" / rel
                p.parent.mkdir(parents=True, exist_ok=True)
                p.write_bytes(data)
                status = "known" if sha in known else "new"
                new += status == "new"
                known.add(sha)
                with open(run / "manifest.jsonl", "a") as fh:
                    fh.write(json.dumps({"portal": pid, "sha256": sha, "store_path": rel,
                                         "url": f"http://127.0.0.1/{pid}/{i}.json", "year_hint": year,
                                         "status": status}) + "\n")
            with open(run / "health.jsonl", "a") as fh:
                fh.write(json.dumps({"portal": pid, "requests": 3, "new_documents": new,
                                     "errors": [], "blocked": None}) + "\n")
        state.write_text("\n".join(sorted(known)))
        return run


class FakeExtractor:
    def __init__(self):
        self.version = "fake-1"
        self.calls = 0

    def extract_bytes(self, data, filename=None):
        self.calls += 1
        try:
            report = json.loads(data)
        except ValueError:
            return {"status": "error", "error": {"code": "unsupported_format", "message": "?"},
                    "checks": [], "extractor_version": self.version}
        report["extractor_version"] = self.version
        return report


def open_archive(path):
    db = sqlite_utils.Database(path)
    return db


def load_manifest(db, recs):
    db["documents"].upsert_all([{"sha256": r["sha256"], "portal": r["portal"]} for r in recs], pk="sha256")


def load_report(db, sha, report, portal):
    with db.conn:
        db["reports"].upsert({"sha256": sha, "portal": portal, "year": report.get("year"),
                              "status": report.get("status"),
                              "extractor_version": report.get("extractor_version")}, pk="sha256")


def cross_report_checks(db):
    return []


def load_health(db, records, run_id):
    db["crawls"].insert_all([{"run_id": run_id, "portal": h.get("portal")} for h in records], alter=True)


def record_run(db, summary):
    db["runs"].insert({k: (json.dumps(v) if isinstance(v, (list, dict)) else v) for k, v in summary.items()},
                      alter=True)


def load_portals(db, portals):
    db["portals"].upsert_all([{k: (json.dumps(v) if isinstance(v, (list, dict)) else v)
                               for k, v in p.items()} for p in portals], pk="id", alter=True)


def install(monkeypatch, web: FakeWeb, ext: FakeExtractor):
    import flows.parts as parts

    monkeypatch.setattr(parts, "load_registry", web.registry)
    monkeypatch.setattr(parts, "crawl", web.crawl)
    monkeypatch.setattr(parts, "extractor_version", lambda: ext.version)
    monkeypatch.setattr(parts, "extract_bytes", ext.extract_bytes)
    for name in ("open_archive", "load_manifest", "load_report", "cross_report_checks", "record_run",
                 "load_portals", "load_health"):
        monkeypatch.setattr(parts, name, globals()[name])
