"""Sample-site portals of the API- and script-driven families (../shared/spec/cms-families-more.md):
福建 TRS platform (``fujian``), 开普云 Ucap (``ucap``), 博达 VSB (``vsb``).

``WRITERS[family](site, p, pid, path)`` writes a portal's pages into the generated site (``site``
is ``generate.Site``); ``answer(routes, method, path, q, headers)`` is the server's dynamic part for
them (``None``: not one of theirs). Report documents are the shared renderer's; the pages around
them follow the shapes in the spec, with our own prose.
"""
from __future__ import annotations

import json
from html import escape

from crawler.sample_site.generate import _FOOT, _digits, _head, _hex, report_body, xxgk_table

JSON = "application/json; charset=utf-8"


def _notice_body(title: str) -> str:
    return f"<p>　　{escape(title)}。详情请见正文。</p>"


def _report_parts(site, pid, it, key, title: str, article_url: str, att_url_for, link_for):
    """(body html, attachments html) of one listing entry's article; writes and holds documents.
    ``att_url_for(ext)`` -> stored document path; ``link_for(doc_path, name)`` -> (href, truth url)."""
    if key is None:
        return _notice_body(title), ""
    fmt = it.get("as", "pdf")
    r = site.data["reports"][key]
    if fmt == "html":
        return report_body(r), ""
    ext = {"pdf": "pdf", "docx": "docx"}[fmt]
    data = site.document(key, fmt)
    doc = att_url_for(ext)
    site.write(doc, data)
    name = f"{title}.{ext}"
    href, truth_url = link_for(doc, name)
    site.hold(pid, key, "attachment", truth_url, data, fmt)
    return f"<p>　　现将{escape(title)}予以发布，全文见附件。</p>", href


def _hold_inline(site, pid, it, key, url: str, page: bytes) -> None:
    if key is not None and it.get("as", "pdf") == "html":
        site.hold(pid, key, "detail", url, page, "html")


# --- 福建 TRS platform ----------------------------------------------------------------------------

def portal_fujian(site, p, pid, path):
    """``index.htm`` + ``index_1..maxStaticIndex.htm`` with the ``listModel`` script, the rest only
    through the search API (``fjdzapp`` POST, or ``was5`` GET where fjdzapp answers 404), which
    also answers a record of another site of the group (never this portal's)."""
    per, max_static = p["per_page"], p["max_static_index"]
    chnl = _digits(pid, 5)
    classsql = f"chnlid={chnl}"
    entries = list(site._items(p))
    rows = []
    for it, title, d, key in entries:
        ym, ymd = d[:4] + d[5:7], d.replace("-", "")
        art = f"{path}{ym}/t{ymd}_{_digits(pid + title + d, 7)}.htm"

        def att_url(ext, ym=ym, ymd=ymd, art=art):
            return f"{path}{ym}/P020{ymd[2:]}{_digits(art, 12)}.{ext}"

        def link(doc, name):
            rel = "./" + doc.rsplit("/", 1)[1]
            return (f'<div class="article_attachment"><p>附件：</p><ul><li><a href="{rel}" title="{escape(name)}">'
                    f"{escape(name)}</a></li></ul></div>\n"), doc

        body, atts = _report_parts(site, pid, it, key, title, art, att_url, link)
        page = (_head(title, d, p["name"]) + f'<div class="xl-main"><h1 class="xl-title">{escape(title)}</h1>\n'
                + xxgk_table(p["name"], d, title, f"FJ{_digits(title, 9)}/{d[:4]}-{_digits(title, 5)}")
                + f'<div class="article_component"><div class="TRS_Editor">{body}</div></div>\n{atts}</div>\n'
                + _FOOT).encode("utf-8")
        site.write(art, page)
        _hold_inline(site, pid, it, key, art, page)
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
                + '\n</ul><div class="pagebar" id="pagebar"></div></div>\n' + script + _FOOT)
        site.write(path + ("index.htm" if i == 0 else f"index_{i}.htm"), html)
        if i == 0:
            site.write(path, html)  # the column's directory URL serves index.htm
    api = p.get("api", "fjdzapp")
    site.routes.setdefault("fujian_api", {})[f"229105|{classsql}"] = {"api": api, "rows": rows}


def _fujian_answer(routes, method, path, q, headers, base_url):
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


