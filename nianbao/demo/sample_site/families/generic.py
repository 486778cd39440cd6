"""Sample generic listing: a table of links with a 下一页 link, optionally GBK-encoded
(``encoding: gbk``; served without a charset on the article pages)."""
from __future__ import annotations

from html import escape

from nianbao.demo.sample_site.generate import FOOT, digits


def write_portal(site, p, pid, path, entry):
    entries = list(site.entries(p))
    pages = site.pages(entries, p["per_page"])
    base = path.rsplit("/", 1)[0] + "/"
    stem, ext = path.rsplit("/", 1)[1].split(".")
    for i, chunk in enumerate(pages):
        lis = []
        for it, title, d, key in chunk:
            art = f"{base}content/{digits(pid + title, 6)}.htm"
            lis.append(f'<tr><td><a href="content/{art.rsplit("/", 1)[1]}">{escape(title)}</a></td><td>{d}</td></tr>')
            site.article(p, pid, it, title, d, key, art, f"{base}content/", p["name"], "plain")
        nav = []
        if i + 1 < len(pages):
            nav.append(f'<a href="{stem}_{i + 2}.{ext}">下一页</a>')
        html = ('<!DOCTYPE html>\n<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
                f"<title>{escape(p['name'])}</title></head><body>\n<table class=\"list\">\n" + "\n".join(lis)
                + "\n</table>\n<div class=\"pager\">第" + str(i + 1) + "页 " + " ".join(nav) + "</div>\n" + FOOT)
        url = path if i == 0 else f"{base}{stem}_{i + 1}.{ext}"
        site.write(url, html.encode("gb18030") if p.get("encoding") == "gbk" else html.encode("utf-8"))
        if p.get("encoding") == "gbk":
            site.routes["gbk"].append(url)
