"""A synthetic 2021-template annual report with known numbers, rendered as HTML, text, DOCX and PDF.

The stress tests need a *real-looking* report whose facts are known exactly, so that every
hostile variant (wrong charset, truncated, NUL bytes …) can be checked for invented numbers:
any fact the extractor returns must equal the one printed, or be absent/null.
"""
from __future__ import annotations

import html
import io
import random

from extract import template as T

AGENCY = "测试市人民政府办公室"
YEAR = 2024
TITLE = f"{AGENCY}{YEAR}年政府信息公开工作年度报告"

NARRATIVE = (
    "根据《中华人民共和国政府信息公开条例》等规定，发布本年度报告。"
    f"报告中所列数据统计期限为{YEAR}年1月1日至12月31日。",
    "一、总体情况",
    f"{YEAR}年，本机关坚持以人民为中心，不断推进政策解读、政府信息公开、公开平台建设等各项重点工作，"
    "推动政务公开工作质效持续提升。",
)
TAIL = (
    "五、存在的主要问题及改进情况",
    "政策解读形式还不够丰富，下一步将加强培训。",
    "六、其他需要报告的事项",
    "本年度未收取信息处理费。",
)

CATEGORY_LAYOUT_2021 = (
    ("第二十条第（一）项", ("regulations", "normative_documents")),
    ("第二十条第（五）项", ("licensing",)),
    ("第二十条第（六）项", ("penalty", "coercion")),
    ("第二十条第（八）项", ("fees",)),
)


