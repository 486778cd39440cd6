"""``family: auto`` portals: detect the family before a crawl and record the answer.

    portals, registry = resolve_auto(portals, run_dir, registry_path)

For every portal whose family is ``auto``, the first listing URL is fetched once (politely, with
the portal's own hosts, robots and private-address rules) and ``crawler.detect`` names the family
(``generic`` when the page cannot be read, is a wall, or shows no marker). Each answer is one line of
``<run_dir>/detections.jsonl`` ({portal, url, family, cms, evidence, blocked, error}); the crawl of
this run uses a copy of the registry with the answers filled in (``<run_dir>/registry.resolved.yaml``),
and ``nianbao portals learn <run_dir>`` writes them into the registry for good.

``home_column(portal)`` is the call for an entry that gives only ``home_url`` (a seed): a short
discovery from the home that keeps the columns of the portal's own unit (not its departments').
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
                              host_allowed=host_rule(portal.home_url, portal.hosts)).get
    result = discover(portal.home_url, fetch, depth=depth, max_pages=max_pages, region_code=portal.region_code,
                      start_name=portal.name)
    own = [c for c in result.candidates if c.evidence.get("unit_path") == portal.name]
    if not own:
        return None
    return {"portal": portal.id, "listing_urls": [u for c in own for u in c.listing_urls], "family": own[0].family,
            "cms": own[0].evidence.get("cms"), "evidence": own[0].evidence, "errors": result.errors}


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
    raw = yaml.safe_load(Path(registry_path).read_text(encoding="utf-8")) or {}
    entries = raw.get("portals", raw) if isinstance(raw, dict) else raw
    for e in entries or []:
        if e.get("id") in answers:
            e["family"] = answers[e["id"]]
    resolved = Path(run_dir) / "registry.resolved.yaml"
    resolved.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return [dataclasses.replace(p, family=answers.get(p.id, p.family)) for p in portals], resolved


__all__ = ["resolve_auto", "detect_portal", "home_column"]
