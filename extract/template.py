"""The national annual-report templates as data — the one definition of rows, columns,
labels and identities.

Everything else reads this module: the parser matches labels from it, the checks
evaluate IDENTITIES over it, the archive builds its label tables and schema from it, and
Datasette's metadata takes its Chinese labels from it. Keys are the contract of
``shared/spec/template.md``; do not rename them.

Templates: ``"2021"`` (国办公开办函〔2021〕30号, report years 2021+) and ``"2019"``
(国办公开办函〔2019〕60号, report years 2019–2020 and some later).
"""
from __future__ import annotations

from dataclasses import dataclass, field

TEMPLATES = ("2021", "2019")


@dataclass(frozen=True)
class Item:
    """One row key or column key with its official label and accepted variants."""

    key: str
    label: str
    synonyms: tuple[str, ...] = ()
    unit: str | None = None  # 件, 万元, 项 …
    group: str | None = None  # block / parent heading, for display

    @property
    def labels(self) -> tuple[str, ...]:
        return (self.label, *self.synonyms)


# --------------------------------------------------------------------------- table 二
@dataclass(frozen=True)
class Category:
    key: str
    label: str
    block: str  # 第二十条第（一）项 …
    measures: tuple[Item, ...]
    synonyms: tuple[str, ...] = ()

    @property
    def labels(self) -> tuple[str, ...]:
        return (self.label, *self.synonyms)


_M2021_DOCS = (
    Item("issued", "本年制发件数", ("本年新制发件数", "本年制发数量", "本年新制作数量"), "件"),
    Item("repealed", "本年废止件数", ("本年废止数量",), "件"),
    Item("in_force", "现行有效件数", ("现行有效数量",), "件"),
)
_M2021_DECISIONS = (Item("decisions", "本年处理决定数量", ("处理决定数量", "本年处理决定件数"), "件"),)
_M2021_FEES = (
    Item("amount_10k_yuan", "本年收费金额（单位：万元）", ("本年收费金额", "收费金额（单位：万元）", "收费金额"), "万元"),
)

_M2019_DOCS = (
    Item("new_made", "本年新制作数量", ("本年新制作", "新制作数量"), "件"),
    Item("new_published", "本年新公开数量", ("本年新公开", "新公开数量"), "件"),
    Item("total_published", "对外公开总数量", ("对外公开总数", "公开总数量"), "件"),
)
_M2019_ITEMS = (
    Item("prev_year_items", "上一年项目数量", ("上年项目数量", "上一年项目数"), "项"),
    Item("change", "本年增/减", ("本年增减", "本年增/减数量", "增/减"), "项"),
    Item("decisions", "处理决定数量", ("本年处理决定数量", "处理决定数"), "件"),
)
_M2019_FEES = _M2019_ITEMS[:2]
_M2019_PROCUREMENT = (
    Item("items", "采购项目数量", ("采购项目数",), "项"),
    Item("amount", "采购总金额", ("采购金额", "采购总金额（万元）"), "万元"),
)

ACTIVE_DISCLOSURE: dict[str, tuple[Category, ...]] = {
    "2021": (
        Category("regulations", "规章", "第二十条第（一）项", _M2021_DOCS),
        Category("normative_documents", "行政规范性文件", "第二十条第（一）项", _M2021_DOCS, ("规范性文件",)),
        Category("licensing", "行政许可", "第二十条第（五）项", _M2021_DECISIONS),
        Category("penalty", "行政处罚", "第二十条第（六）项", _M2021_DECISIONS),
        Category("coercion", "行政强制", "第二十条第（六）项", _M2021_DECISIONS),
        Category("fees", "行政事业性收费", "第二十条第（八）项", _M2021_FEES),
    ),
    "2019": (
        Category("regulations", "规章", "第二十条第（一）项", _M2019_DOCS),
        Category("normative_documents", "规范性文件", "第二十条第（一）项", _M2019_DOCS, ("行政规范性文件",)),
        Category("licensing", "行政许可", "第二十条第（五）项", _M2019_ITEMS),
        Category("other_services", "其他对外管理服务事项", "第二十条第（五）项", _M2019_ITEMS, ("其他对外管理服务",)),
        Category("penalty", "行政处罚", "第二十条第（六）项", _M2019_ITEMS),
        Category("coercion", "行政强制", "第二十条第（六）项", _M2019_ITEMS),
        Category("fees", "行政事业性收费", "第二十条第（八）项", _M2019_FEES),
        Category("procurement", "政府集中采购", "第二十条第（九）项", _M2019_PROCUREMENT),
    ),
}

