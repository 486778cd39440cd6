"""The Prefect 3 flows: ``nightly``, ``backfill`` and ``reextract``, composed of five steps::

    crawl_portals      registry slice ─► crawl tasks (one Scrapy subprocess per batch of portals)
    load_new_manifests every crawl run not yet in the archive (this run's and any killed run's)
    pick_documents     pending (no report yet) or a re-extract filter
    extract_and_load   extraction tasks (cached on sha256 + extractor version) ─► load (one writer)
    summarise          cross-report checks ─► run summary (``runs`` row + markdown artifact)

``nightly`` and ``backfill`` run all five; ``reextract`` starts at ``load_new_manifests``.

Safe to re-run: the crawl is incremental, manifests and reports load idempotently, and a
document counts as done only once its report is in the archive — whatever a killed or missed
run left behind is picked up by the next one. One bad document or portal never fails a run:
it is recorded in the summary and the run goes on; the final state's message says how many failed.

Where things run: crawl and extraction tasks go to the task runner (threads, a local Dask
cluster, or an existing Dask cluster with ``--dask-address``); they read and write only files in
the data folder (store, crawl runs) and return plain dicts. Every SQLite write happens in this
flow's process, in the ``write_*`` functions, under ``records.archive_write_lock()`` (a thread
lock plus an ``flock``): that lock, not a Prefect tag, is what keeps the archive single-writer.
"""
from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import time
from collections import Counter
from pathlib import Path
from typing import Any, Iterable

import flows  # noqa: F401  (sets Prefect's environment before Prefect is imported)
from flows import parts, progress, records, settings, workers
from nianbao.config import archive_path, data_dir, store_dir

from prefect import flow, get_run_logger, task  # noqa: E402
from prefect.artifacts import create_markdown_artifact  # noqa: E402
from prefect.cache_policies import NO_CACHE  # noqa: E402
from prefect.futures import as_completed  # noqa: E402
from prefect.states import Completed  # noqa: E402
from prefect.task_runners import ThreadPoolTaskRunner  # noqa: E402
from prefect.tasks import exponential_backoff  # noqa: E402
from nianbao.text import utc_now

LOAD_BATCH = 20  # reports per writer task (each document is still its own transaction)


# --- helpers -------------------------------------------------------------------------------------

def _portal_dict(p: Any) -> dict:
    if isinstance(p, dict):
        return dict(p)
    if dataclasses.is_dataclass(p):
        return dataclasses.asdict(p)
    if hasattr(p, "model_dump"):
        return p.model_dump()
    return {k: v for k, v in vars(p).items() if not k.startswith("_")}


def select_portals(registry: list, portals: Iterable[str] | None = None,
                   regions: Iterable[str] | None = None) -> list[dict]:
    """Registry entries by id and/or region-code prefix (``13`` = all of Hebei)."""
    rows = [_portal_dict(p) for p in registry]
    if portals:
        wanted = set(portals)
        unknown = wanted - {r["id"] for r in rows}
        if unknown:
            raise ValueError(f"unknown portal id(s): {', '.join(sorted(unknown))}")
        rows = [r for r in rows if r["id"] in wanted]
    if regions:
        prefixes = tuple(str(x) for x in regions)
        rows = [r for r in rows if str(r.get("region_code") or "").startswith(prefixes)
                or (r.get("parent") or "") in prefixes]
    return rows


def batches(portals: list[dict], size: int) -> list[list[str]]:
    """Portals grouped by CMS family, at most ``size`` per Scrapy subprocess."""
    by_family: dict[str, list[str]] = {}
    for p in portals:
        by_family.setdefault(str(p.get("family") or ""), []).append(p["id"])
    out: list[list[str]] = []
    for ids in by_family.values():
        out.extend(ids[i:i + size] for i in range(0, len(ids), max(1, size)))
    return out


