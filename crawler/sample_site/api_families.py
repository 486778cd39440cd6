"""Sample-site portals of the API-listed families (JPaaS, Hanweb xxgk module, Epoint EWB,
truecms): the pages ``generate.Site`` writes for them and the answers of their list endpoints.

Writers (``WRITERS[family](site, p, pid, path)``) put the channel page and report pages under
``www/`` and describe each endpoint in ``routes["api"][<path>]``; ``answer()`` (called by the
server before its static files) answers those endpoints the way cms-families-more.md shows:

* JPaaS ``build/unit``: GET, paging only in ``paramJson``, JSON ``{data: {html, count}}``; a portal
  with ``session: true`` sets ``JSESSIONID`` on its channel page and the API answers 403 without it;
* xxgk ``search.jsp``: POST ``area``/``currpage``, an HTML table of the unit's documents of EVERY
  column (the endpoint does not filter by column);
* Epoint ``getgovinfolist``: POST JSON, ``pageIndex`` from 0, ``pageSize`` capped by the server;
* truecms ``getMessage.do``: GET ``startrecord/endrecord/perpage``, JSONP; 404 without a Referer
  and for a ``perpage`` above the site's cap (如皋).
"""
from __future__ import annotations

import hashlib
import json
import uuid
from html import escape
from urllib.parse import unquote

from crawler.sample_site.generate import _FOOT, _digits

JPAAS_API = "/api-gateway/jpaas-publish-server/front/page/build/unit"
JSON_TYPE = {"Content-Type": "application/json; charset=utf-8"}
HTML_TYPE = {"Content-Type": "text/html; charset=utf-8"}


def _uuid(seed: str) -> str:
    return str(uuid.UUID(hashlib.md5(seed.encode()).hexdigest()))


def _ymd(d: str) -> tuple[str, int, int]:
    y, m, dd = d.split("-")
    return y, int(m), int(dd)


def _page(title: str, body: str, head: str = "") -> str:
    return (f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{escape(title)}</title>{head}</head><body>\n'
            '<div class="header"><a href="/">首页</a> | <a href="/zwgk/">政务公开</a></div>\n' + body + "\n" + _FOOT)


def _api(site, path: str, kind: str) -> dict:
    routes = site.routes.setdefault("api", {})
    return routes.setdefault(path, {"kind": kind, "lists": {}})


# --- writers ------------------------------------------------------------------------------------

def portal_jpaas(site, p, pid, path):
    col, web, tag = str(p["column_id"]), str(p["web_id"]), p["tag_id"]
    api = site.prefix + JPAAS_API
    lis = []
    for it, title, d, key in site._items(p):
        y, m, dd = _ymd(d)
        folder = f"{site.prefix}/art/{y}/{m}/{dd}/"
        art = f"{folder}art_{col}_{_digits(pid + title, 8)}.html"
        lis.append(f'<li><a class="news" href="{art}" title="{escape(title)}" target="_blank">{escape(title[:22])}</a>'
                   f'<span class="time">{d}</span></li>')
        site.article(p, pid, it, title, d, key, art, folder, p["name"], "downfile")
    _api(site, api, "jpaas")["lists"][f"{web}|{col}"] = {"items": lis, "per": p["per_page"],
                                                         "session": bool(p.get("session"))}

    def unit(page_id, tag_id):
        q = {"webId": web, "pageId": page_id, "tplSetId": p["tpl_set_id"], "tagId": tag_id, "parseType": "bulidstatic",
             "pageType": "column", "editType": "null"}
        return (f'<div id="{escape(tag_id)}"><script src="{site.prefix}/static/js/unitbuild.js" url="{api}" '
                f'querydata="{escape(json.dumps(q, ensure_ascii=False).replace(chr(34), chr(39)))}"></script></div>')

    body = (unit(str(int(col) - 2), "导航栏") + f'\n<div class="main"><h2>{escape(p["name"])}</h2>\n'
            + unit(col, tag) + "</div>")
    site.write(path, _page(p["name"], body, '<meta name="ColumnName" content="政府信息公开年报">'))
    if p.get("session"):
        site.routes.setdefault("api", {})[path] = {"kind": "session-page"}


