"""Checks across reports → ``findings``.

``continuity.carried_over``
    For the same publisher (portal, or agency name where the portal is unknown) and consecutive
    report years, this year's 二、上年结转 must equal last year's 四、结转下年度继续办理, per
    applicant column where both are printed. One finding per compared column, ``passed`` 1 or 0.
    Corrected values are used (``applications_corrected``).

Publication (缺报 that can be defended)
    A 缺报 finding accuses an agency of breaking the OGI Regulations (Art. 49–50, revised 2019:
    departments publish by 31 January, people's governments by 31 March of the following year), so
    every publisher-year whose deadline has passed is in one of three states:

    * **published** — a report of that unit and year is in the archive (no finding: the report is
      the evidence);
    * **missing** (``missing.report``, ``passed = 0``, the only state Datasette calls 缺报) — the
      portal was crawled successfully *after* the deadline and its listing is known to reach back
      to that year (the year is not older than the oldest year the portal's listing has shown, or a
      crawl walked the listing to its last page), and no report appeared;
    * **unknown** (``missing.unknown``, ``passed`` null) — the portal is blocked, failing or was
      never crawled, was not crawled since the deadline, or its listing was not walked back that
      far.

    Each finding carries its ``state`` and ``evidence`` (JSON: last crawl, last successful crawl,
    blocked kind, the listing's oldest and newest years, whether its end was reached, reason).

    The publisher is the *unit*, not the portal. A portal whose reports name one agency (names
    compared after normalisation, a name that ends another — 洪泽区人民政府 / 淮安市洪泽区人民政府
    — being the same unit) is one unit. A platform hosting several departments (its reports name
    several agencies, or the registry lists ``units``) expects one report per unit per year;
    reports are matched to units by normalised agency name. A unit found only by discovery is
    expected from the first year it was seen.

What the crawler records and what is derived: health.jsonl gives per crawl and portal whether it
was blocked, its errors and close reason (``crawls`` table, :func:`load_health`). How far back the
listing was walked is derived from the documents the portal's listings have shown (their
``year_hint`` and report years); a health field ``listing_end_reached: true`` (the pager had no
next page) — not written by the crawler yet — additionally lets years older than any document
count as missing.

Incremental: :func:`cross_report_checks` recomputes the findings of the portals (and the
continuity of the publishers) that changed since the last computation — reports loaded, crawls
recorded, corrections made — unless the set of years whose deadline has passed changed, or it is
called with explicit ``today``/``years``/``full=True``, when it recomputes everything.
"""
from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from typing import Iterable
from nianbao.text import utc_now

GOVERNMENT_LEVELS = {"province", "city", "county", "district", "township", "town", "prefecture", "municipality",
                     "government"}
FINDING_COLUMNS = ["kind", "passed", "report", "previous_report", "portal", "agency", "unit", "year", "column",
                   "expected", "actual", "deadline", "state", "evidence", "detail", "checked_at"]


def is_government(name: str | None, level: str | None) -> bool:
    """People's governments (人民政府) report by 31 March; departments (incl. 人民政府办公室) by 31 January."""
    level = (level or "").lower()
    if "department" in level or "dept" in level or "bureau" in level:
        return False
    if name:
        n = name.strip()
        if n.endswith("人民政府") or n.endswith("人民政府（本级）"):
            return True
        if any(n.endswith(s) for s in ("办公室", "局", "厅", "委员会", "委", "中心", "院", "署", "部")):
            return False
    return level in GOVERNMENT_LEVELS


def deadline(year: int, name: str | None, level: str | None) -> dt.date:
    return dt.date(year + 1, 3, 31) if is_government(name, level) else dt.date(year + 1, 1, 31)


# --------------------------------------------------------------------------- units
_BRACKETS = re.compile(r"[（(【\[][^）)】\]]*[）)】\]]")
_NOISE = re.compile(r"[\s·•,，、.。:：;；\"“”'‘’]+")


