"""Sample 博达 VSB column (docs/cms-families.md#vsb): ``<col>.htm`` then ``<col>/<N-1>.htm`` …
``<col>/1.htm`` (counting down) with the ``p_pages`` pager, articles ``/info/<tree>/<id>.htm``,
attachments through ``/system/_content/download.jsp?…&owner=&wbfileid=`` (``answer`` serves them),
plus a broken download link with two wbfileid the crawler must not follow."""
from __future__ import annotations

from html import escape

from nianbao.demo.sample_site.families._article_parts import hold_inline, report_parts
from nianbao.demo.sample_site.generate import FOOT, digits, page_head, short_hex


def write_portal(site, p, pid, path, entry):
    """Static ``<col>.htm`` then ``<col>/<N-1>.htm`` … ``<col>/1.htm`` with the ``p_pages`` pager;
    articles ``/info/<tree>/<id>.htm`` (``#vsb_content .v_news_content``); attachments through
    ``/system/_content/download.jsp?…&owner=&wbfileid=`` (served from ``routes['vsb_download']``),
    plus a broken download link (two wbfileid) the crawler must not follow."""
    base = path.rsplit("/", 1)[0] + "/"          # /vsb/wushan/xxgk/
    col = path.rsplit("/", 1)[1][:-len(".htm")]   # zfxxgknb
    root = site.prefix + p["site_root"]            # /vsb/wushan/
    tree, owner = int(p["tree_id"]), int(digits(pid, 10))
    per = p["per_page"]
    dl = f"{root}system/_content/download.jsp"
    lis = []
    for it, title, d, key in site.entries(p):
        news = int(digits(pid + title, 6))
        art = f"{root}info/{tree}/{news}.htm"

        def att_url(ext, news=news):
            return f"{root}__local/{short_hex(str(news), 1).upper()}/{short_hex(str(news) + ext).upper()}.{ext}"

        def link(doc, name):
            fid = int(digits(doc, 7))
            href = f"{dl}?urltype=news.DownloadAttachUrl&owner={owner}&wbfileid={fid}"
            site.routes.setdefault("vsb_download", {})[f"{dl}|{owner}|{fid}"] = {"file": doc, "name": name}
            broken = f"{dl}?urltype=news.DownloadAttachUrl&owner={owner}&wbfileid={fid}&wbfileid={fid + 1}"
            return (f'<p>附件【<a href="{escape(href)}" target="_blank">{escape(name)}</a>】已下载<span id="nattach{fid}">'
                    '</span>次</p>\n<ul class="Newslist2"><li><a href="' + escape(broken) + '">' + escape(name)
                    + "（旧链接）</a></li></ul>\n"), href

        body, atts = report_parts(site, pid, it, key, title, art, att_url, link)
        page = (page_head(title, d, p["name"]) + '<form name="_newscontent_fromname"><div class="content">'
                f'<h1 align="center">{escape(title)}</h1>\n<div class="info">发布时间：{d}</div>\n'
                f'<div id="vsb_content"><div class="v_news_content">{body}</div></div>\n{atts}</div></form>\n'
                + FOOT).encode("utf-8")
        site.write(art, page)
        hold_inline(site, pid, it, key, art, page)
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
                + '\n</ul></div>\n<div class="p_pages">' + " ".join(pager) + "</div>\n" + FOOT)
        site.write(base + name(i), html)


def answer(server, method, path, q, headers):
    routes, static = server.routes, server.static
    if not path.endswith("/system/_content/download.jsp"):
        return None
    ids = q.get("wbfileid")
    f = routes.get("vsb_download", {}).get(f"{path}|{q.get('owner')}|{ids}")
    if f is None:
        return 200, {"Content-Type": "text/html; charset=utf-8"}, (
            "<html><head><title>提示</title></head><body>附件不存在或已删除</body></html>").encode("utf-8")
    return static(f["file"], headers, disposition=f["name"])
