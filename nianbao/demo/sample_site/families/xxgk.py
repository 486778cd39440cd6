"""Sample 大汉 信息公开 module portal: a column page embedding the module (``tree.jsp?area=``, a
form with ``infotypeId/jdid/area/divid``), and ``answer`` for ``POST /module/xxgk/search.jsp``:
the unit's documents of EVERY column (items with ``column: <id>`` belong to another column), as
``tr.tr_main_value_odd/even`` rows, ``per_page`` a page, "共N页"."""
from __future__ import annotations

from html import escape

from nianbao.demo.sample_site.families._api import HTML_TYPE, route, shell_page, ymd
from nianbao.demo.sample_site.generate import digits

SEARCH = "/module/xxgk/search.jsp"


def write_portal(site, p, pid, path, entry):
    col = str(p["column_id"])
    area = p["area"]
    rows = []
    for it, title, d, key in site.entries(p):
        y, m, dd = ymd(d)
        folder = f"{site.prefix}/art/{y}/{m}/{dd}/"
        art = f"{folder}art_{it.get('column', col)}_{digits(pid + title, 8)}.html"
        cls = "tr_main_value_odd" if len(rows) % 2 == 0 else "tr_main_value_even"
        rows.append(f'<tr class="{cls}"><td>{area}/{y}-{digits(title, 5)}</td><td><a href="{art}" title="{escape(title)}" '
                    f'target="_blank">{escape(title[:24])}</a></td><td>{escape(p["name"])}</td><td>{d}</td></tr>')
        site.article(p, pid, it, title, d, key, art, folder, p["name"], "downfile")
    route(site, "xxgk", site.prefix + SEARCH)["lists"][area] = {"rows": rows, "per": p["per_page"]}
    divid = f"div{col}"
    body = (f'<script src="{site.prefix}/module/xxgk/js/xxgk.js"></script>\n'
            f'<div class="left"><iframe src="{site.prefix}/module/xxgk/tree.jsp?divid={divid}&amp;area={area}'
            '&amp;standardXxgk=1" frameborder="0"></iframe></div>\n'
            f'<div class="right" id="{divid}"><form id="searchform" method="post" action="{site.prefix}{SEARCH}">'
            f'<input type="hidden" name="infotypeId" value="{p["infotype_id"]}"><input type="hidden" name="jdid" value="{p["jdid"]}">'
            f'<input type="hidden" name="area" value="{area}"><input type="hidden" name="divid" value="{divid}"></form></div>')
    site.write(path, shell_page(p["name"], body))


def answer(server, method: str, path: str, q: dict, headers):
    r = server.routes.get("xxgk", {}).get(path)
    if r is None:
        return None
    unit = r["lists"].get(q.get("area"))
    rows = unit["rows"] if unit else []
    per = unit["per"] if unit else 15
    page = max(1, int(q.get("currpage") or 1))
    pages = max(1, -(-len(rows) // per))
    chunk = rows[(page - 1) * per:page * per]
    html = ('<table width="100%" class="tb_title"><tr class="tr_main_title"><td>索引号</td><td>名称</td><td>发布机构</td>'
            "<td>生成日期</td></tr>\n" + "\n".join(chunk) + "\n</table>\n"
            f'<div class="tb_page">共{len(rows)}条记录 第{page}页/共{pages}页</div>')
    return 200, HTML_TYPE, html.encode("utf-8")
