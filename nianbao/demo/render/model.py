"""The layout of a report as data: sections, prose and the three national-template tables as
grids of cells with rowspan/colspan. Every output format (HTML, DOCX, PDF, text) renders this
one model; the labels come from ``extract.template``.
"""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from extract import template as T

CORNER_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
INFO_CONTENT = "信息内容"


@dataclass
class TCell:
    text: str
    rowspan: int = 1
    colspan: int = 1
    header: bool = False
    vertical: bool = False  # printed one character per line (narrow header column)
    align: str = "center"  # left | center


@dataclass
class Table:
    key: str  # active_disclosure | applications | review_litigation
    ncols: int
    rows: list[list[TCell]] = field(default_factory=list)  # only the cells that start at a position
    col_widths: list[float] = field(default_factory=list)  # relative widths


@dataclass
class Section:
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    table: Table | None = None


def fmt_value(v) -> str:
    """A value as a report prints it: blank for null, integers without '.0'."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return str(int(v))
    if isinstance(v, float):
        if v.is_integer():
            return str(int(v))
        return f"{v:.6f}".rstrip("0").rstrip(".")
    return str(v)


def detect_template(report: dict) -> str:
    t = report.get("template")
    if t in T.TEMPLATES:
        return t
    ad = report.get("active_disclosure") or {}
    if "other_services" in ad or "procurement" in ad:
        return "2019"
    return "2021"


# --------------------------------------------------------------------------- table 二
def active_disclosure_table(report: dict) -> Table | None:
    ad = report.get("active_disclosure")
    if not ad:
        return None
    cats = [c for c in T.categories(detect_template(report)) if c.key in ad]
    table = Table("active_disclosure", 4, col_widths=[2.2, 1.6, 1.6, 1.6])
    prev_block, prev_measures = None, None
    for cat in cats:
        if cat.block != prev_block:
            table.rows.append([TCell(cat.block, colspan=4, header=True)])
            prev_block, prev_measures = cat.block, None
        spans = _spread(len(cat.measures), 3)
        if cat.measures != prev_measures:
            table.rows.append([TCell(INFO_CONTENT, header=True)] +
                              [TCell(m.label, colspan=s, header=True) for m, s in zip(cat.measures, spans)])
            prev_measures = cat.measures
        vals = ad.get(cat.key) or {}
        table.rows.append([TCell(cat.label, header=True)] +
                          [TCell(fmt_value(vals.get(m.key)), colspan=s) for m, s in zip(cat.measures, spans)])
    return table


def _spread(n: int, width: int) -> list[int]:
    """Column spans for n measures over `width` value columns (last one takes the rest)."""
    if n >= width:
        return [1] * n
    return [1] * (n - 1) + [width - n + 1]


# --------------------------------------------------------------------------- table 三
RESULTS_HEAD = "三、本年度办理结果"


def _row_path(item: T.Item) -> tuple[str, ...]:
    """(level1, level2, level3) labels of an application row in the three label columns."""
    if item.group is None:
        return (item.label,)
    if item.group == RESULTS_HEAD:
        return (RESULTS_HEAD, item.label)
    return (RESULTS_HEAD, item.group, item.label)


def applications_table(report: dict) -> Table | None:
    apps = report.get("applications")
    if not apps:
        return None
    rows = [r for r in T.ALL_APPLICATION_ROWS if r.key in apps]
    cols = T.APPLICANT_COLUMNS
    table = Table("applications", 10, col_widths=[0.9, 1.5, 2.6] + [0.75] * 7)
    # header
    table.rows.append([TCell(CORNER_NOTE, rowspan=3, colspan=3, header=True),
                       TCell(cols[0].group or "申请人情况", colspan=7, header=True)])
    org_group = cols[1].group or "法人或其他组织"
    table.rows.append([TCell(cols[0].label, rowspan=2, header=True, vertical=True),
                       TCell(org_group, colspan=5, header=True),
                       TCell(cols[-1].label, rowspan=2, header=True, vertical=True)])
    table.rows.append([TCell(c.label, header=True, vertical=True) for c in cols[1:-1]])
    paths = [_row_path(r) for r in rows]
    for idx, (item, path) in enumerate(zip(rows, paths)):
        cells: list[TCell] = []
        if len(path) == 1:
            cells.append(TCell(path[0], colspan=3, header=True, align="left"))
        else:
            if idx == 0 or paths[idx - 1][0] != path[0]:
                n = _run(paths, idx, 1)
                cells.append(TCell(path[0], rowspan=n, header=True, vertical=True))
            if len(path) == 2:
                cells.append(TCell(path[1], colspan=2, header=True, align="left"))
            else:
                if idx == 0 or paths[idx - 1][:2] != path[:2]:
                    cells.append(TCell(path[1], rowspan=_run(paths, idx, 2), header=True, align="left"))
                cells.append(TCell(path[2], header=True, align="left"))
        vals = apps.get(item.key) or {}
        cells += [TCell(fmt_value(vals.get(c.key))) for c in cols]
        table.rows.append(cells)
    return table


def _run(paths: list[tuple[str, ...]], start: int, depth: int) -> int:
    """How many consecutive rows from ``start`` share the label at ``depth`` (1 or 2)."""
    key = paths[start][:depth]
    n = 0
    for p in paths[start:]:
        if p[:depth] != key or len(p) <= depth:
            break
        n += 1
    return n


# --------------------------------------------------------------------------- table 四
def review_table(report: dict) -> Table | None:
    rl = report.get("review_litigation")
    if not rl:
        return None
    groups = T.REVIEW_GROUPS
    outcomes = T.REVIEW_OUTCOMES
    k = len(outcomes)
    table = Table("review_litigation", k * len(groups), col_widths=[1.0] * (k * len(groups)))
    review, litigation = groups[0], groups[1:]
    lit_group = litigation[0].group or "行政诉讼"
    table.rows.append([TCell(review.label, colspan=k, header=True),
                       TCell(lit_group, colspan=k * len(litigation), header=True)])
    table.rows.append([TCell(o.label, rowspan=2, header=True, vertical=True) for o in outcomes] +
                      [TCell(g.label.split("·")[-1], colspan=k, header=True) for g in litigation])
    table.rows.append([TCell(o.label, header=True, vertical=True) for _ in litigation for o in outcomes])
    table.rows.append([TCell(fmt_value((rl.get(g.key) or {}).get(o.key))) for g in groups for o in outcomes])
    return table


# --------------------------------------------------------------------------- prose
def default_prose(report: dict) -> dict[str, list[str]]:
    """Generic, realistic narrative (our own wording) keyed by section."""
    agency = report.get("agency") or "本机关"
    year = report.get("year") or ""
    return {
        "intro": [
            f"本报告由{agency}根据《中华人民共和国政府信息公开条例》（以下简称《条例》）要求编制。"
            f"全文包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、"
            f"存在的主要问题及改进情况、其他需要报告的事项。报告中所列数据统计期限自{year}年1月1日起至{year}年12月31日止。"
            f"如对本报告有疑问，请与{agency}政务公开办公室联系。",
        ],
        "overview": [
            f"{year}年，{agency}认真贯彻落实《条例》各项规定，坚持以公开为常态、不公开为例外，"
            "围绕中心工作持续深化政务公开，不断提升政府信息公开的规范化、标准化水平。",
            "（一）主动公开。依托政府门户网站、政务新媒体等平台，及时发布政策文件、财政预决算、重点项目、民生事项等信息，"
            "做好重要政策的解读和回应工作。",
            "（二）依申请公开。严格按照法定程序和时限办理政府信息公开申请，规范答复文书格式，做到依法、及时、准确答复。",
            "（三）政府信息管理。落实信息发布审核制度，严格执行“先审后发”，定期开展政府信息清理和更新维护。",
            "（四）平台建设。加强网站栏目和政务新媒体的日常管理，优化栏目设置，提升信息检索和查阅便利度。",
            "（五）监督保障。将政务公开工作纳入年度绩效考核，加强业务培训，主动接受社会监督。",
        ],
        "problems": [
            "一年来，政府信息公开工作取得了一定成效，但也存在一些不足：部分领域信息公开的深度和广度还需拓展，"
            "政策解读形式不够丰富，工作人员业务能力有待进一步提高。",
            "下一步，我们将进一步健全工作机制，加强重点领域信息公开，丰富政策解读形式，强化业务培训和监督考核，"
            "推动政务公开工作提质增效。",
        ],
        "other": [
            "本年度未收取政府信息公开信息处理费。无其他需要报告的事项。",
        ],
    }


SECTION_HEADINGS = (
    "一、总体情况",
    T.TABLES["active_disclosure"].label,
    T.TABLES["applications"].label,
    T.TABLES["review_litigation"].label,
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
)


# --------------------------------------------------------------------------- variations
# Real reports print the template with small differences; a variant makes them (tests).
#   null: text of a null cell ("" blank by default, "/", "-", "—", "无")
#   label: str -> str applied to every table header/label cell (spaces, 繁体, numbering, typos)
#   value: str -> str applied to every printed figure (full-width digits …)
#   headings: {table key: section heading} replacing 二/三/四's headings
VARIANT: ContextVar[dict | None] = ContextVar("nianbao_render_variant", default=None)


@contextmanager
def variant(v: dict | None):
    token = VARIANT.set(v or None)
    try:
        yield
    finally:
        VARIANT.reset(token)


def _apply_variant(sections: list[Section], v: dict) -> None:
    label, value, null = v.get("label"), v.get("value"), v.get("null")
    headings = v.get("headings") or {}
    for sec in sections:
        if sec.table is None:
            continue
        if sec.table.key in headings:
            sec.heading = headings[sec.table.key]
        for row in sec.table.rows:
            for cell in row:
                if cell.header:
                    if label and cell.text != CORNER_NOTE:
                        cell.text = label(cell.text)
                elif cell.text == "":
                    if null:
                        cell.text = null
                elif value:
                    cell.text = value(cell.text)


def build_sections(report: dict, prose: list[str] | None = None) -> tuple[list[str], list[Section]]:
    """(intro paragraphs, sections). Caller-given ``prose`` replaces the overview paragraphs;
    the current ``variant`` (if any) is applied to the tables and their headings."""
    p = default_prose(report)
    overview = list(prose) if prose else p["overview"]
    sections = [
        Section(SECTION_HEADINGS[0], overview),
        Section(SECTION_HEADINGS[1], table=active_disclosure_table(report)),
        Section(SECTION_HEADINGS[2], table=applications_table(report)),
        Section(SECTION_HEADINGS[3], table=review_table(report)),
        Section(SECTION_HEADINGS[4], p["problems"]),
        Section(SECTION_HEADINGS[5], p["other"]),
    ]
    v = VARIANT.get()
    if v:
        _apply_variant(sections, v)
    return p["intro"], sections


def title_of(report: dict) -> str:
    if report.get("title"):
        return report["title"]
    return f"{report.get('agency') or ''}{report.get('year') or ''}年政府信息公开工作年度报告"


def date_cn(iso: str | None) -> str:
    if not iso:
        return ""
    y, m, d = (int(x) for x in iso[:10].split("-"))
    return f"{y}年{m}月{d}日"


def grid(table: Table) -> list[list[tuple[TCell, bool] | None]]:
    """Place cells on the full grid: (cell, is_origin) at each covered position."""
    nrows = len(table.rows)
    out: list[list] = [[None] * table.ncols for _ in range(nrows)]
    for r, row in enumerate(table.rows):
        c = 0
        for cell in row:
            while c < table.ncols and out[r][c] is not None:
                c += 1
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    if r + dr < nrows and c + dc < table.ncols:
                        out[r + dr][c + dc] = (cell, dr == 0 and dc == 0)
            c += cell.colspan
    return out


def placed(table: Table) -> list[tuple[int, int, TCell]]:
    """(row, col, cell) of every cell's top-left position."""
    g = grid(table)
    return [(r, c, v[0]) for r, row in enumerate(g) for c, v in enumerate(row) if v and v[1]]


def vertical_text(s: str) -> str:
    return "\n".join(s)
