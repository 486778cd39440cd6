"""Sample truecms portal: a column page whose script names ``proxyUrl`` and ``columnId``, and
``answer`` for ``GET …/messageController/getMessage.do?startrecord&endrecord&perpage&columnId&callback``
→ JSONP ``cb({"result": "<datastore>…<record><![CDATA[<li>…]]>"})``; 404 without a Referer and
for a ``perpage`` above the portal's ``max_perpage`` (如皋)."""
from __future__ import annotations

import json
from html import escape

from nianbao.demo.sample_site.families._api import NOT_FOUND, route, shell_page, uuid_of

PROXY = "/truecms/messageController/getMessage.do"


def write_portal(site, p, pid, path, entry):
    col = str(p["column_id"])
    base = path.rsplit("/", 1)[0] + "/"
    proxy = site.prefix + PROXY
    records = []
    for it, title, d, key in site.entries(p):
        art = f"{base}content/{uuid_of(pid + title)}.html"
        records.append(f"<li><a href='{art}' title='{escape(title)}' target='_blank'>{escape(title)}</a><span>{d}</span></li>")
        site.article(p, pid, it, title, d, key, art, f"{base}content/", p["name"], "plain")
    route(site, "truecms", proxy)["lists"][col] = {"records": records, "max_per": p["max_perpage"]}
    script = ("<script>$(function () { $('#listDiv').truecmsList({ url: 'messageController/getMessage.do', "
              f"proxyUrl: '{proxy}', columnId: '{col}', perPage: 15, showPage: true }}); }});</script>")
    site.write(path, shell_page(p["name"], '<div class="list" id="listDiv"></div>\n' + script))


def answer(server, method: str, path: str, q: dict, headers):
    r = server.routes.get("truecms", {}).get(path)
    if r is None:
        return None
    lst = r["lists"].get(q.get("columnId"))
    per = int(q.get("perpage") or 15)
    if lst is None or not headers.get("Referer") or per > lst["max_per"]:
        return NOT_FOUND
    start = int(q.get("startrecord") or 1)
    end = min(int(q.get("endrecord") or start + per - 1), start + per - 1)
    recs = lst["records"][start - 1:end]
    total = len(lst["records"])
    xml = ('<?xml version="1.0" encoding="utf-8"?><datastore><nextgroup><![CDATA[]]></nextgroup>'
           f"<totalrecord>{total}</totalrecord><totalpage>{-(-total // per)}</totalpage><recordset>"
           + "".join(f"<record><![CDATA[{x}]]></record>" for x in recs) + "</recordset></datastore>")
    cb = q.get("callback") or "callback"
    return 200, {"Content-Type": "application/javascript; charset=utf-8"}, \
        f"{cb}({json.dumps({'result': xml}, ensure_ascii=False)});".encode("utf-8")
