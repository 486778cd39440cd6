"""``nianbao extract`` and ``nianbao evaluate`` (registered in nianbao/cli.py)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from extract import template as T


def _json_line(obj: dict) -> str:
    return json.dumps(obj, ensure_ascii=False, allow_nan=False)


def _fmt(v) -> str:
    if v is None:
        return "—"
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v)


def _table(rows: list[list[str]]) -> str:
    from unicodedata import east_asian_width

    def width(s: str) -> int:
        return sum(2 if east_asian_width(ch) in ("W", "F") else 1 for ch in s)

    ncol = max(len(r) for r in rows)
    widths = [max(width(r[i]) if i < len(r) else 0 for r in rows) for i in range(ncol)]
    out = []
    for r in rows:
        cells = []
        for i in range(ncol):
            s = r[i] if i < len(r) else ""
            pad = widths[i] - width(s)
            cells.append(s + " " * pad if i == 0 else " " * pad + s)
        out.append("  ".join(cells).rstrip())
    return "\n".join(out)


def summary(report: dict, path: str) -> str:
    """A human-readable summary: metadata, the tables as aligned text, failed checks."""
    lines = [f"== {path}"]
    status = report.get("status")
    lines.append(f"status: {status}  format: {report.get('format')}  extractor: {report.get('extractor_version')}")
    if report.get("error"):
        lines.append(f"error: {report['error'].get('code')}: {report['error'].get('message')}")
    for k in ("title", "agency", "year", "template", "published_date", "pages"):
        if k in report:
            lines.append(f"{k}: {report[k] if report[k] is not None else '—'}")
    template = report.get("template") or "2021"
    ad = report.get("active_disclosure")
    if ad:
        lines.append("\n二、主动公开政府信息情况")
        rows = [["", "", "", ""]]
        for cat in T.categories(template):
            if cat.key not in ad:
                continue
            cells = ad[cat.key]
            rows.append([cat.label] + [f"{m.label.split('（')[0]}={_fmt(cells.get(m.key))}" for m in cat.measures if m.key in cells])
        lines.append(_table(rows[1:]))
    apps = report.get("applications")
    if apps:
        lines.append("\n三、收到和处理政府信息公开申请情况")
        rows = [["", *[c.label for c in T.APPLICANT_COLUMNS]]]
        for r in T.ALL_APPLICATION_ROWS:
            if r.key in apps:
                label = r.label if len(r.label) <= 16 else r.label[:15] + "…"
                rows.append([label, *[_fmt(apps[r.key].get(c.key)) for c in T.APPLICANT_COLUMNS]])
        lines.append(_table(rows))
    rl = report.get("review_litigation")
    if rl:
        lines.append("\n四、政府信息公开行政复议、行政诉讼情况")
        rows = [["", *[o.label for o in T.REVIEW_OUTCOMES]]]
        for g in T.REVIEW_GROUPS:
            if g.key in rl:
                rows.append([g.label, *[_fmt(rl[g.key].get(o.key)) for o in T.REVIEW_OUTCOMES]])
        lines.append(_table(rows))
    failed = [c for c in report.get("checks") or [] if not c.get("passed")]
    checks = report.get("checks") or []
    if checks:
        lines.append(f"\nchecks: {len(checks) - len(failed)}/{len(checks)} passed")
        for c in failed:
            where = c.get("column") or c.get("group") or ""
            lines.append(f"  FAILED {c['code']} {where}: {c.get('detail')}")
    for w in report.get("warnings") or []:
        lines.append(f"warning: {w}")
    return "\n".join(lines)


@click.command("extract")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="One contract JSON object per file per line.")
@click.option("--text", "with_text", is_flag=True, help="Include the document's full plain text.")
def extract_command(files, as_json, with_text):
    """Extract the tables and metadata of annual-report FILE(s). Exits non-zero only when some
    input could not be read."""
    from extract import extract_file

    unreadable = 0
    for path in files:
        report = extract_file(path, include_text=with_text)
        if report.get("status") == "error":
            unreadable += 1
        if as_json:
            click.echo(_json_line(report))
        else:
            click.echo(summary(report, str(path)))
            if with_text and report.get("text"):
                click.echo("\n--- text\n" + report["text"])
            click.echo("")
    if unreadable:
        sys.exit(1)


def find_pairs(dirs: list[Path]) -> list[tuple[Path, Path]]:
    """(document, expected) for every ``X.*`` with ``X.expected.json`` beside it, recursively.
    Expected files that are not extraction results (the crawler's saved-page examples also end in
    ``.expected.json``) are passed over: an extraction expectation names a contract key."""
    from extract import CONTRACT_KEYS

    pairs = []
    for d in dirs:
        d = Path(d)
        exp_files = [d] if d.is_file() else sorted(d.rglob("*.expected.json"))
        for exp in exp_files:
            try:
                content = json.loads(exp.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                content = None  # a broken expectation is still compared, so that it is reported
            if isinstance(content, dict) and content and not set(content) & set(CONTRACT_KEYS):
                continue
            stem = exp.name[: -len(".expected.json")]
            docs = sorted(p for p in exp.parent.glob(stem + ".*")
                          if p.is_file() and not p.name.endswith(".expected.json") and p.name.startswith(stem + "."))
            for doc in docs:
                pairs.append((doc, exp))
    return pairs


@click.command("evaluate")
@click.argument("dirs", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Machine-readable results.")
@click.option("--fail-under", type=float, default=None,
              help="Exit non-zero when the share of exact documents (0-1 or a percentage) is below this.")
@click.option("-q", "--quiet", is_flag=True, help="Totals only.")
@click.option("--strict", is_flag=True, help="Cells returned beyond the expected file count as mismatches.")
def evaluate_command(dirs, as_json, fail_under, quiet, strict):
    """Extract every document that has an X.expected.json beside it and compare (only the keys
    the expected file lists)."""
    from extract import extract_file
    from extract.evaluate import compare, summarize

    results = []
    for doc, exp in find_pairs(list(dirs)):
        expected = json.loads(exp.read_text(encoding="utf-8"))
        got = extract_file(doc)
        results.append(compare(expected, got, name=str(doc), strict=strict))
    totals = summarize(results)
    if as_json:
        click.echo(json.dumps({"totals": totals, "documents": [r.as_dict() for r in results]}, ensure_ascii=False, indent=1))
    else:
        for r in results:
            if not quiet and (not r.exact or r.extra):
                click.echo(f"✗ {r.name} ({r.status}): {len(r.mismatches)} mismatches, {len(r.extra)} extra")
                for m in r.mismatches[:40]:
                    click.echo(f"    {m}")
                for m in r.extra[:10]:
                    click.echo(f"    extra {m}")
        ca = totals["cell_accuracy"]
        ma = totals["metadata_accuracy"]
        click.echo(f"documents exact: {totals['documents_exact']}/{totals['documents']}")
        click.echo(f"cell accuracy: {totals['cells_right']}/{totals['cells_total']}"
                   + (f" ({ca:.2%})" if ca is not None else ""))
        click.echo(f"metadata accuracy: {totals['metadata_right']}/{totals['metadata_total']}"
                   + (f" ({ma:.2%})" if ma is not None else ""))
    if fail_under is not None:
        threshold = fail_under / 100 if fail_under > 1 else fail_under
        share = totals["documents_exact"] / totals["documents"] if totals["documents"] else 0.0
        if share < threshold:
            sys.exit(1)
