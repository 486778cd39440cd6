"""OFD reader (GB/T 33190, China's fixed-layout format): text objects and path rulings of each
page → the same ``LayoutPage`` seam and table reconstruction as PDF (``extract.readers.layout``).

An OFD is a zip of XML: ``OFD.xml`` → ``DocBody/DocRoot`` (``Doc_0/Document.xml``) →
``Pages/Page/@BaseLoc`` (``Pages/Page_0/Content.xml``); templates (``CommonData/TemplatePage``,
used by a page's ``Template``) add their objects beneath the page's. Read here:

- ``TextObject`` (``Boundary``, ``Size``, ``CTM``) with its ``TextCode`` runs (``X``, ``Y`` the
  baseline of the first glyph, ``DeltaX``/``DeltaY`` the steps to the next ones, ``g N d``
  repeating ``d`` N times);
- ``PathObject`` (``Boundary``, ``CTM``, ``Stroke``/``Fill``) with ``AbbreviatedData``
  (``S``/``M`` move, ``L`` line, ``Q``/``B`` Béziers, ``A`` arc, ``C``/``Z`` close): the rulings,
  classified as pdfminer classifies PDF paths (lines, rects, curves);
- ``PageBlock`` groups, recursively; images, fonts and colours are not needed.

Object coordinates: ``CTM`` first, then the ``Boundary`` origin; millimetres with the origin at
the top left (converted to points; pdfplumber's convention is top-left too). No library on PyPI
reads OFD geometry reliably (``easyofd`` converts via PyMuPDF, ``ofdparser`` is unmaintained,
``ofdkit``/``ofdreader`` are young 0.x text readers), so lxml reads the XML. The zip is bounded:
entry count, each entry's real (not declared) size, and the total (``zip_bomb`` otherwise).
"""
from __future__ import annotations

import io
import posixpath
import re
import zipfile

from extract.document import Document, ExtractionError  # noqa: F401 - ExtractionError re-exported
from extract.errors import MAX_ZIP_RATIO, MAX_ZIP_UNCOMPRESSED, error
from extract.readers.layout import LayoutPage, TableReader, finish_edges, paint_path

MM = 72 / 25.4  # points per millimetre
MAX_ENTRIES = 20_000
MAX_XML_BYTES = 64 * 1024 * 1024  # one page's content
MAX_PAGES = 2000
MAX_TABLE_PAGES = 60
MAX_OBJECTS_PER_PAGE = 200_000
MAX_BLOCK_DEPTH = 32
MAX_CHARS = 100_000  # per page (a dense report page holds ~3,000)
DESCENT = 0.2  # of the font size below the baseline: fonts are not read for their metrics
_NUM = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def read_ofd(data: bytes) -> Document:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise error("malformed", f"OFD: not a readable zip ({exc})") from exc
    with zf:
        pkg = _Package(zf, len(data))
        ofd = pkg.xml("OFD.xml")
        body = _first(ofd, "DocBody")
        root_loc = _text(_first(body, "DocRoot")) if body is not None else ""
        if not root_loc:
            raise error("malformed", "OFD: OFD.xml names no DocRoot")
        doc_path = pkg.resolve("", root_loc)
        document = pkg.xml(doc_path)
        base = posixpath.dirname(doc_path)
        meta = _doc_info(body)
        common = _first(document, "CommonData")
        default_box = _box(_first(_first(common, "PageArea"), "PhysicalBox")) if common is not None else None
        templates = {t.get("ID"): pkg.resolve(base, t.get("BaseLoc", "")) for t in _all(common, "TemplatePage")} \
            if common is not None else {}
        page_locs = [pkg.resolve(base, p.get("BaseLoc", "")) for p in _all(_first(document, "Pages"), "Page")]
        if not page_locs:
            raise error("malformed", "OFD: Document.xml lists no pages")
        out = Document(format="ofd", pages=len(page_locs), meta=meta)
        if len(page_locs) > MAX_PAGES:
            out.warnings.append(f"long OFD: {MAX_PAGES} of {len(page_locs)} pages read")
        tables = TableReader(out)
        texts: list[str] = []
        n_chars = 0
        for pno, loc in enumerate(page_locs[:MAX_PAGES], start=1):
            page_xml = pkg.xml(loc)
            box = _box(_first(_first(page_xml, "Area"), "PhysicalBox")) or default_box or (0.0, 0.0, 210.0, 297.0)
            layers = []
            for tpl in _all(page_xml, "Template"):  # templates are drawn beneath the page
                loc_t = templates.get(tpl.get("TemplateID"))
                if loc_t:
                    layers.append(pkg.xml(loc_t))
            layers.append(page_xml)
            chars, edges = [], []
            for layer in layers:
                content = _first(layer, "Content")
                if content is not None:
                    _walk(content, chars, edges, [MAX_OBJECTS_PER_PAGE], 0)
            width, height = (box[2]) * MM, (box[3]) * MM
            page = LayoutPage(chars, finish_edges(edges, 0.0), width, height, pno)  # y was negated
            n_chars += sum(1 for c in chars if not c["text"].isspace())
            texts.append("")
            if pno <= MAX_TABLE_PAGES:
                tables.add_page(page, pno)
            else:
                texts[-1] = page.extract_text()
        if not n_chars:
            raise error("needs_ocr", "OFD pages hold no text objects (images only)")
        out.rows, page_texts = tables.finish()
        out.text = "\n".join(page_texts.get(i, t) for i, t in enumerate(texts, start=1))
        return out


