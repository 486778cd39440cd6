"""Sample 新点 Epoint EWB portal: ``govInfoPub.html?categorynum=&deptcode=`` (an empty
``ewb-catalog-table``), ``/js/webBuilderCommon.js`` with ``var siteInfo = {projectName, siteGuid}``,
and ``answer`` for ``POST {projectName}/rest/lightfrontaction/getgovinfolist`` (JSON body;
``pageIndex`` from 0; the server caps ``pageSize`` at the portal's ``per_page``) →
``{custom: {data: [{infourl, title, realtitle, infodate}], total}}``."""
from __future__ import annotations

import json
from html import escape

from nianbao.demo.sample_site.families._api import JSON_TYPE, route, shell_page, uuid_of

API = "/rest/lightfrontaction/getgovinfolist"


def write_portal(site, p, pid, path, entry):
    category, guid = p["category"], p["site_guid"]
    project = site.prefix + "/EWB-FRONT"
    data = []
    for it, title, d, key in site.entries(p):
        folder = f"{site.prefix}/xxgk/{category}/{d.replace('-', '')}/"
        art = f"{folder}{uuid_of(pid + title)}.html"
        short = title if len(title) <= 16 else f"<font color='red'>{escape(title[:16])}</font>…"
        data.append({"infoid": uuid_of(title)[:8], "infourl": art, "title": short, "realtitle": title, "infodate": d})
        site.article(p, pid, it, title, d, key, art, folder, p["name"], "plain")
    route(site, "epoint", project + API)["lists"][f"{guid}|{category}"] = {"rows": data, "per": p["per_page"]}
    site.write(f"{site.prefix}/js/webBuilderCommon.js",
               f"var siteInfo = {{\n    projectName: '{project}',\n    siteGuid: '{guid}',\n    siteName: '{p['name']}'\n}};\n")
    body = ('<div class="ewb-container"><table class="ewb-catalog-table" id="infolist"><tbody></tbody></table>'
            '<div class="ewb-page" id="pager"></div></div>')
    site.write(path.split("?", 1)[0], shell_page(p["name"], body, f'<script src="{site.prefix}/js/webBuilderCommon.js"></script>'))


def answer(server, method: str, path: str, q: dict, headers):
    r = server.routes.get("epoint", {}).get(path)
    if r is None:
        return None
    if method != "POST" or "siteGuid" not in q:
        return 400, JSON_TYPE, b'{"status": {"code": 400, "text": "bad request"}}'
    lst = r["lists"].get(f"{q.get('siteGuid')}|{q.get('categorynum')}")
    rows = lst["rows"] if lst else []
    per = min(int(q.get("pageSize") or 10), lst["per"] if lst else 10)
    index = int(q.get("pageIndex") or 0)
    chunk = rows[index * per:(index + 1) * per]
    return 200, JSON_TYPE, json.dumps({"custom": {"data": chunk, "total": len(rows)}, "status": {"code": 200}},
                                      ensure_ascii=False).encode("utf-8")
