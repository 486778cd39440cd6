"""Writing discovery's answers into the registry file (the only side effect on crawler/portals.yaml).

    seed_entry("北京市人民政府", "https://www.beijing.gov.cn/")   -> a seed entry (code from GB/T 2260)
    write_candidates(result, path)                               -> YAML for review
    apply_candidates(candidates_yaml, registry_path)             -> ids added / replaced
    learn_detections(run_dir, registry_path)                     -> ids whose ``family: auto`` got a value,
                                                                    or whose home-only entry got its column

The registry keeps one entry per line (``- {id: …, …}``), comments and order; entries are added at
the end or replace the line of the same id (a seed becomes a portal with its column).
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from crawler.discovery import regions
from crawler.registry import FAMILIES, LEVELS, RegistryError, validate_entry

NATIONAL = "100000"        # the registry's code for central-government departments (as 财政部's entry)
ENTRY_KEYS = ("id", "name", "region_code", "level", "parent", "family", "listing_urls", "home_url", "seed",
              "overrides")


def _slug_from_host(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    labels = [x for x in host.split(".") if x not in ("www", "gov", "cn")]
    return re.sub(r"[^a-z0-9]+", "-", "-".join(labels)).strip("-") or "gov"


def seed_entry(name: str, home_url: str, central: bool = False) -> dict:
    """A seed for one home portal: a provincial government (region code from GB/T 2260 by its
    name) or a central department (``central``: national code, level department)."""
    if central:
        code, level = NATIONAL, "department"
    else:
        div = re.sub(r"人民政府$", "", name)
        code = regions.code_for(div)
        if code is None:
            raise RegistryError(f"{name}: no GB/T 2260 division called {div!r}")
        level = regions.division_level(code) or "province"
    return {"id": f"{_slug_from_host(home_url)}-home", "name": name, "region_code": code, "level": level,
            "family": "auto", "home_url": home_url, "seed": True}


def entry_line(entry: dict) -> str:
    """One registry line in the file's flow style."""
    clean = {k: entry[k] for k in ENTRY_KEYS if entry.get(k) not in (None, [], {}, False)}
    body = yaml.safe_dump(clean, allow_unicode=True, default_flow_style=True, sort_keys=False, width=10**6).strip()
    # region codes and parents are strings of digits: keep them quoted
    body = re.sub(r"\b(region_code|parent): (\d{6})\b", r'\1: "\2"', body)
    return f"- {body}\n"


def write_candidates(result_dict: dict, path: Path) -> None:
    header = ("# Candidates from `nianbao portals discover` — review, delete the wrong ones (or set\n"
              "# accept: false), fix names, then `nianbao portals discover --apply <this file>`.\n")
    for c in result_dict.get("candidates", []):
        c.setdefault("accept", True)
    Path(path).write_text(header + yaml.safe_dump(result_dict, allow_unicode=True, sort_keys=False, width=120),
                          encoding="utf-8")


def _id_lines(lines: list[str]) -> dict[str, int]:
    out = {}
    for i, line in enumerate(lines):
        m = re.match(r"^- \{(?:.*?[,{] )?id: '?([a-z0-9][a-z0-9-]*)'?[,}]", line)
        if m:
            out[m.group(1)] = i
    return out