# Measures whose values may legitimately be decimals or negative.
DECIMAL_MEASURES = frozenset({"amount_10k_yuan", "amount", "change"})

# --------------------------------------------------------------------------- table 三
APPLICANT_COLUMNS: tuple[Item, ...] = (
    Item("natural_person", "自然人", group="申请人情况"),
    Item("commercial", "商业企业", group="法人或其他组织"),
    Item("research", "科研机构", group="法人或其他组织"),
    Item("social_welfare", "社会公益组织", ("社会公益机构",), group="法人或其他组织"),
    Item("legal_services", "法律服务机构", group="法人或其他组织"),
    Item("other_org", "其他", group="法人或其他组织"),
    Item("total", "总计", ("合计",), group="申请人情况"),
)
APPLICANT_PARTS = tuple(c.key for c in APPLICANT_COLUMNS if c.key != "total")

_R = Item
_ROWS_HEAD = (
    _R("new_received", "一、本年新收政府信息公开申请数量", ("本年新收政府信息公开申请数量", "本年新收"), "件"),
    _R("carried_over", "二、上年结转政府信息公开申请数量", ("上年结转政府信息公开申请数量", "上年结转"), "件"),
    _R("granted", "（一）予以公开", ("予以公开",), "件", "三、本年度办理结果"),
    _R("partially_granted", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", ("部分公开",), "件", "三、本年度办理结果"),
    _R("denied_state_secret", "1.属于国家秘密", ("属于国家秘密",), "件", "（三）不予公开"),
    _R("denied_prohibited_by_law", "2.其他法律行政法规禁止公开",
       ("其他法律行政法规禁止公开", "其他法律行政止公开", "其他法律法规禁止公开", "法律行政法规禁止公开"), "件", "（三）不予公开"),
    _R("denied_security_stability", "3.危及“三安全一稳定”", ("危及三安全一稳定", "危及“三安全一稳定”"), "件", "（三）不予公开"),
    _R("denied_third_party", "4.保护第三方合法权益", ("保护第三方合法权益",), "件", "（三）不予公开"),
    _R("denied_internal_affairs", "5.属于三类内部事务信息", ("属于三类内部事务信息",), "件", "（三）不予公开"),
    _R("denied_process_info", "6.属于四类过程性信息", ("属于四类过程性信息",), "件", "（三）不予公开"),
    _R("denied_enforcement_file", "7.属于行政执法案卷", ("属于行政执法案卷",), "件", "（三）不予公开"),
    _R("denied_query_item", "8.属于行政查询事项", ("属于行政查询事项",), "件", "（三）不予公开"),
    _R("unable_not_held", "1.本机关不掌握相关政府信息", ("本机关不掌握相关政府信息",), "件", "（四）无法提供"),
    _R("unable_needs_creation", "2.没有现成信息需要另行制作", ("没有现成信息需要另行制作",), "件", "（四）无法提供"),
    _R("unable_unclear", "3.补正后申请内容仍不明确", ("补正后申请内容仍不明确",), "件", "（四）无法提供"),
    _R("rejected_petition", "1.信访举报投诉类申请", ("信访举报投诉类申请",), "件", "（五）不予处理"),
    _R("rejected_duplicate", "2.重复申请", ("重复申请",), "件", "（五）不予处理"),
    _R("rejected_publication", "3.要求提供公开出版物", ("要求提供公开出版物",), "件", "（五）不予处理"),
    _R("rejected_excessive", "4.无正当理由大量反复申请", ("无正当理由大量反复申请",), "件", "（五）不予处理"),
    _R("rejected_confirmation", "5.要求行政机关确认或重新出具已获取信息",
       ("要求行政机关确认或重新出具已获取信息",), "件", "（五）不予处理"),
)
_ROWS_OTHER_2021 = (
    _R("other_no_correction", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
       ("申请人无正当理由逾期不补正", "逾期不补正"), "件", "（六）其他处理"),
    _R("other_unpaid_fee", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
       ("申请人逾期未按收费通知要求缴纳费用", "逾期未按收费通知要求缴纳费用"), "件", "（六）其他处理"),
    _R("other_other", "3.其他", ("其他",), "件", "（六）其他处理"),
)
_ROW_OTHER_2019 = _R("other_handling", "（六）其他处理", ("其他处理",), "件", "三、本年度办理结果")
_ROWS_TAIL = (
    _R("results_total", "（七）总计", ("总计", "合计"), "件", "三、本年度办理结果"),
    _R("carried_forward", "四、结转下年度继续办理", ("结转下年度继续办理", "结转下年度"), "件"),
)

APPLICATION_ROWS: dict[str, tuple[Item, ...]] = {
    "2021": _ROWS_HEAD + _ROWS_OTHER_2021 + _ROWS_TAIL,
    "2019": _ROWS_HEAD + (_ROW_OTHER_2019,) + _ROWS_TAIL,
}
# Every row key any template uses, in display order (a 2021 table may carry the 2019
# single （六）其他处理 row, as 洪泽区 2023/2024 do).
ALL_APPLICATION_ROWS: tuple[Item, ...] = _ROWS_HEAD + _ROWS_OTHER_2021 + (_ROW_OTHER_2019,) + _ROWS_TAIL
RESULT_ROWS_FIRST, RESULT_ROWS_LAST_2021, RESULT_ROWS_LAST_2019 = "granted", "other_other", "other_handling"

# --------------------------------------------------------------------------- table 四
REVIEW_GROUPS: tuple[Item, ...] = (
    Item("review", "行政复议", ("复议",)),
    Item("litigation_direct", "行政诉讼·未经复议直接起诉", ("未经复议直接起诉",), group="行政诉讼"),
    Item("litigation_after_review", "行政诉讼·复议后起诉", ("复议后起诉",), group="行政诉讼"),
)
REVIEW_OUTCOMES: tuple[Item, ...] = (
    Item("upheld", "结果维持", ("维持",), "件"),
    Item("corrected", "结果纠正", ("纠正",), "件"),
    Item("other", "其他结果", ("其他",), "件"),
    Item("pending", "尚未审结", ("未审结",), "件"),
    Item("total", "总计", ("合计",), "件"),
)

# --------------------------------------------------------------------------- sections
TABLES = {
    "active_disclosure": Item("active_disclosure", "二、主动公开政府信息情况", ("主动公开政府信息情况",)),
    "applications": Item("applications", "三、收到和处理政府信息公开申请情况", ("收到和处理政府信息公开申请情况",)),
    "review_litigation": Item(
        "review_litigation", "四、政府信息公开行政复议、行政诉讼情况",
        ("政府信息公开行政复议、行政诉讼情况", "因政府信息公开工作被申请行政复议、提起行政诉讼情况", "行政复议、行政诉讼情况"),
    ),
}


# --------------------------------------------------------------------------- identities
@dataclass(frozen=True)
class Identity:
    code: str
    label: str  # Chinese description for Datasette and reports
    description: str
    evaluate: object = field(repr=False, compare=False, default=None)


def _num(v):
    return v if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def _fmt(v) -> str:
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v)