# --------------------------------------------------------------------------- package
class _Package:
    """The zip, read within bounds."""

    def __init__(self, zf: zipfile.ZipFile, size: int):
        self.zf = zf
        infos = zf.infolist()
        if len(infos) > MAX_ENTRIES:
            raise error("zip_bomb", f"OFD with {len(infos)} entries")
        self.names = {i.filename.lstrip("/"): i for i in infos}
        self.lower = {n.lower(): n for n in self.names}
        self.budget = min(MAX_ZIP_UNCOMPRESSED, max(size, 1) * MAX_ZIP_RATIO + 10 * 1024 * 1024)
        self.cache: dict[str, object] = {}

    def resolve(self, base: str, loc: str) -> str:
        loc = (loc or "").strip().replace("\\", "/")
        path = loc.lstrip("/") if loc.startswith("/") else posixpath.join(base, loc)
        return posixpath.normpath(path)

    def read(self, name: str) -> bytes:
        key = name if name in self.names else self.lower.get(name.lower())
        if key is None:
            raise error("malformed", f"OFD: {name} is missing from the package")
        info = self.names[key]
        cap = min(MAX_XML_BYTES, self.budget)
        try:
            with self.zf.open(info) as f:
                data = f.read(cap + 1)  # the real size, whatever the header declares
        except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError, ValueError) as exc:
            raise error("malformed", f"OFD: cannot unpack {name} ({exc})") from exc
        if len(data) > cap:
            raise error("zip_bomb", f"OFD entry {name} expands beyond {cap} bytes")
        self.budget -= len(data)
        return data

    def xml(self, name: str):
        if name in self.cache:
            return self.cache[name]
        from lxml import etree

        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                                 remove_comments=True, recover=False)
        try:
            root = etree.fromstring(self.read(name), parser)
        except etree.XMLSyntaxError as exc:
            raise error("malformed", f"OFD: {name} is not well-formed XML ({exc})") from exc
        self.cache[name] = root
        return root


def _local(el) -> str:
    tag = el.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _first(el, name: str):
    if el is None:
        return None
    for child in el:
        if _local(child) == name:
            return child
    return None


def _all(el, name: str) -> list:
    if el is None:
        return []
    return [c for c in el if _local(c) == name]


def _text(el) -> str:
    return (el.text or "").strip() if el is not None else ""


def _doc_info(body) -> dict:
    meta: dict = {}
    info = _first(body, "DocInfo") if body is not None else None
    for key, name in (("title", "Title"), ("ofd_author", "Author"), ("ofd_creator", "Creator"),
                      ("ofd_created", "CreationDate")):
        v = _text(_first(info, name))
        if v:
            meta[key] = v
    return meta


def _numbers(s: str | None) -> list[float]:
    return [float(x) for x in _NUM.findall(s or "")]


def _box(el) -> tuple[float, float, float, float] | None:
    v = _numbers(el.text if el is not None else None)
    return (v[0], v[1], v[2], v[3]) if len(v) == 4 and v[2] > 0 and v[3] > 0 else None


def _deltas(s: str | None, limit: int) -> list[float]:
    """``DeltaX``/``DeltaY``: numbers, where ``g N d`` stands for N times d; at most ``limit``
    (the run's glyph count: a hostile ``g 999999999 1`` expands no further)."""
    out: list[float] = []
    toks = (s or "").split()
    i = 0
    while i < len(toks) and len(out) < limit:
        if toks[i] == "g" and i + 2 < len(toks):
            try:
                n, d = int(float(toks[i + 1])), float(toks[i + 2])
            except ValueError:
                break
            out.extend([d] * max(0, min(n, limit - len(out))))
            i += 3
            continue
        try:
            out.append(float(toks[i]))
        except ValueError:
            pass
        i += 1
    return out


# --------------------------------------------------------------------------- objects
def _walk(el, chars: list[dict], edges: list[dict], budget: list[int], depth: int) -> None:
    if depth > MAX_BLOCK_DEPTH:
        return
    for child in el:
        name = _local(child)
        if name in ("Layer", "PageBlock"):
            _walk(child, chars, edges, budget, depth + 1)
            continue
        if name not in ("TextObject", "PathObject"):
            continue
        budget[0] -= 1
        if budget[0] < 0:
            return
        try:
            if name == "TextObject":
                _text_object(child, chars)
            else:
                _path_object(child, edges)
        except (ValueError, IndexError, OverflowError):
            continue  # one damaged object does not lose the page


