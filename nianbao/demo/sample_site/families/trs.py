"""Sample TRS columns: ``createPageHTML`` pagers (``pager: trs4`` 0-based ``index_N.html``,
``trs6`` 1-based, ``ext: shtml``), ``./YYYYMM/tYYYYMMDD_id.html`` articles, ``P020…`` attachments."""
from __future__ import annotations

from html import escape

from nianbao.demo.sample_site.generate import digits


def write_portal(site, p, pid, path, entry):
    ext = p.get("ext", "html")
    entries = list(site.entries(p))
    pages = site.pages(entries, p["per_page"])
    n = len(pages)
    for i, chunk in enumerate(pages):
        lis = []
        for j, (it, title, d, key) in enumerate(chunk):
            ym = d[:4] + d[5:7]
            docid = digits(pid + title + d, 7)
            art = f"{path}{ym}/t{d.replace('-', '')}_{docid}.{ext}"
            rel = f"./{ym}/t{d.replace('-', '')}_{docid}.{ext}"
            if j % 2 == 0:
                lis.append(f'<li><a href="{rel}">\n        {escape(title)}</TRS_DOCUMENT>\n        <span>{d}</span></a></li>')
            else:
                lis.append(f'<li><a target="_blank" href="__BASE__{art}" title="{escape(title)}">{escape(title)}</a><b>{d}</b></li>')
            site.article(p, pid, it, title, d, key, art, f"{path}{ym}/", p["name"], "plain")
        if p.get("pager") == "trs6":
            name = "index.%s" % ext if i == 0 else f"index_{i + 1}.{ext}"
            pager = (f'<div class="page" id="page_div"></div><script>createPageHTML(\'page_div\', {n}, {i + 1}, '
                     f'"index", "{ext}", {len(entries)});</script>\n')
        else:
            name = "index.%s" % ext if i == 0 else f"index_{i}.{ext}"
            pager = f'<div class="page"><script>createPageHTML({n}, {i}, "index", "{ext}");</script></div>\n'
        site.write(path + name, site.listing_page(p, p["name"], lis, pager))
    if p.get("ext", "html") != "html":
        entry["listing_urls"] = ["{base}" + path + f"index.{p['ext']}"]  # .shtml columns
