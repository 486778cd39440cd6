"""HTML renderings: a government portal article page with the report as its body."""
from __future__ import annotations

from html import escape

from nianbao.demo.render.model import (Table, TCell, build_sections, date_cn, placed, title_of)

_PAGE = """<!DOCTYPE html>
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset={charset}">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<title>{title}_{site}</title>
<meta name="SiteName" content="{site}">
<meta name="ColumnName" content="政府信息公开年报">
<meta name="ArticleTitle" content="{title}">
{pubmeta}<meta name="ContentSource" content="{agency}">
<link rel="stylesheet" href="/css/common.css">
<script type="text/javascript" src="/js/jquery.min.js"></script>
</head>
<body>
<div class="top-bar"><div class="wrap"><a href="/">首页</a> | <a href="/wza/">无障碍</a> | <a href="/en/">English</a> | 登录 注册</div></div>
<div class="header"><div class="wrap"><h1 class="logo">{site}</h1>
<div class="search"><input type="text" placeholder="请输入关键字"><button>搜索</button></div></div></div>
<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/zwfw/">政务服务</a></li>
<li><a href="/hdjl/">互动交流</a></li><li><a href="/zjxx/">走进本地</a></li></ul></div>
<div class="wrap main">
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; <a href="/zwgk/ndbg/">政府信息公开年报</a></div>
<div class="sidebar"><h3>政府信息公开</h3><ul><li>政府信息公开指南</li><li>政府信息公开制度</li><li>法定主动公开内容</li><li>政府信息公开年报</li></ul></div>
<div class="article">
<h2 class="article-title">{title}</h2>
<div class="article-info">{pubinfo}来源：{agency}　　浏览次数：<span id="hits">1</span>　　字号：[ 大 中 小 ]</div>
<div class="article-content TRS_Editor" id="zoom">
{body}
</div>
<div class="article-tools"><a href="javascript:window.print()">【打印本页】</a> <a href="javascript:window.close()">【关闭窗口】</a></div>
<div class="related"><h4>相关链接</h4><ul><li><a href="#">上一篇：政府信息公开指南</a></li><li><a href="#">下一篇：政府信息公开制度</a></li></ul></div>
</div>
</div>
<div class="footer"><div class="wrap"><p>主办单位：{agency}　　网站标识码：{site_code}</p>
<p>ICP备案号：冀ICP备00000000号-1　　公安机关备案号：00000000000000</p><p>建议使用1366×768分辨率浏览本站</p></div></div>
<script>var _hmt = _hmt || [];</script>
</body>
</html>
"""

_P = '<p style="text-indent:2em;line-height:2;font-family:仿宋_GB2312;font-size:16pt">{}</p>'
_H = '<p style="text-indent:2em;line-height:2;font-family:黑体;font-size:16pt"><strong>{}</strong></p>'


def _cell_html(cell: TCell) -> str:
    if cell.text == "":
        inner = "&nbsp;"
    elif cell.vertical:
        inner = "<br>".join(escape(ch) for ch in cell.text)
    elif "\n" in cell.text:
        # a header typed as two paragraphs in one cell (本年新 / 制作数量)
        inner = '</p><p style="margin:0">'.join(escape(x) for x in cell.text.split("\n"))
    elif cell.header and len(cell.text) > 6 and cell.colspan == 1 and not cell.text.startswith(("（", "一", "二", "四", "第")) \
            and "（" not in cell.text and len(cell.text) <= 12:
        # narrow measure headers break in two lines, as editors type them (本年制发<br>件数)
        half = (len(cell.text) + 1) // 2
        inner = escape(cell.text[:half]) + "<br>" + escape(cell.text[half:])
    else:
        inner = escape(cell.text)
    attrs = []
    if cell.rowspan > 1:
        attrs.append(f'rowspan="{cell.rowspan}"')
    if cell.colspan > 1:
        attrs.append(f'colspan="{cell.colspan}"')
    attrs.append(f'style="border:1px solid #000;text-align:{cell.align};padding:2px 4px"')
    return f"<td {' '.join(attrs)}><p style=\"margin:0\">{inner}</p></td>"


