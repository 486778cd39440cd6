"""Sample 开普云 Ucap column (docs/cms-families.md#ucap): ``xxgk_list.shtml`` → ``xxgk_list_N.shtml``
(no page count: the page after the last answers 404), items in ``ul.listContent``, articles
``YYYYMM/<32 hex>.shtml`` with the body in ``<ucapcontent>``, and a report of another department
listed in the column (an entry with ``drift: <its column path>``)."""
from __future__ import annotations

from html import escape

from nianbao.demo.sample_site.families._article_parts import hold_inline, notice_body, report_parts
from nianbao.demo.sample_site.generate import FOOT, digits, page_head, short_hex, xxgk_table


def write_portal(site, p, pid, path, entry):
    """``xxgk_list.shtml`` → ``xxgk_list_N.shtml`` (no page count; 404 past the last), items in
    ``ul.listContent``, articles ``YYYYMM/<32 hex>.shtml`` with ``<ucapcontent>``; an entry
    ``drift: <other column path>`` links a report of another department's column."""
    col = path.rsplit("/", 1)[0] + "/"
    per = p["per_page"]
    entries = list(site.entries(p))
    lis = []
    for it, title, d, key in entries:
        home = site.prefix + it["drift"] if it.get("drift") else col
        art = f"{home}{d[:4]}{d[5:7]}/{short_hex(pid + title)}.shtml"

        def att_url(ext, d=d, title=title):
            return f"{site.prefix}/uploadfiles/{d[:4]}{d[5:7]}/{short_hex(title + ext)}.{ext}"

        def link(doc, name):
            return f'<p>附件：<a href="{doc}" target="_blank">{escape(name)}</a></p>\n', doc

        if it.get("drift"):  # another department's report: the page exists, it is not this column's
            body, atts = notice_body(title), ""
        else:
            body, atts = report_parts(site, pid, it, key, title, art, att_url, link)
        page = (page_head(title, d, p["name"]).replace("<body>\n", "<body>\n<UCAPTITLE>" + escape(title) + "</UCAPTITLE>\n", 1)
                + '<div class="article"><h1 class="tit">' + escape(title) + "</h1>\n"
                + xxgk_table(p["name"], d, title, f"{digits(title, 9)}/{d[:4]}-{digits(title, 5)}")
                + f'<div id="zoom"><div id="font"><ucapcontent>{body}{atts}</ucapcontent></div></div></div>\n'
                + FOOT).encode("utf-8")
        site.write(art, page)
        if not it.get("drift"):
            hold_inline(site, pid, it, key, art, page)
        lis.append(f'<li><a href="{art}" target="_blank" title="{escape(title)}">{escape(title)}</a>'
                   f"<span>{d}</span></li>")
    stem, ext = path.rsplit("/", 1)[1].rsplit(".", 1)
    pages = [lis[i:i + per] for i in range(0, len(lis), per)] or [[]]
    for i, chunk in enumerate(pages):
        html = (f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{escape(p["name"])}</title></head><body>\n'
                '<div class="nav"><a href="/">首页</a> &gt; <a href="/xxgk/">信息公开</a></div>\n'
                '<ul class="listContent">\n' + "\n".join(chunk) + "\n</ul>\n" + FOOT)
        site.write(col + (f"{stem}.{ext}" if i == 0 else f"{stem}_{i + 1}.{ext}"), html)
