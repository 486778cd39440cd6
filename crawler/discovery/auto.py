"""``family: auto`` portals: detect the family before a crawl and record the answer.

    portals, registry = resolve_auto(portals, run_dir, registry_path)

For every portal whose family is ``auto``, the first listing URL is fetched once (politely, with
the portal's own hosts, robots and private-address rules) and ``crawler.detect`` names the family
(``generic`` when the page cannot be read, is a wall, or shows no marker). Each answer is one line of
``<run_dir>/detections.jsonl`` ({portal, url, family, cms, evidence, blocked, error}); the crawl of
this run uses a copy of the registry with the answers filled in (``<run_dir>/registry.resolved.yaml``),
and ``nianbao portals learn <run_dir>`` writes them into the registry for good.

``home_column(portal)`` is the call for an entry that gives only ``home_url``: a short discovery
from the home that keeps the columns of the portal's own unit (not its departments').
``resolve_homes(portals, run_dir, registry_path)`` runs it before a crawl for the home-only
entries the crawl was given (the runner passes a seed only when it was asked for by id: discovery
on a province is a review job, not a nightly side effect). Each answer is a line of
``detections.jsonl`` with the found ``listing_urls`` (``discovered: true``); the portal is crawled
this run with its column(s), and ``nianbao portals learn`` writes them into the registry. A home
where no column is found gets a health record (error kind ``no-column``) and is not crawled.
"""
from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from crawler.detect import detect_family
from crawler.discovery.fetch import PoliteFetcher
from crawler.registry import AUTO
from nianbao.text import utc_now


def detect_portal(portal, fetch=None) -> dict:
    url = portal.listing_urls[0].replace("{year}", "2024")
    if fetch is None:
        fetch = PoliteFetcher(allow_private=portal.allow_private, obey_robots=portal.obey_robots,
                              delay=0, host_allowed=lambda u: urlsplit(u).netloc.lower() in portal.hosts).get
    page = fetch(url)
    rec = {"portal": portal.id, "url": url, "family": "generic", "cms": None, "evidence": [], "blocked": None,
           "error": page.error or (f"HTTP {page.status}" if page.status >= 400 else None)}
    if page.error:
        return rec
    d = detect_family(page.url, page.body, page.headers, page.status)
    rec.update(cms=d.cms, evidence=d.evidence, blocked=d.blocked)
    if not d.blocked and not rec["error"]:
        rec["family"] = d.family
    return rec


def home_column(portal, fetch=None, depth: int = 2, max_pages: int = 40) -> dict | None:
    """The annual-report column(s) of the unit whose home is ``portal.home_url``:
    ``{portal, listing_urls, family, cms, evidence, errors}``, or None when none was found."""
    from crawler.discovery.crawl import discover, host_rule

    if fetch is None:
        fetch = PoliteFetcher(allow_private=portal.allow_private, obey_robots=portal.obey_robots,
                              delay=portal.overrides.get("delay"),
                              host_allowed=host_rule(portal.home_url, portal.hosts)).get
    result = discover(portal.home_url, fetch, depth=depth, max_pages=max_pages, region_code=portal.region_code,
                      start_name=portal.name)
    own = [c for c in result.candidates if c.evidence.get("unit_path") == portal.name]
    if not own:
        return None
    return {"portal": portal.id, "listing_urls": [u for c in own for u in c.listing_urls], "family": own[0].family,
            "cms": own[0].evidence.get("cms"), "evidence": own[0].evidence, "errors": result.errors}



def _registry_entries(registry_path: Path):
    raw = yaml.safe_load(Path(registry_path).read_text(encoding="utf-8")) or {}
    return raw, (raw.get("portals", raw) if isinstance(raw, dict) else raw) or []


def _write_resolved(raw, run_dir: Path) -> Path:
    resolved = Path(run_dir) / "registry.resolved.yaml"
    resolved.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return resolved


def resolve_homes(portals: list, run_dir: Path, registry_path: Path, fetch=None) -> tuple[list, Path]:
    """The home-only entries among ``portals``, each given its column(s) by ``home_column``
    (recorded in ``<run_dir>/detections.jsonl``); the registry copy the crawl then reads."""
    homes = [p for p in portals if p.needs_discovery and p.home_url]
    if not homes:
        return portals, registry_path
    found: dict[str, dict] = {}
    with open(Path(run_dir) / "detections.jsonl", "a", encoding="utf-8") as fh, \
            open(Path(run_dir) / "health.jsonl", "a", encoding="utf-8") as health:
        for p in homes:
            started = utc_now()
            try:
                col = home_column(p, fetch)
                error = None if col else "no annual-report column found from the home page"
            except Exception as exc:   # a bad home page never stops the run
                col, error = None, f"{type(exc).__name__}: {exc}"
            family = p.family if p.family != AUTO else (col or {}).get("family", "generic")
            rec = {"portal": p.id, "url": p.home_url, "discovered": True, "family": family if col else AUTO,
                   "listing_urls": (col or {}).get("listing_urls", []), "cms": (col or {}).get("cms"),
                   "evidence": (col or {}).get("evidence", {}), "blocked": None, "error": error}
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
            if col:
                found[p.id] = rec
            else:   # every portal the crawl was given has its health record
                health.write(json.dumps({
                    "portal": p.id, "family": p.family, "started_at": started, "finished_at": utc_now(),
                    "requests": 0, "bytes": 0, "new_documents": 0, "known_documents": 0,
                    "errors": [{"url": p.home_url, "kind": "no-column", "message": error}], "blocked": None},
                    ensure_ascii=False) + "\n")
    raw, entries = _registry_entries(registry_path)
    for e in entries:
        if e.get("id") in found:
            e.update(family=found[e["id"]]["family"], listing_urls=found[e["id"]]["listing_urls"])
            e.pop("seed", None)
    out = []
    for p in portals:
        if p.id in found:
            out.append(dataclasses.replace(p, family=found[p.id]["family"], listing_urls=found[p.id]["listing_urls"],
                                           seed=False))
        elif not (p.needs_discovery and p.home_url):
            out.append(p)
    return out, _write_resolved(raw, run_dir)


def resolve_auto(portals: list, run_dir: Path, registry_path: Path, fetch=None) -> tuple[list, Path]:
    auto = [p for p in portals if p.family == AUTO]
    if not auto:
        return portals, registry_path
    answers = {}
    with open(Path(run_dir) / "detections.jsonl", "a", encoding="utf-8") as fh:
        for p in auto:
            rec = detect_portal(p, fetch)
            answers[p.id] = rec["family"]
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    raw, entries = _registry_entries(registry_path)
    for e in entries:
        if e.get("id") in answers:
            e["family"] = answers[e["id"]]
    resolved = _write_resolved(raw, run_dir)
    return [dataclasses.replace(p, family=answers.get(p.id, p.family)) for p in portals], resolved


__all__ = ["resolve_auto", "resolve_homes", "detect_portal", "home_column"]
