"""DOCX reader (and DOC/WPS/RTF/ODT through LibreOffice → DOCX).

Reads ``word/document.xml`` — the same XML python-docx wraps — directly with lxml, so that
paragraphs and tables come out in body order, merged cells (``gridSpan``, ``vMerge``,
``gridBefore``) land on the right grid positions, and the zip is guarded: sizes are checked
before inflating, the XML part is read with a hard cap (a lying zip header cannot blow it up),
and the parser never resolves entities or touches the network.
"""
from __future__ import annotations

import io
import re
import zipfile

from extract.document import Cell, Document, ExtractionError
from extract.errors import MAX_ZIP_RATIO, MAX_ZIP_UNCOMPRESSED, error
from extract.readers.common import clean_cell
from extract.readers.pictures import Picture, read_table_pictures

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = "{%s}" % W
MAX_PART = 64 * 1024 * 1024  # document.xml larger than this is not a report
MAX_COLS = 200


def _q(tag: str) -> str:
    return _W + tag


def read_docx(data: bytes, *, fmt: str = "docx") -> Document:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise error("malformed", f"not a readable zip ({exc})") from exc
    with zf:
        infos = {i.filename: i for i in zf.infolist()}
        total = sum(i.file_size for i in infos.values())
        packed = sum(i.compress_size for i in infos.values()) or 1
        if total > MAX_ZIP_UNCOMPRESSED:
            raise error("zip_bomb", f"declares {total} bytes uncompressed")
        if total > 10 * 1024 * 1024 and total / packed > MAX_ZIP_RATIO:
            raise error("zip_bomb", f"compression ratio {total / packed:.0f}:1")
        info = infos.get("word/document.xml")
        if info is None:
            raise error("malformed", "no word/document.xml in the package")
        xml = _read_capped(zf, info, MAX_PART)
        core = _read_capped(zf, infos["docProps/core.xml"], 1 << 20) if "docProps/core.xml" in infos else b""
        rels_info = infos.get("word/_rels/document.xml.rels")
        rels = _image_rels(_read_capped(zf, rels_info, 1 << 20)) if rels_info is not None else {}
        media = {rid: _read_capped(zf, infos[target], MAX_PICTURE) for rid, target in rels.items()
                 if target in infos and infos[target].file_size <= MAX_PICTURE}
    root = _parse(xml)
    body = root.find(_q("body"))
    if body is None:
        raise error("malformed", "word/document.xml has no w:body")
    doc = Document(format=fmt)
    doc.meta.update(_core_meta(core))
    lines: list[str] = []
    rows: list[list[Cell]] = []
    t_index = 0
    pictures: list[Picture] = []
    for kind, el in _body_blocks(body):
        if kind == "p":
            for rid in _picture_ids(el):
                if rid in media:
                    pictures.append(Picture(line=len(lines), row=len(rows), data=media[rid]))
            txt = _para_text(el)
            if txt.strip():
                lines.append(txt.strip())
        else:
            grid = _table_grid(el, t_index)
            t_index += 1
            for row in grid:
                rows.append(row)
                line = " ".join(c.text for c in row if c.text)
                if line:
                    lines.append(line)
    doc.rows = rows
    doc.text = "\n".join(lines)
    if not doc.text.strip():
        doc.warnings.append("the Word document holds no text")
    if pictures:
        read_table_pictures(doc, pictures)
    return doc


_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_BLIP = "{http://schemas.openxmlformats.org/drawingml/2006/main}blip"
_VML_IMAGE = "{urn:schemas-microsoft-com:vml}imagedata"
MAX_PICTURE = 20 * 1024 * 1024


def _image_rels(xml: bytes) -> dict[str, str]:
    """Relationship id -> zip path of the document's images."""
    out = {}
    for m in re.finditer(rb"<Relationship\b[^>]*>", xml):
        tag = m.group(0)
        rid = re.search(rb'\bId="([^"]+)"', tag)
        target = re.search(rb'\bTarget="([^"]+)"', tag)
        if rid and target and b"/image" in tag and b'TargetMode="External"' not in tag:
            t = target.group(1).decode("utf-8", "replace").lstrip("/")
            out[rid.group(1).decode()] = t if t.startswith("word/") else "word/" + t
    return out


def _picture_ids(p) -> list[str]:
    ids = [b.get(_R + "embed") for b in p.iter(_BLIP)] + [v.get(_R + "id") for v in p.iter(_VML_IMAGE)]
    return [i for i in ids if i]