def make_task_runner(name: str | None = None, workers_: int | None = None, address: str | None = None):
    """``thread`` (default): ThreadPoolTaskRunner. ``dask``: prefect-dask's DaskTaskRunner on a
    local cluster of processes (extraction is CPU-bound; threads share one GIL). ``address`` (or
    ``NIANBAO_DASK_ADDRESS``): an existing Dask cluster (``dask scheduler`` / ``dask worker``),
    whatever ``name`` says."""
    address = address or settings.dask_address()
    name = "dask" if address else (name or settings.runner_name()).lower()
    workers_ = workers_ or settings.max_workers()
    if name == "thread":
        return ThreadPoolTaskRunner(max_workers=workers_)
    if name == "dask":
        try:
            from prefect_dask import DaskTaskRunner
        except ImportError as exc:  # the dask extra is not installed
            raise RuntimeError("--runner dask / --dask-address need prefect-dask: pip install 'nianbao[dask]'") from exc
        if address:
            return DaskTaskRunner(address=address)
        return DaskTaskRunner(cluster_kwargs={"n_workers": workers_, "threads_per_worker": 1,
                                              "dashboard_address": None, "processes": True})
    raise ValueError(f"unknown task runner {name!r} (thread or dask)")


def _retry_on_io(task, task_run, state) -> bool:
    """Retry only what may go away: I/O trouble and timeouts, not a bug in the extractor."""
    exc = state.data if isinstance(state.data, BaseException) else None
    return isinstance(exc, (OSError, TimeoutError))


@contextlib.contextmanager
def _archive():
    """The archive, opened under the single-writer lock (opening it ensures the schema, a write)."""
    with records.archive_write_lock():
        db = parts.open_archive(archive_path())
        try:
            yield db
        finally:
            with contextlib.suppress(Exception):
                db.close()


# --- tasks (run by the task runner: threads, or Dask workers on this or other machines) ----------

class CrawlFailed(RuntimeError):
    """The Scrapy subprocess crashed or timed out for some portals of a batch."""


@task(name="crawl-batch", retries=2, retry_delay_seconds=exponential_backoff(backoff_factor=5),
      retry_jitter_factor=0.5, tags=["crawl"], cache_policy=NO_CACHE)
def crawl_batch(portal_ids: list[str], years: list[int] | None, full: bool, run_id: str,
                registry: str | None = None, data: str | None = None,
                check: dict | None = None) -> str:
    """One Scrapy subprocess over a batch of portals (``crawler.runner.crawl``) into ``data``
    (the flow's data folder: on a Dask cluster, a path every worker shares).

    The runner records a crashed or timed-out subprocess as a ``crawler-failed`` error in
    health.jsonl; that is raised here so Prefect retries it (with backoff). Every attempt —
    a retry, or Dask re-running the task after its worker died — writes a fresh run folder, so a
    half-written manifest of a failed attempt is never appended to (it is still loaded: whatever
    it holds is real)."""
    if check:
        workers.check_worker(**check)
    root = Path(data) if data else data_dir()
    earlier = records.attempts(root, run_id)  # a retry, or a re-run after this task's worker died
    kwargs = {"replay_runs": earlier} if earlier else {}
    run_dir = parts.crawl(list(portal_ids), years, full, records.fresh_run_id(root, run_id), root,
                          registry=registry, **kwargs)
    crashed = sorted({h.get("portal") for h in records.health(run_dir)
                      if any((e or {}).get("kind") == "crawler-failed" for e in h.get("errors") or [])})
    if crashed:
        raise CrawlFailed(f"crawler failed for {', '.join(crashed)} (run {run_dir.name}; see {run_dir}/logs)")
    return str(run_dir)


@task(name="extract-document", retries=2, retry_delay_seconds=[1, 5],
      retry_condition_fn=_retry_on_io, tags=["extract"], cache_policy=NO_CACHE)
