"""``nianbao portals``: detect a page's CMS family, discover annual-report columns, apply them.

    nianbao portals detect URL | FILE [--url URL]
    nianbao portals discover URL [--depth 4] [--out candidates.yaml]
    nianbao portals discover --apply candidates.yaml
    nianbao portals learn RUN_DIR          # families detected by a crawl for `family: auto`
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from urllib.parse import urlsplit

import click


@click.group(name="portals")
def portals_group():
    """Know a portal's family, find its annual-report columns, grow the registry."""


def _print_detection(d, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(d.to_dict(), ensure_ascii=False, indent=1))
        return
    if d.blocked:
        click.echo(f"family: unknown — an anti-bot wall answered ({d.blocked})")
    else:
        crawl = "" if d.cms == d.family else f"  (crawled by the {d.family} spider)"
        click.echo(f"family: {d.cms}{crawl}")
    click.echo("evidence:")
    for e in d.evidence:
        click.echo(f"  - {e}")
    if d.also:
        click.echo(f"also matched: {', '.join(d.also)}")


@portals_group.command("detect")
@click.argument("target")
@click.option("--url", "page_url", default=None, help="the URL a saved FILE was fetched from")
@click.option("--json", "as_json", is_flag=True, help="machine-readable answer")
@click.option("--allow-private", is_flag=True, hidden=True, help="tests only: fetch loopback addresses")
def detect_command(target, page_url, as_json, allow_private):
    """Name the CMS family of one page (a URL, fetched politely once, or a saved FILE)."""
    from crawler.detect import detect_family

    if urlsplit(target).scheme in ("http", "https"):
        from crawler.discovery.fetch import PoliteFetcher

        page = PoliteFetcher(allow_private=allow_private, delay=0).get(target)
        if page.error:
            raise click.ClickException(f"{target}: {page.error}")
        d = detect_family(page.url, page.body, page.headers, page.status)
        if page.status >= 400 and not d.blocked:
            d.evidence.insert(0, f"HTTP {page.status}")
    else:
        p = Path(target)
        if not p.is_file():
            raise click.ClickException(f"{target}: neither an http(s) URL nor a file")
        d = detect_family(page_url or p.resolve().as_uri(), p.read_bytes(), {})
    _print_detection(d, as_json)


@portals_group.command("discover")
@click.argument("start_url", required=False)
@click.option("--depth", default=4, show_default=True, help="link steps from the start page")
@click.option("--max-pages", default=200, show_default=True, help="pages read at most")
@click.option("--out", "out_path", type=click.Path(dir_okay=False), default=None,
              help="candidates YAML (default candidates-<host>.yaml)")
@click.option("--region", default=None, help="GB/T 2260 code of the start unit (else from a seed or its name)")
@click.option("--registry", "registry_path", type=click.Path(exists=True, dir_okay=False), default=None)
@click.option("--apply", "apply_path", type=click.Path(exists=True, dir_okay=False), default=None,
              help="merge a reviewed candidates YAML into the registry instead of discovering")
@click.option("--delay", type=float, default=None, help="seconds between requests to a host (default: crawler's)")
@click.option("--allow-private", is_flag=True, hidden=True, help="tests only: crawl loopback addresses")
def discover_command(start_url, depth, max_pages, out_path, region, registry_path, apply_path, delay, allow_private):
    """Walk a portal's disclosure navigation and list every unit's annual-report column."""
    from crawler.discovery.registry_edit import apply_candidates, write_candidates
    from crawler.registry import load_registry, registry_path as default_registry

    reg = Path(registry_path) if registry_path else default_registry(None)
    if apply_path:
        report = apply_candidates(Path(apply_path), reg)
        click.echo(f"{reg}: {len(report['added'])} added, {len(report['replaced'])} replaced "
                   f"({', '.join(report['replaced']) or '-'}), {len(report['rejected'])} rejected")
        for pid, problems in report["rejected"].items():
            click.echo(f"  rejected {pid}: {'; '.join(problems)}", err=True)
        load_registry(reg, include_seeds=True)  # still valid (raises with the problems otherwise)
        return
    if not start_url:
        raise click.UsageError("give START_URL (or --apply FILE)")
    from crawler.discovery.crawl import discover, host_rule
    from crawler.discovery.fetch import PoliteFetcher

    try:
        known = load_registry(reg, include_seeds=True)
    except Exception as exc:  # a broken registry must not stop discovery of a new portal
        click.echo(f"warning: registry {reg} unreadable ({exc}); only the start host is allowed", err=True)
        known = []
    seed = next((p for p in known if p.home_url and p.home_url.rstrip("/") == start_url.rstrip("/")), None)
    extra_hosts = set().union(*(p.hosts for p in known)) if known else set()
    allowed = host_rule(start_url, extra_hosts)
    fetcher = PoliteFetcher(allow_private=allow_private, host_allowed=allowed, delay=delay)
    result = discover(start_url, fetcher.get, depth=depth, max_pages=max_pages,
                      region_code=region or (seed.region_code if seed else None),
                      start_name=seed.name if seed else None, known_ids=[p.id for p in known])
    out = Path(out_path or f"candidates-{(urlsplit(start_url).hostname or 'portal').replace('.', '-')}.yaml")
    write_candidates(result.to_dict(), out)
    click.echo(f"{len(result.pages)} pages read, {len(result.candidates)} annual-report columns, "
               f"{len(result.errors)} errors -> {out}")
    for c in result.candidates:
        click.echo(f"  {c.id}: {c.name} [{c.family}/{c.evidence['cms']}] {c.listing_urls[0]}")
    for e in result.errors[:20]:
        click.echo(f"  error {e['url']}: {e['error']}", err=True)
    if not result.pages:
        sys.exit(1)


@portals_group.command("learn")
@click.argument("run_dir", type=click.Path(exists=True, file_okay=False))
@click.option("--registry", "registry_path", type=click.Path(exists=True, dir_okay=False), default=None)
def learn_command(run_dir, registry_path):
    """Write the families a crawl detected for `family: auto` portals into the registry."""
    from crawler.discovery.registry_edit import learn_detections
    from crawler.registry import registry_path as default_registry

    reg = Path(registry_path) if registry_path else default_registry(None)
    changed = learn_detections(Path(run_dir), reg)
    click.echo(f"{reg}: {len(changed)} families learned" + "".join(f"\n  {k}: {v}" for k, v in changed.items()))


__all__ = ["portals_group"]