def portal_xxgk(site, p, pid, path):
    col = str(p["column_id"])
    area = p["area"] + site.suffix.replace("-r", "R").upper()   # one unit per replica: the endpoint is site-wide
    rows = []
    for it, title, d, key in site._items(p):
        y, m, dd = _ymd(d)
        folder = f"{site.prefix}/art/{y}/{m}/{dd}/"
        art = f"{folder}art_{it.get('column', col)}_{_digits(pid + title, 8)}.html"
        cls = "tr_main_value_odd" if len(rows) % 2 == 0 else "tr_main_value_even"
        rows.append(f'<tr class="{cls}"><td>{area}/{y}-{_digits(title, 5)}</td><td><a href="{art}" title="{escape(title)}" '
                    f'target="_blank">{escape(title[:24])}</a></td><td>{escape(p["name"])}</td><td>{d}</td></tr>')
        site.article(p, pid, it, title, d, key, art, folder, p["name"], "downfile")
    _api(site, site.prefix + "/module/xxgk/search.jsp", "xxgk")["lists"][area] = {"rows": rows, "per": p["per_page"]}
    divid = f"div{col}"
    body = (f'<script src="{site.prefix}/module/xxgk/js/xxgk.js"></script>\n'
            f'<div class="left"><iframe src="{site.prefix}/module/xxgk/tree.jsp?divid={divid}&amp;area={area}'
            '&amp;standardXxgk=1" frameborder="0"></iframe></div>\n'
            f'<div class="right" id="{divid}"><form id="searchform" method="post" action="{site.prefix}/module/xxgk/search.jsp">'
            f'<input type="hidden" name="infotypeId" value="{p["infotype_id"]}"><input type="hidden" name="jdid" value="{p["jdid"]}">'
            f'<input type="hidden" name="area" value="{area}"><input type="hidden" name="divid" value="{divid}"></form></div>')
    site.write(path, _page(p["name"], body))


def portal_epoint(site, p, pid, path):
    category, guid = p["category"], p["site_guid"]
    project = site.prefix + "/EWB-FRONT"
    data = []
    for it, title, d, key in site._items(p):
        folder = f"{site.prefix}/xxgk/{category}/{d.replace('-', '')}/"
        art = f"{folder}{_uuid(pid + title)}.html"
        short = title if len(title) <= 16 else f"<font color='red'>{escape(title[:16])}</font>…"
        data.append({"infoid": _uuid(title)[:8], "infourl": art, "title": short, "realtitle": title, "infodate": d})
        site.article(p, pid, it, title, d, key, art, folder, p["name"], "plain")
    _api(site, project + "/rest/lightfrontaction/getgovinfolist", "epoint")["lists"][f"{guid}|{category}"] = {
        "rows": data, "per": p["per_page"]}
    site.write(f"{site.prefix}/js/webBuilderCommon.js",
               f"var siteInfo = {{\n    projectName: '{project}',\n    siteGuid: '{guid}',\n    siteName: '{p['name']}'\n}};\n")
    body = ('<div class="ewb-container"><table class="ewb-catalog-table" id="infolist"><tbody></tbody></table>'
            '<div class="ewb-page" id="pager"></div></div>')
    site.write(path.split("?", 1)[0], _page(p["name"], body, f'<script src="{site.prefix}/js/webBuilderCommon.js"></script>'))


def portal_truecms(site, p, pid, path):
    col = str(p["column_id"])
    base = path.rsplit("/", 1)[0] + "/"
    proxy = site.prefix + "/truecms/messageController/getMessage.do"
    records = []
    for it, title, d, key in site._items(p):
        art = f"{base}content/{_uuid(pid + title)}.html"
        records.append(f"<li><a href='{art}' title='{escape(title)}' target='_blank'>{escape(title)}</a><span>{d}</span></li>")
        site.article(p, pid, it, title, d, key, art, f"{base}content/", p["name"], "plain")
    _api(site, proxy, "truecms")["lists"][col] = {"records": records, "max_per": p["max_perpage"]}
    script = ("<script>$(function () { $('#listDiv').truecmsList({ url: 'messageController/getMessage.do', "
              f"proxyUrl: '{proxy}', columnId: '{col}', perPage: 15, showPage: true }}); }});</script>")
    site.write(path, _page(p["name"], '<div class="list" id="listDiv"></div>\n' + script))


WRITERS = {"jpaas": portal_jpaas, "xxgk": portal_xxgk, "epoint": portal_epoint, "truecms": portal_truecms}


# --- answers ------------------------------------------------------------------------------------

def session_token(server) -> str:
    return hashlib.sha1(f"session|{server.base_url}".encode()).hexdigest()[:24]


