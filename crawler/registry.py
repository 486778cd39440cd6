"""The portal registry: which annual-report columns exist, and which CMS family serves each.

Pure (PyYAML only, no Scrapy import): the flows read it too.

    from crawler.registry import load_registry
    portals = load_registry()                                    # crawler/portals.yaml
    sample = load_registry(SAMPLE_REGISTRY, base_url="http://127.0.0.1:8123")

``load_registry(path)`` reads ``path``, else ``$NIANBAO_REGISTRY``, else ``crawler/portals.yaml``.
Every string in a listing URL or attachment host may contain ``{base}`` (the sample site's
origin, e.g. ``http://127.0.0.1:8123``) and ``{host}`` (``127.0.0.1:8123``); ``base_url`` (or
``$NIANBAO_SAMPLE_BASE``) fills them, so the sample site's random port works.

Entry fields: ``id, name, region_code (GB/T 2260, 6 digits), level, parent, family,
listing_urls, overrides`` where overrides may hold ``delay`` (seconds between requests),
``robots`` (false: ignore robots.txt), ``encoding`` (force a page encoding), ``attachment_hosts``
(extra hosts attachments may come from), ``cookies`` (true: keep the cookies this portal's
pages set and send them back, for list APIs that want the channel page's session; false: off even
where the family turns them on), ``allow_private`` (may fetch loopback/private
addresses; only the sample registry sets it), ``years_param`` (listing URLs contain ``{year}``).

Discovery fields (optional): ``home_url`` (the portal's home or 政府信息公开 page; an entry may give
only this, its column is then found by ``nianbao portals discover``), ``seed: true`` (a home
portal waiting for discovery) and ``family: auto`` (detect the family on the first crawl). Entries
without listing URLs are left out of ``load_registry`` unless ``include_seeds=True``: crawls never
see them, discovery does.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, asdict
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from crawler.spiders import family_names
from nianbao.config import get_settings

HERE = Path(__file__).resolve().parent
DEFAULT_REGISTRY = HERE / "portals.yaml"
SAMPLE_REGISTRY = HERE / "sample_portals.yaml"

FAMILIES = family_names()   # one module per family in crawler/spiders/ (Scrapy is not imported)
AUTO = "auto"          # registry value: detect the family on the first crawl (crawler.detect)
LEVELS = ("province", "city", "county", "township", "department")
OVERRIDE_KEYS = {"delay", "robots", "encoding", "attachment_hosts", "allow_private", "note", "cookies"}
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_REGION = re.compile(r"^\d{6}$")


class RegistryError(ValueError):
    pass


@dataclass
class Portal:
    id: str
    name: str
    region_code: str
    level: str
    family: str
    listing_urls: list[str]
    parent: str | None = None
    overrides: dict = field(default_factory=dict)
    home_url: str | None = None
    seed: bool = False

    @property
    def needs_discovery(self) -> bool:
        return not self.listing_urls

    @property
    def hosts(self) -> set[str]:
        """Hosts this portal may be crawled on: its listing and home hosts plus attachment hosts."""
        hs = {urlsplit(u).netloc.lower() for u in self.listing_urls + ([self.home_url] if self.home_url else [])}
        hs |= {h.lower() for h in self.overrides.get("attachment_hosts", []) or []}
        return {h for h in hs if h}

    @property
    def allow_private(self) -> bool:
        return bool(self.overrides.get("allow_private"))

    @property
    def obey_robots(self) -> bool:
        return self.overrides.get("robots", True) is not False

    def to_dict(self) -> dict:
        return asdict(self)


def _substitute(value, base: str | None):
    if isinstance(value, str):
        if "{base}" in value or "{host}" in value:
            if not base:
                raise RegistryError(f"{value!r} needs a base URL (base_url= or NIANBAO_SAMPLE_BASE)")
            base = base.rstrip("/")
            return value.replace("{base}", base).replace("{host}", urlsplit(base).netloc)
        return value
    if isinstance(value, list):
        return [_substitute(v, base) for v in value]
    if isinstance(value, dict):
        return {k: _substitute(v, base) for k, v in value.items()}
    return value


def validate_entry(raw: dict) -> list[str]:
    """Problems with one raw registry entry (empty list: fine)."""
    problems = []
    pid = str(raw.get("id") or "")
    if not _ID.match(pid):
        problems.append(f"bad id {pid!r}")
    for key in ("name", "family", "level", "region_code"):
        if not raw.get(key):
            problems.append(f"{pid}: missing {key}")
    if raw.get("family") not in FAMILIES + (AUTO,):
        problems.append(f"{pid}: unknown family {raw.get('family')!r}")
    if raw.get("level") not in LEVELS:
        problems.append(f"{pid}: bad level {raw.get('level')!r}")
    if not _REGION.match(str(raw.get("region_code") or "")):
        problems.append(f"{pid}: region_code must be 6 digits, got {raw.get('region_code')!r}")
    urls = raw.get("listing_urls")
    home = raw.get("home_url")
    if home is not None and not re.match(r"^(https?://|\{base\})", str(home)):
        problems.append(f"{pid}: home_url {home!r} is not http(s)")
    if not urls and home and urls in (None, []):
        pass  # only a home URL: discovery finds the column
    elif not urls or not isinstance(urls, list):
        problems.append(f"{pid}: listing_urls must be a non-empty list (or give home_url)")
    else:
        for u in urls:
            if not re.match(r"^(https?://|\{base\})", str(u)):
                problems.append(f"{pid}: listing URL {u!r} is not http(s)")
    unknown = set((raw.get("overrides") or {})) - OVERRIDE_KEYS
    if unknown:
        problems.append(f"{pid}: unknown overrides {sorted(unknown)}")
    return problems


def registry_path(path: str | Path | None = None) -> Path:
    if path:
        return Path(path)
    env = get_settings().registry
    return Path(env) if env else DEFAULT_REGISTRY


def load_registry(path: str | Path | None = None, base_url: str | None = None,
                  include_seeds: bool = False) -> list[Portal]:
    """All portals of a registry file, validated. Raises RegistryError listing every problem.
    Entries with only a ``home_url`` (no listing yet) are skipped unless ``include_seeds``."""
    p = registry_path(path)
    data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    entries = data.get("portals", data) if isinstance(data, dict) else data
    base = base_url or get_settings().sample_base
    problems: list[str] = []
    seen: set[str] = set()
    out: list[Portal] = []
    for raw in entries or []:
        problems += validate_entry(raw)
        if raw.get("id") in seen:
            problems.append(f"duplicate id {raw.get('id')!r}")
        seen.add(raw.get("id"))
    ids = seen
    for raw in entries or []:
        parent = raw.get("parent")
        if parent and parent not in ids and not _REGION.match(str(parent)):
            problems.append(f"{raw.get('id')}: parent {parent!r} is neither a portal id nor a region code")
    if problems:
        raise RegistryError(f"{p}: " + "; ".join(problems))
    for raw in entries or []:
        if not raw.get("listing_urls") and not include_seeds:
            continue
        raw = _substitute(raw, base)
        out.append(Portal(
            id=raw["id"], name=raw["name"], region_code=str(raw["region_code"]), level=raw["level"],
            family=raw["family"], listing_urls=list(raw.get("listing_urls") or []), parent=raw.get("parent"),
            overrides=dict(raw.get("overrides") or {}), home_url=raw.get("home_url"), seed=bool(raw.get("seed")),
        ))
    return out


def by_id(portals: list[Portal]) -> dict[str, Portal]:
    return {p.id: p for p in portals}


__all__ = ["Portal", "load_registry", "AUTO", "validate_entry", "registry_path", "by_id", "RegistryError",
           "FAMILIES", "LEVELS", "DEFAULT_REGISTRY", "SAMPLE_REGISTRY"]
