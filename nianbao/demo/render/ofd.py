"""OFD rendering (GB/T 33190): A4 pages of text objects and path rulings, laid out here.

The package: ``OFD.xml`` (DocInfo: title, author, creation date) → ``Doc_0/Document.xml``
(page area, public resources, one template page with the ``- N -`` footer line) → one
``Pages/Page_N/Content.xml`` per page. Text runs are ``TextObject``s with ``TextCode`` X/Y and
``DeltaX`` (``g N d`` compressed); vertical headers are one run stepping down with ``DeltaY``;
every table cell is a closed rectangle ``PathObject`` (``M … L … C``), split at a page break like
a word processor does (the label stays in the first part). Millimetres, origin top left.
"""
from __future__ import annotations

import io
import zipfile

from nianbao.demo.render.model import Table, build_sections, date_cn, placed, title_of

NS = "http://www.ofdspec.org/2016"
PAGE_W, PAGE_H = 210.0, 297.0
LEFT, RIGHT, TOP, BOTTOM = 28.0, 26.0, 30.0, 30.0
BODY, BODY_LINE = 4.2, 7.4  # font size and line pitch, mm (12 pt)
TITLE, TITLE_LINE = 7.0, 10.5
CELL, CELL_LINE, PAD = 3.2, 4.3, 1.2  # table text (9 pt)
FONTS = {"body": ("2", "仿宋_GB2312"), "head": ("3", "黑体"), "title": ("4", "方正小标宋简体"), "cell": ("5", "宋体")}


def _wide(ch: str) -> bool:
    o = ord(ch)
    return o >= 0x1100 and not (0xFF61 <= o <= 0xFFDC)


def _advance(ch: str, size: float) -> float:
    return size if _wide(ch) else size / 2


def _wrap(text: str, width: float, size: float, indent: float = 0.0) -> list[str]:
    lines, cur, used = [], "", indent
    for ch in text:
        adv = _advance(ch, size)
        if cur and used + adv > width + 1e-6:
            lines.append(cur)
            cur, used = "", 0.0
        cur += ch
        used += adv
    if cur or not lines:
        lines.append(cur)
    return lines


def _fmt(v: float) -> str:
    s = f"{v:.3f}".rstrip("0").rstrip(".")
    return s if s not in ("-0", "") else "0"


def _deltas(values: list[float]) -> str:
    """DeltaX/DeltaY with runs of three or more equal steps written ``g N d``."""
    out, i = [], 0
    while i < len(values):
        j = i
        while j < len(values) and abs(values[j] - values[i]) < 1e-9:
            j += 1
        n = j - i
        out.append(f"g {n} {_fmt(values[i])}" if n >= 3 else " ".join([_fmt(values[i])] * n))
        i = j
    return " ".join(out)


class _Writer:
    def __init__(self):
        self.pages: list[list[str]] = [[]]
        self.next_id = 100

    def _id(self) -> int:
        self.next_id += 1
        return self.next_id

    @property
    def objects(self) -> list[str]:
        return self.pages[-1]

    def on(self, page: int | None) -> list[str]:
        return self.pages[-1 if page is None else page]

    def new_page(self) -> None:
        self.pages.append([])

    def text(self, x: float, baseline: float, s: str, size: float, font: str = "body", page: int | None = None) -> None:
        if not s:
            return
        from xml.sax.saxutils import escape

        steps = [_advance(ch, size) for ch in s]
        width = sum(steps)
        self.on(page).append(
            f'<ofd:TextObject ID="{self._id()}" Boundary="{_fmt(x)} {_fmt(baseline - size)} {_fmt(width)} '
            f'{_fmt(size * 1.3)}" Font="{FONTS[font][0]}" Size="{_fmt(size)}"><ofd:FillColor Value="0 0 0"/>'
            f'<ofd:TextCode X="0" Y="{_fmt(size)}" DeltaX="{_deltas(steps[:-1])}">{escape(s)}</ofd:TextCode>'
            f'</ofd:TextObject>')

    def vertical(self, x: float, first_baseline: float, s: str, size: float, pitch: float, page: int | None = None) -> None:
        from xml.sax.saxutils import escape

        self.on(page).append(
            f'<ofd:TextObject ID="{self._id()}" Boundary="{_fmt(x)} {_fmt(first_baseline - size)} {_fmt(size)} '
            f'{_fmt(pitch * len(s) + size * 0.3)}" Font="{FONTS["cell"][0]}" Size="{_fmt(size)}">'
            f'<ofd:FillColor Value="0 0 0"/><ofd:TextCode X="0" Y="{_fmt(size)}" '
            f'DeltaY="{_deltas([pitch] * (len(s) - 1))}">{escape(s)}</ofd:TextCode></ofd:TextObject>')

    def rect(self, x0: float, y0: float, x1: float, y1: float, page: int | None = None) -> None:
        w, h = x1 - x0, y1 - y0
        self.on(page).append(
            f'<ofd:PathObject ID="{self._id()}" Boundary="{_fmt(x0)} {_fmt(y0)} {_fmt(w)} {_fmt(h)}" LineWidth="0.25">'
            f'<ofd:StrokeColor Value="0 0 0"/><ofd:AbbreviatedData>M 0 0 L {_fmt(w)} 0 L {_fmt(w)} {_fmt(h)} '
            f'L 0 {_fmt(h)} C</ofd:AbbreviatedData></ofd:PathObject>')