def extract_document(sha256: str, store_rel: str | None, filename: str | None, version: str,
                     store: str | None = None, check: dict | None = None) -> dict:
    """Read one document from the store (``store``: the flow's store folder) and return its
    report dict. Runs wherever the task runner puts it; writes nothing."""
    if check:
        workers.check_worker(**check)
    root = Path(store) if store else store_dir()
    rel = store_rel or f"sha256/{sha256[:2]}/{sha256[2:4]}/{sha256}"
    report = parts.extract_bytes((root / rel).read_bytes(), filename)
    report.setdefault("extractor_version", version)
    return report


# --- archive writes: tasks called directly, so they run in the flow's process, one at a time ----

@task(name="write-portals")
def write_portals(portals: list[dict]) -> int:
    with _archive() as db:
        parts.load_portals(db, portals)
    return len(portals)


@task(name="write-manifests")
def write_manifests(run_dirs: list[str]) -> int:
    """Load the manifests of crawl runs not yet in the archive, then mark them loaded."""
    n = 0
    with _archive() as db:
        for run_dir in run_dirs:
            recs = records.manifest(Path(run_dir))
            if recs:
                parts.load_manifest(db, recs)
                n += len(recs)
            health = records.health(Path(run_dir))
            if health:  # the crawl evidence behind 缺报 (archive.checks)
                parts.load_health(db, health, Path(run_dir).name)
            records.mark_runs_loaded([Path(run_dir).name])
    return n


@task(name="write-reports")
def write_reports(items: list[dict]) -> dict:
    """Load extracted reports; each document is replaced atomically by the archive. A document
    that fails to load is reported back, the others still load."""
    loaded, failed, failed_checks = [], [], 0
    with _archive() as db:
        for item in items:
            try:
                report = json.loads(Path(item["path"]).read_text(encoding="utf-8"))
                parts.load_report(db, item["sha256"], report, item.get("portal"))
            except Exception as exc:  # noqa: BLE001 — recorded, the batch goes on
                failed.append({"sha256": item["sha256"], "kind": "load",
                               "message": f"{type(exc).__name__}: {exc}"})
                continue
            loaded.append({"sha256": item["sha256"], "portal": item.get("portal"),
                           "status": report.get("status"),
                           "error_code": (report.get("error") or {}).get("code")})
            failed_checks += sum(1 for c in report.get("checks") or [] if c.get("passed") is False)
    return {"loaded": loaded, "failed": failed, "failed_checks": failed_checks}


@task(name="cross-report-checks")
def write_cross_checks() -> int:
    """Cross-report findings (a list of dicts, archive.cross_report_checks) that did not pass."""
    with _archive() as db:
        findings = parts.cross_report_checks(db)
    # passed None = an unknown publication state (archive.checks): not a failure
    return sum(1 for f in findings if f.get("passed") == 0)


@task(name="write-run")
def write_run(summary: dict) -> None:
    with _archive() as db:
        parts.record_run(db, summary)


# --- choosing documents --------------------------------------------------------------------------

def _where_terms(where: str) -> list[tuple[str, str]]:
    terms = []
    for raw in (where or "outdated").split(","):
        raw = raw.strip()
        if not raw:
            continue
        key, _, value = raw.partition(":")
        key = key.strip().lower()
        if key not in {"all", "outdated", "failed", "portal", "year", "version", "sha"}:
            raise ValueError(f"unknown reextract filter {raw!r}: use all, outdated, failed, "
                             "portal:<id>, year:<yyyy>, version:<v>, sha:<prefix> (comma = and)")
        if key in {"portal", "year", "version", "sha"} and not value:
            raise ValueError(f"{key}: needs a value, e.g. {key}:…")
        terms.append((key, value.strip()))
    return terms