def _placement(obj) -> tuple[float, ...]:
    """Object space → page millimetres: CTM, then the Boundary origin."""
    bx, by = (_numbers(obj.get("Boundary")) + [0.0, 0.0])[:2]
    ctm = _numbers(obj.get("CTM"))
    a, b, c, d, e, f = ctm if len(ctm) == 6 else _IDENTITY
    return a, b, c, d, e + bx, f + by


def _wide(ch: str) -> bool:
    o = ord(ch)
    return o >= 0x1100 and not (0xFF61 <= o <= 0xFFDC)


def _text_object(obj, chars: list[dict]) -> None:
    size = float(obj.get("Size") or 0) or 3.5
    a, b, c, d, e, f = _placement(obj)
    scale = (c * c + d * d) ** 0.5 or 1.0  # the CTM's vertical scale (text size on the page)
    size_pt = size * scale * MM
    upright = a * d > 0 and abs(b) < 1e-9 and abs(c) < 1e-9
    x = y = 0.0
    for code in _all(obj, "TextCode"):
        text = code.text or ""
        if code.get("X") is not None:
            x = float(code.get("X"))
        if code.get("Y") is not None:
            y = float(code.get("Y"))
        dxs, dys = _deltas(code.get("DeltaX"), len(text)), _deltas(code.get("DeltaY"), len(text))
        if len(chars) + len(text) > MAX_CHARS:
            text = text[: max(0, MAX_CHARS - len(chars))]
        for i, ch in enumerate(text):
            adv = size if _wide(ch) else size / 2
            if i < len(dxs) and not dys:
                adv = dxs[i] if dxs[i] > 0 else adv
            # glyph box in object space (y down): baseline at y, DESCENT below, size tall
            x0o, x1o = x, x + adv
            bottom_o = y + DESCENT * size
            top_o = bottom_o - size
            if dys and not dxs:  # a vertical run: glyphs full width
                x1o = x + (size if _wide(ch) else size / 2)
            pts = [(a * px + c * py + e, b * px + d * py + f) for px, py in
                   ((x0o, top_o), (x1o, top_o), (x0o, bottom_o), (x1o, bottom_o))]
            x0, x1 = min(p[0] for p in pts) * MM, max(p[0] for p in pts) * MM
            top, bottom = min(p[1] for p in pts) * MM, max(p[1] for p in pts) * MM
            if not ch.isspace() or ch == " ":
                chars.append({"text": ch, "x0": x0, "x1": x1, "top": top, "bottom": bottom, "doctop": top,
                              "width": x1 - x0, "height": bottom - top, "size": size_pt, "upright": upright,
                              "object_type": "char"})
            if i < len(dxs):
                x += dxs[i]
            elif not dys:
                x += adv
            if i < len(dys):
                y += dys[i]
        # the next TextCode without X/Y continues where this one ends


def _path_object(obj, edges: list[dict]) -> None:
    stroke = (obj.get("Stroke") or "true").lower() != "false"
    fill = (obj.get("Fill") or "false").lower() == "true"
    if not stroke and not fill:
        return  # not painted
    data = _first(obj, "AbbreviatedData")
    toks = (data.text or "").split() if data is not None else []
    if not toks:
        return
    a, b, c, d, e, f = _placement(obj)

    def pt(px: float, py: float) -> tuple[float, float]:
        # page millimetres → points, y flipped up for paint_path (finish_edges flips it back)
        return (a * px + c * py + e) * MM, -(b * px + d * py + f) * MM

    ops: list[tuple[str, float, float]] = []
    start = None
    i = 0
    nargs = {"M": 2, "S": 2, "L": 2, "Q": 4, "B": 6, "A": 7, "C": 0, "Z": 0}
    while i < len(toks):
        op = toks[i].upper()
        if op not in nargs:
            i += 1
            continue
        n = nargs[op]
        args = [float(v) for v in toks[i + 1: i + 1 + n]]
        if len(args) < n:
            break
        i += 1 + n
        if op in ("M", "S"):
            start = pt(args[0], args[1])
            ops.append(("m", *start))
        elif op == "L":
            ops.append(("l", *pt(args[0], args[1])))
        elif op in ("Q", "B", "A"):  # curves: the end point, as pdfminer keeps Béziers by their chords
            ops.append(("c", *pt(args[-2], args[-1])))
        elif start is not None:  # C / Z: close
            ops.append(("h", *start))
    paint_path(ops, edges)


__all__ = ["read_ofd", "ExtractionError"]
