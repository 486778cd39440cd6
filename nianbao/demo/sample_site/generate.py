"""Build the offline sample portal site from ``site.yaml`` into a directory.

    build_site(out_dir, replicas=1) -> dict (the truth: what each portal holds)

Writes ``out_dir/www/<url path>`` (static pages and documents), ``out_dir/routes.json`` (what the
server answers dynamically: challenges, slow pages, GBK pages, fake PDFs, and each family
writer's own keys such as Hanweb's dataproxy records), ``out_dir/truth.json`` and ``out_dir/registry.yaml`` (the sample registry with
``{base}`` placeholders). Documents are rendered by ``nianbao.demo.render.render_report``. Pages that
are never stored by the crawler (listings, attachment wrappers) may contain ``__BASE__``, which the
server replaces with its origin; stored documents never do, so their sha256 is port-independent.
``replicas`` > 1 clones every portal under ``/r<k>/`` with id suffix ``-r<k>`` (benchmarks).
"""
from __future__ import annotations

import hashlib
import json
import re
from html import escape
from pathlib import Path
from urllib.parse import quote

import yaml

from nianbao.demo.sample_site.families import writers

HERE = Path(__file__).resolve().parent
SITE_FILE = HERE / "site.yaml"
GENERATOR_VERSION = "4"

PROSE = [
    "本年度，本机关坚持以公开为常态、不公开为例外，围绕中心工作推进政府信息公开，"
    "依托门户网站、政务新媒体和政务服务中心等渠道及时发布政策文件和工作动态。",
    "本报告由本机关依据《中华人民共和国政府信息公开条例》编制，所列数据统计期限为当年1月1日至12月31日。"
    "如对本报告有疑问，请与本机关办公室联系。",
]


def load_site(path: Path = SITE_FILE) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def digits(seed: str, n: int) -> str:
    h = int(hashlib.sha256(seed.encode()).hexdigest(), 16)
    return str(h)[:n].rjust(n, "1")


def short_hex(seed: str, n: int = 32) -> str:
    return hashlib.md5(seed.encode()).hexdigest()[:n]


_render_cache: dict[tuple, bytes] = {}


def render(report: dict, fmt: str) -> bytes:
    key = (json.dumps(report, sort_keys=True, ensure_ascii=False), fmt)
    if key not in _render_cache:
        from nianbao.demo.render import render_report

        real = {"pdf": "pdf-reportlab"}.get(fmt, fmt)  # reportlab: fast and deterministic
        _render_cache[key] = render_report(report, real, PROSE)
    return _render_cache[key]


def report_body(report: dict) -> str:
    """The article body of the rendered HTML report (what sits inside #zoom)."""
    page = render(report, "html").decode("utf-8")
    m = re.search(r'<div class="article-content TRS_Editor" id="zoom">\n(.*?)\n</div>\n<div class="article-tools">', page, re.S)
    return m.group(1) if m else page


def page_head(title: str, pub: str, source: str, charset: str = "utf-8", column: str = "政府信息公开年报") -> str:
    return (f'<!DOCTYPE html>\n<html>\n<head>\n<meta http-equiv="Content-Type" content="text/html; charset={charset}">\n'
            f"<title>{escape(title)}</title>\n"
            f'<meta name="ArticleTitle" content="{escape(title)}">\n<meta name="PubDate" content="{pub} 09:30">\n'
            f'<meta name="ContentSource" content="{escape(source)}">\n<meta name="ColumnName" content="{column}">\n'
            '<link rel="stylesheet" href="/css/style.css">\n</head>\n<body>\n'
            '<div class="header"><a href="/">首页</a> | <a href="/zwgk/">政务公开</a> | <a href="/zwgk/ndbg/">政府信息公开年报</a></div>\n')


FOOT = '<div class="footer"><p>主办单位：样例门户　　网站标识码：0000000000</p></div>\n</body>\n</html>\n'


