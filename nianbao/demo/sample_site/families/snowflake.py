"""Sample Snowflake-id CMS columns: ``1.html``, ``2.html`` …, ``maxPage = parseInt('N')``,
items in ``div.m-lst36``, attachments inside ``.m-txt-article``."""
from __future__ import annotations

from html import escape

from nianbao.demo.sample_site.generate import FOOT, digits


def write_portal(site, p, pid, path, entry):
    entries = list(site.entries(p))
    pages = site.pages(entries, p["per_page"])
    for i, chunk in enumerate(pages):
        lis = []
        for it, title, d, key in chunk:
            sid = "15" + digits(pid + title, 17)
            art = f"{path}{d[:4]}n/{sid}.html"
            lis.append(f'<li><a href="{art}" target="_blank">{escape(title)}</a><span>{d}</span></li>')
            site.article(p, pid, it, title, d, key, art, f"{path}{d[:4]}n/", p["name"], "body", container="m-txt")
        html = (f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{escape(p["name"])}</title></head><body>\n'
                '<div class="m-lst-nav"><a href="/">首页</a> &gt; <a href="/zfxxgk/">政府信息公开</a></div>\n'
                '<div class="m-lst36"><ul>\n' + "\n".join(lis) + "\n</ul></div>\n"
                f'<div class="m-lst-pg"></div><script>var maxPage = parseInt(\'{len(pages)}\');</script>\n' + FOOT)
        site.write(path + f"{i + 1}.html", html)
        if i == 0:
            site.write(path, html)
