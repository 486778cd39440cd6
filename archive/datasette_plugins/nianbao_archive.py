"""Datasette plugin of the archive (loaded with ``--plugins-dir``, see archive/cli.py): the report
page, each number's provenance, page images and the stored copy (archive/report_page.py), and links
from every ``report`` column to the report page. Read-only: files are found by sha256 in the store."""
from __future__ import annotations

import asyncio
import re
import urllib.parse
from pathlib import Path

from datasette import hookimpl
from datasette.utils.asgi import NotFound, Response
from markupsafe import Markup, escape

from archive import report_page as R


def _db(datasette, name: str):
    try:
        return datasette.get_database(name)
    except KeyError:
        raise NotFound(f"no database {name}")


def _folders(datasette, db) -> tuple[Path, Path]:
    cfg = datasette.plugin_config("nianbao") or {}
    base = Path(db.path).resolve().parent if db.path else Path(".")
    return Path(cfg.get("store") or base / "store"), Path(cfg.get("cache") or base / "page-images")


async def _report(db, rid: int) -> dict:
    rep = await db.execute_fn(lambda conn: R.report_data(conn, rid))
    if rep is None:
        raise NotFound(f"no report {rid}")
    return rep


async def report_view(datasette, request):
    name, rid = request.url_vars["db"], int(request.url_vars["id"])
    rep = await _report(_db(datasette, name), rid)
    return Response.html(R.report_html(name, rep))


async def source_view(datasette, request):
    name, rid = request.url_vars["db"], int(request.url_vars["id"])
    table, k1, k2 = request.url_vars["table"], request.url_vars["k1"], request.url_vars["k2"]
    if table not in R.FACT_KEYS:
        raise NotFound("no such table")
    db = _db(datasette, name)
    rep = await _report(db, rid)
    cell = rep["cells"][table].get((k1, k2))
    size = None
    if cell and cell.get("page") and cell.get("bbox") and (rep["format"] or "").startswith("pdf"):
        store, _ = _folders(datasette, db)
        path = R.store_path(store, rep["sha256"])
        if path.exists():
            try:
                size = await asyncio.to_thread(R.page_size, path, int(cell["page"]))
            except Exception:  # noqa: BLE001 — an unreadable page: show the numbers without the image
                size = None
    return Response.html(R.source_html(name, rep, table, k1, k2, size))


async def _known_document(db, sha: str):
    if not R.SHA.match(sha):
        raise NotFound("not a sha256")
    kind = await db.execute_fn(lambda conn: R.document_kind(conn, sha))
    if kind is None:
        raise NotFound("no such document in the archive")
    return kind


async def page_image_view(datasette, request):
    name, sha, page_no = request.url_vars["db"], request.url_vars["sha"], int(request.url_vars["page"])
    db = _db(datasette, name)
    await _known_document(db, sha)
    store, cache = _folders(datasette, db)
    path = R.store_path(store, sha)
    if not path.exists():
        raise NotFound("the stored copy is not in this data folder")
    try:
        png = await asyncio.to_thread(R.render_page, path, page_no, cache, sha)
    except PermissionError:
        import tempfile

        png = await asyncio.to_thread(R.render_page, path, page_no, Path(tempfile.gettempdir()) / "nianbao-pages", sha)
    except Exception:  # noqa: BLE001 — not a PDF, or no such page
        raise NotFound("no such page")
    return Response(png.read_bytes(), content_type="image/png",
                    headers={"Cache-Control": "public, max-age=86400", "X-Content-Type-Options": "nosniff"})


async def document_view(datasette, request):
    name, sha = request.url_vars["db"], request.url_vars["sha"]
    db = _db(datasette, name)
    media, ext = await _known_document(db, sha)
    store, _ = _folders(datasette, db)
    path = R.store_path(store, sha)
    if not path.exists():
        raise NotFound("the stored copy is not in this data folder")
    # an HTML copy is served as an attachment: never rendered on this origin
    return Response(path.read_bytes(), content_type=media, headers={
        "Content-Disposition": f'attachment; filename="{sha[:16]}.{ext}"', "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "sandbox", "Cache-Control": "public, max-age=31536000, immutable"})


@hookimpl
def register_routes():
    db, n = r"(?P<db>[^/]+)", r"(?P<id>\d+)"
    return [
        (rf"^/-/report/{db}/{n}$", report_view),
        (rf"^/-/source/{db}/{n}/(?P<table>[a-z_]+)/(?P<k1>[a-z0-9_]+)\.(?P<k2>[a-z0-9_]+)$", source_view),
        (rf"^/-/page-image/{db}/(?P<sha>[0-9a-f]{{64}})/(?P<page>\d{{1,5}})\.png$", page_image_view),
        (rf"^/-/document/{db}/(?P<sha>[0-9a-f]{{64}})$", document_view),
    ]


_REPORT_COLUMNS = {"report", "previous_report"}
_REPORT_TABLES = {"reports", "report_totals", "report_numbers"}


@hookimpl
def render_cell(row, value, column, table, database):
    """Every report id links to its report page: ``report`` columns anywhere (canned queries, findings,
    facts), and the title of a report in the reports tables."""
    if column in _REPORT_COLUMNS and isinstance(value, int):
        return Markup(f'<a href="/-/report/{escape(database)}/{value}">{value}</a>')
    if table in _REPORT_TABLES and column == "title" and value and "id" in row.keys():
        rid = row["id"]
        if isinstance(rid, int):
            return Markup(f'<a href="/-/report/{escape(database)}/{rid}">{escape(value)}</a>')
    return None




# The search box of the report tables: Datasette would also count every match and facet them — a
# scan of all matching reports (seconds for a common 2-character word at 100,000 reports and
# linear beyond). A search shows the newest matching reports first, without a total and facets;
# ``&_count=1`` restores Datasette's default page (count, facets, the table's sort).
_SEARCH_PAGES = re.compile(r"^/[^/]+/(reports|report_totals|report_numbers)(\.json)?$")


def search_args(path: str, query_string: str) -> str:
    """The query string a search page is answered with (unchanged for every other request)."""
    if not _SEARCH_PAGES.match(path) or "_search" not in query_string:
        return query_string
    args = urllib.parse.parse_qsl(query_string, keep_blank_values=True)
    keys = {k for k, _ in args}
    if "_count" in keys or not any(k.startswith("_search") and v for k, v in args):
        return query_string
    args += [(k, "1") for k in ("_nocount", "_nofacet") if k not in keys]
    if not any(k in keys for k in ("_sort", "_sort_desc")):
        args.append(("_sort_desc", "id"))
    return urllib.parse.urlencode(args)


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def search_without_counts(scope, receive, send):
            if scope.get("type") == "http" and scope.get("method") == "GET":
                qs = scope.get("query_string", b"").decode("latin-1")
                new = search_args(scope.get("path", ""), qs)
                if new != qs:
                    scope = {**scope, "query_string": new.encode("latin-1")}
            await app(scope, receive, send)

        return search_without_counts

    return wrap