class _Flow:
    """A cursor down the pages' text area."""

    def __init__(self, w: _Writer):
        self.w = w
        self.y = TOP

    def need(self, h: float) -> None:
        if self.y + h > PAGE_H - BOTTOM and self.y > TOP:
            self.w.new_page()
            self.y = TOP

    def paragraph(self, text: str, *, size: float = BODY, pitch: float = BODY_LINE, font: str = "body",
                  align: str = "justify", indent: bool = True) -> None:
        width = PAGE_W - LEFT - RIGHT
        first = 2 * size if indent and align == "justify" else 0.0
        for i, line in enumerate(_wrap(text, width, size, first)):
            self.need(pitch)
            lw = sum(_advance(ch, size) for ch in line)
            x = LEFT + (first if i == 0 else 0.0)
            if align == "center":
                x = LEFT + (width - lw) / 2
            elif align == "right":
                x = PAGE_W - RIGHT - lw
            self.w.text(x, self.y + size, line, size, font)
            self.y += pitch

    def table(self, t: Table) -> None:
        width = PAGE_W - LEFT - RIGHT
        total = sum(t.col_widths) or t.ncols
        widths = [width * cw / total for cw in (t.col_widths or [1] * t.ncols)]
        xs = [LEFT]
        for cw in widths:
            xs.append(xs[-1] + cw)
        cells = placed(t)
        nrows = len(t.rows)

        def lines_of(c, cell) -> list[str]:
            if cell.vertical:
                return list(cell.text)
            w = xs[c + cell.colspan] - xs[c] - 2 * PAD
            return _wrap(cell.text, w, CELL) if cell.text else []

        heights = [CELL_LINE + 2 * PAD] * nrows
        for r, c, cell in cells:
            if cell.rowspan == 1:
                heights[r] = max(heights[r], len(lines_of(c, cell)) * CELL_LINE + 2 * PAD)
        for r, c, cell in cells:  # a spanning cell taller than its rows grows the last of them
            if cell.rowspan > 1:
                need = len(lines_of(c, cell)) * CELL_LINE + 2 * PAD
                have = sum(heights[r:r + cell.rowspan])
                if need > have:
                    heights[r + cell.rowspan - 1] += need - have
        # place rows on pages: (page index, top) per row
        where: list[tuple[int, float]] = []
        for r in range(nrows):
            self.need(heights[r])
            where.append((len(self.w.pages) - 1, self.y))
            self.y += heights[r]
        for r, c, cell in cells:
            parts: list[tuple[int, float, float]] = []  # page, top, bottom of each piece of the cell
            for rr in range(r, r + cell.rowspan):
                pg, top = where[rr]
                if parts and parts[-1][0] == pg:
                    parts[-1] = (pg, parts[-1][1], top + heights[rr])
                else:
                    parts.append((pg, top, top + heights[rr]))
            x0, x1 = xs[c], xs[c + cell.colspan]
            for pg, top, bottom in parts:
                self.w.rect(x0, top, x1, bottom, page=pg)
            lines = lines_of(c, cell)
            if not lines:
                continue
            # the text goes in the first piece tall enough for it (else the tallest)
            h_need = len(lines) * CELL_LINE
            pg, top, bottom = next((p for p in parts if p[2] - p[1] - 2 * PAD >= h_need - 1e-6),
                                   max(parts, key=lambda p: p[2] - p[1]))
            y = top + (bottom - top - h_need) / 2
            baseline = y + CELL + (CELL_LINE - CELL) / 2
            if cell.vertical:
                self.w.vertical((x0 + x1 - CELL) / 2, baseline, cell.text, CELL, CELL_LINE, page=pg)
                continue
            for line in lines:
                lw = sum(_advance(ch, CELL) for ch in line)
                x = x0 + PAD if cell.align == "left" else (x0 + x1 - lw) / 2
                self.w.text(x, baseline, line, CELL, "cell", page=pg)
                baseline += CELL_LINE


class _Stamped:
    """Entries with a fixed timestamp: the same report renders to the same bytes."""

    def __init__(self, zf: zipfile.ZipFile):
        self.zf = zf

    def writestr(self, name: str, text: str) -> None:
        info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        self.zf.writestr(info, text)


