"""Sample Hanweb columns (a ``<datastore>`` XML island, the rest from ``dataproxy.jsp``,
``downfile.jsp`` downloads) and the 信息公开 module's ``xxgkAnnualReport.jsp`` per-year view
(``annual_view`` in site.yaml). ``answer`` serves the dynamic parts."""
from __future__ import annotations

from html import escape
from pathlib import Path

from nianbao.demo.sample_site.generate import FOOT, digits

NO_REPORT = ("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>政府信息公开年度报告</title></head>"
             "<body><div class=\"nb\">该单位本年度暂无数据。</div></body></html>").encode("utf-8")


def write_portal(site, p, pid, path, entry):
    if p.get("annual_view"):
        write_annual_view(site, p, pid, entry)
        return
    col, unit = p["column_id"], p["unit_id"]
    entries = list(site.entries(p))
    records = []
    for it, title, d, key in entries:
        y, m, dd = d.split("-")
        art = f"{site.prefix}/art/{y}/{int(m)}/{int(dd)}/art_{col}_{digits(pid + title, 8)}.html"
        records.append(f"<li><a href='{art}' title='{escape(title)}'>{escape(title[:24])}</a><span>{d}</span></li>")
        site.article(p, pid, it, title, d, key, art, f"{site.prefix}/art/{y}/{int(m)}/{int(dd)}/", p["name"],
                     "downfile")
    per = p["per_page"]
    proxy = f"{site.prefix}/module/web/jpage/dataproxy.jsp"
    site.routes.setdefault("dataproxy", {})[f"{proxy}|{col}"] = records
    island = "\n".join(f"<record><![CDATA[{r}]]></record>" for r in records[:per])
    nextgroup = (f'<a href="{proxy}?page=2&appid=1&webid=1&path=/&columnid={col}&unitid={unit}'
                 f'&webname=%E6%A0%B7%E4%BE%8B&permissiontype=0"></a>')
    html = (f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><meta name="ColumnName" content="政府信息公开年报">'
            f"<title>{escape(p['name'])}</title></head><body>\n"
            f'<div id="{unit}"><script type="text/xml">\n<datastore>\n<nextgroup><![CDATA[{nextgroup}]]></nextgroup>\n'
            f"<recordset>\n{island}\n</recordset>\n</datastore>\n</script></div>\n"
            f"<script>$('#{unit}').jpage({{themeName:'default', showMode:'full', totalRecord:{len(records)}, "
            f"openCookies:false, dataBefore:'', dataAfter:'', groupSize:1, proxyUrl:'{proxy}', perPage:{per}, "
            f"barPosition:'bottom', ajaxParam:{{col:1, appid:'1', webid:1, path:'/', columnid:{col}, unitid:'{unit}', "
            f"webname:'样例', permissiontype:0}}}});</script>\n" + FOOT)
    site.write(path, html)


def write_annual_view(site, p, pid, entry):
    av = p["annual_view"]
    jsp = f"{site.prefix}/module/xxgk/xxgkAnnualReport.jsp"
    for year, key in av["years"].items():
        r = site.data["reports"][key]
        data = site.inline_page(key, r["published_date"], "zoom")
        site.routes.setdefault("annual", {})[f"{jsp}|{av['area']}|{year}"] = f"{jsp}.{av['area']}.{year}.html"
        site.write(f"{jsp}.{av['area']}.{year}.html", data)
        site.hold(pid, key, "detail", f"{jsp}?area={av['area']}&fbtime={year}", data, "html")
    entry["listing_urls"] = ["{base}" + f"{jsp}?area={av['area']}&fbtime={{year}}"]


def answer(server, method: str, path: str, q: dict, headers):
    if path.endswith("/dataproxy.jsp"):
        return dataproxy(server, path, q)
    if path.endswith("/downfile.jsp"):
        name = Path(q.get("filename", "")).name  # never a path from the query
        path = path.rsplit("/", 1)[0] + "/files/" + name
        return server.static(path, headers, disposition=q.get("showname"))
    if path.endswith("/xxgkAnnualReport.jsp"):
        key = f"{path}|{q.get('area')}|{q.get('fbtime')}"
        f = server.routes.get("annual", {}).get(key)
        if not f:
            return 200, {"Content-Type": "text/html; charset=utf-8"}, NO_REPORT
        return server.static(f, headers, conditional=False)
    return None


def dataproxy(server, path: str, q: dict):
    records = server.routes.get("dataproxy", {}).get(f"{path}|{q.get('columnid')}")
    if records is None:
        return 200, {"Content-Type": "text/xml; charset=utf-8"}, b"<datastore></datastore>"
    per = int(q.get("perpage") or 20)
    if "startrecord" in q:
        start = int(q["startrecord"])
        end = int(q.get("endrecord") or start + per - 1)
    else:
        page = int(q.get("page") or 1)
        start, end = (page - 1) * per + 1, page * per
    chunk = records[start - 1:end]
    total = len(records)
    xml = (f"<datastore>\n<totalrecord>{total}</totalrecord>\n<totalpage>{-(-total // per)}</totalpage>\n"
           "<recordset>\n" + "\n".join(f"<record><![CDATA[{r}]]></record>" for r in chunk)
           + "\n</recordset>\n</datastore>")
    return 200, {"Content-Type": "text/xml; charset=utf-8"}, xml.encode("utf-8")
