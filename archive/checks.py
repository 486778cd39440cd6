"""Checks across reports → ``findings`` (recomputed in full, in one transaction, each time).

``continuity.carried_over``
    For the same publisher (portal, or agency name where the portal is unknown) and consecutive
    report years, this year's 二、上年结转 must equal last year's 四、结转下年度继续办理, per
    applicant column where both are printed. One finding per compared column, ``passed`` 1 or 0.
    Corrected values are used (``applications_corrected``).

``missing.report`` (缺报)
    Every registered portal is expected to publish one report per year. Under the OGI Regulations
    (Art. 49–50, revised 2019) departments publish by 31 January and people's governments by
    31 March of the following year; a year whose deadline has not passed is never flagged.
"""
from __future__ import annotations

import datetime as dt
from typing import Iterable

GOVERNMENT_LEVELS = {"province", "city", "county", "district", "township", "town", "prefecture", "municipality",
                     "government"}


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


def _continuity(conn, now: str) -> list[dict]:
    rows = conn.execute("""
        SELECT r.id, coalesce(r.portal, 'agency:' || r.agency) AS who, r.portal, r.agency, r.year
        FROM reports r
        WHERE r.year IS NOT NULL AND (r.portal IS NOT NULL OR r.agency IS NOT NULL)
          AND r.id IN (SELECT report FROM applications WHERE row IN ('carried_over', 'carried_forward'))
        ORDER BY who, r.year, r.id""").fetchall()
    latest: dict[tuple, tuple] = {}
    for rid, who, portal, agency, year in rows:
        latest[(who, year)] = (rid, portal, agency)  # the last loaded report of a publisher-year wins

    def cells(rid: int, row: str) -> dict:
        return dict(conn.execute("SELECT applicant, value FROM applications_corrected WHERE report = ? AND row = ?",
                                 (rid, row)).fetchall())

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
                "portal": portal, "agency": agency, "year": year, "column": col, "expected": e, "actual": a,
                "deadline": None, "checked_at": now,
                "detail": (f"{year} 上年结转 {a} = {year - 1} 结转下年度继续办理 {e}" if ok else
                           f"{year} 上年结转 {a} ≠ {year - 1} 结转下年度继续办理 {e}"),
            })
    return out


def _missing(conn, today: dt.date, years: Iterable[int] | None, now: str) -> list[dict]:
    portals = conn.execute("SELECT id, name, level FROM portals WHERE registered = 1").fetchall()
    if not portals:
        return []
    have = {(p, y) for p, y in conn.execute(
        "SELECT portal, year FROM reports WHERE portal IS NOT NULL AND year IS NOT NULL")}
    if years is None:
        first = conn.execute("SELECT min(year) FROM reports WHERE year >= 2008").fetchone()[0]
        years = range(first or today.year - 3, today.year)
    out = []
    for pid, name, level in portals:
        for year in years:
            due = deadline(year, name, level)
            if due >= today or (pid, year) in have:
                continue
            out.append({
                "kind": "missing.report", "passed": 0, "report": None, "previous_report": None, "portal": pid,
                "agency": name, "year": year, "column": None, "expected": None, "actual": None,
                "deadline": due.isoformat(), "checked_at": now,
                "detail": f"缺报：{name or pid} 未见 {year} 年度报告（应于 {due.isoformat()} 前公开）",
            })
    return out


def cross_report_checks(db, *, today: dt.date | None = None, years: Iterable[int] | None = None) -> list[dict]:
    """Recompute ``findings``; returns every finding written (``passed`` 1 or 0).

    ``years``: the report years expected from every registered portal (default: from the earliest
    report year in the archive to last year). ``today`` decides which deadlines have passed."""
    today = today or dt.datetime.now(dt.timezone.utc).date()
    now = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    conn = db.conn
    findings = _continuity(conn, now) + _missing(conn, today, years, now)
    cols = ["kind", "passed", "report", "previous_report", "portal", "agency", "year", "column", "expected",
            "actual", "deadline", "detail", "checked_at"]
    with conn:
        conn.execute("DELETE FROM findings")
        conn.executemany(f"INSERT INTO findings ({', '.join(f'[{c}]' for c in cols)}) "
                         f"VALUES ({', '.join('?' for _ in cols)})", [[f[c] for c in cols] for f in findings])
    return findings