def _close(a, b) -> bool:
    return abs(a - b) < 1e-6


def result_row_keys(rows: dict) -> list[str]:
    """Result rows (granted … last other_* row) present in an applications table."""
    keys = [r.key for r in ALL_APPLICATION_ROWS]
    first = keys.index(RESULT_ROWS_FIRST)
    last = keys.index(RESULT_ROWS_LAST_2019)  # other_handling sits after the 2021 other_* rows
    return [k for k in keys[first : last + 1] if k in rows]


def _check_balance(report: dict) -> list[dict]:
    apps = report.get("applications") or {}
    out = []
    for col in (c.key for c in APPLICANT_COLUMNS):
        vals = [(apps.get(r) or {}).get(col) for r in ("new_received", "carried_over", "results_total", "carried_forward")]
        if all(v is None for v in vals) or (apps.get("results_total") or {}).get(col) is None:
            continue
        a, b, t, f = (_num(v) or 0 for v in vals)
        out.append({
            "code": "applications.balance", "column": col, "passed": _close(a + b, t + f),
            "detail": f"{_fmt(a)}+{_fmt(b)} = {_fmt(t)}+{_fmt(f)}",
        })
    return out


def _check_results_total(report: dict) -> list[dict]:
    apps = report.get("applications") or {}
    rows = result_row_keys(apps)
    out = []
    for col in (c.key for c in APPLICANT_COLUMNS):
        total = (apps.get("results_total") or {}).get(col)
        parts = [(apps.get(r) or {}).get(col) for r in rows]
        if total is None or not rows or all(p is None for p in parts):
            continue
        s = sum(_num(p) or 0 for p in parts)
        out.append({
            "code": "applications.results_sum", "column": col, "passed": _close(s, _num(total) or 0),
            "detail": f"sum of result rows {_fmt(s)} vs （七）总计 {_fmt(total)}",
        })
    return out


