"""``nianbao demo``: the nightly job against the bundled offline sample portal site.

Starts ``nianbao.demo.sample_site`` on 127.0.0.1 (a fixed port, so document URLs — and therefore the
archive — are identical on every run), runs the nightly flow with the sample registry into the
data folder, then prints what the archive holds. A second run finds nothing new.
"""
from __future__ import annotations

import importlib.util
import os
import shutil
import time

from nianbao.config import archive_path, data_dir


def missing_tools() -> list[str]:
    """Optional tools some documents need; without them those documents get a recorded error."""
    out = []
    if not (shutil.which("soffice") or shutil.which("libreoffice")):
        out.append("LibreOffice (soffice) is not installed: DOC/WPS documents cannot be converted "
                   "(Debian: apt-get install libreoffice-writer-nogui)")
    if importlib.util.find_spec("rapidocr") is None or importlib.util.find_spec("onnxruntime") is None:
        out.append("the OCR extra is not installed: scanned PDFs are recorded as needs_ocr "
                   "(pip install 'nianbao[ocr]')")
    return out


def _start_site(port: int, console):
    from nianbao.demo.sample_site import sample_site

    cm = sample_site(port=port)
    try:
        return cm, cm.__enter__()
    except OSError as exc:
        console.print(f"[yellow]port {port} is busy ({exc}); using a random port — URLs in the archive "
                      "will differ from earlier demo runs[/yellow]")
        cm = sample_site(port=0)
        return cm, cm.__enter__()


def archive_overview(db_path=None) -> dict:
    import sqlite_utils

    db = sqlite_utils.Database(db_path or archive_path())
    q = lambda sql, *a: list(db.query(sql, a))  # noqa: E731
    per_portal = q("""
        select r.portal, p.name, count(*) as reports,
               group_concat(distinct r.year) as years,
               sum(r.status = 'ok') as with_tables,
               sum(r.status = 'no_tables') as no_tables,
               sum(r.status in ('error', 'needs_ocr')) as failed
        from reports r left join portals p on p.id = r.portal
        group by r.portal order by r.portal""")
    facts = {t: db[t].count for t in ("active_disclosure", "applications", "review_litigation")
             if t in db.table_names()}
    tables = q("""
        select count(distinct a.report) as applications,
               (select count(distinct report) from active_disclosure) as active_disclosure,
               (select count(distinct report) from review_litigation) as review_litigation
        from applications a""")[0]
    failed_checks = q("select c.code, count(*) as n from checks c where c.passed = 0 group by c.code order by n desc")
    findings = q("select kind, count(*) as n from findings where passed = 0 group by kind order by kind") \
        if "findings" in db.table_names() else []
    errors = q("""select r.portal, r.status, r.error_code, r.title, s.url from reports r
                  left join sources s on s.sha256 = r.sha256
                  where r.status in ('error', 'needs_ocr') group by r.sha256 order by r.portal""")
    return {"per_portal": per_portal, "facts": facts, "tables": tables, "failed_checks": failed_checks,
            "findings": findings, "errors": errors,
            "documents": db["documents"].count, "reports": db["reports"].count, "runs": db["runs"].count}


def print_overview(o: dict, summary: dict, console) -> None:
    from rich.table import Table

    t = Table(title=f"archived: {o['reports']} reports from {o['documents']} documents", title_justify="left")
    for col in ("portal", "reports", "years", "tables found", "no tables", "failed"):
        t.add_column(col)
    for r in o["per_portal"]:
        t.add_row(f"{r['portal']}", str(r["reports"]), str(r["years"] or "—"), str(r["with_tables"] or 0),
                  str(r["no_tables"] or 0), str(r["failed"] or 0))
    console.print(t)
    tb = o["tables"]
    console.print(f"tables found: 收到和处理申请 in {tb['applications']} reports, 主动公开 in "
                  f"{tb['active_disclosure']}, 复议诉讼 in {tb['review_litigation']}; "
                  f"{sum(o['facts'].values())} numbers in all")
    if o["failed_checks"]:
        console.print("failed checks (勾稽关系): " + ", ".join(f"{c['code']} ×{c['n']}" for c in o["failed_checks"]))
    else:
        console.print("failed checks (勾稽关系): none")
    if o["findings"]:
        console.print("cross-report findings: " + ", ".join(f"{f['kind']} ×{f['n']}" for f in o["findings"]))
    blocked = summary.get("blocked_portals") or []
    console.print("blocked portals: " + (", ".join(f"{b['portal']} ({b.get('kind')})" for b in blocked) or "none"))
    for e in o["errors"]:
        console.print(f"  [yellow]•[/yellow] {e['portal']}: {e['status']} {e['error_code'] or ''} "
                      f"[dim]{e['url'] or ''}[/dim]")


def run_demo(port: int = 8123) -> int:
    from rich.console import Console

    from flows import pipeline
    from flows.cli import print_summary

    console = Console()
    t0 = time.monotonic()
    for m in missing_tools():
        console.print(f"[yellow]note:[/yellow] {m}")
    cm, site = _start_site(port, console)
    try:
        console.print(f"sample portal site on {site.base_url}; data folder {data_dir()}")
        os.environ["NIANBAO_SAMPLE_BASE"] = site.base_url
        from flows.cli import _call

        summary = _call("nightly", registry=str(site.registry_path))
    finally:
        cm.__exit__(None, None, None)
    print_summary(summary, console)
    print_overview(archive_overview(), summary, console)
    default = str(data_dir()) == str((__import__("pathlib").Path("data")).resolve())
    serve = "nianbao serve" if default else f"NIANBAO_DATA={data_dir()} nianbao serve"
    console.print(f"\ndone in {time.monotonic() - t0:.1f} s. Open the archive in Datasette:  [bold]{serve}[/bold]"
                  f"  (or: datasette {archive_path()})")
    return 0