def normalise_agency(name: str | None) -> str:
    """A unit's matching key: NFKC, traditional folded, bracketed notes and punctuation removed."""
    if not name:
        return ""
    from archive.search import _simplify

    s = _simplify(unicodedata.normalize("NFKC", name))
    s = _BRACKETS.sub("", s)
    s = re.sub(r"(20\d\d年度?)?政府信息公开(工作)?年度报告$", "", s)
    return _NOISE.sub("", s)


def _merge_units(names: Iterable[str]) -> dict[str, str]:
    """normalised name -> unit key: a name that ends exactly one longer name is the same unit
    (洪泽区人民政府 within 淮安市洪泽区人民政府, 统计局 within 桃江县统计局); the longest name is the key."""
    keys = sorted({n for n in names if n}, key=len, reverse=True)
    out: dict[str, str] = {}
    for n in keys:
        longer = [k for k in keys if len(k) > len(n) and k.endswith(n) and out.get(k) == k]
        out[n] = longer[0] if len(n) >= 2 and len(longer) == 1 else n
    return out


# --------------------------------------------------------------------------- crawl health
def _ts(v) -> str | None:
    return None if v is None else str(v)


def load_health(db, records: Iterable[dict], run_id: str | None = None) -> int:
    """Crawl health records (health.jsonl: one per portal and crawl) → ``crawls``. Idempotent
    (primary key run × portal). A crawl is ``ok`` when it was not blocked, closed ``finished`` and
    the crawler did not fail: then the portal's listing was read (or answered 304 unchanged)."""
    rows = []
    for h in records:
        pid = h.get("portal")
        if not pid:
            continue
        errors = [e for e in (h.get("errors") or []) if isinstance(e, dict)]
        kinds = sorted({str(e.get("kind")) for e in errors if e.get("kind")})
        blocked = h.get("blocked") if isinstance(h.get("blocked"), dict) else None
        listing_read = int(h.get("listing_pages") or 0) + int(h.get("not_modified") or 0) > 0
        ok = (not blocked and "crawler-failed" not in kinds and (h.get("close_reason") in (None, "finished"))
              and listing_read)
        end = h.get("listing_end_reached")
        rows.append({
            "run_id": run_id or h.get("run_id") or h.get("started_at") or "?", "portal": pid,
            "started_at": _ts(h.get("started_at")), "finished_at": _ts(h.get("finished_at") or h.get("started_at")),
            "close_reason": h.get("close_reason"), "ok": int(bool(ok)),
            "blocked_kind": (blocked or {}).get("kind"), "blocked_url": (blocked or {}).get("url"),
            "requests": h.get("requests"), "listing_pages": h.get("listing_pages"),
            "not_modified": h.get("not_modified"), "new_documents": h.get("new_documents"),
            "error_count": len(errors), "error_kinds": ",".join(kinds) or None,
            "listing_end_reached": None if end is None else int(bool(end)),
        })
    if not rows:
        return 0
    cols = list(rows[0])
    with db.conn:
        for r in rows:
            db.conn.execute("INSERT OR IGNORE INTO portals (id, registered) VALUES (?, 0)", (r["portal"],))
        db.conn.executemany(
            f"INSERT OR REPLACE INTO crawls ({', '.join(cols)}) VALUES ({', '.join(':' + c for c in cols)})", rows)
    return len(rows)


