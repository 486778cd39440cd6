"""Sample Guangdong 集约化 columns: ``index.html``, ``index_2.html`` … with 上一页/下一页 links,
absolute ``content/post_<id>.html`` articles, ``a.nfw-cms-attachment`` files."""
from __future__ import annotations

from html import escape

from nianbao.demo.sample_site.generate import digits


def write_portal(site, p, pid, path, entry):
    entries = list(site.entries(p))
    pages = site.pages(entries, p["per_page"])
    for i, chunk in enumerate(pages):
        lis = []
        for it, title, d, key in chunk:
            post = int(digits(pid + title, 7))
            art = f"{path}content/post_{post}.html"
            lis.append(f'<li><a class="news_a" href="__BASE__{art}" title="{escape(title)}">{escape(title)}</a>'
                       f"<span>{d}</span></li>")
            site.article(p, pid, it, title, d, key, art, f"{path}content/", p["name"], "nfw", container="gd")
        links = []
        if i > 0:
            links.append(f'<a href="{"index.html" if i == 1 else f"index_{i}.html"}">上一页</a>')
        for k in range(len(pages)):
            links.append(f'<a href="{"index.html" if k == 0 else f"index_{k + 1}.html"}">{k + 1}</a>')
        if i + 1 < len(pages):
            links.append(f'<a href="index_{i + 2}.html">下一页</a>')
        pager = '<div class="page">' + " ".join(links) + "</div>\n"
        site.write(path + ("index.html" if i == 0 else f"index_{i + 1}.html"),
                   site.listing_page(p, p["name"], lis, pager).replace('class="zfxxgk_zdgkc"', 'class="list"'))