def xxgk_table(agency: str, pub: str, title: str, index_no: str) -> str:
    return ('<table class="xxgk_table"><tr><td>索引号：</td><td>' + index_no + '</td><td>分类：</td><td>政府信息公开年报</td></tr>'
            f'<tr><td>发布机构：</td><td>{escape(agency)}</td><td>成文日期：</td><td>{pub}</td></tr>'
            f'<tr><td>名称：</td><td colspan="3">{escape(title)}</td></tr>'
            '<tr><td>公开方式：</td><td colspan="3">主动公开</td></tr></table>\n')


class Site:
    def __init__(self, out: Path, data: dict, prefix: str, suffix: str):
        self.out = out
        self.www = out / "www"
        self.data = data
        self.prefix = prefix
        self.suffix = suffix
        # what the server answers beyond static files; family writers add their own keys
        self.routes: dict = {"challenges": {}, "slow": [], "gbk": [], "fake": []}
        self.truth: dict[str, list[dict]] = {}
        self.registry: list[dict] = []

    def write(self, path: str, data: bytes | str) -> None:
        dest = self.www / path.lstrip("/")
        if path.endswith("/"):
            dest = dest / "index.html"
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)

    def hold(self, pid: str, key: str, role: str, url: str, data: bytes, fmt: str, dup: bool = False) -> None:
        self.truth.setdefault(pid, []).append({
            "report": key, "role": role, "url": url, "sha256": hashlib.sha256(data).hexdigest(),
            "format": fmt, "year": self.data["reports"][key]["year"], "duplicate": dup})

    # --- documents and article pages ---------------------------------------------------------

    def document(self, key: str, fmt: str) -> bytes:
        return render(self.data["reports"][key], fmt)

    def wrapper(self, title: str, pub: str, source: str, att_html: str, body_class: str = "TRS_Editor",
                body_id: str = "zoom") -> str:
        return (page_head(title, pub, source) + f'<h1 class="title">{escape(title)}</h1>\n'
                + xxgk_table(source, pub, title, f"000000000/{pub[:4]}-{digits(title, 5)}")
                + f'<div class="article_content"><div class="{body_class}" id="{body_id}"><div class="Custom_UnionStyle">'
                f"<p>　　现将{escape(title)}予以发布，全文见附件。</p></div></div></div>\n"
                + att_html + FOOT)

    def inline_page(self, key: str, pub: str, container: str) -> bytes:
        r = self.data["reports"][key]
        title = r["title"]
        body = report_body(r)
        if container == "zoom":
            inner = f'<div class="article_content"><div class="TRS_Editor" id="zoom">{body}</div></div>'
        elif container == "m-txt":
            inner = f'<div class="m-txt-article">{body}</div>'
        else:
            inner = f'<div class="news_cont_d_wrap">{body}</div>'
        html = (page_head(title, pub, r["agency"]) + f'<h1 class="title">{escape(title)}</h1>\n'
                + xxgk_table(r["agency"], pub, title, f"000000000/{pub[:4]}-{digits(title, 5)}")
                + inner + "\n" + FOOT)
        return html.encode("utf-8")

    # --- portals -----------------------------------------------------------------------------

    def build(self) -> None:
        for p in self.data["portals"]:
            pid = p["id"] + self.suffix
            self.truth.setdefault(pid, [])
            path = self.prefix + p.get("path", "/")
            entry = {"id": pid, "name": p["name"], "region_code": p["region_code"], "level": p["level"],
                     "parent": p.get("parent"), "family": p["family"],
                     "listing_urls": ["{base}" + path], "overrides": {"allow_private": True, "delay": 0}}
            if p.get("challenge"):
                self.routes["challenges"][path] = p["challenge"]
            else:
                writer = writers().get(p["family"])
                if writer is None:
                    raise ValueError(f"{p['id']}: no sample-site writer for family {p['family']!r} "
                                     f"(nianbao/demo/sample_site/families/{p['family']}.py)")
                writer.write_portal(self, p, pid, path, entry)
            self.registry.append(entry)

    def entries(self, p: dict):
        """(item, title, date, key) for each listing entry."""
        for it in p["items"]:
            d = str(it["date"])
            if "report" in it:
                yield it, self.data["reports"][it["report"]]["title"], d, it["report"]
            elif "dup_of" in it:
                yield it, it.get("title") or self.data["reports"][it["dup_of"]]["title"], d, it["dup_of"]
            else:
                title = it.get("notice") or it.get("dead") or it.get("fake_pdf") or it.get("offsite")
                yield it, title, d, None

    def attachment(self, pid, it, key, article_url: str, doc_url: str, fmt: str, role_dup=False,
                    link_url: str | None = None) -> None:
        data = self.document(key, fmt)
        self.write(doc_url, data)
        self.hold(pid, key, "attachment", link_url or doc_url, data, fmt, dup=role_dup)

    def article(self, p, pid, it, title, d, key, article_url: str, att_dir: str, agency: str,
                style_default: str, container: str = "zoom") -> None:
        """Write one article page (and its documents) for listing entry ``it``."""
        if it.get("slow"):
            self.routes["slow"].append(article_url)
        if "notice" in it:
            body = f"<p>　　{escape(title)}。详情请见正文。</p>"
            self.write(article_url, page_head(title, d, agency, column="通知公告") + f"<h1>{escape(title)}</h1>"
                       + f'<div class="TRS_Editor" id="zoom">{body}</div>' + FOOT)
            return
        if "dead" in it:
            return  # linked, never written: 404
        if "fake_pdf" in it:
            url = att_dir + "P020" + digits(title, 18) + ".pdf"
            self.routes["fake"].append(url)
            self.write(article_url, self.wrapper(title, d, agency, f'<p><a href="{url}">{escape(title)}.pdf</a></p>'))
            return
        if "offsite" in it:
            self.write(article_url, self.wrapper(title, d, agency,
                                                 '<p><a href="http://files.example.gov.cn/nb/report.pdf">'
                                                 f"{escape(title)}.pdf</a></p>"))
            return
        fmt = it.get("as", "pdf")
        dup = "dup_of" in it
        if dup:
            fmt = next(x.get("as", "pdf") for x in p["items"] if x.get("report") == key)
        if fmt in ("html", "html-gbk"):
            if fmt == "html-gbk":
                data = self.document(key, "html-gbk")
                self.routes["gbk"].append(article_url)
            else:
                data = self.inline_page(key, d, container)
            self.write(article_url, data)
            self.hold(pid, key, "detail", article_url, data, fmt, dup=dup)
            return
        style = it.get("attach", style_default)
        ext = {"pdf": "pdf", "docx": "docx"}[fmt]
        name = f"{title}.{ext}"
        seed = article_url + fmt
        link_url = None
        if style in ("plain", "appendix", "script"):
            fname = f"P020{d[2:4]}{d[5:7]}{d[8:10]}{digits(seed, 12)}.{ext}"
            doc_url = att_dir + fname
            rel = "./" + fname
            if style == "plain":
                att = (f'<div class="article_attachment"><ul><li><a href="{rel}" title="{escape(name)}">'
                       f"{escape(name)}</a></li></ul></div>\n")
            elif style == "appendix":
                att = (f'<p class="insertfileTag"><a appendix="true" href="{rel}" '
                       f'OLDSRC="/protect/P0{d[:4]}{d[5:7]}/P0{d[:4]}{d[5:7]}{d[8:10]}/{fname}" download="{escape(name)}" '
                       f'title="{escape(name)}">{escape(name)}</a></p>\n')
            else:
                att = (f"<script>var rel_appendix = '<a href=\"{rel}\">下载文字版</a>';"
                       "document.write('附件：' + rel_appendix);</script>\n")
        elif style == "downfile":
            h = short_hex(seed)
            doc_url = f"{self.prefix}/module/download/files/{h}.{ext}"
            href = f"{self.prefix}/module/download/downfile.jsp?classid=0&showname={quote(name)}&filename={h}.{ext}"
            att = f'<p>附件：<a href="{escape(href)}">{escape(name)}</a></p>\n'
            link_url = href
        elif style == "nfw":
            aid = int(digits(seed, 6))
            post = article_url.rsplit("post_", 1)[-1].split(".")[0]
            doc_url = f"{self.prefix}/attachment/{aid // 10**6}/{aid // 10**3}/{aid}/{post}.{ext}"
            att = f'<p><a class="nfw-cms-attachment" href="__BASE__{doc_url}" alt="{escape(name)}">{escape(name)}</a></p>\n'
        elif style == "body":
            doc_url = att_dir + "files/" + short_hex(seed, 16) + "." + ext
            att = f'<div class="m-txt-article"><p>附件：<a href="{doc_url}">{escape(name)}</a></p></div>\n'
        else:
            raise ValueError(style)
        self.attachment(pid, it, key, article_url, doc_url, fmt, role_dup=dup, link_url=link_url)
        self.write(article_url, self.wrapper(title, d, agency, att))

    def pages(self, items: list, per: int) -> list[list]:
        return [items[i:i + per] for i in range(0, len(items), per)] or [[]]

    def listing_page(self, p, title: str, lis: list[str], pager: str, charset="utf-8") -> str:
        return (f'<!DOCTYPE html>\n<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">'
                f"<title>{escape(title)}</title></head><body>\n"
                '<div class="header"><a href="/">首页</a> | <a href="/zwgk/">政务公开</a> | '
                '<a href="/zwgk/ndbg/">政府信息公开年报</a></div>\n'
                f'<div class="zfxxgk_zdgkc"><ul>\n' + "\n".join(lis) + "\n</ul></div>\n" + pager + FOOT)



