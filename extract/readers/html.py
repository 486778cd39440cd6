"""HTML reader: decode (UTF-8 / GBK / GB18030 / UTF-16, declared or not), find the article
body among the portal chrome, expand every data table's rowspan/colspan into a grid, and
emit the body text in reading order. A report whose tables were typed as paragraphs gets its
rows from the text lines.

Everything walks the tree iteratively (no recursion: 100 000 nested <div>s are fine), spans
are clipped, and tables are capped in rows and columns.
"""
from __future__ import annotations

import codecs
import json
import re
import unicodedata

from extract.document import Cell, Document
from extract.errors import error
from extract.readers.common import clean_cell
from nianbao.text import CJK_RE, DATE, find_date

MAX_COLS = 200
MAX_ROWS = 5000
MAX_SPAN = 200
MAX_TABLES = 200
MAX_CELLS = 400_000  # grid positions over all tables

BLOCK_TAGS = frozenset({
    "p", "div", "br", "tr", "table", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article",
    "center", "blockquote", "pre", "dd", "dt", "dl", "form", "header", "footer", "nav", "aside", "main", "hr",
    "tbody", "thead", "tfoot", "caption", "title", "body", "html", "address", "figure", "figcaption",
})
SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "head", "iframe", "object", "embed", "svg",
                       "select", "option", "button", "input", "textarea"})
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_CJK = CJK_RE
_CHARSET_META = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_DATE_META = ("pubdate", "publishdate", "published", "firstpublishedtime", "publishtime", "article:published_time",
              "og:release_date", "dc.date", "dc.date.issued", "dcterms.issued", "releasedate", "date", "maketime")
_DATE_TEXT = re.compile(r"(?:发布时间|发布日期|发文日期|成文日期|公开日期|时间|日期)\s*[:：]?\s*(?=\d)")


# --------------------------------------------------------------------------- decoding
def _norm_charset(name: str) -> str | None:
    name = name.strip().lower()
    if name in ("gb2312", "gbk", "gb_2312-80", "x-gbk", "cp936", "ms936", "euc-cn", "x-euc-cn", "gb18030"):
        return "gb18030"  # a superset: pages declared gb2312 carry GBK/GB18030 characters
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_html(data: bytes) -> tuple[str, str]:
    """(text, encoding used). UTF-8 wins when the bytes are valid UTF-8 (declarations lie
    both ways); then a BOM; then the declared charset; then GB18030; then detection."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", "replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace"), "utf-16"
    if len(data) >= 4 and data[0] == 0 and data[1] != 0 and data[2] == 0:
        return data.decode("utf-16-be", "replace"), "utf-16-be"
    if len(data) >= 4 and data[1] == 0 and data[0] != 0 and data[3] == 0:
        return data.decode("utf-16-le", "replace"), "utf-16-le"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    m = _CHARSET_META.search(data[:8192])
    declared = _norm_charset(m.group(1).decode("ascii", "ignore")) if m else None
    for enc in [e for e in (declared, "gb18030") if e and e != "utf-8"]:
        try:
            return data.decode(enc), enc
        except (UnicodeDecodeError, LookupError):
            continue
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data[:200_000]).best()
        if best is not None and best.encoding:
            return data.decode(best.encoding, "replace"), best.encoding
    except Exception:  # noqa: BLE001 - detection is best effort
        pass
    return data.decode("gb18030", "replace"), "gb18030"


# --------------------------------------------------------------------------- script-rendered pages
def script_json_value(text: str, key: str):
    """The JSON value after ``key:`` in an inline config script (``window._CONFIG = {…}``), or None."""
    m = re.search(rf"\b{re.escape(key)}\s*:\s*", text)
    if not m:
        return None
    try:
        return json.JSONDecoder().raw_decode(text, m.end())[0]
    except ValueError:
        return None


def embedded_body_html(text: str) -> str:
    """The article body of a page that renders it from JSON in a script (Guangdong gkmlpt:
    ``window._CONFIG = {DETAIL: {content: "<p>…"}}``), or "" for an ordinary page."""
    if "_CONFIG" not in text:
        return ""
    detail = script_json_value(text, "DETAIL")
    return str(detail.get("content") or "") if isinstance(detail, dict) else ""


def append_to_body(text: str, block: str) -> str:
    """``block`` placed at the end of the page's <body> (one is added when the page has none)."""
    i = text.lower().rfind("</body>")
    return text[:i] + block + text[i:] if i >= 0 else f"{text}<body>{block}</body>"