def select_documents(index: dict[str, dict], state: dict[str, dict], *, mode: str,
                     version: str, portals: set[str] | None = None, where: str | None = None) -> list[str]:
    """Which documents to extract.

    ``mode="pending"``: every document seen by any crawl that has no report in the archive yet
    (so a killed or missed run is caught up). ``mode="where"``: a re-extract filter over all
    stored documents: ``all``, ``outdated`` (extracted by another extractor version),
    ``failed`` (status error or needs_ocr), ``portal:<id>``, ``year:<yyyy>``, ``version:<v>``,
    ``sha:<prefix>``; terms joined by commas must all hold."""
    shas = sorted(set(index) | set(state))
    if mode == "pending":
        out = [s for s in shas if s in index and s not in state]
        if portals is not None:
            out = [s for s in out if index[s].get("portal") in portals]
        return out
    terms = _where_terms(where or "outdated")

    def keep(sha: str) -> bool:
        rec, st = index.get(sha, {}), state.get(sha, {})
        for key, value in terms:
            if key == "outdated" and st.get("extractor_version") == version:
                return False
            if key == "failed" and st.get("status") not in {"error", "needs_ocr"}:
                return False
            if key == "portal" and (st.get("portal") or rec.get("portal")) != value:
                return False
            if key == "year":
                year = st.get("year") or rec.get("year_hint")
                if str(year) != value:
                    return False
            if key == "version" and str(st.get("extractor_version")) != value:
                return False
            if key == "sha" and not sha.startswith(value.lower()):
                return False
        return True

    return [s for s in shas if keep(s)]


# --- the run -------------------------------------------------------------------------------------

def _run_id(kind: str) -> str:
    from prefect.runtime import flow_run

    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    fr = str(flow_run.id or "local")[:8]
    return f"{stamp}-{kind}-{fr}"


@dataclasses.dataclass
class RunRecord:
    """What the steps of one run found, for the summary."""
    errors: list[dict] = dataclasses.field(default_factory=list)
    blocked: list[dict] = dataclasses.field(default_factory=list)
    health: list[dict] = dataclasses.field(default_factory=list)
    failed_portals: set[str] = dataclasses.field(default_factory=set)
    loaded: list[dict] = dataclasses.field(default_factory=list)
    failed_docs: list[dict] = dataclasses.field(default_factory=list)
    failed_checks: int = 0
    step_seconds: dict[str, float] = dataclasses.field(default_factory=dict)

    @contextlib.contextmanager
    def step(self, name: str):
        t0 = time.monotonic()
        try:
            yield
        finally:
            self.step_seconds[name] = round(time.monotonic() - t0, 2)


def crawl_portals(chosen: list[dict], years: list[int] | None, full: bool, registry: str | None,
                  run_id: str, rec: RunRecord, check: dict | None = None) -> list[str]:
    """Crawl the chosen portals: one crawl task (one Scrapy subprocess) per batch of
    ``crawl_batch`` portals of one family. A batch that still fails after its retries is split and
    each of its portals crawled alone, so one bad portal fails only itself. Returns the run folders."""
    logger = get_run_logger()
    if not chosen:
        return []
    write_portals(chosen)
    groups = batches(chosen, settings.crawl_batch_size())
    delay = settings.retry_delay()
    crawl_task = crawl_batch.with_options(retry_delay_seconds=[delay, 2 * delay, 4 * delay][:2])
    root = str(data_dir())

    def submit(task_, ids, rid):
        return task_.submit(ids, years, full, rid, registry, root, check)

    futures = [submit(crawl_task, ids, f"{run_id}-{i:03d}") for i, ids in enumerate(groups)]
    run_dirs: list[str] = []
    singles = []
    with progress.bar("crawling", total=len(chosen)) as advance:
        for i, (fut, ids) in enumerate(zip(futures, groups)):
            fut.wait()
            if fut.state.is_completed():
                run_dirs.append(fut.state.result())
                advance(len(ids))
            elif len(ids) > 1:
                logger.warning("crawl batch %s failed, retrying its portals one by one", ", ".join(ids))
                singles += [(submit(crawl_task.with_options(retries=0), [pid], f"{run_id}-{i:03d}-{pid}"), [pid])
                            for pid in ids]
            else:
                singles.append((fut, ids))
        for fut, ids in singles:
            fut.wait()
            if fut.state.is_completed():
                run_dirs.append(fut.state.result())
            else:
                msg = str(fut.state.message or fut.state.name)
                rec.failed_portals.update(ids)
                rec.errors.extend({"portal": pid, "kind": "crawl", "message": msg} for pid in ids)
                logger.warning("crawl of %s failed: %s", ", ".join(ids), msg)
            advance(len(ids))
    for rd in run_dirs:
        for h in records.health(Path(rd)):
            rec.health.append(h)
            for e in h.get("errors") or []:
                rec.errors.append({"portal": h.get("portal"), "kind": e.get("kind") or "crawl",
                                   "message": e.get("message"), "url": e.get("url")})
            if h.get("blocked"):
                rec.blocked.append({"portal": h.get("portal"), **h["blocked"]})
    return run_dirs


