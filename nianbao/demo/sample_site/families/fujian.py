"""Sample 福建 TRS-platform columns (docs/cms-families.md#fujian): ``index.htm`` and
``index_1..maxStaticIndex.htm`` carry the avalon ``listModel`` script; later pages exist only in the
search API, which ``answer`` serves: ``POST /fjdzapp/search`` (403 without X-Requested-With, Origin
and Referer; JSON under ``data``) or, for ``api: was5`` portals, 404 there and ``GET
/was5/web/search`` (``docs``, with raw line breaks inside strings). The API also answers a report
of a sister site on another host, which is never this portal's."""
from __future__ import annotations

import json
from html import escape

from nianbao.demo.sample_site.families._article_parts import hold_inline, report_parts
from nianbao.demo.sample_site.generate import FOOT, digits, page_head, xxgk_table

JSON = "application/json; charset=utf-8"


def write_portal(site, p, pid, path, entry):
    """``index.htm`` + ``index_1..maxStaticIndex.htm`` with the ``listModel`` script, the rest only
    through the search API (``fjdzapp`` POST, or ``was5`` GET where fjdzapp answers 404), which
    also answers a record of another site of the group (never this portal's)."""
    per, max_static = p["per_page"], p["max_static_index"]
    chnl = digits(pid, 5)
    classsql = f"chnlid={chnl}"
    entries = list(site.entries(p))
    rows = []
    for it, title, d, key in entries:
        ym, ymd = d[:4] + d[5:7], d.replace("-", "")
        art = f"{path}{ym}/t{ymd}_{digits(pid + title + d, 7)}.htm"

        def att_url(ext, ym=ym, ymd=ymd, art=art):
            return f"{path}{ym}/P020{ymd[2:]}{digits(art, 12)}.{ext}"

        def link(doc, name):
            rel = "./" + doc.rsplit("/", 1)[1]
            return (f'<div class="article_attachment"><p>附件：</p><ul><li><a href="{rel}" title="{escape(name)}">'
                    f"{escape(name)}</a></li></ul></div>\n"), doc

        body, atts = report_parts(site, pid, it, key, title, art, att_url, link)
        page = (page_head(title, d, p["name"]) + f'<div class="xl-main"><h1 class="xl-title">{escape(title)}</h1>\n'
                + xxgk_table(p["name"], d, title, f"FJ{digits(title, 9)}/{d[:4]}-{digits(title, 5)}")
                + f'<div class="article_component"><div class="TRS_Editor">{body}</div></div>\n{atts}</div>\n'
                + FOOT).encode("utf-8")
        site.write(art, page)
        hold_inline(site, pid, it, key, art, page)
        rows.append({"doctitle": title, "docpuburl": "__BASE__" + art, "chnldocurl": "__BASE__" + art,
                     "docreltime": f"{d} 09:30:00", "docpeople": p["name"]})
    # the library is shared by the site group: a report of a sister site on another host
    rows.append({"doctitle": "福建省某厅2024年政府信息公开工作年度报告",
                 "docpuburl": "http://sthjt.fujian.example.gov.cn/zwgk/ndbg/202501/t20250120_1.htm",
                 "chnldocurl": "http://sthjt.fujian.example.gov.cn/zwgk/ndbg/202501/t20250120_1.htm",
                 "docreltime": "2025-01-20 09:30:00"})
    script = ("<script>\nrequire(['list2.trsapi'], function (listModel) {\n  listModel({\n    el: '.gl-list',\n"
              f"    listArgs: {{channelid: '229105', classsql: '{classsql}', prepage: {per}}},\n"
              f"    maxStaticIndex: {max_static},\n"
              f"    pagebar: {{el: '#pagebar', prepage: {per}, recordCount: '{len(rows)}'}}\n  }});\n}});\n</script>\n")
    for i in range(max_static + 1):
        lis = [f'<li><a href="{r["docpuburl"].replace("__BASE__" + path, "./")}" target="_blank" '
               f'title="{escape(r["doctitle"])}">{escape(r["doctitle"])}</a><span class="li-btn">{r["docreltime"][:10]}</span></li>'
               for r in rows[i * per:(i + 1) * per]]
        html = (f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{escape(p["name"])}</title>'
                '<script src="/js/require.js"></script></head><body>\n'
                '<div class="header"><a href="/">首页</a> | <a href="/zwgk/">政务公开</a> | '
                '<a href="/zfxxgkzl/">政府信息公开年报</a></div>\n'
                '<div class="gl-list" ms-controller="list"><ul class="gl-ul">\n' + "\n".join(lis)
                + '\n</ul><div class="pagebar" id="pagebar"></div></div>\n' + script + FOOT)
        site.write(path + ("index.htm" if i == 0 else f"index_{i}.htm"), html)
        if i == 0:
            site.write(path, html)  # the column's directory URL serves index.htm
    api = p.get("api", "fjdzapp")
    site.routes.setdefault("fujian_api", {})[f"229105|{classsql}"] = {"api": api, "rows": rows}


def answer(server, method, path, q, headers):
    routes, base_url = server.routes, server.base_url
    if path.endswith("/fjdzapp/search"):
        col = routes.get("fujian_api", {}).get(f"{q.get('channelid')}|{q.get('classsql')}")
        if method != "POST" or col is None or col["api"] != "fjdzapp":
            return 404, {"Content-Type": "text/html; charset=utf-8"}, b"<html><body><h1>404</h1></body></html>"
        if headers.get("X-Requested-With") != "XMLHttpRequest" or not headers.get("Referer") or not headers.get("Origin"):
            return 403, {"Content-Type": "text/html; charset=utf-8"}, b"<html><body>403 Forbidden</body></html>"
        page, per = max(1, int(q.get("page") or 1)), max(1, int(q.get("prepage") or 15))
        chunk = col["rows"][(page - 1) * per:page * per]
        body = {"data": chunk, "total": len(col["rows"]), "page": page, "prepage": per}
        text = json.dumps(body, ensure_ascii=False).replace("__BASE__", base_url)
        return 200, {"Content-Type": JSON}, text.encode("utf-8")
    if path.endswith("/was5/web/search"):
        col = routes.get("fujian_api", {}).get(f"{q.get('channelid')}|{q.get('classsql')}")
        if col is None or col["api"] != "was5" or q.get("templet") != "docs.jsp":
            return 200, {"Content-Type": "text/html; charset=utf-8"}, b'{"docs":[]}'
        page, per = max(1, int(q.get("page") or 1)), max(1, int(q.get("prepage") or 15))
        chunk = col["rows"][(page - 1) * per:page * per]
        # WAS5 templates print raw line breaks and tabs inside strings (not valid JSON as served)
        docs = ",\n".join('{"title":%s,"url":%s,"chnldocurl":%s,"content":"%s","pubdate":%s}' % (
            json.dumps(r["doctitle"], ensure_ascii=False), json.dumps(r["docpuburl"]),
            json.dumps(r["chnldocurl"]), "　　本机关发布。\r\n\t详见正文。", json.dumps(r["docreltime"][:10]))
            for r in chunk)
        text = ('{"count":"%d","docs":[\n%s\n]}' % (len(col["rows"]), docs)).replace("__BASE__", base_url)
        return 200, {"Content-Type": "text/html; charset=utf-8"}, text.encode("utf-8")
    return None