# --------------------------------------------------------------------------- continuity
def _continuity(conn, now: str, portals: set[str] | None, agencies: set[str] | None) -> list[dict]:
    scope, params = "", []
    if portals is not None or agencies is not None:
        p, a = sorted(portals or ()), sorted(agencies or ())
        scope = (f" AND (r.portal IN ({','.join('?' * len(p))}) OR (r.portal IS NULL AND r.agency IN "
                 f"({','.join('?' * len(a))})))")
        params = p + a
    rows = conn.execute(f"""
        SELECT r.id, coalesce(r.portal, 'agency:' || r.agency) AS who, r.portal, r.agency, r.year
        FROM report_numbers r
        WHERE r.year IS NOT NULL AND (r.portal IS NOT NULL OR r.agency IS NOT NULL)
          AND EXISTS (SELECT 1 FROM applications a WHERE a.report = r.id
                      AND a.row IN ('carried_over', 'carried_forward'))
          {scope}
        ORDER BY who, r.year, r.id""", params).fetchall()
    latest: dict[tuple, tuple] = {}
    for rid, who, portal, agency, year in rows:
        latest[(who, year)] = (rid, portal, agency)  # the last loaded report of a publisher-year wins

    # corrected values: the facts by primary key, then the latest correction per cell (corrections are
    # few; reading applications_corrected per report costs ~10× more at a million reports)
    fixes: dict[tuple, object] = {}
    for rep, keys, value in conn.execute("SELECT report, keys, value FROM corrections "
                                         "WHERE table_name = 'applications' ORDER BY id"):
        row, _, col = keys.partition(".")
        fixes[(rep, row, col)] = value
    fixed_rows = {(rep, row) for rep, row, _ in fixes}

    def cells(rid: int, row: str) -> dict:
        out = dict(conn.execute("SELECT applicant, value FROM applications WHERE report = ? AND row = ?",
                                (rid, row)).fetchall())
        if (rid, row) in fixed_rows:
            out.update({c: v for (rep, r, c), v in fixes.items() if rep == rid and r == row})
        return out

    out = []
    for (who, year), (rid, portal, agency) in sorted(latest.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        prev = latest.get((who, year - 1))
        if not prev:
            continue
        this_over, last_fwd = cells(rid, "carried_over"), cells(prev[0], "carried_forward")
        for col in [c for c in this_over if c in last_fwd]:
            a, e = this_over[col], last_fwd[col]
            if a is None or e is None:
                continue
            ok = abs(float(a) - float(e)) < 1e-6
            out.append({
                "kind": "continuity.carried_over", "passed": int(ok), "report": rid, "previous_report": prev[0],
                "portal": portal, "agency": agency, "unit": None, "year": year, "column": col, "expected": e,
                "actual": a, "deadline": None, "state": None, "evidence": None, "checked_at": now,
                "detail": (f"{year} 上年结转 {a} = {year - 1} 结转下年度继续办理 {e}" if ok else
                           f"{year} 上年结转 {a} ≠ {year - 1} 结转下年度继续办理 {e}"),
            })
    return out


# --------------------------------------------------------------------------- publication
def _portal_evidence(conn, pid: str) -> dict:
    """What the crawls and the documents say about portal ``pid``'s listing."""
    last = conn.execute("SELECT finished_at, ok, blocked_kind, error_kinds FROM crawls WHERE portal = ? "
                        "ORDER BY finished_at DESC LIMIT 1", (pid,)).fetchone()
    good = conn.execute("SELECT max(finished_at), max(listing_end_reached) FROM crawls WHERE portal = ? AND ok = 1",
                        (pid,)).fetchone()
    years = conn.execute(
        "SELECT min(y), max(y) FROM (SELECT year AS y FROM reports WHERE portal = ? AND year IS NOT NULL "
        "UNION ALL SELECT year_hint FROM sources WHERE portal = ? AND year_hint IS NOT NULL)", (pid, pid)).fetchone()
    return {
        "last_crawl": last[0] if last else None, "last_crawl_ok": bool(last[1]) if last else None,
        "blocked": last[2] if last else None, "last_errors": last[3] if last else None,
        "last_successful_crawl": good[0], "listing_end_reached": bool(good[1]) if good[1] is not None else None,
        "listing_oldest_year": years[0], "listing_newest_year": years[1],
    }


def _state(ev: dict, year: int, due: dt.date, first_year: int | None) -> tuple[str, str]:
    """(missing | unknown, reason) for a publisher-year without a report whose deadline passed."""
    if ev["last_crawl"] is None:
        return "unknown", "从未抓取"
    if ev["last_successful_crawl"] is None:
        why = f"抓取受阻（{ev['blocked']}）" if ev["blocked"] else f"抓取失败（{ev['last_errors'] or '未读到栏目'}）"
        return "unknown", why
    if ev["last_successful_crawl"][:10] <= due.isoformat():
        return "unknown", f"截止日期 {due.isoformat()} 之后未成功抓取"
    if first_year is not None and year < first_year:
        return "unknown", f"该单位 {first_year} 年起才在栏目中出现"
    oldest = ev["listing_oldest_year"]
    if ev["listing_end_reached"]:
        return "missing", "栏目已翻到最后一页，未见该年度报告"
    if oldest is None:
        return "unknown", "栏目中未见任何报告，且未确认已翻到最后一页"
    if year < oldest:
        return "unknown", f"栏目只抓取到 {oldest} 年，未翻到更早年份"
    return "missing", f"栏目已抓取到 {oldest} 年，截止日期后成功抓取，未见该年度报告"


def publisher_units(conn, pid: str, name: str | None, registered_units: Iterable[str] = ()) -> list[dict]:
    """The units a portal publishes for: [{unit, name, first_year}] (one, the portal itself, unless
    its reports name several agencies or the registry lists units)."""
    reports = conn.execute("SELECT agency, year FROM reports WHERE portal = ? AND agency IS NOT NULL", (pid,)).fetchall()
    norm = {normalise_agency(a): a for a, _ in reports if normalise_agency(a)}
    registry = {normalise_agency(u): u for u in registered_units if normalise_agency(u)}
    merged = _merge_units([*norm, *registry])
    keys = sorted(set(merged.values()))
    if len(keys) <= 1 and not registry:
        return [{"unit": None, "name": name, "first_year": None}]
    first: dict[str, int] = {}
    for a, y in reports:
        k = merged.get(normalise_agency(a))
        if k and y is not None:
            first[k] = min(y, first.get(k, y))
    return [{"unit": k, "name": registry.get(k) or norm.get(k) or k,
             "first_year": None if k in registry else first.get(k)} for k in keys]


def _publication(conn, today: dt.date, years: Iterable[int] | None, now: str, portals: set[str] | None) -> list[dict]:
    rows = conn.execute("SELECT id, name, level, overrides FROM portals WHERE registered = 1").fetchall()
    if portals is not None:
        rows = [r for r in rows if r[0] in portals]
    if not rows:
        return []
    if years is None:
        first = conn.execute("SELECT min(year) FROM report_numbers WHERE year >= 2008").fetchone()[0]
        years = range(first or today.year - 3, today.year)
    years = list(years)
    out = []
    for pid, name, level, overrides in rows:
        try:
            units_declared = (json.loads(overrides) or {}).get("units") or [] if overrides else []
        except ValueError:
            units_declared = []
        units = publisher_units(conn, pid, name, units_declared)
        have: dict[str | None, set[int]] = {}
        if len(units) == 1 and units[0]["unit"] is None:
            have[None] = {y for (y,) in conn.execute(
                "SELECT DISTINCT year FROM reports WHERE portal = ? AND year IS NOT NULL", (pid,))}
        else:
            merged = _merge_units([u["unit"] for u in units] + [normalise_agency(a) for (a,) in conn.execute(
                "SELECT DISTINCT agency FROM reports WHERE portal = ?", (pid,))])
            for a, y in conn.execute("SELECT agency, year FROM reports WHERE portal = ? AND year IS NOT NULL", (pid,)):
                have.setdefault(merged.get(normalise_agency(a)), set()).add(y)
        ev = None
        for u in units:
            uname = u["name"] or name or pid
            for year in years:
                due = deadline(year, uname, level)
                if due >= today or year in have.get(u["unit"], ()):
                    continue
                ev = ev or _portal_evidence(conn, pid)
                state, reason = _state(ev, year, due, u["first_year"])
                missing = state == "missing"
                out.append({
                    "kind": "missing.report" if missing else "missing.unknown", "passed": 0 if missing else None,
                    "report": None, "previous_report": None, "portal": pid, "agency": uname, "unit": u["unit"],
                    "year": year, "column": None, "expected": None, "actual": None, "deadline": due.isoformat(),
                    "state": state, "evidence": json.dumps({**ev, "reason": reason}, ensure_ascii=False),
                    "checked_at": now,
                    "detail": (f"缺报：{uname} 未见 {year} 年度报告（应于 {due.isoformat()} 前公开；{reason}）" if missing
                               else f"无法核实：{uname} {year} 年度报告（{reason}）"),
                })
    return out


# --------------------------------------------------------------------------- entry point
def _meta(conn, key: str) -> str | None:
    row = conn.execute("SELECT value FROM archive_meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def _touched(conn, since: str) -> tuple[set[str], set[str]]:
    """Portals and portal-less agencies whose reports, corrections or crawls changed since ``since``."""
    portals = {p for (p,) in conn.execute(
        "SELECT DISTINCT portal FROM reports WHERE loaded_at >= ? AND portal IS NOT NULL", (since,))}
    portals |= {p for (p,) in conn.execute("SELECT DISTINCT portal FROM crawls WHERE finished_at >= ?", (since,))}
    portals |= {p for (p,) in conn.execute(
        "SELECT DISTINCT r.portal FROM corrections c JOIN reports r ON r.id = c.report WHERE c.at >= ? "
        "AND r.portal IS NOT NULL", (since,))}
    agencies = {a for (a,) in conn.execute(
        "SELECT DISTINCT agency FROM reports WHERE loaded_at >= ? AND portal IS NULL AND agency IS NOT NULL", (since,))}
    return portals, agencies


def cross_report_checks(db, *, today: dt.date | None = None, years: Iterable[int] | None = None,
                        full: bool = False) -> list[dict]:
    """Bring ``findings`` up to date; returns the findings written by this call (each has
    ``passed``: 1, 0, or None for an unknown publication state).

    ``years``: the report years expected from every publisher (default: from the earliest report
    year in the archive to last year). ``today`` decides which deadlines have passed. With neither
    given, only what changed since the last call is recomputed (see the module docstring)."""
    explicit = today is not None or years is not None
    today = today or dt.datetime.now(dt.timezone.utc).date()
    # the format of loaded_at/finished_at: a load in the same second as this call counts as changed next time
    now = utc_now()
    conn = db.conn
    first = conn.execute("SELECT min(year) FROM report_numbers WHERE year >= 2008").fetchone()[0]
    due_key = json.dumps([first, sorted({y for y in range(first or today.year - 3, today.year)
                                         if deadline(y, None, "department") < today}),
                          sorted({y for y in range(first or today.year - 3, today.year)
                                  if deadline(y, "人民政府", None) < today})])
    since = _meta(conn, "findings_at")
    incremental = not (full or explicit) and since is not None and _meta(conn, "findings_due") == due_key
    portals = agencies = None
    if incremental:
        portals, agencies = _touched(conn, since)
    findings = (_continuity(conn, now, portals, agencies)
                + _publication(conn, today, years, now, portals))
    with conn:
        if portals is None:
            conn.execute("DELETE FROM findings")
        else:
            for chunk in _chunks(sorted(portals), 500):
                conn.execute(f"DELETE FROM findings WHERE portal IN ({','.join('?' * len(chunk))})", chunk)
            for chunk in _chunks(sorted(agencies), 500):
                conn.execute(f"DELETE FROM findings WHERE portal IS NULL AND agency IN ({','.join('?' * len(chunk))})",
                             chunk)
        conn.executemany(f"INSERT INTO findings ({', '.join(f'[{c}]' for c in FINDING_COLUMNS)}) "
                         f"VALUES ({', '.join('?' for _ in FINDING_COLUMNS)})",
                         [[f[c] for c in FINDING_COLUMNS] for f in findings])
        if not explicit:
            conn.execute("INSERT OR REPLACE INTO archive_meta VALUES ('findings_at', ?)", (now,))
            conn.execute("INSERT OR REPLACE INTO archive_meta VALUES ('findings_due', ?)", (due_key,))
        else:  # findings for another "today": the next default call recomputes everything
            conn.execute("DELETE FROM archive_meta WHERE key IN ('findings_at', 'findings_due')")
    return findings


def _chunks(xs: list, n: int):
    for i in range(0, len(xs), n):
        yield xs[i:i + n]
