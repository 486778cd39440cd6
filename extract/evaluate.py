"""Compare an extraction with an ``X.expected.json`` (pure; no I/O).

Only keys present in the expected object are compared (excerpts list only what they show):

- metadata ``title``, ``agency`` (any of ``agency_aliases`` is accepted too), ``year``,
  ``template``, ``published_date``; an expected file without ``title`` means the document
  prints no title line, so a returned title counts as a mismatch;
- every cell of ``active_disclosure`` / ``applications`` / ``review_litigation`` in the
  expected object; cells the extraction returns beyond those are reported as ``extra``
  and do not count (with ``strict=True`` they count as mismatches: an excerpt's expected
  file leaves out cut rows, so an extra row there is a reading error);
- ``checks`` by (code, column/group, passed).

``notes``, ``partial`` and ``agency_aliases`` are not compared as keys.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

TABLE_KEYS = ("active_disclosure", "applications", "review_litigation")
META_KEYS = ("title", "title_simplified", "agency", "year", "template", "published_date")
IGNORED = frozenset({"notes", "partial", "agency_aliases"})


@dataclass
class Comparison:
    name: str
    cells_total: int = 0
    cells_right: int = 0
    meta_total: int = 0
    meta_right: int = 0
    mismatches: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    status: str | None = None
    strict: bool = False

    @property
    def exact(self) -> bool:
        return not self.mismatches and not (self.strict and self.extra)

    def as_dict(self) -> dict:
        return {"name": self.name, "exact": self.exact, "status": self.status,
                "cells_total": self.cells_total, "cells_right": self.cells_right,
                "meta_total": self.meta_total, "meta_right": self.meta_right,
                "mismatches": self.mismatches, "extra": self.extra}


def flatten(table: dict | None, prefix: str) -> dict[str, object]:
    out: dict[str, object] = {}
    for row, cells in (table or {}).items():
        if isinstance(cells, dict):
            for col, v in cells.items():
                out[f"{prefix}.{row}.{col}"] = v
    return out


def same_value(a, b) -> bool:
    if a is None or b is None:
        return a is b
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)
    return a == b


def _check_key(c: dict) -> tuple:
    return (c.get("code"), c.get("column") or c.get("group"), bool(c.get("passed")))


def compare(expected: dict, got: dict, name: str = "", strict: bool = False) -> Comparison:
    cmp = Comparison(name=name, status=got.get("status"), strict=strict)
    for key in META_KEYS:
        if key not in expected:
            if key == "title" and got.get("title"):
                cmp.meta_total += 1
                cmp.mismatches.append(f"title: got {got.get('title')!r}, the document prints no title line")
            continue
        cmp.meta_total += 1
        want, have = expected[key], got.get(key)
        ok = want == have
        if key == "agency" and not ok and have is not None:
            ok = have in (expected.get("agency_aliases") or [])
        if ok:
            cmp.meta_right += 1
        else:
            cmp.mismatches.append(f"{key}: got {have!r}, expected {want!r}")
    for table in TABLE_KEYS:
        want = flatten(expected.get(table), table)
        have = flatten(got.get(table), table)
        for path, v in want.items():
            cmp.cells_total += 1
            if path in have and same_value(have[path], v):
                cmp.cells_right += 1
            else:
                cmp.mismatches.append(f"{path}: got {have.get(path, 'absent')!r}, expected {v!r}")
        for path in sorted(set(have) - set(want)):
            cmp.extra.append(f"{path}: {have[path]!r} not in the expected file")
    if "checks" in expected:
        want_checks = sorted(_check_key(c) for c in expected.get("checks") or [])
        have_checks = sorted(_check_key(c) for c in got.get("checks") or [])
        cmp.meta_total += 1
        if want_checks == have_checks:
            cmp.meta_right += 1
        else:
            missing = [c for c in want_checks if c not in have_checks]
            more = [c for c in have_checks if c not in want_checks]
            cmp.mismatches.append(f"checks: missing {missing}, unexpected {more}")
    return cmp


def summarize(results: list[Comparison]) -> dict:
    n = len(results)
    cells_total = sum(r.cells_total for r in results)
    cells_right = sum(r.cells_right for r in results)
    meta_total = sum(r.meta_total for r in results)
    meta_right = sum(r.meta_right for r in results)
    return {
        "documents": n,
        "documents_exact": sum(1 for r in results if r.exact),
        "cells_total": cells_total,
        "cells_right": cells_right,
        "cell_accuracy": (cells_right / cells_total) if cells_total else None,
        "metadata_total": meta_total,
        "metadata_right": meta_right,
        "metadata_accuracy": (meta_right / meta_total) if meta_total else None,
    }
