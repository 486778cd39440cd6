"""``nianbao run | backfill | reextract | schedule | status | demo``.

This module imports neither Prefect nor Scrapy at import time: the data folder and Prefect's
environment are set first (``flows.settings.apply``), then the flows are imported.
"""
from __future__ import annotations

import os
import sys

import click

from flows import settings

# -------------------------------------------------------------------------------- shared options

def _common(f):
    f = click.option("--data", type=click.Path(file_okay=False), default=None,
                     help="Data folder (default: $NIANBAO_DATA or ./data).")(f)
    f = click.option("-v", "--verbose", is_flag=True, help="Show Prefect's logs (INFO).")(f)
    return f


def _runner_options(f):
    f = click.option("--runner", type=click.Choice(["thread", "dask"]), default=None,
                     help="Task runner: thread (default, ThreadPoolTaskRunner) or dask (prefect-dask, "
                          "processes; needs the dask extra). Also $NIANBAO_RUNNER.")(f)
    f = click.option("--workers", type=int, default=None,
                     help="Parallel tasks (default 4, $NIANBAO_WORKERS).")(f)
    f = click.option("--dask-address", default=None, metavar="tcp://HOST:8786",
                     help="Run crawl and extraction tasks on an existing Dask cluster (`dask scheduler`, "
                          "`dask worker`; needs the dask extra). Every worker must see the data folder at the "
                          "same path and run the same nianbao version. Also $NIANBAO_DASK_ADDRESS.")(f)
    return f


def _prepare(data: str | None, verbose: bool, runner: str | None = None, workers: int | None = None,
             dask_address: str | None = None):
    if verbose:
        os.environ["PREFECT_LOGGING_LEVEL"] = "INFO"
    if runner:
        os.environ["NIANBAO_RUNNER"] = runner
    if workers:
        os.environ["NIANBAO_WORKERS"] = str(workers)
    if dask_address:
        os.environ["NIANBAO_DASK_ADDRESS"] = dask_address
    if data is not None and settings.prefect_imported():
        raise click.ClickException("--data must be given before Prefect is loaded; set NIANBAO_DATA instead")
    settings.apply(data)
    os.environ.setdefault("NIANBAO_PROGRESS", "1")


def _years(values: tuple[str, ...]) -> list[int] | None:
    """``--year 2021 --year 2023`` or ``--year 2019-2023`` or ``--year 2021,2022``."""
    out: list[int] = []
    for v in values:
        for part in v.split(","):
            part = part.strip()
            if not part:
                continue
            if "-" in part:
                a, b = part.split("-", 1)
                out.extend(range(int(a), int(b) + 1))
            else:
                out.append(int(part))
    return sorted(set(out)) or None


def _call(flow_name: str, **params) -> dict:
    from flows import pipeline

    f = pipeline.with_runner(pipeline.FLOWS[flow_name])
    try:
        return f(**params)
    except RuntimeError as exc:
        if "ephemeral Prefect API server" in str(exc):
            raise click.ClickException(
                f"{exc}\nPrefect's temporary server did not start in time (a very busy machine?). Raise "
                "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS (now "
                f"{os.environ.get('PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS')}), or run "
                "`prefect server start` and set PREFECT_API_URL=http://127.0.0.1:4200/api") from None
        raise


# -------------------------------------------------------------------------------- printing

def print_summary(s: dict, console=None) -> None:
    from rich.console import Console
    from rich.table import Table

    console = console or Console()
    t = Table(title=f"nianbao {s['flow']} — {s['run_id']}", show_header=False, title_justify="left")
    t.add_column(style="bold")
    t.add_column()
    t.add_row("duration", f"{s['duration_s']} s")
    t.add_row("portals crawled", str(s["portals_crawled"]))
    t.add_row("requests", str(s["requests"]))
    t.add_row("new documents", str(s["new_documents"]))
    t.add_row("documents processed", str(s["documents_processed"]))
    by = ", ".join(f"{k} {v}" for k, v in sorted(s["reports_by_status"].items())) or "—"
    t.add_row("reports extracted", f"{s['reports_extracted']} with tables ({by})")
    t.add_row("failed checks", f"{s['failed_checks']} in these reports; {s['cross_report_findings']} cross-report findings")
    t.add_row("errors", str(s["error_count"]))
    t.add_row("blocked portals", ", ".join(f"{b['portal']} ({b.get('kind')})" for b in s["blocked_portals"]) or "—")
    if s["failed_portals"] or s["failed_documents"]:
        t.add_row("failed", f"{len(s['failed_portals'])} portals ({', '.join(s['failed_portals']) or '—'}), "
                            f"{s['failed_documents']} documents")
    console.print(t)
    for e in s["errors"][:10]:
        where = e.get("portal") or ""
        if e.get("sha256"):
            where += f" {e['sha256'][:12]}"
        console.print(f"  [red]•[/red] {where} [dim]{e.get('kind')}[/dim] {str(e.get('message'))[:160]}")
    if len(s["errors"]) > 10:
        console.print(f"  … {len(s['errors']) - 10} more (runs table, column summary)")


# -------------------------------------------------------------------------------- commands

@click.command("run")
@_common
@_runner_options
@click.option("--registry", type=click.Path(dir_okay=False, exists=True), default=None,
              help="Portal registry YAML (default: $NIANBAO_REGISTRY or crawler/portals.yaml).")
@click.option("--year", "years", multiple=True, help="Limit the crawl to these report years (2023, 2021-2023).")
def run_command(data, verbose, runner, workers, dask_address, registry, years):
    """Run the nightly job once: crawl every portal incrementally, extract the new documents,
    load them, run the cross-report checks, record the run. Safe to re-run."""
    _prepare(data, verbose, runner, workers, dask_address)
    s = _call("nightly", registry=registry, years=_years(years))
    print_summary(s)


