"""Sample 大汉 JPaaS portal: a column page holding only ``unitbuild.js`` scripts (a navigation
unit and the list unit, ``querydata`` attributes), and ``answer`` for the ``build/unit`` API:
GET, paging only in ``paramJson`` (the template caps ``pageSize`` at the portal's ``per_page``),
JSON ``{data: {html: "<ul><li>…", count}}``. A portal with ``session: true`` sets ``JSESSIONID``
on its column page and the API answers 403 without it (MIIT style); its registry entry gets
``overrides: {cookies: true}``."""
from __future__ import annotations

import hashlib
import json
from html import escape
from urllib.parse import unquote

from nianbao.demo.sample_site.families._api import HTML_TYPE, JSON_TYPE, route, shell_page, ymd
from nianbao.demo.sample_site.generate import digits

API = "/api-gateway/jpaas-publish-server/front/page/build/unit"


def write_portal(site, p, pid, path, entry):
    col, web = str(p["column_id"]), str(p["web_id"])
    api = site.prefix + API
    lis = []
    for it, title, d, key in site.entries(p):
        y, m, dd = ymd(d)
        folder = f"{site.prefix}/art/{y}/{m}/{dd}/"
        art = f"{folder}art_{col}_{digits(pid + title, 8)}.html"
        lis.append(f'<li><a class="news" href="{art}" title="{escape(title)}" target="_blank">{escape(title[:22])}</a>'
                   f'<span class="time">{d}</span></li>')
        site.article(p, pid, it, title, d, key, art, folder, p["name"], "downfile")
    route(site, "jpaas", api)["lists"][f"{web}|{col}"] = {"items": lis, "per": p["per_page"],
                                                          "session": bool(p.get("session"))}

    def unit(page_id, tag_id):
        q = {"webId": web, "pageId": page_id, "tplSetId": p["tpl_set_id"], "tagId": tag_id, "parseType": "bulidstatic",
             "pageType": "column", "editType": "null"}
        return (f'<div id="{escape(tag_id)}"><script src="{site.prefix}/static/js/unitbuild.js" url="{api}" '
                f'querydata="{escape(json.dumps(q, ensure_ascii=False).replace(chr(34), chr(39)))}"></script></div>')

    body = (unit(str(int(col) - 2), "导航栏") + f'\n<div class="main"><h2>{escape(p["name"])}</h2>\n'
            + unit(col, p["tag_id"]) + "</div>")
    site.write(path, shell_page(p["name"], body, '<meta name="ColumnName" content="政府信息公开年报">'))
    if p.get("session"):
        route(site, "jpaas", path)["session_page"] = True
        entry["overrides"]["cookies"] = True


def session_token(server) -> str:
    return hashlib.sha1(f"session|{server.base_url}".encode()).hexdigest()[:24]


def answer(server, method: str, path: str, q: dict, headers):
    r = server.routes.get("jpaas", {}).get(path)
    if r is None:
        return None
    if r.get("session_page"):
        status, h, data = server.static(path, headers)
        h["Set-Cookie"] = f"JSESSIONID={session_token(server)}; Path=/; HttpOnly"
        return status, h, data
    unit = r["lists"].get(f"{q.get('webId')}|{q.get('pageId')}")
    if unit is None:
        return 200, JSON_TYPE, json.dumps({"code": 500, "msg": "页面不存在", "data": None}).encode()
    if unit["session"] and f"JSESSIONID={session_token(server)}" not in (headers.get("Cookie") or ""):
        return 403, HTML_TYPE, "<html><body><h1>403 Forbidden</h1><p>非法访问</p></body></html>".encode("utf-8")
    try:
        param = json.loads(unquote(q.get("paramJson") or "{}"))
    except ValueError:
        param = {}
    page, size = int(param.get("pageNo") or 1), int(param.get("pageSize") or 15)
    per = min(size, unit["per"])
    chunk = unit["items"][(page - 1) * per:page * per]
    html = '<div class="page-content-wrap"><ul class="page-content">\n' + "\n".join(chunk) + "\n</ul></div>"
    return 200, JSON_TYPE, json.dumps({"code": 200, "msg": "操作成功", "success": True,
                                       "data": {"html": html, "count": len(unit["items"])}}, ensure_ascii=False).encode("utf-8")
