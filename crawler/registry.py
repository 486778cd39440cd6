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
(extra hosts attachments may come from), ``allow_private`` (may fetch loopback/private
addresses; only the sample registry sets it), ``years_param`` (listing URLs contain ``{year}``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, asdict
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from nianbao.config import get_settings

HERE = Path(__file__).resolve().parent
DEFAULT_REGISTRY = HERE / "portals.yaml"
SAMPLE_REGISTRY = HERE / "sample_portals.yaml"

FAMILIES = ("trs", "hanweb", "gdsite", "gkmlpt", "snowflake", "generic")
LEVELS = ("province", "city", "county", "township", "department")
OVERRIDE_KEYS = {"delay", "robots", "encoding", "attachment_hosts", "allow_private", "note"}
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

    @property
    def hosts(self) -> set[str]:
        """Hosts this portal may be crawled on: its listing hosts plus attachment hosts."""
        hs = {urlsplit(u).netloc.lower() for u in self.listing_urls}
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
    if raw.get("family") not in FAMILIES:
        problems.append(f"{pid}: unknown family {raw.get('family')!r}")
    if raw.get("level") not in LEVELS:
        problems.append(f"{pid}: bad level {raw.get('level')!r}")
    if not _REGION.match(str(raw.get("region_code") or "")):
        problems.append(f"{pid}: region_code must be 6 digits, got {raw.get('region_code')!r}")
    urls = raw.get("listing_urls")
    if not urls or not isinstance(urls, list):
        problems.append(f"{pid}: listing_urls must be a non-empty list")
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


def load_registry(path: str | Path | None = None, base_url: str | None = None) -> list[Portal]:
    """All portals of a registry file, validated. Raises RegistryError listing every problem."""
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
        raw = _substitute(raw, base)
        out.append(Portal(
            id=raw["id"], name=raw["name"], region_code=str(raw["region_code"]), level=raw["level"],
            family=raw["family"], listing_urls=list(raw["listing_urls"]), parent=raw.get("parent"),
            overrides=dict(raw.get("overrides") or {}),
        ))
    return out


def by_id(portals: list[Portal]) -> dict[str, Portal]:
    return {p.id: p for p in portals}


__all__ = ["Portal", "load_registry", "validate_entry", "registry_path", "by_id", "RegistryError",
           "FAMILIES", "LEVELS", "DEFAULT_REGISTRY", "SAMPLE_REGISTRY"]