def table_html(table: Table) -> str:
    out = ['<table border="1" cellspacing="0" cellpadding="0" width="100%" '
           'style="border-collapse:collapse;font-size:12pt"><tbody>']
    for row in table.rows:
        out.append("<tr>" + "".join(_cell_html(c) for c in row) + "</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


def table_paragraphs(table: Table, sep: str = " ") -> list[str]:
    """The table as lines of text, one logical row per line (cells separated by spaces), the
    way a table pasted as plain text or retyped as paragraphs reads; ``sep=""``: the cells run
    together, as text captured from some report pages reads."""
    lines = []
    by_row: dict[int, list[tuple[int, TCell]]] = {}
    for r, c, cell in placed(table):
        by_row.setdefault(r, []).append((c, cell))
    for r in sorted(by_row):
        texts = [cell.text if cell.text != "" else "/" if not cell.header else "" for _, cell in sorted(by_row[r], key=lambda x: x[0])]
        line = sep.join(t for t in texts if t)
        if line:
            lines.append(line)
    return lines


_GKML_META = """<div class="top-bar">今天是：{today}</div>
<table class="xxgk-meta" border="1">
<tr><td>索 引 号：</td><td>{index}</td><td>信息分类：</td><td>政府信息公开年报</td></tr>
<tr><td>发布机构：</td><td>{editor}</td><td>生成日期：</td><td>{made}</td></tr>
<tr><td>名　　称：</td><td colspan="3">{title}</td></tr>
<tr><td>文　　号：</td><td></td><td>公开日期：</td><td>{pub}</td></tr>
</table>
<div class="article-info">来源：{editor}　　浏览次数：<span id="hits">1</span></div>"""


def render_portal_html(report: dict, prose: list[str] | None = None) -> str:
    """A 信息公开 (gkml) detail page that does not print the title in its article body: the title
    lives in the metadata table's 名称 row and in ``<title>`` (with the site's suffix), the date in
    its 公开日期 row; other dates sit above it (today's date, 生成日期), and 发布机构/来源 name
    the web editor, not the issuer. No signature block."""
    title = title_of(report)
    agency = report.get("agency") or ""
    pub = report.get("published_date") or ""
    intro, sections = build_sections(report, prose)
    body = [_P.format(escape(p)) for p in intro]
    for sec in sections:
        body.append(_H.format(escape(sec.heading)))
        body += [_P.format(escape(p)) for p in sec.paragraphs]
        if sec.table is not None:
            body.append(table_html(sec.table))
    meta = _GKML_META.format(today="2026年11月30日 星期一", index="000014349/2025-00012", editor="县政务服务和数据管理局",
                             made="2024-12-31", title=escape(title), pub=escape(pub))
    return (f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{escape(title)} - 政府信息公开 - '
            f'{escape(agency[:3])}门户网站</title></head>\n<body>\n{meta}\n'
            f'<div class="article-content" id="zoom">\n' + "\n".join(body) + "\n</div>\n</body></html>")


def render_html(report: dict, prose: list[str] | None = None, *, charset: str = "utf-8",
                paragraphs: bool = False) -> str:
    title = title_of(report)
    agency = report.get("agency") or ""
    site = f"{agency}门户网站" if agency else "政府门户网站"
    pub = report.get("published_date")
    intro, sections = build_sections(report, prose)
    body = [f'<p style="text-align:center;font-size:22pt;font-family:方正小标宋简体">{escape(title)}</p>']
    body += [_P.format(escape(p)) for p in intro]
    for sec in sections:
        body.append(_H.format(escape(sec.heading)))
        body += [_P.format(escape(p)) for p in sec.paragraphs]
        if sec.table is not None:
            if paragraphs:
                body += [_P.format(escape(line)) for line in table_paragraphs(sec.table)]
            else:
                body.append(table_html(sec.table))
    if pub:
        body.append(f'<p style="text-align:right">{escape(agency)}</p>')
        body.append(f'<p style="text-align:right">{date_cn(pub)}</p>')
    return _PAGE.format(
        charset=charset, title=escape(title), site=escape(site), agency=escape(agency),
        pubmeta=f'<meta name="PubDate" content="{escape(pub)} 09:30">\n' if pub else "",
        pubinfo=f"发布时间：{escape(pub)}　　" if pub else "",
        site_code="1300000001",
        body="\n".join(body),
    )