def load_new_manifests() -> int:
    """Load the manifests of every crawl run not yet in the archive (this run's, and any earlier
    run's that never made it: a killed run)."""
    done = records.loaded_runs()
    unloaded = [str(p) for p in records.all_run_dirs() if p.name not in done]
    return write_manifests(unloaded) if unloaded else 0


def pick_documents(version: str, *, scope: set[str] | None = None, where: str | None = None
                   ) -> tuple[list[str], dict[str, dict], dict[str, dict]]:
    """(documents to extract, manifest index, archive state). ``where=None``: every document of
    ``scope`` (portal ids; None = all) with no report yet; else a re-extract filter."""
    index = records.document_index()
    with _archive() as db:
        state = parts.report_state(db)
    if where is None:
        todo = select_documents(index, state, mode="pending", version=version, portals=scope)
    else:
        todo = select_documents(index, state, mode="where", version=version, where=where)
    return todo, index, state


def extract_and_load(todo: list[str], index: dict[str, dict], state: dict[str, dict], version: str,
                     refresh: bool, rec: RunRecord, check: dict | None = None) -> None:
    """Extract ``todo`` in parallel on the task runner — or take the cached result for
    (sha256, extractor version) — and load the reports in small batches as they arrive.

    The cache is ``extracted/<version>/<sha256>.json``, written atomically by this process, so it
    survives a killed run. Results that depend on the machine (OCR extra or LibreOffice missing,
    timeouts) are kept aside in ``transient/`` and tried again later."""
    pending: list[dict] = []

    def portal_of(sha):
        return (state.get(sha) or {}).get("portal") or index.get(sha, {}).get("portal")

    def queue(sha, path):
        pending.append({"sha256": sha, "path": str(path), "portal": portal_of(sha)})
        if len(pending) >= LOAD_BATCH:
            flush()

    def flush():
        if pending:
            out = write_reports(list(pending))
            rec.loaded.extend(out["loaded"])
            rec.failed_docs.extend(out["failed"])
            rec.failed_checks += out["failed_checks"]
            pending.clear()

    futures = {}
    store = str(store_dir())
    with progress.bar("extracting", total=len(todo)) as advance:
        for sha in todo:
            if not refresh and records.read_cached(sha, version) is not None:
                queue(sha, records.cache_path(sha, version))
                advance(1)
                continue
            r = index.get(sha, {})
            futures[extract_document.submit(sha, r.get("store_path"), records.filename_for(r), version,
                                            store, check)] = sha
        for fut in as_completed(list(futures)):
            sha = futures[fut]
            fut.wait()
            if fut.state.is_completed():
                report = fut.state.result()
                transient = records.is_transient(report)
                path = records.transient_path(sha, version) if transient else records.cache_path(sha, version)
                records.write_json_atomic(path, report)
                queue(sha, path)
            else:
                rec.failed_docs.append({"sha256": sha, "portal": index.get(sha, {}).get("portal"),
                                        "kind": "extract", "message": str(fut.state.message or fut.state.name)})
            advance(1)
        flush()


