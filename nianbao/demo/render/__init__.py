"""Render a report (a contract dict) into documents that look like real published reports.

    from nianbao.demo.render import render_report
    pdf = render_report(report, "pdf")

``report``: the contract object of ``shared/spec/template.md`` (``title``, ``agency``, ``year``,
``template``, ``active_disclosure``, ``applications``, ``review_litigation``) plus optional
``published_date`` (``YYYY-MM-DD``). ``prose``: the 总体情况 paragraphs (generic ones by default).
Tables present in the report are printed with the national template's layout, labels from
``extract.template``; null values print as blank cells.

Formats (``FORMATS``):

| fmt | what |
|---|---|
| ``html`` | a portal article page, UTF-8, tables with rowspan/colspan, ``<br>`` in headers, ``&nbsp;`` cells |
| ``html-gbk`` | the same page declared ``GBK`` and encoded GB18030 |
| ``html-paragraphs`` | the same page with each table row as a ``<p>`` of space-separated cells |
| ``docx`` | python-docx: merged cells, vertical headers one character per line, ``- N -`` page footer |
| ``docx-picture`` | the DOCX with table 三 pasted as a picture (PNG drawn with a CJK font), the prose as text |
| ``pdf`` | the DOCX converted by LibreOffice when installed, else reportlab (STSong-Light); ruled tables |
| ``pdf-reportlab`` | always reportlab |
| ``pdf-scanned`` | image-only PDF of the ``pdf`` pages (no text layer) |
| ``ofd`` | OFD (GB/T 33190): text objects and path rulings on A4 pages, tables split at page breaks |
| ``html-portal`` | a 信息公开 detail page: title only in the metadata table's 名称 row and ``<title>``, date in 公开日期, editor in 发布机构/来源 |
| ``text`` | plain UTF-8 text, tables as one line per row |
| ``text-glued`` | the same text with each table row's cells run together (``…申请数量452000047``) |
| ``markdown`` | Markdown as PDF converters write it: ``#`` headings (issuing body above a 关于… title), pipe tables |
| ``markdown-split`` | the same, each table row a small table of its own under made-up column names (数据1…) |
| ``xlsx`` | the tables as a workbook (one sheet per table, merged header cells, numbers typed) |
"""
from __future__ import annotations

from nianbao.demo.render.model import build_sections, date_cn, title_of

FORMATS = ("html", "html-gbk", "html-paragraphs", "html-portal", "docx", "docx-picture", "pdf", "pdf-reportlab", "pdf-scanned", "ofd", "text", "text-glued", "markdown", "markdown-split", "xlsx")


def render_text(report: dict, prose: list[str] | None = None, sep: str = " ") -> str:
    from nianbao.demo.render.html import table_paragraphs

    intro, sections = build_sections(report, prose)
    lines = [title_of(report), ""]
    lines += intro
    for s in sections:
        lines.append(s.heading)
        lines += s.paragraphs
        if s.table is not None:
            lines += table_paragraphs(s.table, sep)
    if report.get("published_date"):
        lines += ["", report.get("agency") or "", date_cn(report["published_date"])]
    return "\n".join(lines) + "\n"


def render_report(report: dict, fmt: str, prose: list[str] | None = None, *, variant: dict | None = None) -> bytes:
    """The report as a document of format ``fmt`` (one of ``FORMATS``), as bytes.

    ``variant`` (tests): printed differences real reports show — ``null`` text of null cells,
    ``label``/``value`` functions over label and figure cells, ``headings`` {table key: heading}
    (``nianbao.demo.render.model``)."""
    from nianbao.demo.render.model import variant as _variant

    with _variant(variant):
        return _render(report, fmt, prose)


def _render(report: dict, fmt: str, prose: list[str] | None) -> bytes:
    if fmt == "html":
        from nianbao.demo.render.html import render_html

        return render_html(report, prose).encode("utf-8")
    if fmt == "html-gbk":
        from nianbao.demo.render.html import render_html

        return render_html(report, prose, charset="GBK").encode("gb18030")
    if fmt == "html-paragraphs":
        from nianbao.demo.render.html import render_html

        return render_html(report, prose, paragraphs=True).encode("utf-8")
    if fmt == "html-portal":
        from nianbao.demo.render.html import render_portal_html

        return render_portal_html(report, prose).encode("utf-8")
    if fmt == "docx":
        from nianbao.demo.render.docx import render_docx

        return render_docx(report, prose)
    if fmt == "docx-picture":
        from nianbao.demo.render.docx import render_docx

        return render_docx(report, prose, picture_tables=("applications",))
    if fmt == "pdf":
        from nianbao.demo.render.pdf import render_pdf

        return render_pdf(report, prose)
    if fmt == "pdf-reportlab":
        from nianbao.demo.render.pdf import render_pdf_reportlab

        return render_pdf_reportlab(report, prose)
    if fmt == "pdf-scanned":
        from nianbao.demo.render.pdf import render_pdf, scan_pdf

        return scan_pdf(render_pdf(report, prose))
    if fmt == "ofd":
        from nianbao.demo.render.ofd import render_ofd

        return render_ofd(report, prose)
    if fmt == "text":
        return render_text(report, prose).encode("utf-8")
    if fmt == "text-glued":
        return render_text(report, prose, sep="").encode("utf-8")
    if fmt in ("markdown", "markdown-split"):
        from nianbao.demo.render.markdown import render_markdown

        return render_markdown(report, prose, split_rows=fmt == "markdown-split").encode("utf-8")
    if fmt == "xlsx":
        from nianbao.demo.render.xlsx import render_xlsx

        return render_xlsx(report, prose)
    raise ValueError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")


__all__ = ["FORMATS", "render_report", "render_text"]