@click.command("backfill")
@_common
@_runner_options
@click.option("--portal", "portals", multiple=True, help="Portal id (repeatable).")
@click.option("--year", "years", multiple=True, help="Report year(s): 2021, 2019-2023, 2021,2022 (repeatable).")
@click.option("--region", "regions", multiple=True,
              help="Region-code prefix (GB/T 2260; 13 = Hebei, 1305 = Xingtai) or parent portal id (repeatable).")
@click.option("--full", is_flag=True, help="Ignore the incremental crawl state: walk every listing page again.")
@click.option("--registry", type=click.Path(dir_okay=False, exists=True), default=None,
              help="Portal registry YAML (default: $NIANBAO_REGISTRY or crawler/portals.yaml).")
def backfill_command(data, verbose, runner, workers, dask_address, portals, years, regions, full, registry):
    """Crawl, extract and load a slice: some portals, years or regions."""
    _prepare(data, verbose, runner, workers, dask_address)
    s = _call("backfill", portals=list(portals) or None, years=_years(years), regions=list(regions) or None,
              full=full, registry=registry)
    print_summary(s)


@click.command("reextract")
@_common
@_runner_options
@click.option("--where", default="outdated", show_default=True,
              help="Which stored documents: outdated (extracted by another extractor version), all, failed, "
                   "portal:<id>, year:<yyyy>, version:<v>, sha:<prefix>; comma-separated terms must all hold.")
@click.option("--refresh", is_flag=True, help="Ignore the extraction cache (data/extracted/<version>/).")
def reextract_command(data, verbose, runner, workers, dask_address, where, refresh):
    """Run the current extractor over stored documents again (no fetching) and reload them."""
    _prepare(data, verbose, runner, workers, dask_address)
    s = _call("reextract", where=where, refresh=refresh)
    print_summary(s)


@click.command("schedule")
@_common
@_runner_options
@click.option("--cron", default="0 2 * * *", show_default=True, help="When the nightly deployment runs.")
@click.option("--timezone", default="Asia/Shanghai", show_default=True, help="Timezone of --cron (IANA).")
@click.option("--registry", type=click.Path(dir_okay=False, exists=True), default=None,
              help="Registry YAML the nightly deployment crawls (default: crawler/portals.yaml).")
@click.option("--start-server", is_flag=True,
              help="Also start `prefect server start` on 127.0.0.1:4200 (its database in the data folder) "
                   "and stop it on exit.")
@click.option("--port", default=4200, show_default=True, help="Port for --start-server.")
@click.option("--limit", default=1, show_default=True, help="Flow runs executed at the same time.")
def schedule_command(data, verbose, runner, workers, dask_address, cron, timezone, registry, start_server, port, limit):
    """Serve the deployments against a Prefect server: nightly/nightly (cron), backfill/manual and
    reextract/manual (run on demand, e.g. prefect deployment run 'backfill/manual' -p years='[2021,2022]').

    Needs a running server: `prefect server start` in another shell (with the same NIANBAO_DATA and
    PREFECT_HOME) and PREFECT_API_URL=http://127.0.0.1:4200/api, or --start-server."""
    from flows import schedule

    server = None
    if start_server:
        _prepare(data, verbose, runner, workers, dask_address)
        server = schedule.start_server(port)
        os.environ["PREFECT_API_URL"] = f"http://127.0.0.1:{port}/api"
    elif not os.environ.get("PREFECT_API_URL"):
        raise click.ClickException(
            "schedules need a Prefect server. Start one (same data folder):\n"
            "    prefect server start --host 127.0.0.1 --port 4200\n"
            "then: PREFECT_API_URL=http://127.0.0.1:4200/api nianbao schedule\n"
            "or let nianbao start it: nianbao schedule --start-server")
    else:
        _prepare(data, verbose, runner, workers, dask_address)
    os.environ["NIANBAO_PROGRESS"] = "0"
    try:
        schedule.serve_all(cron=cron, timezone=timezone, registry=registry, limit=limit)
    finally:
        if server is not None:
            schedule.stop_server(server)


@click.command("status")
@click.option("--data", type=click.Path(file_okay=False), default=None,
              help="Data folder (default: $NIANBAO_DATA or ./data).")
@click.option("--registry", type=click.Path(dir_okay=False, exists=True), default=None,
              help="Registry YAML (default: $NIANBAO_REGISTRY or crawler/portals.yaml).")
@click.option("--all", "show_all", is_flag=True, help="Also list registry portals never crawled.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per portal.")
def status_command(data, registry, show_all, as_json):
    """Per-portal health from the crawl records and the archive: last successful crawl, last new
    report, last error, blocked. Needs no Prefect server."""
    if data is not None:
        os.environ["NIANBAO_DATA"] = data
    from flows import status

    rows = status.portal_status(registry=registry, include_never=show_all)
    if as_json:
        import json

        for r in rows:
            click.echo(json.dumps(r, ensure_ascii=False))
        return
    status.print_status(rows)


@click.command("demo")
@_common
@click.option("--port", default=8123, show_default=True,
              help="Port of the sample portal site on 127.0.0.1 (fixed, so URLs — and the archive — are "
                   "the same on every run).")
def demo_command(data, verbose, port):
    """Start the bundled sample portal site on 127.0.0.1, run the nightly job against it into the
    data folder, and print what was archived. Running it again adds nothing."""
    _prepare(data, verbose)
    from nianbao.demo import flow as demo

    code = demo.run_demo(port=port)
    sys.exit(code)