def summarise(kind: str, parameters: dict, run_id: str, started: str, t0: float, version: str,
              crawled: bool, documents: int, cross_failed: int, rec: RunRecord) -> dict:
    statuses = Counter(r.get("status") or "unknown" for r in rec.loaded)
    doc_errors = [{"sha256": r["sha256"], "portal": r.get("portal"), "kind": "extract",
                   "message": r.get("error_code") or r.get("status")}
                  for r in rec.loaded if r.get("status") in {"error", "needs_ocr"}]
    errors = rec.errors + rec.failed_docs + doc_errors
    summary = {
        "run_id": run_id,
        "flow": kind,
        "parameters": parameters,
        "started_at": started,
        "finished_at": utc_now(),
        "duration_s": round(time.monotonic() - t0, 2),
        "extractor_version": version,
        "portals_crawled": len({h.get("portal") for h in rec.health}) if crawled else 0,
        "requests": sum(int(h.get("requests") or 0) for h in rec.health),
        "bytes": sum(int(h.get("bytes") or 0) for h in rec.health),
        "new_documents": sum(int(h.get("new_documents") or 0) for h in rec.health),
        "documents_processed": documents,
        "reports_extracted": statuses.get("ok", 0),
        "reports_by_status": dict(statuses),
        "failed_checks": rec.failed_checks,
        "cross_report_findings": cross_failed,
        "errors": errors,
        "error_count": len(errors),
        "blocked_portals": rec.blocked,
        "failed_portals": sorted(rec.failed_portals),
        "failed_documents": len(rec.failed_docs),
        "step_seconds": rec.step_seconds,
    }
    summary["status"] = "ok" if not (rec.failed_portals or rec.failed_docs) else "partial"
    return summary


def publish(kind: str, summary: dict) -> None:
    """The run's row in the archive and its markdown artifact; neither failing fails the run."""
    logger = get_run_logger()
    try:
        write_run(summary)
    except Exception as exc:  # noqa: BLE001 — the run itself still counts
        logger.error("could not record the run: %s", exc)
    try:
        create_markdown_artifact(key=f"{kind}-summary", markdown=summary_markdown(summary),
                                 description=f"nianbao {kind} run {summary['run_id']}")
    except Exception as exc:  # noqa: BLE001
        logger.warning("could not create the summary artifact: %s", exc)


def _run(kind: str, parameters: dict, *, crawl: dict | None, where: str | None = None,
         refresh: bool = False):
    """The steps in order. ``crawl``: ``{"registry", "portals", "regions", "years", "full"}`` to
    crawl first (nightly, backfill), or None (reextract)."""
    t0, started, run_id = time.monotonic(), utc_now(), _run_id(kind)
    version = parts.extractor_version()
    rec = RunRecord()
    check = workers.check_cluster(version)  # None unless the tasks run on an existing Dask cluster
    scope = None
    if crawl is not None:
        with rec.step("crawl"):
            chosen = select_portals(parts.load_registry(crawl["registry"]), crawl["portals"], crawl["regions"])
            crawl_portals(chosen, crawl["years"], crawl["full"], crawl["registry"], run_id, rec, check)
        if crawl["portals"] or crawl["regions"]:
            scope = {p["id"] for p in chosen}
    with rec.step("load_manifests"):
        load_new_manifests()
    todo, index, state = pick_documents(version, scope=scope, where=where if crawl is None else None)
    with rec.step("extract_and_load"):
        extract_and_load(todo, index, state, version, refresh, rec, check)
    with rec.step("cross_checks"):
        cross_failed = write_cross_checks() if (rec.loaded or crawl is not None) else 0
    summary = summarise(kind, parameters, run_id, started, t0, version, crawl is not None, len(todo),
                        cross_failed, rec)
    publish(kind, summary)
    return Completed(message=state_message(summary), data=summary)


def state_message(s: dict) -> str:
    parts_ = [f"{s['documents_processed']} documents processed, {s['reports_extracted']} reports with tables"]
    if s["failed_documents"] or s["failed_portals"]:
        parts_.append(f"{s['failed_documents']} documents and {len(s['failed_portals'])} portals failed")
    if s["blocked_portals"]:
        parts_.append(f"{len(s['blocked_portals'])} portals blocked")
    return "; ".join(parts_)