# --- 开普云 Ucap --------------------------------------------------------------------------------------

def portal_ucap(site, p, pid, path):
    """``xxgk_list.shtml`` → ``xxgk_list_N.shtml`` (no page count; 404 past the last), items in
    ``ul.listContent``, articles ``YYYYMM/<32 hex>.shtml`` with ``<ucapcontent>``; an entry
    ``drift: <other column path>`` links a report of another department's column."""
    col = path.rsplit("/", 1)[0] + "/"
    per = p["per_page"]
    entries = list(site._items(p))
    lis = []
    for it, title, d, key in entries:
        home = site.prefix + it["drift"] if it.get("drift") else col
        art = f"{home}{d[:4]}{d[5:7]}/{_hex(pid + title)}.shtml"

        def att_url(ext, d=d, title=title):
            return f"{site.prefix}/uploadfiles/{d[:4]}{d[5:7]}/{_hex(title + ext)}.{ext}"

        def link(doc, name):
            return f'<p>附件：<a href="{doc}" target="_blank">{escape(name)}</a></p>\n', doc

        if it.get("drift"):  # another department's report: the page exists, it is not this column's
            body, atts = _notice_body(title), ""
        else:
            body, atts = _report_parts(site, pid, it, key, title, art, att_url, link)
        page = (_head(title, d, p["name"]).replace("<body>\n", "<body>\n<UCAPTITLE>" + escape(title) + "</UCAPTITLE>\n", 1)
                + '<div class="article"><h1 class="tit">' + escape(title) + "</h1>\n"
                + xxgk_table(p["name"], d, title, f"{_digits(title, 9)}/{d[:4]}-{_digits(title, 5)}")
                + f'<div id="zoom"><div id="font"><ucapcontent>{body}{atts}</ucapcontent></div></div></div>\n'
                + _FOOT).encode("utf-8")
        site.write(art, page)
        if not it.get("drift"):
            _hold_inline(site, pid, it, key, art, page)
        lis.append(f'<li><a href="{art}" target="_blank" title="{escape(title)}">{escape(title)}</a>'
                   f"<span>{d}</span></li>")
    stem, ext = path.rsplit("/", 1)[1].rsplit(".", 1)
    pages = [lis[i:i + per] for i in range(0, len(lis), per)] or [[]]
    for i, chunk in enumerate(pages):
        html = (f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{escape(p["name"])}</title></head><body>\n'
                '<div class="nav"><a href="/">首页</a> &gt; <a href="/xxgk/">信息公开</a></div>\n'
                '<ul class="listContent">\n' + "\n".join(chunk) + "\n</ul>\n" + _FOOT)
        site.write(col + (f"{stem}.{ext}" if i == 0 else f"{stem}_{i + 1}.{ext}"), html)


# --- 博达 VSB -----------------------------------------------------------------------------------------

