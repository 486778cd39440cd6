"""A city's portal hierarchy in the sample site, for discovery (``nianbao portals discover``).

    build_hierarchy(www_dir) -> dict   the truth: the annual-report columns discovery must find

Under ``/huaian/``: the 淮安市人民政府 home, its 政府信息公开 platform page, a department list and a
district list. The units run different families and keep their column at different depths:

* 淮安市 itself: TRS column linked from the platform page;
* 市发展和改革委员会: TRS, column linked from the unit's home;
* 市教育局: Hanweb, column one level deeper (home -> 信息公开 -> 政府信息公开工作年度报告);
* 市生态环境局: 博达 VSB, column named only "年度报告";
* 市统计局: no column (its "统计年报" is statistics, not the disclosure report);
* 清江浦区: Guangdong-style 集约化 static column, one level deeper;
* 淮安区: 延安-style Snowflake column;
* 淮阴区: gkmlpt entry whose TREE holds the 年报 category;
* 涟水县: no column at all.

Decoys that must not become candidates: a report article titled like a column, 企业年报 on an
outside host, 法治政府建设年度报告, 统计年报. Unit names are real GB/T 2260 divisions so region codes
resolve. Markup follows ../shared/spec/cms-families*.md; pages only, no documents.
"""
from __future__ import annotations

from pathlib import Path

ROOT = "/huaian"
_FOOT = ('<div class="footer">主办：淮安市人民政府办公室（样例）<script id="_jiucuo_" sitecode="0000000000" '
         'src="http://pucha.kaipuyun.cn/exposure/jiucuo.js"></script></div>\n</body></html>\n')


def _page(title: str, body: str) -> str:
    return (f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{title}</title></head><body>\n'
            f"{body}\n{_FOOT}")


def _nav(*links: tuple[str, str]) -> str:
    return '<div class="nav">' + " | ".join(f'<a href="{h}">{t}</a>' for h, t in links) + "</div>"


def _trs_listing(title: str, items: list[tuple[str, str, str]]) -> str:
    lis = "\n".join(f'<li><a href="./{d[:4]}{d[5:7]}/t{d.replace("-", "")}_{i}.html">{t}</a><span>{d}</span></li>'
                    for t, d, i in items)
    return _page(title, f'<div class="zfxxgk_zdgkc"><ul>\n{lis}\n</ul></div>\n'
                        '<div class="page"><script>createPageHTML(1, 0, "index", "html");</script></div>')