def build_site(out: Path, replicas: int = 1, data: dict | None = None) -> dict:
    data = data or load_site()
    out = Path(out)
    www = out / "www"
    www.mkdir(parents=True, exist_ok=True)
    (www / "robots.txt").write_text("User-agent: *\nAllow: /\n", encoding="utf-8")
    from nianbao.demo.sample_site.hierarchy import build_hierarchy  # discovery's city hierarchy (own module)
    (out / "hierarchy.json").write_text(json.dumps(build_hierarchy(www), ensure_ascii=False, indent=1), encoding="utf-8")
    truth, registry = {}, []
    routes = None
    for k in range(replicas):
        site = Site(out, data, prefix="" if k == 0 else f"/r{k}", suffix="" if k == 0 else f"-r{k}")
        site.build()
        if routes is None:
            routes = site.routes
        else:
            for name, v in site.routes.items():
                if isinstance(v, dict):
                    routes.setdefault(name, {}).update(v)
                else:
                    routes.setdefault(name, []).extend(v)
        truth.update(site.truth)
        registry += site.registry
    (out / "routes.json").write_text(json.dumps(routes, ensure_ascii=False, indent=1), encoding="utf-8")
    (out / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
    header = ("# The offline sample portals (nianbao/demo/sample_site). {base} = the sample server's origin,\n"
              "# filled by load_registry(base_url=...) or $NIANBAO_SAMPLE_BASE. Generated from site.yaml.\n")
    (out / "registry.yaml").write_text(header + yaml.safe_dump({"sample": True, "portals": registry},
                                                               allow_unicode=True, sort_keys=False), encoding="utf-8")
    return truth


def site_key(replicas: int = 1) -> str:
    h = hashlib.sha256()
    h.update(SITE_FILE.read_bytes())
    h.update(Path(__file__).read_bytes())
    h.update((HERE / "hierarchy.py").read_bytes())
    h.update(f"{GENERATOR_VERSION}|{replicas}".encode())
    for f in sorted((HERE / "families").glob("*.py")) + sorted((HERE.parent / "render").glob("*.py")):
        h.update(f.read_bytes())
    return h.hexdigest()[:16]