def _package(report: dict, pages: list[list[str]]) -> bytes:
    from xml.sax.saxutils import escape

    title = escape(title_of(report))
    author = escape(report.get("agency") or "")
    created = escape((report.get("published_date") or "")[:10])
    ofd = (f'<?xml version="1.0" encoding="UTF-8"?>\n<ofd:OFD xmlns:ofd="{NS}" Version="1.1" DocType="OFD">'
           f'<ofd:DocBody><ofd:DocInfo><ofd:DocID>nianbao-render</ofd:DocID><ofd:Title>{title}</ofd:Title>'
           f'<ofd:Author>{author}</ofd:Author>' + (f'<ofd:CreationDate>{created}</ofd:CreationDate>' if created else "")
           + '<ofd:Creator>nianbao.render</ofd:Creator></ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot>'
           '</ofd:DocBody></ofd:OFD>')
    page_refs = "".join(f'<ofd:Page ID="{10 + i}" BaseLoc="Pages/Page_{i}/Content.xml"/>' for i in range(len(pages)))
    document = (f'<?xml version="1.0" encoding="UTF-8"?>\n<ofd:Document xmlns:ofd="{NS}"><ofd:CommonData>'
                f'<ofd:MaxUnitID>{100000}</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 {_fmt(PAGE_W)} '
                f'{_fmt(PAGE_H)}</ofd:PhysicalBox></ofd:PageArea><ofd:PublicRes>PublicRes.xml</ofd:PublicRes>'
                f'<ofd:TemplatePage ID="5" BaseLoc="Tpls/Tpl_0/Content.xml"/></ofd:CommonData>'
                f'<ofd:Pages>{page_refs}</ofd:Pages></ofd:Document>')
    fonts = "".join(f'<ofd:Font ID="{fid}" FontName="{name}" FamilyName="{name}"/>' for fid, name in FONTS.values())
    public = (f'<?xml version="1.0" encoding="UTF-8"?>\n<ofd:Res xmlns:ofd="{NS}" BaseLoc="Res">'
              f'<ofd:Fonts>{fonts}</ofd:Fonts></ofd:Res>')
    # the template: a thin rule above the footer on every page (a real template's furniture)
    template = (f'<?xml version="1.0" encoding="UTF-8"?>\n<ofd:Page xmlns:ofd="{NS}"><ofd:Content>'
                f'<ofd:Layer ID="6"><ofd:PathObject ID="7" Boundary="{_fmt(LEFT)} {_fmt(PAGE_H - 22)} '
                f'{_fmt(PAGE_W - LEFT - RIGHT)} 1" LineWidth="0.2"><ofd:AbbreviatedData>M 0 0 L '
                f'{_fmt(PAGE_W - LEFT - RIGHT)} 0</ofd:AbbreviatedData></ofd:PathObject></ofd:Layer>'
                '</ofd:Content></ofd:Page>')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as raw_zf:
        zf = _Stamped(raw_zf)
        zf.writestr("OFD.xml", ofd)
        zf.writestr("Doc_0/Document.xml", document)
        zf.writestr("Doc_0/PublicRes.xml", public)
        zf.writestr("Doc_0/Tpls/Tpl_0/Content.xml", template)
        for i, objects in enumerate(pages):
            footer = _Writer()
            footer.next_id = 90000 + i * 10
            label = f"- {i + 1} -"
            lw = sum(_advance(ch, BODY) for ch in label)
            footer.text((PAGE_W - lw) / 2, PAGE_H - 16, label, BODY)
            body = "".join(objects + footer.objects)
            zf.writestr(f"Doc_0/Pages/Page_{i}/Content.xml",
                        f'<?xml version="1.0" encoding="UTF-8"?>\n<ofd:Page xmlns:ofd="{NS}"><ofd:Area>'
                        f'<ofd:PhysicalBox>0 0 {_fmt(PAGE_W)} {_fmt(PAGE_H)}</ofd:PhysicalBox></ofd:Area>'
                        f'<ofd:Template TemplateID="5" ZOrder="Background"/><ofd:Content>'
                        f'<ofd:Layer ID="{20 + i}">{body}</ofd:Layer></ofd:Content></ofd:Page>')
    return buf.getvalue()


def render_ofd(report: dict, prose: list[str] | None = None) -> bytes:
    w = _Writer()
    flow = _Flow(w)
    intro, sections = build_sections(report, prose)
    flow.paragraph(title_of(report), size=TITLE, pitch=TITLE_LINE, font="title", align="center", indent=False)
    flow.y += 3
    for p in intro:
        flow.paragraph(p)
    for s in sections:
        flow.paragraph(s.heading, font="head")
        for p in s.paragraphs:
            flow.paragraph(p)
        if s.table is not None:
            flow.y += 1
            flow.table(s.table)
            flow.y += BODY_LINE / 2
    if report.get("published_date"):
        flow.y += BODY_LINE
        flow.paragraph(report.get("agency") or "", align="right", indent=False)
        flow.paragraph(date_cn(report["published_date"]), align="right", indent=False)
    return _package(report, w.pages)