def pages() -> dict[str, str]:
    """URL path -> HTML of every page of the hierarchy."""
    c = ROOT
    p: dict[str, str] = {}
    p[f"{c}/"] = _page("淮安市人民政府门户网站", "\n".join([
        _nav((f"{c}/", "首页"), (f"{c}/zwgk/", "政务公开"), (f"{c}/zfxxgk/", "政府信息公开"), (f"{c}/xwzx/", "新闻中心")),
        '<div class="news"><ul>',
        f'<li><a href="{c}/zfxxgk/zfxxgknb/202501/t20250120_3300001.html">淮安市2024年政府信息公开工作年度报告</a></li>',
        f'<li><a href="{c}/xwzx/202503/t20250301_3300100.html">市政府召开常务会议</a></li>',
        '<li><a href="http://www.gsxt.gov.cn/corp-query-homepage.html">企业年报公示</a></li>',
        f'<li><a href="{c}/fzzf/ndbg/">法治政府建设年度报告</a></li>',
        "</ul></div>"]))
    p[f"{c}/zwgk/"] = _page("政务公开-淮安市人民政府", _nav((f"{c}/", "首页"), (f"{c}/zfxxgk/", "政府信息公开"),
                                                     (f"{c}/zwgk/zcjd/", "政策解读")))
    p[f"{c}/zfxxgk/"] = _page("政府信息公开-淮安市人民政府", "\n".join([
        _nav((f"{c}/", "首页"), (f"{c}/zfxxgk/zn/", "政府信息公开指南"), (f"{c}/zfxxgk/zd/", "政府信息公开制度")),
        '<div class="xxgk-menu"><ul>',
        f'<li><a href="{c}/zfxxgk/zfxxgknb/">政府信息公开年报</a></li>',
        f'<li><a href="{c}/zfxxgk/bm/">部门信息公开</a></li>',
        f'<li><a href="{c}/zfxxgk/xq/">县区信息公开</a></li>',
        f'<li><a href="{c}/zfxxgk/ysq/">依申请公开</a></li>',
        "</ul></div>"]))
    p[f"{c}/zfxxgk/zfxxgknb/"] = _trs_listing("政府信息公开年报-淮安市人民政府", [
        ("淮安市2024年政府信息公开工作年度报告", "2025-01-20", "3300001"),
        ("淮安市2023年政府信息公开工作年度报告", "2024-01-22", "3100017")])
    p[f"{c}/zfxxgk/bm/"] = _page("部门信息公开-淮安市人民政府", '<ul class="bm-list">' + "".join([
        f'<li><a href="{c}/bm/fgw/">市发展和改革委员会</a></li>',
        f'<li><a href="{c}/bm/jyj/">市教育局</a></li>',
        f'<li><a href="{c}/bm/sthjj/">市生态环境局</a></li>',
        f'<li><a href="{c}/bm/tjj/">市统计局</a></li>']) + "</ul>")
    p[f"{c}/zfxxgk/xq/"] = _page("县区信息公开-淮安市人民政府", '<ul class="xq-list">' + "".join([
        f'<li><a href="{c}/qjp/">清江浦区</a></li>',
        f'<li><a href="{c}/haq/">淮安区</a></li>',
        f'<li><a href="{c}/hy/">淮阴区</a></li>',
        f'<li><a href="{c}/ls/">涟水县</a></li>']) + "</ul>")
    # 市发改委 (TRS): column linked from the unit's home
    p[f"{c}/bm/fgw/"] = _page("淮安市发展和改革委员会", _nav(
        (f"{c}/bm/fgw/tzgg/", "通知公告"), (f"{c}/bm/fgw/zfxxgknb/", "政府信息公开年报"),
        (f"{c}/zfxxgk/zfxxgknb/", "市政府信息公开年报")))
    p[f"{c}/bm/fgw/zfxxgknb/"] = _trs_listing("政府信息公开年报-淮安市发展和改革委员会", [
        ("淮安市发展和改革委员会2024年政府信息公开工作年度报告", "2025-01-15", "3300021")])
    # 市教育局 (Hanweb): home -> 信息公开 -> column
    p[f"{c}/bm/jyj/"] = _page("淮安市教育局", _nav((f"{c}/bm/jyj/jyxw/", "教育新闻"),
                                                 ("/col/col61001/index.html", "信息公开")))
    p["/col/col61001/index.html"] = _page("信息公开-淮安市教育局", '<meta name="ColumnName" content="信息公开">\n' + _nav(
        ("/col/col61002/index.html", "政府信息公开指南"), ("/col/col61003/index.html", "政府信息公开工作年度报告"),
        ("/col/col61004/index.html", "法定主动公开内容")))
    p["/col/col61003/index.html"] = _page("政府信息公开工作年度报告-淮安市教育局", (
        '<div id="261003"><script type="text/xml">\n<datastore>\n<nextgroup><![CDATA[<a href="/module/web/jpage/'
        'dataproxy.jsp?page=1&appid=1&webid=61&path=/&columnid=61003&unitid=261003&permissiontype=0"></a>]]></nextgroup>\n'
        "<recordset>\n<record><![CDATA[<li><a href='/art/2025/1/21/art_61003_880021.html' title='淮安市教育局2024年"
        "政府信息公开工作年度报告'>淮安市教育局2024年政府信息公开工作年度报告</a><span>2025-01-21</span></li>]]></record>\n"
        "</recordset>\n</datastore>\n</script></div>\n"
        "<script>$('#261003').jpage({totalRecord:1, perPage:15, proxyUrl:'/module/web/jpage/dataproxy.jsp'});</script>"))
    # 市生态环境局 (VSB): a column named only 年度报告
    p[f"{c}/bm/sthjj/"] = _page("淮安市生态环境局", _nav((f"{c}/bm/sthjj/hjyw.htm", "环境要闻"),
                                                   (f"{c}/bm/sthjj/ndbg.htm", "年度报告")))
    p[f"{c}/bm/sthjj/ndbg.htm"] = _page("年度报告-淮安市生态环境局", (
        '<ul><li><a href="../../info/1082/6730.htm">淮安市生态环境局2024年政府信息公开工作年度报告</a>'
        "<span>2025-01-20</span></li></ul>\n"
        '<div class="pb_sys_common pb_sys_normal pb_sys_style1"><span class="p_t">共1条</span>'
        '<span class="p_pages"><span class="p_no_d">1</span></span></div>'))
    # 市统计局: no disclosure column, only statistics
    p[f"{c}/bm/tjj/"] = _page("淮安市统计局", _nav((f"{c}/bm/tjj/tjnb/", "统计年报"), (f"{c}/bm/tjj/tzgg/", "通知公告")))
    # 清江浦区 (Guangdong 集约化 static): home -> 政府信息公开 -> 年度报告
    p[f"{c}/qjp/"] = _page("淮安市清江浦区人民政府", _nav((f"{c}/qjp/zwgk/", "政府信息公开"), (f"{c}/qjp/xwdt/", "新闻动态")))
    p[f"{c}/qjp/zwgk/"] = _page("政府信息公开-清江浦区", _nav((f"{c}/qjp/zwgk/zn/", "信息公开指南"),
                                                       (f"{c}/qjp/zwgk/ndbg/", "年度报告")))
    p[f"{c}/qjp/zwgk/ndbg/"] = _page("年度报告-清江浦区", (
        '<ul class="list">'
        f'<li><a class="news_a" href="__BASE__{c}/qjp/zwgk/ndbg/content/post_7176738.html" title="清江浦区2024年政府信息公开工作年度报告">'
        "清江浦区2024年政府信息公开工作年度报告</a><span>2025-01-19</span></li>"
        f'<li><a class="news_a" href="__BASE__{c}/qjp/zwgk/ndbg/content/post_6995464.html" title="清江浦区2023年政府信息公开工作年度报告">'
        "清江浦区2023年政府信息公开工作年度报告</a><span>2024-01-19</span></li></ul>"))
    # 淮安区 (Snowflake)
    p[f"{c}/haq/"] = _page("淮安市淮安区人民政府", _nav((f"{c}/haq/zfxxgk/", "政府信息公开"),
                                                  (f"{c}/haq/zfxxgk/zfxxgknb/", "政府信息公开年报")))
    p[f"{c}/haq/zfxxgk/"] = _page("政府信息公开-淮安区", _nav((f"{c}/haq/zfxxgk/zfxxgknb/", "政府信息公开年报")))
    p[f"{c}/haq/zfxxgk/zfxxgknb/"] = _page("政府信息公开年报-淮安区", (
        '<div class="m-lst36"><ul>'
        f'<li><a href="{c}/haq/zfxxgk/zfxxgknb/2024n/1750012345678901234.html">淮安区2024年政府信息公开工作年度报告</a>'
        "<span>2025-01-18</span></li></ul></div>\n<script>var maxPage = parseInt('1');</script>"))
    # 淮阴区 (gkmlpt): the column is a category of the 政府信息公开目录 app
    p[f"{c}/hy/"] = _page("淮安市淮阴区人民政府", _nav((f"{c}/hy/gkmlpt/index", "政府信息公开目录"), (f"{c}/hy/xwzx/", "新闻中心")))
    p[f"{c}/hy/gkmlpt/index.html"] = _page("政府信息公开目录-淮阴区", (
        "<div id=\"app\"></div>\n<script>window._CONFIG = {SID: '320804', TREE: [{\"id\": 1, \"name\": \"政府信息公开指南\", "
        "\"children\": [], \"jump_url\": \"\", \"post_count\": 1}, {\"id\": 2, \"name\": \"法定主动公开内容\", \"children\": "
        "[{\"id\": 3, \"name\": \"政府信息公开年报\", \"children\": [], \"jump_url\": \"\", \"post_count\": 2}], "
        "\"jump_url\": \"\", \"post_count\": 2}], SERVICE_AREA_ID: 0, DETAIL: null};</script>"))
    # 涟水县: nothing
    p[f"{c}/ls/"] = _page("淮安市涟水县人民政府", _nav((f"{c}/ls/xwzx/", "新闻中心"), (f"{c}/ls/zmhd/", "政民互动")))
    return p