def _with_embedded_body(text: str) -> str:
    body = embedded_body_html(text)
    return append_to_body(text, f'<div class="nianbao-embedded-body">{body}</div>') if body else text


# --------------------------------------------------------------------------- reader
def read_html(data: bytes) -> Document:
    text, encoding = decode_html(data)
    text = text.replace("\x00", "")
    if not text.strip():
        raise error("empty_file")
    text = _with_embedded_body(text)
    try:
        import lxml.html
        from lxml import etree

        parser = lxml.html.HTMLParser(recover=True, remove_comments=True, remove_pis=True, no_network=True,
                                      huge_tree=False)
        root = lxml.html.document_fromstring(text, parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise error("malformed", f"HTML cannot be parsed ({exc})") from exc
    if root is None:
        raise error("malformed", "HTML has no document element")
    doc = Document(format="html", pages=None)
    doc.meta.update(_meta(root))
    doc.meta["encoding"] = encoding
    body = root.find("body")
    if body is None:
        body = root
    counts = _cjk_counts(body)
    main = _main_content(body, counts)
    doc.meta["main_content"] = _describe(main)
    tables = _data_tables(main)
    grid_budget = [MAX_CELLS]
    rows: list[list[Cell]] = []
    table_rows: dict[int, list[list[Cell]]] = {}
    for t_index, tbl in enumerate(tables[:MAX_TABLES]):
        g = _table_grid(tbl, t_index, grid_budget)
        if g:
            table_rows[id(tbl)] = g
            rows.extend(g)
    if len(tables) > MAX_TABLES:
        doc.warnings.append(f"{len(tables)} tables: only the first {MAX_TABLES} read")
    if grid_budget[0] <= 0:
        doc.warnings.append("table size limit reached: large tables truncated")
    doc.text = _text(main, table_rows)
    titles = _page_titles(root, body, doc.meta)
    if titles:
        doc.meta["page_titles"] = titles
    if not doc.meta.get("published_date"):
        d = _date_in_text(_text(body, table_rows, limit=20_000), doc.text)
        if d:
            doc.meta["published_date"] = d
    if rows:
        doc.rows = rows
    else:
        doc.rows = _rows_from_text(doc.text)
        if doc.rows:
            doc.warnings.append("no HTML tables: rows rebuilt from text lines")
    return doc


# --------------------------------------------------------------------------- meta
def _meta(root) -> dict:
    out: dict = {}
    title = root.find(".//title")
    if title is not None:
        t = re.sub(r"\s+", " ", title.text_content() or "").strip()
        if t:
            out["html_title"] = t
    metas = {}
    for m in root.iter("meta"):
        name = (m.get("name") or m.get("property") or m.get("http-equiv") or "").strip().lower()
        content = (m.get("content") or "").strip()
        if name and content and name not in metas:
            metas[name] = content[:500]
    if metas:
        out["html_meta"] = metas
    for key in _DATE_META:
        if key in metas:
            d = _iso(metas[key])
            if d:
                out["published_date"] = d
                out["published_date_source"] = f"meta {key}"
                break
    for key in ("articletitle", "title", "og:title"):
        if metas.get(key):
            out["article_title"] = metas[key]
            break
    return out


def _iso(s: str) -> str | None:
    return find_date(s)


def _date_in_text(page_text: str, body_text: str) -> str | None:
    """The date after the page's 发布日期/公开日期 label; else after 成文日期/发文日期; else after
    the first bare 时间/日期 (a 生成日期, today's date or a sidebar date never beats a 公开日期)."""
    text = unicodedata.normalize("NFKC", page_text[:20000])
    best: tuple[int, str] | None = None
    for m in _DATE_TEXT.finditer(text):
        head = text[m.end(): m.end() + 24]
        d = find_date(head)
        if not (d and DATE.match(head)):
            continue
        label = re.sub(r"\s+", "", m.group(0))
        rank = 0 if re.search(r"发布|公开", label) else 1 if re.search(r"成文|发文", label) else 2
        if best is None or rank < best[0]:
            best = (rank, d)
        if rank == 0:
            break
    return best[1] if best else None


_TITLE_ROW = re.compile(r"^(?:名称|标题|文件名称|信息名称|文章标题|主题)[:：]?$")


def _page_titles(root, body, meta: dict) -> list[str]:
    """Where portals keep a report page's title besides the article body, most specific first:
    <meta name="ArticleTitle">, <ucaptitle>, the 名称/标题 row of the 信息公开 metadata table,
    the article heading (h1–h3), and <title> (site suffix split off by the caller)."""
    out: list[str] = []

    def add(t: str | None) -> None:
        t = re.sub(r"\s+", " ", t or "").strip()
        if t and t not in out and len(t) <= 300:
            out.append(t)

    metas = meta.get("html_meta") or {}
    add(metas.get("articletitle"))
    for el in root.iter("ucaptitle"):
        add(el.text_content())
    for td in body.iter("td", "th"):
        label = re.sub(r"[\s\u3000\xa0]+", "", td.text_content() or "")
        if len(label) <= 8 and _TITLE_ROW.match(label):
            nxt = td.getnext()
            while nxt is not None and not isinstance(nxt.tag, str):
                nxt = nxt.getnext()
            if nxt is not None:
                add(nxt.text_content())
    for tag in ("h1", "h2", "h3"):
        for el in body.iter(tag):
            add(el.text_content())
    add(metas.get("title") or metas.get("og:title"))
    add(meta.get("html_title"))
    return out[:12]


# --------------------------------------------------------------------------- main content
def _hidden(el) -> bool:
    attrib = el.attrib
    if not attrib:
        return False
    style = attrib.get("style")
    return bool(style and _HIDDEN.search(style)) or "hidden" in attrib


def _tag(el) -> str:
    t = el.tag
    return t.lower() if isinstance(t, str) else ""


def _cjk_counts(body) -> dict:
    """CJK characters of non-link, visible text under each element (iteratively, bottom-up)."""
    from lxml import etree

    counts: dict = {}
    for event, el in etree.iterwalk(body, events=("end",)):
        tag = _tag(el)
        if tag in SKIP_TAGS or tag == "a" or _hidden(el):
            counts[el] = 0
            continue
        t = el.text
        n = len(_CJK.findall(t)) if t else 0
        for c in el:
            n += counts.get(c, 0)
            t = c.tail
            if t:
                n += len(_CJK.findall(t))
        counts[el] = n
    return counts


def _main_content(body, counts: dict, share: float = 0.8):
    """The deepest element that still holds ``share`` of the page's visible text."""
    total = counts.get(body, 0)
    if total == 0:
        return body
    node = body
    while True:
        kids = [c for c in node if isinstance(c.tag, str)]
        if not kids:
            return node
        best = max(kids, key=lambda c: counts.get(c, 0))
        if counts.get(best, 0) >= share * total:
            node = best
            continue
        return node


def _describe(el) -> str:
    tag = _tag(el)
    ident = el.get("id")
    cls = el.get("class")
    return tag + (f"#{ident}" if ident else "") + (f".{'.'.join(cls.split())}" if cls else "")


# --------------------------------------------------------------------------- tables
def _data_tables(main) -> list:
    """Tables that hold data: a table containing another table is layout; we read the inner ones.
    A main content element inside a layout table cell still finds its own tables."""
    out = []
    for t in main.iter("table"):
        if _hidden(t):
            continue
        if next(t.iterdescendants("table"), None) is not None:
            continue
        out.append(t)
    return out


def _int_attr(el, name: str, cap: int) -> int:
    v = (el.get(name) or "").strip()
    m = re.match(r"\d+", v)
    if not m:
        return 1
    n = int(m.group(0)[:9])
    return min(max(n, 1), cap)


def _own_rows(tbl) -> list:
    rows = []
    for tr in tbl.iter("tr"):
        # the nearest table ancestor must be this one (data tables have no nested tables, but be safe)
        p = tr.getparent()
        while p is not None and _tag(p) != "table":
            p = p.getparent()
        if p is tbl and not _hidden(tr):
            rows.append(tr)
            if len(rows) >= MAX_ROWS:
                break
    return rows


def _table_grid(tbl, t_index: int, budget: list[int]) -> list[list[Cell]]:
    trs = _own_rows(tbl)
    if not trs:
        return []
    nrows = len(trs)
    occupied: dict[tuple[int, int], Cell] = {}
    width = 0
    for r, tr in enumerate(trs):
        c = 0
        for td in tr:
            if _tag(td) not in ("td", "th") or _hidden(td):
                continue
            while (r, c) in occupied:
                c += 1
            if c >= MAX_COLS:
                break
            rs = min(_int_attr(td, "rowspan", MAX_SPAN), nrows - r)
            cs = min(_int_attr(td, "colspan", MAX_SPAN), MAX_COLS - c)
            if rs * cs > budget[0]:
                rs, cs = 1, 1
            text = clean_cell(_cell_text(td))
            for dr in range(rs):
                for dc in range(cs):
                    occupied[(r + dr, c + dc)] = Cell(text if dr == 0 and dc == 0 else "", table=t_index, row=r + dr,
                                                      col=c + dc)
            budget[0] -= rs * cs
            width = max(width, c + cs)
            c += cs
            if budget[0] <= 0:
                break
        if budget[0] <= 0:
            nrows = r + 1
            break
    grid = []
    for r in range(nrows):
        row = [occupied.get((r, c)) or Cell("", table=t_index, row=r, col=c) for c in range(width)]
        grid.append(row)
    # drop rows with no text at all (spacer rows), except a table's last row under text: a
    # figures row printed with every cell blank (table 四 with nothing to report)
    keep_last = len(grid) > 1 and not any(c.text for c in grid[-1]) and any(c.text for c in grid[-2])
    return [row for i, row in enumerate(grid) if any(c.text for c in row) or (keep_last and i == len(grid) - 1)]


def _cell_text(td) -> str:
    return _flatten(td, {}, limit=20_000)


# --------------------------------------------------------------------------- text
def _flatten(root, table_rows: dict, limit: int = 2_000_000) -> str:
    """Visible text with line breaks at block boundaries; tables from ``table_rows`` as one line
    per row. Iterative."""
    from lxml import etree

    out: list[str] = []
    size = 0
    skipping = None
    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = _tag(el)
        if skipping is not None:
            if event == "end" and el is skipping:
                skipping = None
                if el is not root and el.tail:
                    out.append(el.tail)
            continue
        if event == "start":
            if el is not root and (tag in SKIP_TAGS or _hidden(el) or not isinstance(el.tag, str)):
                skipping = el
                continue
            if tag == "table" and id(el) in table_rows:
                out.append("\n")
                for row in table_rows[id(el)]:
                    out.append(" ".join(c.text for c in row if c.text) + "\n")
                skipping = el
                continue
            if tag in BLOCK_TAGS:
                out.append("\n")
            if tag in ("td", "th"):
                out.append(" ")
            if el.text:
                out.append(el.text)
                size += len(el.text)
        else:
            if tag in BLOCK_TAGS:
                out.append("\n")
            if el is not root and el.tail:
                out.append(el.tail)
                size += len(el.tail)
        if size > limit:
            break
    text = "".join(out).replace("\xa0", " ").replace("\u3000", " ")
    lines = [re.sub(r"[ \t\r\f\v]+", " ", ln).strip() for ln in text.split("\n")]
    return "\n".join(ln for ln in lines if ln)


def _text(main, table_rows: dict, limit: int = 2_000_000) -> str:
    return _flatten(main, table_rows, limit=limit)


def _rows_from_text(text: str) -> list[list[Cell]]:
    """Rows for a report whose tables are paragraphs: the text reader's grouping when it exists,
    else one row per line, cells split at spaces."""
    try:
        from extract.readers.text import read_text
    except ImportError:
        read_text = None
    if read_text is not None:
        try:
            return read_text(text.encode("utf-8")).rows
        except Exception:  # noqa: BLE001 - the text reader's own errors: fall back below
            pass
    rows = []
    for i, line in enumerate(text.split("\n")):
        parts = [p for p in re.split(r"\s+", line.strip()) if p]
        if parts:
            rows.append([Cell(clean_cell(p), table=None, row=i, col=j) for j, p in enumerate(parts)])
    return rows