def summary_markdown(s: dict) -> str:
    lines = [
        f"# nianbao {s['flow']} run `{s['run_id']}`", "",
        f"{s['started_at']} → {s['finished_at']} ({s['duration_s']} s), extractor {s['extractor_version']}", "",
        "| | |", "|---|---|",
        f"| portals crawled | {s['portals_crawled']} |",
        f"| requests | {s['requests']} |",
        f"| new documents | {s['new_documents']} |",
        f"| documents processed | {s['documents_processed']} |",
        f"| reports extracted (tables found) | {s['reports_extracted']} |",
        f"| by status | {', '.join(f'{k}: {v}' for k, v in sorted(s['reports_by_status'].items())) or '—'} |",
        f"| failed checks (in these reports) | {s['failed_checks']} |",
        f"| cross-report findings | {s['cross_report_findings']} |",
        f"| errors | {s['error_count']} |",
        f"| blocked portals | {', '.join(b['portal'] + ' (' + str(b.get('kind')) + ')' for b in s['blocked_portals']) or '—'} |",
        f"| failed portals | {', '.join(s['failed_portals']) or '—'} |",
    ]
    if s["errors"]:
        lines += ["", "## Errors", "", "| where | kind | message |", "|---|---|---|"]
        for e in s["errors"][:50]:
            where = e.get("portal") or ""
            if e.get("sha256"):
                where += f" {e['sha256'][:12]}"
            msg = str(e.get("message") or "").replace("|", "\\|").replace("\n", " ")[:200]
            lines.append(f"| {where} | {e.get('kind')} | {msg} |")
        if len(s["errors"]) > 50:
            lines.append(f"| … | | {len(s['errors']) - 50} more |")
    return "\n".join(lines) + "\n"


# --- flows ---------------------------------------------------------------------------------------

@flow(name="nightly", task_runner=ThreadPoolTaskRunner(max_workers=settings.max_workers()),
      log_prints=False, validate_parameters=True)
def nightly(registry: str | None = None, years: list[int] | None = None) -> dict:
    """Crawl every registry portal incrementally, extract the new documents, load them, run the
    cross-report checks and record a run summary. Safe to re-run; a missed night is caught up."""
    return _run("nightly", {"registry": registry, "years": years},
                crawl={"registry": registry, "portals": None, "regions": None, "years": years, "full": False})


@flow(name="backfill", task_runner=ThreadPoolTaskRunner(max_workers=settings.max_workers()),
      log_prints=False, validate_parameters=True)
def backfill(portals: list[str] | None = None, years: list[int] | None = None,
             regions: list[str] | None = None, full: bool = False, registry: str | None = None) -> dict:
    """The nightly tasks over a slice: some portals, some years, some regions (region-code
    prefixes). ``full=True`` ignores the crawler's incremental state and re-walks the listings."""
    return _run("backfill", {"portals": portals, "years": years, "regions": regions, "full": full,
                             "registry": registry},
                crawl={"registry": registry, "portals": portals, "regions": regions, "years": years, "full": full})


@flow(name="reextract", task_runner=ThreadPoolTaskRunner(max_workers=settings.max_workers()),
      log_prints=False, validate_parameters=True)
def reextract(where: str = "outdated", refresh: bool = False) -> dict:
    """Run the current extractor over stored documents (no fetching). ``where``: ``outdated``
    (extracted by another extractor version, the default), ``all``, ``failed``, ``portal:<id>``,
    ``year:<yyyy>``, ``version:<v>``, ``sha:<prefix>``; comma-separated terms must all hold.
    ``refresh=True`` ignores the extraction cache."""
    _where_terms(where)  # fail fast on a bad filter
    return _run("reextract", {"where": where, "refresh": refresh}, crawl=None, where=where, refresh=refresh)


FLOWS = {"nightly": nightly, "backfill": backfill, "reextract": reextract}


def with_runner(f, runner: str | None = None, workers_: int | None = None, address: str | None = None):
    return f.with_options(task_runner=make_task_runner(runner, workers_, address))