def _check_row_totals(report: dict) -> list[dict]:
    """One entry for the whole table: rows where only 总计 is printed are skipped."""
    apps = report.get("applications") or {}
    failed, evaluated = [], 0
    for row in (r.key for r in ALL_APPLICATION_ROWS):
        cells = apps.get(row)
        if not cells or cells.get("total") is None:
            continue
        parts = [cells.get(c) for c in APPLICANT_PARTS]
        if all(p is None for p in parts):
            continue  # only the 总计 column printed: nothing to add up
        evaluated += 1
        s = sum(_num(p) or 0 for p in parts)
        if not _close(s, _num(cells["total"]) or 0):
            failed.append(f"{row}: {'+'.join(_fmt(_num(p) or 0) for p in parts)} = {_fmt(s)} vs 总计 {_fmt(cells['total'])}")
    if not evaluated:
        return []
    detail = ("total = sum of 6 applicant columns for every row" if not failed else "; ".join(failed))
    return [{"code": "applications.row_totals", "passed": not failed, "detail": detail, "rows_failed": len(failed)}]


def _check_review_totals(report: dict) -> list[dict]:
    rl = report.get("review_litigation") or {}
    out = []
    for group in (g.key for g in REVIEW_GROUPS):
        cells = rl.get(group)
        if not cells or cells.get("total") is None:
            continue
        parts = [cells.get(o.key) for o in REVIEW_OUTCOMES if o.key != "total"]
        s = sum(_num(p) or 0 for p in parts)
        out.append({
            "code": "review_litigation.total", "group": group, "passed": _close(s, _num(cells["total"]) or 0),
            "detail": f"{'+'.join(_fmt(_num(p) or 0) for p in parts)} = {_fmt(s)} vs 总计 {_fmt(cells['total'])}",
        })
    return out


IDENTITIES: tuple[Identity, ...] = (
    Identity("applications.balance", "本年新收＋上年结转＝办理结果总计＋结转下年度继续办理",
             "For each applicant column: new_received + carried_over = results_total + carried_forward",
             _check_balance),
    Identity("applications.results_sum", "办理结果各项之和＝（七）总计",
             "For each column: results_total = sum of result rows granted … last other_* row",
             _check_results_total),
    Identity("applications.row_totals", "各类申请人之和＝总计",
             "For each row of table 三: total = sum of the six applicant columns (one entry for the table)",
             _check_row_totals),
    Identity("review_litigation.total", "维持＋纠正＋其他＋尚未审结＝总计",
             "For each group of table 四: total = upheld + corrected + other + pending",
             _check_review_totals),
)


def run_checks(report: dict) -> list[dict]:
    """Evaluate every identity on a contract object; one entry per identity evaluated."""
    checks: list[dict] = []
    for identity in IDENTITIES:
        checks.extend(identity.evaluate(report))
    return checks


# --------------------------------------------------------------------------- helpers
def application_rows(template: str) -> tuple[Item, ...]:
    return APPLICATION_ROWS[template]


def categories(template: str) -> tuple[Category, ...]:
    return ACTIVE_DISCLOSURE[template]


def label_rows() -> list[dict]:
    """Flat (table, kind, key, label, position, unit, template) rows: the archive's label tables
    and Datasette's labels are built from this."""
    out: list[dict] = []
    for template, cats in ACTIVE_DISCLOSURE.items():
        for i, cat in enumerate(cats):
            out.append(dict(table="active_disclosure", kind="category", key=cat.key, label=cat.label,
                            position=i, unit=None, template=template, group=cat.block))
            for j, m in enumerate(cat.measures):
                out.append(dict(table="active_disclosure", kind="measure", key=f"{cat.key}.{m.key}", label=m.label,
                                position=j, unit=m.unit, template=template, group=cat.label))
    for i, r in enumerate(ALL_APPLICATION_ROWS):
        templates = [t for t, rows in APPLICATION_ROWS.items() if r in rows]
        out.append(dict(table="applications", kind="row", key=r.key, label=r.label, position=i, unit=r.unit,
                        template=",".join(templates), group=r.group))
    for i, c in enumerate(APPLICANT_COLUMNS):
        out.append(dict(table="applications", kind="column", key=c.key, label=c.label, position=i, unit="件",
                        template="2021,2019", group=c.group))
    for i, g in enumerate(REVIEW_GROUPS):
        out.append(dict(table="review_litigation", kind="group", key=g.key, label=g.label, position=i, unit=None,
                        template="2021,2019", group=g.group))
    for i, o in enumerate(REVIEW_OUTCOMES):
        out.append(dict(table="review_litigation", kind="outcome", key=o.key, label=o.label, position=i, unit=o.unit,
                        template="2021,2019", group=None))
    return out
