"""Sample gkmlpt portal: entry with ``window._CONFIG = {SID, TREE}``, the JSON list API
(``api/all/<cat>?page=&sid=``: one page of 100, page 2 answers 404, a wrong SID an empty batch)
and report pages whose body sits in ``_CONFIG.DETAIL.content``. ``answer`` serves the API."""
from __future__ import annotations

import json
from html import escape

from nianbao.demo.sample_site.generate import FOOT, digits, report_body, xxgk_table


def write_portal(site, p, pid, path, entry):
    base = path.rsplit("/", 1)[0] + "/"
    sid, cat = str(p["sid"]), int(p["category"])
    tree = [{"id": cat - 2, "name": "政府信息公开指南", "children": [], "jump_url": "", "post_count": 1},
            {"id": cat - 1, "name": "法定主动公开内容", "jump_url": "", "post_count": len(p["items"]), "children": [
                {"id": cat, "name": "政府信息公开年报", "children": [], "jump_url": "", "post_count": len(p["items"])}]}]
    site.write(path + ".html", (
        f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{escape(p["name"])}</title></head><body>\n'
        '<div id="app"><a href="/">首页</a> <a href="' + path + '">政府信息公开</a></div>\n'
        f"<script>window._CONFIG = {{SID: '{sid}', TREE: {json.dumps(tree, ensure_ascii=False)}, "
        "SERVICE_AREA_ID: 0, DETAIL: null};</script>\n" + FOOT))
    articles = []
    for it, title, d, key in site.entries(p):
        aid = int(digits(pid + title, 8))
        art = f"{base}content/{aid // 10**6}/{aid // 10**3}/post_{aid}.html"
        a = {"id": aid, "title": "".join(f"%u{ord(c):04X}" if ord(c) > 127 else c for c in title),
             "date": d, "created_at": f"{d} 09:30:00", "create_time": 0, "url": "__BASE__" + art,
             "post_url": f"__BASE__{site.prefix}/xxgk/content/post_{aid}.html", "attachment": []}
        articles.append(a)
        if key is None:
            continue
        r = site.data["reports"][key]
        fmt = it.get("as", "pdf")
        if fmt == "html":
            content = report_body(r)
        else:
            ext = {"pdf": "pdf", "docx": "docx"}[fmt]
            doc_url = f"{site.prefix}/attachment/0/{aid // 10**3}/{aid}.{ext}"
            site.attachment(pid, it, key, art, doc_url, fmt)
            a["attachment"] = [{"id": aid, "name": f"{title}.{ext}", "type": ext, "url": "__BASE__" + doc_url}]
            content = f"<p>　　现将{escape(title)}予以发布，全文见附件。</p>"
        detail = json.dumps({"id": aid, "title": title, "date": d, "content": content}, ensure_ascii=False)
        detail = detail.replace("<", "\\u003C").replace(">", "\\u003E").replace("/", "\\/")
        page = (f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{escape(title)}</title></head><body>\n'
                + xxgk_table(r["agency"], d, title, f"11440300MB2C92051G/{d[:4]}-{digits(title, 5)}")
                + f"<div id=\"app\"></div>\n<script>window._CONFIG = {{SID: '{sid}', DETAIL: {detail}, TREE: []}};"
                "</script>\n" + FOOT).encode("utf-8")
        site.write(art, page)
        if fmt == "html":
            site.hold(pid, key, "detail", art, page, "html")
    api = f"{base}api/all/{cat}"
    site.routes.setdefault("gkmlpt", {})[api] = sid
    site.write(f"{api}.1.json", json.dumps({"classify": {"id": cat, "name": "政府信息公开年报",
                                                         "post_count": len(articles)},
                                            "articles": articles, "total": len(articles)}, ensure_ascii=False))


def answer(server, method: str, path: str, q: dict, headers):
    if path.endswith("/gkmlpt/index"):
        return server.static(path + ".html", headers)
    sid = server.routes.get("gkmlpt", {}).get(path)
    if sid is not None:  # the list API: page 0 = page 1, past the last page 404
        if q.get("sid") != sid:
            return 200, {"Content-Type": "application/json; charset=utf-8"}, b'{"articles": [], "total": 0}'
        return server.static(f"{path}.{max(1, int(q.get('page') or 1))}.json", headers)
    return None