def apply_candidates(candidates_path: Path, registry_path: Path, *, replace_seeds: bool = True) -> dict:
    """Merge reviewed candidates (``accept`` not false) into the registry file. A candidate whose
    listing URL's host is a seed's home host and whose name is the seed's replaces that seed's line;
    one whose id exists already replaces that line; the rest are appended. Returns
    ``{"added": [...], "replaced": [...], "rejected": {id: problems}}``."""
    data = yaml.safe_load(Path(candidates_path).read_text(encoding="utf-8")) or {}
    cands = [c for c in data.get("candidates", []) if c.get("accept", True) is not False]
    reg_text = Path(registry_path).read_text(encoding="utf-8")
    lines = reg_text.splitlines(keepends=True)
    raw = yaml.safe_load(reg_text) or {}
    existing = {e["id"]: e for e in (raw.get("portals", raw) if isinstance(raw, dict) else raw) or []}
    seeds_by_name = {e["name"]: e["id"] for e in existing.values() if e.get("seed")}
    report = {"added": [], "replaced": [], "rejected": {}}
    for c in cands:
        entry = {k: c.get(k) for k in ENTRY_KEYS if k in c}
        entry.pop("seed", None)
        if entry.get("family") not in FAMILIES:
            entry["family"] = "generic"
        if entry.get("level") not in LEVELS:
            entry["level"] = "department"
        note = f"discovered from {c.get('evidence', {}).get('found_on', '?')}; cms {c.get('evidence', {}).get('cms', '?')}"
        entry.setdefault("overrides", {})
        entry["overrides"] = dict(entry["overrides"] or {}, note=note)
        target = c["id"] if c["id"] in existing else (seeds_by_name.get(c.get("name")) if replace_seeds else None)
        if target and existing.get(target, {}).get("home_url"):
            entry["id"] = target
            entry["home_url"] = existing[target]["home_url"]
        problems = validate_entry(entry)
        if problems:
            report["rejected"][entry.get("id")] = problems
            continue
        index = _id_lines(lines)
        if target and target in index:
            lines[index[target]] = entry_line(entry)
            report["replaced"].append(target)
            seeds_by_name.pop(entry["name"], None)   # a second column of the same unit is added, not swapped in
        else:
            if lines and not lines[-1].endswith("\n"):
                lines[-1] += "\n"
            lines.append(entry_line(entry))
            existing[entry["id"]] = entry
            report["added"].append(entry["id"])
    Path(registry_path).write_text("".join(lines), encoding="utf-8")
    return report


def learn_detections(run_dir: Path, registry_path: Path) -> dict:
    """Write the families a crawl detected for ``family: auto`` portals (``detections.jsonl`` in the
    run folder) into the registry, and the columns it discovered for home-only entries (records with
    ``discovered: true``: the line gets ``listing_urls`` and ``family``, a seed stops being one).
    Returns ``{id: family}`` of the entries changed."""
    f = Path(run_dir) / "detections.jsonl"
    if not f.exists():
        return {}
    found, columns = {}, {}
    for line in f.read_text(encoding="utf-8").splitlines():
        try:
            d = json.loads(line)
        except ValueError:
            continue
        if d.get("family") in FAMILIES and not d.get("blocked") and not d.get("error"):
            if d.get("discovered"):
                if d.get("listing_urls"):
                    columns[d["portal"]] = d
            else:
                found[d["portal"]] = d["family"]
    text = Path(registry_path).read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    index = _id_lines(lines)
    changed = {}
    raw = yaml.safe_load(text) or {}
    existing = {e.get("id"): e for e in (raw.get("portals", raw) if isinstance(raw, dict) else raw) or []}
    for pid, d in columns.items():
        i, entry = index.get(pid), existing.get(pid)
        if i is None or not entry or entry.get("listing_urls"):
            continue   # gone, or given its column meanwhile
        entry = dict(entry, family=d["family"], listing_urls=d["listing_urls"])
        entry.pop("seed", None)
        entry["overrides"] = dict(entry.get("overrides") or {},
                                  note=f"discovered from {d.get('url')} by a crawl; cms {d.get('cms') or '?'}")
        lines[i] = entry_line(entry)
        changed[pid] = d["family"]
    for pid, fam in found.items():
        i = index.get(pid)
        if i is not None and re.search(r"\bfamily: auto\b", lines[i]):
            lines[i] = re.sub(r"\bfamily: auto\b", f"family: {fam}", lines[i])
            changed[pid] = fam
    Path(registry_path).write_text("".join(lines), encoding="utf-8")
    return changed


__all__ = ["seed_entry", "entry_line", "write_candidates", "apply_candidates", "learn_detections", "NATIONAL"]
