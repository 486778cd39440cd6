"""``nianbao status``: per-portal health from the crawl records and the archive.

For each portal: the last crawl that finished without being blocked (last success), when a new
report last appeared (first seen by a crawl, with its year and status), the last crawl error,
and whether the latest crawl was blocked by an anti-bot wall. No Prefect, no Scrapy.
"""
from __future__ import annotations

from flows import records
from nianbao.config import archive_path


def _crawl_health() -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for run_dir in records.all_run_dirs():
        for h in records.health(run_dir):
            if h.get("portal"):
                out.setdefault(h["portal"], []).append(dict(h, run_id=run_dir.name))
    for rows in out.values():
        rows.sort(key=lambda h: str(h.get("finished_at") or h.get("started_at") or ""))
    return out


def _archive_facts() -> tuple[dict[str, dict], dict[str, str]]:
    """portal -> latest new report (first_seen, year, status, counts); portal -> name."""
    path = archive_path()
    if not path.exists():
        return {}, {}
    import sqlite_utils

    db = sqlite_utils.Database(path)
    tables = set(db.table_names())
    latest: dict[str, dict] = {}
    names: dict[str, str] = {}
    if "portals" in tables:
        names = {r["id"]: r["name"] for r in db.query("select id, name from portals")}
    if {"reports", "documents"} <= tables:
        sql = """
        select r.portal, count(*) as reports,
               sum(r.status = 'ok') as with_tables,
               sum(r.status in ('error', 'needs_ocr')) as failed,
               max(d.first_seen) as last_new, max(r.year) as last_year
        from reports r join documents d on d.sha256 = r.sha256
        where r.portal is not null group by r.portal"""
        for row in db.query(sql):
            latest[row["portal"]] = row
    return latest, names


def portal_status(registry: str | None = None, include_never: bool = False) -> list[dict]:
    health = _crawl_health()
    facts, names = _archive_facts()
    ids: list[str] = list(dict.fromkeys([*names, *health, *facts]))
    if include_never:
        try:
            from flows import parts

            for p in parts.load_registry(registry):
                if p.id not in ids:
                    ids.append(p.id)
                    names.setdefault(p.id, p.name)
        except Exception:  # noqa: BLE001 — status works without a readable registry
            pass
    rows = []
    for pid in ids:
        hs = health.get(pid, [])
        ok = [h for h in hs if not h.get("blocked")]
        errs = [h for h in hs if h.get("errors")]
        last = hs[-1] if hs else None
        f = facts.get(pid, {})
        err = (errs[-1]["errors"][-1] if errs else None) or {}
        rows.append({
            "portal": pid,
            "name": names.get(pid),
            "crawls": len(hs),
            "last_crawl": (last or {}).get("finished_at") or (last or {}).get("started_at"),
            "last_success": (ok[-1].get("finished_at") or ok[-1].get("started_at")) if ok else None,
            "last_new_report": f.get("last_new"),
            "latest_year": f.get("last_year"),
            "reports": f.get("reports", 0),
            "with_tables": f.get("with_tables", 0),
            "failed_documents": f.get("failed", 0),
            "last_error": (errs[-1].get("finished_at") or errs[-1].get("started_at")) if errs else None,
            "last_error_message": (f"{err.get('kind') or ''} {err.get('message') or ''} {err.get('url') or ''}".strip()
                                   if errs else None),
            "blocked": (last or {}).get("blocked"),
        })
    return rows


def print_status(rows: list[dict]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if not rows:
        console.print("Nothing crawled yet. Try [bold]nianbao demo[/bold] or [bold]nianbao run[/bold].")
        return
    t = Table(title="portal health", title_justify="left")
    for col in ("portal", "last success", "last new report", "reports (tables/failed)", "last error", "blocked"):
        t.add_column(col)
    for r in rows:
        blocked = r["blocked"]
        t.add_row(
            r["portal"],
            r["last_success"] or ("never" if r["crawls"] else "not crawled"),
            f"{r['last_new_report'] or '—'}" + (f" ({r['latest_year']})" if r["latest_year"] else ""),
            f"{r['reports']} ({r['with_tables']}/{r['failed_documents']})",
            (f"{r['last_error']} {r['last_error_message'][:60]}" if r["last_error"] else "—"),
            f"[red]{blocked.get('kind')}[/red]" if isinstance(blocked, dict) else "—",
        )
    console.print(t)