def _read_capped(zf: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> bytes:
    """Inflate one member, stopping at ``cap`` bytes whatever the header claims."""
    if info.file_size > cap:
        raise error("zip_bomb" if info.compress_size and info.file_size / info.compress_size > MAX_ZIP_RATIO
                    else "too_large", f"{info.filename} is {info.file_size} bytes")
    out = bytearray()
    try:
        with zf.open(info) as fh:
            while True:
                chunk = fh.read(1 << 20)
                if not chunk:
                    break
                out += chunk
                if len(out) > cap:
                    raise error("zip_bomb", f"{info.filename} inflates past {cap} bytes (header said {info.file_size})")
    except ExtractionError:
        raise
    except (zipfile.BadZipFile, zlib_error(), OSError, EOFError, RuntimeError, NotImplementedError) as exc:
        raise error("malformed", f"{info.filename} cannot be inflated ({exc})") from exc
    return bytes(out)


def zlib_error():
    import zlib

    return zlib.error


def _parse(xml: bytes):
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False,
                             remove_comments=True)
    try:
        root = etree.fromstring(xml, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise error("malformed", f"word/document.xml is not XML ({exc})") from exc
    if root is None or root.tag != _q("document"):
        raise error("malformed", "word/document.xml is not a WordprocessingML document")
    return root


def _core_meta(core: bytes) -> dict:
    if not core:
        return {}
    out = {}
    for tag, key in (("title", "docx_title"), ("creator", "docx_author"), ("created", "docx_created"),
                     ("modified", "docx_modified")):
        m = re.search(rb"<[\w:]*" + tag.encode() + rb"\b[^>]*>([^<]{1,500})<", core)
        if m:
            out[key] = m.group(1).decode("utf-8", "replace").strip()
    return out


def _body_blocks(body):
    """(kind, element) for paragraphs and tables in body order, looking inside content controls."""
    stack = list(reversed(list(body)))
    while stack:
        el = stack.pop()
        tag = el.tag
        if tag == _q("p"):
            yield "p", el
        elif tag == _q("tbl"):
            yield "tbl", el
        elif tag in (_q("sdt"), _q("sdtContent"), _q("customXml"), _q("smartTag")):
            stack.extend(reversed(list(el)))


def _para_text(p) -> str:
    out = []
    for el in p.iter(_q("t"), _q("tab"), _q("br"), _q("cr"), _q("p")):
        if el.tag == _q("t"):
            out.append(el.text or "")
        elif el.tag == _q("tab"):
            out.append("\t")
        elif el.tag in (_q("br"), _q("cr")):
            out.append("\n")
        elif el is not p:
            out.append("\n")
    return "".join(out)


def _cell_text(tc) -> str:
    parts = []
    for p in tc.iter(_q("p")):
        parts.append(_para_text(p))
    return "\n".join(parts)


def _int(el, default: int = 1) -> int:
    if el is None:
        return default
    v = el.get(_q("val"))
    try:
        return max(1, min(int(v), MAX_COLS))
    except (TypeError, ValueError):
        return default


def _grid_widths(tbl) -> list[int]:
    grid = tbl.find(_q("tblGrid"))
    out = []
    if grid is not None:
        for gc in grid.iterchildren(_q("gridCol")):
            try:
                out.append(int(float(gc.get(_q("w")) or 0)))
            except ValueError:
                out.append(0)
    return out


def _table_grid(tbl, t_index: int) -> list[list[Cell]]:
    """Rows of a table on its grid. Merged cells: text at the first position, '' elsewhere.
    Sliver grid columns (a few twips wide, left by misaligned borders — Word and LibreOffice
    both make them) are folded away so that values stay under their headers."""
    placements: list[list[tuple[int, int, str]]] = []  # per row: (start col, span, text)
    width = 0
    for tr in tbl.iterchildren(_q("tr")):
        trpr = tr.find(_q("trPr"))
        c = _int(trpr.find(_q("gridBefore")), 0) if trpr is not None else 0
        row: list[tuple[int, int, str]] = []
        for tc in tr.iterchildren(_q("tc"), _q("sdt")):
            tcs = [tc] if tc.tag == _q("tc") else list(tc.iter(_q("tc")))
            for cell in tcs:
                tcpr = cell.find(_q("tcPr"))
                span = _int(tcpr.find(_q("gridSpan"))) if tcpr is not None else 1
                vm = tcpr.find(_q("vMerge")) if tcpr is not None else None
                cont = vm is not None and (vm.get(_q("val")) or "continue") == "continue"
                if c >= MAX_COLS:
                    break
                span = min(span, MAX_COLS - c)
                row.append((c, span, "" if cont else clean_cell(_cell_text(cell))))
                c += span
        width = max(width, c)
        placements.append(row)
    widths = _grid_widths(tbl)
    keep = list(range(width))
    if len(widths) >= width and width > 1:
        positive = sorted(w for w in widths[:width] if w > 0)
        median = positive[len(positive) // 2] if positive else 0
        slivers = {c for c in range(width) if widths[c] < max(30, 0.1 * median)}
        # a sliver that holds text of its own is a real column after all
        for row in placements:
            for start, span, text in row:
                if text and all(k in slivers for k in range(start, start + span)):
                    slivers -= set(range(start, start + span))
        keep = [c for c in range(width) if c not in slivers]
    newcol = {c: i for i, c in enumerate(keep)}
    out = []
    for r, row in enumerate(placements):
        cells = [Cell("", table=t_index, row=r, col=i) for i in range(len(keep))]
        for start, span, text in row:
            cols = [newcol[k] for k in range(start, start + span) if k in newcol]
            if cols and text:
                cells[cols[0]].text = text
        out.append(cells)
    # drop rows with no text at all (spacer rows), except a table's last row under text: a
    # figures row printed with every cell blank (table 四 with nothing to report)
    keep_last = len(out) > 1 and not any(c.text for c in out[-1]) and any(c.text for c in out[-2])
    return [row for i, row in enumerate(out) if any(c.text for c in row) or (keep_last and i == len(out) - 1)]


# --------------------------------------------------------------------------- DOC / WPS
def read_via_libreoffice(data: bytes, kind: str) -> Document:
    """DOC, WPS, RTF, ODT: convert to DOCX with LibreOffice (isolated profile, timeout), then read."""
    from extract.libreoffice import INSTALL_HINT, available, convert

    if not available():
        raise ExtractionError("unsupported_format", INSTALL_HINT)
    in_ext = {"wps": "wps", "doc": "doc", "rtf": "rtf", "odt": "odt"}.get(kind, "doc")
    docx = convert(data, in_ext, "docx:MS Word 2007 XML")
    try:
        doc = read_docx(docx, fmt=kind)
    except ExtractionError as exc:
        raise ExtractionError("libreoffice_failed", f"LibreOffice output unreadable: {exc.message}") from exc
    doc.warnings.append(f"{kind.upper()} converted to DOCX by LibreOffice")
    return doc
