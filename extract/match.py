"""Document rows -> the contract's tables 二/三/四, driven by extract/template.py.

    match_document(doc) -> {"template", "active_disclosure", "applications",
                             "review_litigation", "provenance", "warnings"}

Rows are read as ``[label cells…, value cells…]`` (``extract.rows.split_row``). A section
heading, a block label (第二十条…), a table-三 row label or the 行政复议/行政诉讼 header moves
the reader into a table; inside it each row label is matched against the template's labels
(and synonyms) after normalisation (``extract.labels``). The template is decided by votes
from the table headers and row labels, never from the year. Tables and rows that the
document does not show are absent; rows whose values are cut short are left out.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from itertools import product

from extract import template as T
from extract.document import Cell, Document
from extract.labels import (
    application_row_cores,
    category_cores,
    core,
    find_measures,
    group_prefixes,
    label_matches,
    norm,
    review_group_of,
    section_of,
)
from extract.rows import split_row
from extract.runtogether import split_run, trailing_digits, unique_split
from extract.values import Value, is_blank, parse_cell, value_for

APP_KEYS = [r.key for r in T.ALL_APPLICATION_ROWS]
COLUMNS = [c.key for c in T.APPLICANT_COLUMNS]
GROUPS = [g.key for g in T.REVIEW_GROUPS]
OUTCOMES = [o.key for o in T.REVIEW_OUTCOMES]


@dataclass
class RowView:
    labels: list[Cell]
    values: list[Cell]
    # each value cell's position counted from the end of the row as read (-1 = last cell):
    # the same column of a grid table has the same position in every full-width row
    value_pos: list[int] = field(default_factory=list)

    @property
    def label_texts(self) -> list[str]:
        return [c.text for c in self.labels]

    @property
    def label(self) -> str:
        return "".join(self.label_texts)

    @property
    def has_values(self) -> bool:
        if self._has_values is None:
            self._has_values = any(not is_blank(c.text) for c in self.values)
        return self._has_values

    _has_values: bool | None = None


def _glued_shape(label_texts: list[str], header_cells: int | None = None) -> tuple[str, list[tuple[int, bool]]] | None:
    """(row path, cell groups) of a template row whose label this is; groups are (cells,
    last cell is the sum of the others) — what a run-together digit string must split into.
    ``header_cells``: how many measures the table-二 header above names."""
    key = match_app_row(label_texts, len(APP_KEYS))
    if key:
        return f"applications.{key}", [(len(COLUMNS), True)]
    g = review_group_of("".join(label_texts))
    if g:
        return f"review_litigation.{g}", [(len(OUTCOMES), True)]
    cats = match_category(label_texts)
    sizes = {len(next(c for c in T.categories(t) if c.key == k).measures) for t, k in cats.items()}
    if len(sizes) > 1 and header_cells in sizes:
        sizes = {header_cells}
    if len(sizes) == 1:
        return f"active_disclosure.{next(iter(cats.values()))}", [(sizes.pop(), False)]
    return None


MAX_GLUED_CANDIDATES = 64  # splits kept per ambiguous table-三 row for the column identities


def _unglue(v: RowView, warnings: list[str], header_cells: int | None = None,
            ambiguous: dict | None = None) -> RowView:
    """A row whose figures are glued to its label ('…申请数量452000047'): split the digits
    when exactly one split fits the row's cell count, the digit rules and its identities;
    else the row keeps no figures (nulls) and a warning says why."""
    if not v.labels or v.has_values:
        return v
    last = v.labels[-1]
    found = trailing_digits(last.text or "")
    if not found:
        return v
    head, digits = found
    texts = v.label_texts[:-1] + [head]
    shape = _glued_shape(texts, header_cells)
    if shape is None:
        return v
    path, groups = shape
    parts = unique_split(digits, groups)
    label_cell = Cell(head, page=last.page, bbox=last.bbox, table=last.table, row=last.row, col=last.col)
    if parts is None:
        warnings.append(f"{path}: figures run together ({digits!r}) and no single split fits the template; left null")
        cells = [Cell("", page=last.page, table=last.table, row=last.row) for _ in range(sum(n for n, _ in groups))]
        if ambiguous is not None and path.startswith("applications."):
            found = split_run(digits, groups, limit=MAX_GLUED_CANDIDATES + 1)
            if 1 < len(found) <= MAX_GLUED_CANDIDATES:
                ambiguous[path.split(".", 1)[1]] = (digits, found, last)
    else:
        warnings.append(f"{path}: figures run together ({digits!r}) split as {' '.join(parts)}")
        cells = [Cell(p, page=last.page, bbox=last.bbox, table=last.table, row=last.row, col=last.col) for p in parts]
    return RowView(v.labels[:-1] + [label_cell], cells, [i - len(cells) for i in range(len(cells))])


def _unglue_values(v: RowView, warnings: list[str], pending_labels: list | None = None) -> RowView:
    """Table 四's figures as one digit string (15 cells, three groups of 5 summed); no real
    figure has 15 digits."""
    filled = [c for c in v.values if not is_blank(c.text)]
    if len(filled) != 1 or not (filled[0].text or "").strip().isdigit() or len(filled[0].text.strip()) < 3 * len(OUTCOMES):
        return v
    if v.labels and pending_labels is not None:
        pending_labels.append(RowView(v.labels, [], []))
    c = filled[0]
    digits = c.text.strip()
    parts = unique_split(digits, [(len(OUTCOMES), True)] * len(GROUPS))
    if parts is None:
        warnings.append(f"review_litigation: figures run together ({digits!r}) and no single split fits the template; left null")
        blank = [Cell("", page=c.page, table=c.table, row=c.row) for _ in range(len(OUTCOMES) * len(GROUPS))]
        # the header label (if glued on) stays a row of its own: the nulls are table 四's figures row
        return RowView([], blank, [i - len(blank) for i in range(len(blank))])
    warnings.append(f"review_litigation: figures run together ({digits!r}) split as {' '.join(parts)}")
    cells = [Cell(p, page=c.page, bbox=c.bbox, table=c.table, row=c.row, col=c.col) for p in parts]
    return RowView([], cells, [i - len(cells) for i in range(len(cells))])


def views(rows: list[list[Cell]], warnings: list[str] | None = None, ambiguous: dict | None = None) -> list[RowView]:
    out: list[RowView] = []
    warnings = warnings if warnings is not None else []
    header_cells = None  # measures named by the last table-二 header ('信息内容 本年制发件数 …')
    for row in rows:
        texts = [c.text or "" for c in row]
        li, vi = split_row(texts)
        v = RowView([row[i] for i in li], [row[i] for i in vi], [i - len(row) for i in vi])
        if v.labels and not v.has_values and norm(v.label).startswith("信息内容"):
            header_cells = len(find_measures(v.label)) or None
        label_rows: list[RowView] = []
        v = _unglue_values(_unglue(v, warnings, header_cells, ambiguous), warnings, label_rows)
        out.extend(label_rows)
        if not v.labels and not v.has_values:
            if len(v.values) > len(row):
                out.append(v)  # table 四's run-together figures that no single split fits: nulls
            elif len(row) >= len(OUTCOMES):
                # a row of blank cells: table 四 printed with nothing filled in
                out.append(RowView([], list(row), [i - len(row) for i in range(len(row))]))
            continue
        if not v.labels and v.has_values and len(out) > 1 and not out[-1].labels and not out[-1].has_values \
                and out[-2].labels and not out[-2].has_values:
            out.pop()  # a blank row between a label row and its values: spacing, not a row
        # values alone under a label alone: a label wrapped onto its own line/row
        if not v.labels and out and out[-1].labels and not out[-1].has_values and section_of(out[-1].label) is None \
                and v.has_values:
            out[-1].values.extend(v.values)
            out[-1].value_pos = [p - 1000 for p in out[-1].value_pos] + v.value_pos
            out[-1]._has_values = None
            continue
        out.append(v)
    return out


def ambiguous_fit(values: list[Cell], n: int) -> bool:
    """More than ``n`` cells with blanks at both ends: which blanks are padding (a label's
    colspan on the left, an empty column on the right) is not decided by the row alone."""
    return len(values) > n and is_blank(values[0].text) and is_blank(values[-1].text)


def fit_columns(rows: dict, fitted: dict) -> dict:
    """Refit ambiguous rows of a table by the columns the unambiguous rows print figures in.

    ``rows``: key -> (n, [(value cell, position from the row end)]); ``fitted``: key -> cells
    chosen by ``fit``. In a grid (HTML, DOCX, ruled PDF) every row keeps its figures in the
    same columns, so a row whose label spans into a value column and whose last figure is
    blank takes the columns its neighbours use (same source table first, then any)."""
    votes: dict = {}
    for key, (n, vals) in rows.items():
        cells = fitted.get(key)
        if cells is None or ambiguous_fit([c for c, _ in vals], n):
            continue
        pos = {id(c): p for c, p in vals}
        cols = tuple(pos[id(c)] for c in cells)
        for scope in ((cells[0].table, n), ("any", n)):
            votes.setdefault(scope, {}).setdefault(cols, 0)
            votes[scope][cols] += 1
    out = dict(fitted)
    for key, (n, vals) in rows.items():
        if key not in fitted or not ambiguous_fit([c for c, _ in vals], n):
            continue
        for scope in ((vals[0][0].table, n), ("any", n)):
            if scope not in votes:
                continue
            cols = max(votes[scope].items(), key=lambda kv: kv[1])[0]
            chosen = [c for c, p in vals if p in cols]
            if len(chosen) == n:
                out[key] = chosen
                break
    return out


def fit(values: list[Cell], n: int) -> list[Cell] | None:
    """Exactly ``n`` cells: padding blanks dropped at the end, then at the start."""
    vals = list(values)
    while len(vals) > n and is_blank(vals[-1].text):
        vals.pop()
    while len(vals) > n and is_blank(vals[0].text):
        vals.pop(0)
    return vals if len(vals) == n else None


@dataclass
class _State:
    section: str | None = None
    header: list | None = None  # find_measures() of the last table-二 header
    t2_rows: list = field(default_factory=list)  # (row view, header)
    apps: dict = field(default_factory=dict)  # key -> list[Cell]
    app_raw: dict = field(default_factory=dict)  # key -> (n, every value cell of the row)
    app_header: str = ""
    last_app: int = -1
    review: dict = field(default_factory=dict)  # group -> list[Cell]
    review_stream: list = field(default_factory=list)
    review_blank: list = field(default_factory=list)  # a row of blank figure cells under the header
    review_done: bool = False
    label_run: str = ""  # label-only rows in a row, normalised (a header over several rows)
    votes: dict = field(default_factory=lambda: {t: 0 for t in T.TEMPLATES})
    warnings: list = field(default_factory=list)


# --------------------------------------------------------------------------- label matching
def _strip_groups(n: str) -> str:
    changed = True
    while changed:
        changed = False
        for g in group_prefixes():
            if n.startswith(g) and len(n) > len(g):
                n = n[len(g):]
                changed = True
    return n


def match_app_row(texts: list[str], last: int) -> str | None:
    """The table-三 row a label names; ``last`` is the index (in APP_KEYS) of the last row
    matched, so that short generic labels (其他, 总计) are only read in their place."""
    if sum(len(t) for t in texts) > 300:
        return None  # prose, not a row label
    return _match_app_row(tuple(texts), last)


@lru_cache(maxsize=20000)
def _match_app_row(texts: tuple[str, ...], last: int) -> str | None:
    for i in range(len(texts)):
        n = _strip_groups(norm("".join(texts[i:])))
        c = core(n)
        for fuzzy in (False, True):
            hits = [(key, generic) for key, cores, generic in application_row_cores()
                    if label_matches(c, cores, fuzzy=fuzzy and not generic)]
            hits.sort(key=lambda h: (APP_KEYS.index(h[0]) <= last, APP_KEYS.index(h[0])))
            for key, generic in hits:
                if generic:
                    if key == "other_other" and last < APP_KEYS.index("rejected_petition"):
                        continue
                    if key == "results_total" and last < APP_KEYS.index("granted"):
                        continue
                return key
    return None


def match_category(texts: list[str]) -> dict[str, str]:
    """{template: category key} for a table-二 row label."""
    if sum(len(t) for t in texts) > 300:
        return {}
    return dict(_match_category(tuple(texts)))


@lru_cache(maxsize=20000)
def _match_category(texts: tuple[str, ...]) -> tuple:
    return tuple(_match_category_uncached(list(texts)).items())


def _match_category_uncached(texts: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for i in range(len(texts) - 1, -1, -1):
        c = core(texts[i])
        for tmpl, cats in category_cores().items():
            for key, cores in cats.items():
                if label_matches(c, cores, fuzzy=len(c) >= 6):
                    out.setdefault(tmpl, key)
        if out:
            return out
    return out


def _vote_measures(st: _State, found) -> None:
    for _pos, _lab, keys, prim in found:
        for tmpl in keys:
            st.votes[tmpl] += 2 if prim.get(tmpl) else 1


def _vote_category(st: _State, texts: list[str], cats: dict[str, str], nvalues: int) -> None:
    for tmpl in T.TEMPLATES:
        if tmpl not in cats:
            continue
        cat = next(c for c in T.categories(tmpl) if c.key == cats[tmpl])
        c = core(texts[-1])
        if c == core(cat.label) and all(
            core(x) != c for other in T.TEMPLATES if other != tmpl for oc in T.categories(other) for x in (oc.label,)
        ):
            st.votes[tmpl] += 2 if len(cats) == 1 else 1
    counts = {t: len(next(c for c in T.categories(t) if c.key == cats[t]).measures) for t in cats}
    fits = [t for t, n in counts.items() if n == nvalues]
    if len(fits) == 1 and len(counts) > 1:
        st.votes[fits[0]] += 1


# --------------------------------------------------------------------------- the walk
def _enter(st: _State, section: str) -> None:
    st.section = section
    if section != "active_disclosure":
        st.header = None


_REVIEW_HEADER_WORDS = ("结果", "维持", "纠正", "其他", "审结", "总计", "合计", "复议", "诉讼", "起诉", "未经", "尚未", "计")


def _handle_review(st: _State, v: RowView) -> None:
    if st.review_done:
        return
    g = review_group_of(v.label) if v.labels else None
    if g and v.has_values:
        vals = fit(v.values, len(OUTCOMES))
        if vals is not None:
            st.review[g] = vals
            return
    if v.labels:
        rest = norm(v.label)
        for w in _REVIEW_HEADER_WORDS:
            rest = rest.replace(w, "")
        if len(rest) > 12 and not ("行政复议" in norm(v.label) and "行政诉讼" in norm(v.label)):
            # prose after the table: stop reading numbers
            if st.review_stream or st.review:
                st.review_done = True
            return
    if not v.labels and not v.has_values and not st.review_stream and not st.review_blank:
        st.review_blank = list(v.values)
    if v.has_values:
        st.review_stream.extend(v.values)
        if len([c for c in st.review_stream if not is_blank(c.text)]) >= 15:
            st.review_done = True


def walk(rows: list[RowView]) -> _State:
    st = _State()
    for v in rows:
        texts = v.label_texts
        label = v.label
        # table 三 rows first: '四、结转下年度继续办理' and '三、本年度办理结果' look like headings
        if texts:
            strict = st.section == "applications"
            blank_row = not v.has_values and len(v.values) >= len(COLUMNS)  # every figure cell blank
            key = match_app_row(texts, st.last_app) if (strict or v.has_values or blank_row) else None
            if key and not strict:
                # outside table 三 only an unambiguous, numbered row label opens it
                generic = next(g for k, _c, g in application_row_cores() if k == key)
                if generic or key not in ("new_received", "carried_over"):
                    key = None
            if key:
                _enter(st, "applications")
                if v.has_values or blank_row:
                    # (a row printed with every figure cell blank is a row of nulls, unless
                    # the same row is printed again with figures)
                    n = 7
                    if len(fit(v.values, 6) or []) == 6 and st.app_header and "总计" not in st.app_header \
                            and "合计" not in st.app_header and "自然人" in st.app_header:
                        n = 6
                    vals = fit(v.values, n)
                    if vals is None:
                        st.warnings.append(f"applications.{key}: {len(v.values)} cells where {n} expected; row left out")
                    elif key not in st.apps or (v.has_values and all(is_blank(c.text) for c in st.apps[key])):
                        st.apps[key] = vals
                        st.app_raw[key] = (n, list(zip(v.values, v.value_pos)))
                    st.last_app = max(st.last_app, APP_KEYS.index(key))
                continue
            sec = section_of(label) if not v.has_values else None
            if sec:
                if sec == "end":
                    st.section = None
                else:
                    _enter(st, sec)
                continue
            n = norm(label)
            if n.startswith("第二十条") and len(n) < 20 and not v.has_values:
                _enter(st, "active_disclosure")
                continue
            prose = len(n) >= 300 or any(ch in n for ch in "。，,；;")
            run = (st.label_run + n) if not v.has_values and len(n) <= 40 else n
            if "行政复议" in run and "行政诉讼" in run and not prose and st.section != "review_litigation" \
                    and not st.review_done:
                # the table-四 header, on one row or over several label rows
                _enter(st, "review_litigation")
                st.label_run = ""
                _handle_review(st, v)
                continue
            st.label_run = run[-200:] if not v.has_values and len(n) <= 40 else ""
        if st.section == "active_disclosure" or (st.header and st.section is None):
            if texts:
                cats = match_category(texts)
                if cats and (v.has_values or v.values):
                    # a category row printed with every cell blank is a row of nulls
                    if v.has_values:
                        _vote_category(st, texts, cats, len([c for c in v.values if not is_blank(c.text)]))
                    st.t2_rows.append((v, cats, st.header))
                    continue
                if cats:
                    continue
                found = find_measures(label)
                if found and not v.has_values:
                    st.header = found
                    _vote_measures(st, found)
                    st.section = "active_disclosure"
                    continue
        elif st.section == "applications":
            if texts and not v.has_values:
                st.app_header += norm(label)
        elif st.section == "review_litigation":
            _handle_review(st, v)
        elif texts and not v.has_values and "信息内容" in norm(label)[:30]:
            found = find_measures(label)
            if found:
                st.header = found
                _vote_measures(st, found)
                st.section = "active_disclosure"
    return st


def decide_template(st: _State) -> str | None:
    apps = st.apps
    if any(k in apps for k in ("other_no_correction", "other_unpaid_fee", "other_other")):
        st.votes["2021"] += 2
    if "other_handling" in apps:
        st.votes["2019"] += 1
    v21, v19 = st.votes["2021"], st.votes["2019"]
    if v21 == v19:
        return None
    return "2021" if v21 > v19 else "2019"


def _record(out: dict, prov: dict, warnings: list, path: str, cell: Cell, measure: str | None) -> None:
    parsed: Value | None = parse_cell(cell.text)
    if parsed is None:
        parsed = Value(None, raw=cell.text, unreadable=True)
    value, warns = value_for(measure, parsed)
    warnings.extend(f"{path}: {w}" for w in warns)
    if parsed.unreadable and not is_blank(cell.text):
        warnings.append(f"{path}: unreadable number {cell.text!r} recorded as null")
    table, row, col = path.split(".")
    out.setdefault(row, {})[col] = value
    p = dict(cell.provenance())
    p["raw"] = cell.text
    if parsed.unit:
        p["unit"] = parsed.unit
    if parsed.sign in ("增", "减"):
        p["sign"] = parsed.sign
    if parsed.note:
        p["note"] = parsed.note
    prov[path] = p


MAX_GLUED_COMBINATIONS = 5000


def _resolve_by_columns(apps: dict, ambiguous: dict, prov: dict, warnings: list[str]) -> None:
    """Run-together table-三 rows with several row-valid splits: keep the one combination (if
    exactly one) under which every column identity of table 三 holds (本年新收＋上年结转＝总计＋结转;
    结果各项之和＝总计). Rows printed with figures are not touched."""
    keys = [k for k, _ in ambiguous.items() if k in apps and all(v is None for v in apps[k].values())]
    if not keys or any(v is None for k, row in apps.items() if k not in keys for v in row.values()):
        return  # a null elsewhere would count as 0 in the identities: nothing can be confirmed
    total = 1
    for k in keys:
        total *= len(ambiguous[k][1])
    if total > MAX_GLUED_COMBINATIONS:
        return
    codes = ("applications.balance", "applications.results_sum")
    ids = [i for i in T.IDENTITIES if i.code in codes]
    cols = list(apps[keys[0]].keys())
    fits = []
    for combo in product(*(ambiguous[k][1] for k in keys)):
        trial = {k: dict(v) for k, v in apps.items()}
        for k, parts in zip(keys, combo):
            trial[k] = {c: int(p) for c, p in zip(cols, parts)}
        checks = [c for i in ids for c in i.evaluate({"applications": trial})]
        if checks and all(c["passed"] for c in checks) and len(checks) >= len(codes) * len(cols):
            fits.append(combo)
            if len(fits) > 1:
                return
    if len(fits) != 1:
        return
    for k, parts in zip(keys, fits[0]):
        digits, _found, cell = ambiguous[k]
        unsure = f"applications.{k}: figures run together ({digits!r}) and no single split"
        warnings[:] = [w for w in warnings if not w.startswith(unsure)]
        for c, p in zip(cols, parts):
            apps[k][c] = int(p)
            pv = dict(cell.provenance())
            pv["raw"] = p
            prov[f"applications.{k}.{c}"] = pv
        warnings.append(f"applications.{k}: figures run together ({digits!r}) split as {' '.join(parts)} "
                        "(the only split under which the table's column identities hold)")


def _confirm_glued(apps: dict, prov: dict, warnings: list[str]) -> None:
    """Table-三 rows split out of run-together digits must also agree with the table's column
    identities: a row whose printed figures break its own total can split into other numbers
    that happen to add up. When a column identity fails, those rows go back to null."""
    glued = [k for k in apps if any(w.startswith(f"applications.{k}: figures run together") and " split as " in w
                                    for w in warnings)]
    if not glued:
        return
    ids = [i for i in T.IDENTITIES if i.code in ("applications.balance", "applications.results_sum")]
    checks = [c for i in ids for c in i.evaluate({"applications": apps})]
    failed = [c for c in checks if not c["passed"]]
    if not failed and len(checks) == len(ids) * len(COLUMNS):
        return
    why = f"{failed[0]['code']} fails in column {failed[0].get('column')}" if failed else "they cannot be evaluated"
    for k in glued:
        for c in apps[k]:
            apps[k][c] = None
            prov.pop(f"applications.{k}.{c}", None)
        warnings.append(f"applications.{k}: figures split from run-together digits are not confirmed by the "
                        f"table's column identities ({why}); left null")


def match_rows(rows: list[list[Cell]]) -> dict:
    glued: list[str] = []
    ambiguous: dict = {}
    st = walk(views(rows, glued, ambiguous))
    template = decide_template(st)
    prov: dict = {}
    warnings = glued + list(st.warnings)
    result: dict = {"template": template}

    # table 二
    ad: dict = {}
    if template and st.t2_rows:
        for v, cats, header in st.t2_rows:
            cat_key = cats.get(template)
            if cat_key is None or cat_key in ad:
                continue
            cat = next(c for c in T.categories(template) if c.key == cat_key)
            measures = [m.key for m in cat.measures]
            chosen = None
            if header:
                hk = [keys.get(template) for _p, _l, keys, _pr in header]
                if hk and all(k in measures for k in hk) and len(set(hk)) == len(hk):
                    vals = fit(v.values, len(hk))
                    if vals is not None:
                        chosen = list(zip(hk, vals))
            if chosen is None:
                vals = fit(v.values, len(measures))
                if vals is not None:
                    chosen = list(zip(measures, vals))
            if chosen is None:
                if v.has_values:
                    warnings.append(f"active_disclosure.{cat_key}: {len(v.values)} cells where {len(measures)} expected; row left out")
                continue
            for mkey, cell in chosen:
                _record(ad, prov, warnings, f"active_disclosure.{cat_key}.{mkey}", cell, mkey)
        order = [c.key for c in T.categories(template)]
        ad = {k: {m.key: ad[k][m.key] for m in next(c for c in T.categories(template) if c.key == k).measures if m.key in ad[k]}
              for k in order if k in ad}
    if ad:
        result["active_disclosure"] = ad

    # table 三
    apps: dict = {}
    fitted = fit_columns(st.app_raw, st.apps)
    for key in APP_KEYS:
        if key not in fitted:
            continue
        cells = fitted[key]
        cols = COLUMNS if len(cells) == 7 else COLUMNS[:-1]
        for col, cell in zip(cols, cells):
            _record(apps, prov, warnings, f"applications.{key}.{col}", cell, None)
    if apps and ambiguous:
        _resolve_by_columns(apps, ambiguous, prov, warnings)
    if apps:
        _confirm_glued(apps, prov, warnings)
    if apps:
        result["applications"] = apps

    # table 四
    rl: dict = {}
    if st.review:
        for g in GROUPS:
            if g not in st.review:
                continue
            for o, cell in zip(OUTCOMES, st.review[g]):
                _record(rl, prov, warnings, f"review_litigation.{g}.{o}", cell, None)
    elif st.review_stream or len(st.review_blank) >= 15:
        vals = fit(st.review_stream or st.review_blank, 15)
        if vals is None:
            warnings.append(f"review_litigation: {len(st.review_stream)} cells where 15 expected; table left out")
        else:
            for i, cell in enumerate(vals):
                _record(rl, prov, warnings, f"review_litigation.{GROUPS[i // 5]}.{OUTCOMES[i % 5]}", cell, None)
    if rl:
        result["review_litigation"] = rl

    result["provenance"] = prov
    result["warnings"] = warnings
    return result


def match_document(doc: Document) -> dict:
    """``match_rows(doc.rows)``, once per state of the rows: the picture-table check and the
    report both ask for it (the matcher is a tenth of a PDF's extraction time)."""
    state = tuple(tuple((id(c), c.text, c.page, c.table, c.row, c.col) for c in row) for row in doc.rows)
    cached = doc.__dict__.get("_matched")
    if cached is None or cached[0] != state:
        cached = (state, match_rows(doc.rows))
        doc.__dict__["_matched"] = cached
    result = cached[1]
    return {**result, "warnings": list(result.get("warnings") or [])}