def portal_vsb(site, p, pid, path):
    """Static ``<col>.htm`` then ``<col>/<N-1>.htm`` … ``<col>/1.htm`` with the ``p_pages`` pager;
    articles ``/info/<tree>/<id>.htm`` (``#vsb_content .v_news_content``); attachments through
    ``/system/_content/download.jsp?…&owner=&wbfileid=`` (served from ``routes['vsb_download']``),
    plus a broken download link (two wbfileid) the crawler must not follow."""
    base = path.rsplit("/", 1)[0] + "/"          # /vsb/wushan/xxgk/
    col = path.rsplit("/", 1)[1][:-len(".htm")]   # zfxxgknb
    root = site.prefix + p["site_root"]            # /vsb/wushan/
    tree, owner = int(p["tree_id"]), int(_digits(pid, 10))
    per = p["per_page"]
    dl = f"{root}system/_content/download.jsp"
    lis = []
    for it, title, d, key in site._items(p):
        news = int(_digits(pid + title, 6))
        art = f"{root}info/{tree}/{news}.htm"

        def att_url(ext, news=news):
            return f"{root}__local/{_hex(str(news), 1).upper()}/{_hex(str(news) + ext).upper()}.{ext}"

        def link(doc, name, news=news):
            fid = int(_digits(doc, 7))
            href = f"{dl}?urltype=news.DownloadAttachUrl&owner={owner}&wbfileid={fid}"
            site.routes.setdefault("vsb_download", {})[f"{dl}|{owner}|{fid}"] = {"file": doc, "name": name}
            broken = f"{dl}?urltype=news.DownloadAttachUrl&owner={owner}&wbfileid={fid}&wbfileid={fid + 1}"
            return (f'<p>附件【<a href="{escape(href)}" target="_blank">{escape(name)}</a>】已下载<span id="nattach{fid}">'
                    '</span>次</p>\n<ul class="Newslist2"><li><a href="' + escape(broken) + '">' + escape(name)
                    + "（旧链接）</a></li></ul>\n"), href

        body, atts = _report_parts(site, pid, it, key, title, art, att_url, link)
        page = (_head(title, d, p["name"]) + '<form name="_newscontent_fromname"><div class="content">'
                f'<h1 align="center">{escape(title)}</h1>\n<div class="info">发布时间：{d}</div>\n'
                f'<div id="vsb_content"><div class="v_news_content">{body}</div></div>\n{atts}</div></form>\n'
                + _FOOT).encode("utf-8")
        site.write(art, page)
        _hold_inline(site, pid, it, key, art, page)
        lis.append(f'<li><a href="{"../" * (base.count("/") - root.count("/"))}info/{tree}/{news}.htm" target="_blank" '
                   f'title="{escape(title)}">{escape(title)}</a><span>{d}</span></li>')
    pages = [lis[i:i + per] for i in range(0, len(lis), per)] or [[]]
    n = len(pages)

    def name(i):  # 0-based page index -> its file, relative to base; page 1 keeps <col>.htm
        return f"{col}.htm" if i == 0 else f"{col}/{n - i}.htm"

    for i, chunk in enumerate(pages):
        here = "" if i == 0 else "../"

        def href(k):
            return here + name(k)

        pager = [f'<span class="p_t">共{len(lis)}条</span> <span class="p_t">{i + 1}/{n}</span>']
        pager.append('<span class="p_first_d p_fun_d">首页</span>' if i == 0 else
                     f'<span class="p_first p_fun"><a href="{href(0)}">首页</a></span>')
        pager.append('<span class="p_prev_d p_fun_d">上页</span>' if i == 0 else
                     f'<span class="p_prev p_fun"><a href="{href(i - 1)}">上页</a></span>')
        for k in range(n):
            pager.append(f'<span class="p_no_d">{k + 1}</span>' if k == i else
                         f'<span class="p_no"><a href="{href(k)}">{k + 1}</a></span>')
        if i + 1 < n:
            pager.append(f'<span class="p_next p_fun"><a href="{href(i + 1)}">下页</a></span>')
            pager.append(f'<span class="p_last p_fun"><a href="{href(n - 1)}">尾页</a></span>')
        else:
            pager.append('<span class="p_next_d p_fun_d">下页</span><span class="p_last_d p_fun_d">尾页</span>')
        link_base = "" if i == 0 else "../"
        html = (f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{escape(p["name"])}</title></head><body>\n'
                '<div class="nav"><a href="/">首页</a> &gt; 政府信息公开年报</div>\n<div class="list"><ul>\n'
                + "\n".join(li.replace('href="', f'href="{link_base}', 1) for li in chunk)
                + '\n</ul></div>\n<div class="p_pages">' + " ".join(pager) + "</div>\n" + _FOOT)
        site.write(base + name(i), html)


def _vsb_answer(routes, method, path, q, headers, static):
    if not path.endswith("/system/_content/download.jsp"):
        return None
    ids = q.get("wbfileid")
    f = routes.get("vsb_download", {}).get(f"{path}|{q.get('owner')}|{ids}")
    if f is None:
        return 200, {"Content-Type": "text/html; charset=utf-8"}, (
            "<html><head><title>提示</title></head><body>附件不存在或已删除</body></html>").encode("utf-8")
    return static(f["file"], headers, disposition=f["name"])


WRITERS = {"fujian": portal_fujian, "ucap": portal_ucap, "vsb": portal_vsb}


def answer(routes, method, path, q, headers, static, base_url):
    """The server's answer for these families' dynamic URLs, else None. ``static(path, headers,
    disposition=)`` serves a generated file; ``base_url`` replaces ``__BASE__`` in API answers."""
    return _fujian_answer(routes, method, path, q, headers, base_url) or \
        _vsb_answer(routes, method, path, q, headers, static)