def answer(server, method: str, path: str, q: dict, headers, body: bytes):
    """The answer for an API-family route, None for any other path."""
    route = server.routes.get("api", {}).get(path)
    if route is None:
        return None
    kind = route["kind"]
    if kind == "session-page":
        status, h, data = server.static(path, headers)
        h["Set-Cookie"] = f"JSESSIONID={session_token(server)}; Path=/; HttpOnly"
        return status, h, data
    if kind == "jpaas":
        return _jpaas(server, route, q, headers)
    if kind == "xxgk":
        return _xxgk(route, q)
    if kind == "epoint":
        return _epoint(route, body)
    if kind == "truecms":
        return _truecms(route, q, headers)
    return None


def _jpaas(server, route, q, headers):
    unit = route["lists"].get(f"{q.get('webId')}|{q.get('pageId')}")
    if unit is None:
        return 200, JSON_TYPE, json.dumps({"code": 500, "msg": "页面不存在", "data": None}).encode()
    if unit["session"] and f"JSESSIONID={session_token(server)}" not in (headers.get("Cookie") or ""):
        return 403, HTML_TYPE, "<html><body><h1>403 Forbidden</h1><p>非法访问</p></body></html>".encode("utf-8")
    try:
        param = json.loads(unquote(q.get("paramJson") or "{}"))
    except ValueError:
        param = {}
    page, size = int(param.get("pageNo") or 1), int(param.get("pageSize") or 15)
    per = min(size, unit["per"])  # the template's page size caps what was asked
    chunk = unit["items"][(page - 1) * per:page * per]
    html = '<div class="page-content-wrap"><ul class="page-content">\n' + "\n".join(chunk) + "\n</ul></div>"
    return 200, JSON_TYPE, json.dumps({"code": 200, "msg": "操作成功", "success": True,
                                       "data": {"html": html, "count": len(unit["items"])}}, ensure_ascii=False).encode("utf-8")


def _xxgk(route, q):
    unit = route["lists"].get(q.get("area"))
    rows = unit["rows"] if unit else []
    per = unit["per"] if unit else 15
    page = max(1, int(q.get("currpage") or 1))
    pages = max(1, -(-len(rows) // per))
    chunk = rows[(page - 1) * per:page * per]
    html = ('<table width="100%" class="tb_title"><tr class="tr_main_title"><td>索引号</td><td>名称</td><td>发布机构</td>'
            "<td>生成日期</td></tr>\n" + "\n".join(chunk) + "\n</table>\n"
            f'<div class="tb_page">共{len(rows)}条记录 第{page}页/共{pages}页</div>')
    return 200, HTML_TYPE, html.encode("utf-8")


def _epoint(route, body):
    try:
        req = json.loads(body.decode("utf-8"))
    except ValueError:
        return 400, JSON_TYPE, b'{"status": {"code": 400, "text": "bad request"}}'
    lst = route["lists"].get(f"{req.get('siteGuid')}|{req.get('categorynum')}")
    rows = lst["rows"] if lst else []
    per = min(int(req.get("pageSize") or 10), lst["per"] if lst else 10)
    index = int(req.get("pageIndex") or 0)
    chunk = rows[index * per:(index + 1) * per]
    return 200, JSON_TYPE, json.dumps({"custom": {"data": chunk, "total": len(rows)}, "status": {"code": 200}},
                                      ensure_ascii=False).encode("utf-8")


def _truecms(route, q, headers):
    lst = route["lists"].get(q.get("columnId"))
    per = int(q.get("perpage") or 15)
    if lst is None or not headers.get("Referer") or per > lst["max_per"]:
        return 404, HTML_TYPE, "<html><body><h1>404 Not Found</h1></body></html>".encode("utf-8")
    start = int(q.get("startrecord") or 1)
    end = min(int(q.get("endrecord") or start + per - 1), start + per - 1)
    recs = lst["records"][start - 1:end]
    total = len(lst["records"])
    xml = ('<?xml version="1.0" encoding="utf-8"?><datastore><nextgroup><![CDATA[]]></nextgroup>'
           f"<totalrecord>{total}</totalrecord><totalpage>{-(-total // per)}</totalpage><recordset>"
           + "".join(f"<record><![CDATA[{r}]]></record>" for r in recs) + "</recordset></datastore>")
    cb = q.get("callback") or "callback"
    return 200, {"Content-Type": "application/javascript; charset=utf-8"}, \
        f"{cb}({json.dumps({'result': xml}, ensure_ascii=False)});".encode("utf-8")