def make_facts(seed: int = 7) -> dict:
    """Numbers that satisfy every identity of shared/spec/template.md (template 2021)."""
    rnd = random.Random(seed)
    cats = {c.key: c for c in T.categories("2021")}
    active = {}
    for key, cat in cats.items():
        active[key] = {}
        for m in cat.measures:
            active[key][m.key] = round(rnd.uniform(1, 500), 4) if m.key == "amount_10k_yuan" else rnd.randint(0, 900)
    rows = [r.key for r in T.application_rows("2021")]
    result_rows = rows[rows.index("granted"): rows.index("other_other") + 1]
    apps: dict[str, dict] = {r: {} for r in rows}
    for col in T.APPLICANT_PARTS:
        new, carried = rnd.randint(0, 300), rnd.randint(0, 20)
        left = new + carried
        for r in result_rows:
            v = rnd.randint(0, max(0, left // 4))
            apps[r][col] = v
            left -= v
        apps["new_received"][col] = new
        apps["carried_over"][col] = carried
        apps["results_total"][col] = sum(apps[r][col] for r in result_rows)
        apps["carried_forward"][col] = left
    for r in rows:
        apps[r]["total"] = sum(apps[r][c] for c in T.APPLICANT_PARTS)
    review = {}
    for g in T.REVIEW_GROUPS:
        parts = {o.key: rnd.randint(0, 9) for o in T.REVIEW_OUTCOMES if o.key != "total"}
        parts["total"] = sum(parts.values())
        review[g.key] = parts
    facts = {"active_disclosure": active, "applications": apps, "review_litigation": review}
    assert all(c["passed"] for c in T.run_checks({"template": "2021", **facts})), "synthetic facts break an identity"
    return facts


def flatten(report: dict) -> dict[str, object]:
    """`table.row.col` → value for the three fact tables of a contract object."""
    out = {}
    for table in ("active_disclosure", "applications", "review_litigation"):
        for row, cols in (report.get(table) or {}).items():
            if isinstance(cols, dict):
                for col, v in cols.items():
                    out[f"{table}.{row}.{col}"] = v
            else:  # tolerate a flat value: still a fact
                out[f"{table}.{row}"] = cols
    return out


def _fmt(v) -> str:
    return "" if v is None else str(v)


# --------------------------------------------------------------------------- HTML
def _td(text, rowspan=1, colspan=1) -> str:
    attrs = (f' rowspan="{rowspan}"' if rowspan > 1 else "") + (f' colspan="{colspan}"' if colspan > 1 else "")
    return f"<td{attrs}>{html.escape(_fmt(text))}</td>"


def html_tables(facts: dict) -> str:
    """The three tables laid out as the official template (merged cells included)."""
    ad, apps, rl = facts["active_disclosure"], facts["applications"], facts["review_litigation"]
    cats = {c.key: c for c in T.categories("2021")}
    out = ["<p>二、主动公开政府信息情况</p>", '<table border="1">']
    for block, keys in CATEGORY_LAYOUT_2021:
        measures = cats[keys[0]].measures
        out.append(f"<tr>{_td(block, colspan=len(measures) + 1)}</tr>")
        out.append("<tr>" + _td("信息内容") + "".join(_td(m.label) for m in measures) + "</tr>")
        for k in keys:
            out.append("<tr>" + _td(cats[k].label) + "".join(_td(ad[k][m.key]) for m in measures) + "</tr>")
    out.append("</table>")

    out += ["<p>三、收到和处理政府信息公开申请情况</p>", '<table border="1">']
    out.append("<tr>" + _td("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 3, 3)
               + _td("申请人情况", colspan=7) + "</tr>")
    out.append("<tr>" + _td("自然人", rowspan=2) + _td("法人或其他组织", colspan=5) + _td("总计", rowspan=2) + "</tr>")
    out.append("<tr>" + "".join(_td(c.label) for c in T.APPLICANT_COLUMNS[1:6]) + "</tr>")
    cols = [c.key for c in T.APPLICANT_COLUMNS]
    rows = T.application_rows("2021")
    groups: dict[str | None, int] = {}
    for r in rows:
        if r.group and r.group != "三、本年度办理结果":
            groups[r.group] = groups.get(r.group, 0) + 1
    n_results = sum(1 for r in rows if r.group) + 0
    seen_groups: set[str] = set()
    for i, r in enumerate(rows):
        nums = "".join(_td(apps[r.key][c]) for c in cols)
        if r.group is None:
            out.append("<tr>" + _td(r.label, colspan=3) + nums + "</tr>")
            continue
        lead = ""
        if r.key == "granted":
            lead = _td("三、本年度办理结果", rowspan=n_results)
        if r.group == "三、本年度办理结果":
            out.append("<tr>" + lead + _td(r.label, colspan=2) + nums + "</tr>")
        else:
            sub = ""
            if r.group not in seen_groups:
                seen_groups.add(r.group)
                sub = _td(r.group, rowspan=groups[r.group])
            out.append("<tr>" + lead + sub + _td(r.label) + nums + "</tr>")
    out.append("</table>")

    out += ["<p>四、政府信息公开行政复议、行政诉讼情况</p>", '<table border="1">']
    out.append("<tr>" + _td("行政复议", colspan=5) + _td("行政诉讼", colspan=10) + "</tr>")
    out.append("<tr>" + "".join(_td(o.label, rowspan=2) for o in T.REVIEW_OUTCOMES)
               + _td("未经复议直接起诉", colspan=5) + _td("复议后起诉", colspan=5) + "</tr>")
    out.append("<tr>" + "".join(_td(o.label) for o in T.REVIEW_OUTCOMES) * 2 + "</tr>")
    out.append("<tr>" + "".join(_td(rl[g.key][o.key]) for g in T.REVIEW_GROUPS for o in T.REVIEW_OUTCOMES) + "</tr>")
    out.append("</table>")
    return "\n".join(out)


def report_html(facts: dict | None = None, charset: str | None = "utf-8", tables: bool = True,
                title: str = TITLE) -> str:
    facts = facts or make_facts()
    meta = f'<meta charset="{charset}">' if charset else ""
    body = [f"<h1>{html.escape(title)}</h1>"] + [f"<p>{html.escape(p)}</p>" for p in NARRATIVE]
    if tables:
        body.append(html_tables(facts))
    body += [f"<p>{html.escape(p)}</p>" for p in TAIL]
    body.append(f'<p style="text-align:right">{AGENCY}</p><p>{YEAR + 1}年1月20日</p>')
    return (f"<!DOCTYPE html><html><head>{meta}<title>{html.escape(title)}</title></head>"
            f"<body><div class=\"article\">{''.join(body)}</div></body></html>")


# --------------------------------------------------------------------------- text
def text_rows(facts: dict) -> list[list[str]]:
    """The tables as rows of cells (label first), as in shared/corpus/pages/*.txt."""
    ad, apps, rl = facts["active_disclosure"], facts["applications"], facts["review_litigation"]
    cats = {c.key: c for c in T.categories("2021")}
    rows: list[list[str]] = [["二、主动公开政府信息情况"]]
    for block, keys in CATEGORY_LAYOUT_2021:
        measures = cats[keys[0]].measures
        rows.append([block])
        rows.append(["信息内容"] + [m.label for m in measures])
        for k in keys:
            rows.append([cats[k].label] + [_fmt(ad[k][m.key]) for m in measures])
    rows.append(["三、收到和处理政府信息公开申请情况"])
    rows.append(["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "申请人情况"])
    rows.append(["自然人", "法人或其他组织", "总计"])
    rows.append([c.label for c in T.APPLICANT_COLUMNS[1:6]])
    cols = [c.key for c in T.APPLICANT_COLUMNS]
    seen: set[str] = set()
    for r in T.application_rows("2021"):
        lead = []
        if r.key == "granted":
            lead.append("三、本年度办理结果")
        if r.group and r.group != "三、本年度办理结果" and r.group not in seen:
            seen.add(r.group)
            lead.append(r.group)
        rows.append(lead + [r.label] + [_fmt(apps[r.key][c]) for c in cols])
    rows.append(["四、政府信息公开行政复议、行政诉讼情况"])
    rows.append(["行政复议", "行政诉讼"])
    rows.append([o.label for o in T.REVIEW_OUTCOMES] + ["未经复议直接起诉", "复议后起诉"])
    rows.append([o.label for o in T.REVIEW_OUTCOMES] * 2)
    rows.append([_fmt(rl[g.key][o.key]) for g in T.REVIEW_GROUPS for o in T.REVIEW_OUTCOMES])
    return rows


def report_text(facts: dict | None = None, tables: bool = True) -> str:
    facts = facts or make_facts()
    lines = [TITLE, *NARRATIVE]
    if tables:
        lines += [" | ".join(r) + " |" for r in text_rows(facts)]
    lines += [*TAIL, AGENCY, f"{YEAR + 1}年1月20日"]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- DOCX
def report_docx(facts: dict | None = None, tables: bool = True) -> bytes:
    import docx

    facts = facts or make_facts()
    d = docx.Document()
    d.add_heading(TITLE, level=1)
    for p in NARRATIVE:
        d.add_paragraph(p)
    if tables:
        section = None
        for row in text_rows(facts):
            if len(row) == 1 and row[0][:2] in ("二、", "三、", "四、"):
                d.add_paragraph(row[0])
                section = d.add_table(rows=0, cols=16)
                continue
            cells = section.add_row().cells
            for i, v in enumerate(row[:16]):
                cells[i].text = v
    for p in TAIL:
        d.add_paragraph(p)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


# --------------------------------------------------------------------------- PDF
_FONT = None


def _cid_font() -> str:
    global _FONT
    if _FONT is None:
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont

        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
        _FONT = "STSong-Light"
    return _FONT


_TTF = None
TTF_PATH = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"


def _ttf_font() -> str | None:
    """An embedded TrueType CJK font (what real reports use), where the machine has one."""
    global _TTF
    if _TTF is None:
        import os

        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont

        if not os.path.exists(TTF_PATH):
            return None
        pdfmetrics.registerFont(TTFont("WQY", TTF_PATH, subfontIndex=0))
        _TTF = "WQY"
    return _TTF


def report_pdf(facts: dict | None = None, tables: bool = True, encrypt=None, compress: bool = True,
               embed_font: bool = False) -> bytes:
    """A bordered-table PDF made with reportlab: CID font STSong-Light (small, not embedded), or
    with ``embed_font`` a subset of a TrueType CJK font."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    facts = facts or make_facts()
    font = (_ttf_font() if embed_font else None) or _cid_font()
    style = ParagraphStyle("zh", fontName=font, fontSize=10, leading=14, wordWrap="CJK")
    small = ParagraphStyle("zh-small", fontName=font, fontSize=6, leading=8, wordWrap="CJK")
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, encrypt=encrypt, pageCompression=1 if compress else 0,
                            title=TITLE, leftMargin=30, rightMargin=30)
    story = [Paragraph(TITLE, style)] + [Paragraph(p, style) for p in NARRATIVE]
    if tables:
        block: list[list] = []

        def flush():
            if block:
                width = max(len(r) for r in block)
                data = [[Paragraph(c, small) for c in r] + [""] * (width - len(r)) for r in block]
                t = Table(data, repeatRows=0)
                t.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                                       ("FONTNAME", (0, 0), (-1, -1), font)]))
                story.append(t)
                block.clear()

        for row in text_rows(facts):
            if len(row) == 1 and row[0][:2] in ("二、", "三、", "四、"):
                flush()
                story.append(Paragraph(row[0], style))
            else:
                block.append(row)
        flush()
    story += [Paragraph(p, style) for p in TAIL]
    doc.build(story)
    return buf.getvalue()