# What discovery must find (path of the column page, unit name, family, region code, level)
EXPECTED = [
    (f"{ROOT}/zfxxgk/zfxxgknb/", "淮安市人民政府", "trs", "320800", "city"),
    (f"{ROOT}/bm/fgw/zfxxgknb/", "淮安市发展和改革委员会", "trs", "320800", "department"),
    ("/col/col61003/index.html", "淮安市教育局", "hanweb", "320800", "department"),
    (f"{ROOT}/bm/sthjj/ndbg.htm", "淮安市生态环境局", "vsb", "320800", "department"),
    (f"{ROOT}/qjp/zwgk/ndbg/", "清江浦区人民政府", "gdsite", "320812", "county"),
    (f"{ROOT}/haq/zfxxgk/zfxxgknb/", "淮安区人民政府", "snowflake", "320803", "county"),
    (f"{ROOT}/hy/gkmlpt/index", "淮阴区人民政府", "gkmlpt", "320804", "county"),
]


def build_hierarchy(www: Path) -> dict:
    """Write the hierarchy's pages under ``www`` and return the truth (``EXPECTED`` as dicts)."""
    www = Path(www)
    for path, html in pages().items():
        dest = www / path.lstrip("/")
        if path.endswith("/"):
            dest = dest / "index.html"
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(html, encoding="utf-8")
    return {"start": f"{ROOT}/", "columns": [
        {"path": p, "name": n, "family": f, "region_code": r, "level": lv} for p, n, f, r, lv in EXPECTED]}


__all__ = ["build_hierarchy", "pages", "EXPECTED", "ROOT"]
