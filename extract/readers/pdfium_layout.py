"""One PDFium read of a page → pdfplumber-convention chars and edges (``LayoutPage``).

pdfminer (behind pdfplumber) spends ~90 % of a page's time building its layout objects;
PDFium reads the same page in C in a few milliseconds. This module asks PDFium for what
pdfplumber's table finding reads and gives it in pdfplumber's conventions (origin top-left,
points, the page's /Rotate applied):

- chars: ``text x0 x1 top bottom upright size``; the box pdfminer draws: advance × font size,
  from the font's descent. Characters PDFium generates (spaces, line breaks between runs) are
  skipped. Vertical-writing CJK fonts (WPS's stacked headers) get a box from the origin and the
  font size: PDFium's own box for them is the unscaled font's.
- edges: every painted path object, in forms too, each segment transformed by its matrices,
  and classified as pdfminer does (``pdfminer.converter.paint_path``): move+line is a line,
  a closed axis-aligned 4-line subpath a rect (4 edges, so the thin filled rectangles Word and
  WPS draw as cell borders give two edges that the finder snaps together), anything else a
  curve (an edge per segment, Béziers by their chords).

PDFium is asked through ``_pdfium_batch`` (an optional C extension: one call per page for the
per-char, per-segment and per-object questions, and horizontal char boxes) where it is built,
else through ctypes call by call; both give the same layout (tests/extract/test_pdfium_batch.py).

Caller holds ``extract.readers.PDFIUM_LOCK`` (PDFium is not thread-safe).
"""
from __future__ import annotations

import ctypes
import math
import struct
from array import array
from dataclasses import dataclass
from functools import lru_cache

import pypdfium2.raw as R

from extract.readers.layout import LayoutPage, finish_edges, paint_path

UNMAPPED_SHARE = 0.2  # more characters than this without a Unicode mapping: PDFium's text is not used
_OBJ_TEXT, _OBJ_PATH, _OBJ_FORM = R.FPDF_PAGEOBJ_TEXT, R.FPDF_PAGEOBJ_PATH, R.FPDF_PAGEOBJ_FORM
_SEG_LINE, _SEG_BEZIER, _SEG_MOVE = R.FPDF_SEGMENT_LINETO, R.FPDF_SEGMENT_BEZIERTO, R.FPDF_SEGMENT_MOVETO
MAX_PATH_SEGMENTS = 200_000  # per page: beyond this a page is a drawing, not a table
MAX_CHARS = 100_000  # per page (a dense report page holds ~3,000): beyond this the rest is not read
MAX_FORM_DEPTH = 12


@dataclass
class PageLayout:
    page: LayoutPage
    chars_total: int  # characters PDFium read (generated ones excluded)
    unmapped: int  # of which without a Unicode mapping
    lost_text_objects: int = 0  # text objects PDFium gives no box (and no characters) for

    @property
    def text_usable(self) -> bool:
        """PDFium's characters can stand for the page's text: few unmapped glyphs, and no text
        object it dropped (it gives some one-glyph objects of unembedded CID fonts an empty box
        and leaves them out of its text: reportlab's STSong-Light cells)."""
        if self.lost_text_objects:
            return False
        return not self.chars_total or self.unmapped <= UNMAPPED_SHARE * self.chars_total


class _Frame:
    """Page user space → pdfplumber's (x, top): pdfminer's CTM for the /Rotate (which also moves
    the MediaBox origin to 0), then pdfplumber's MediaBox adjustment."""

    def __init__(self, mediabox: tuple[float, float, float, float], rotation: int):
        x0, y0, x1, y1 = mediabox
        rotation %= 360
        self.m = {90: (0, -1, 1, 0, -y0, x1), 180: (-1, 0, 0, -1, x1, y1),
                  270: (0, 1, -1, 0, y1, -x0)}.get(rotation, (1, 0, 0, 1, -x0, -y0))
        nx0, ny0, nx1, ny1 = (y0, x0, y1, x1) if rotation in (90, 270) else (x0, y0, x1, y1)
        self.width, self.height = nx1 - nx0, ny1 - ny0
        self.dx = nx0  # pdfplumber adds the MediaBox x0 back
        self.dtop = self.height - ny0  # top = height - y - y0

    def linear(self) -> tuple[float, float, float, float]:
        a, b, c, d, _, _ = self.m
        return a, b, c, d


def _mul(m1, m2):
    """m1 then m2 (PDF row-vector convention: [x y 1] · m1 · m2)."""
    a1, b1, c1, d1, e1, f1 = m1
    a2, b2, c2, d2, e2, f2 = m2
    return (a1 * a2 + b1 * c2, a1 * b2 + b1 * d2, c1 * a2 + d1 * c2, c1 * b2 + d1 * d2,
            e1 * a2 + f1 * c2 + e2, e1 * b2 + f1 * d2 + f2)


def page_layout(page, textpage, page_number: int, batch: bool = True) -> PageLayout:
    """Chars and edges of one loaded page (``pypdfium2.PdfPage`` and its ``PdfTextPage``).
    ``batch=False``: PDFium through ctypes call by call even where ``_pdfium_batch`` is built."""
    box = page.get_mediabox()
    box = (min(box[0], box[2]), min(box[1], box[3]), max(box[0], box[2]), max(box[1], box[3]))
    frame = _Frame(box, page.get_rotation())
    chars, total, unmapped = _chars(textpage.raw, frame, batch)
    lost = [0]
    edges = _edges(page.raw, frame, lost, batch)
    return PageLayout(LayoutPage(chars, edges, frame.width, frame.height, page_number), total, unmapped, lost[0])


# --------------------------------------------------------------------------- chars
def _page_text(tp, n: int) -> str | None:
    buf = ctypes.create_string_buffer((n + 1) * 2)
    got = R.FPDFText_GetText(tp, 0, n, ctypes.cast(buf, ctypes.POINTER(ctypes.c_ushort)))
    text = buf.raw[: max(0, got - 1) * 2].decode("utf-16-le", "replace")
    return text if len(text) == n else None  # surrogate pairs: fall back to one call per char


def _fast(fn, restype, *argtypes):
    """The same C function with plain ctypes types: pypdfium2's typed pointers cost several
    microseconds per call, and a page has thousands of characters."""
    return ctypes.CFUNCTYPE(restype, *argtypes)(ctypes.cast(fn, ctypes.c_void_p).value)


_P, _I, _PD = ctypes.c_void_p, ctypes.c_int, ctypes.POINTER(ctypes.c_double)
_is_generated = _fast(R.FPDFText_IsGenerated, _I, _P, _I)
_map_error = _fast(R.FPDFText_HasUnicodeMapError, _I, _P, _I)
_loose = _fast(R.FPDFText_GetLooseCharBox, _I, _P, _I, _P)
_char_matrix = _fast(R.FPDFText_GetMatrix, _I, _P, _I, _P)
_font_size = _fast(R.FPDFText_GetFontSize, ctypes.c_double, _P, _I)
_text_object = _fast(R.FPDFText_GetTextObject, _P, _P, _I)
_obj_font = _fast(R.FPDFTextObj_GetFont, _P, _P)
_font_descent = _fast(R.FPDFFont_GetDescent, _I, _P, ctypes.c_float, ctypes.POINTER(ctypes.c_float))
_origin_raw = _fast(R.FPDFText_GetCharOrigin, _I, _P, _I, _P, _P)  # x, y out-params as addresses
_DOUBLES2, _FLOATS4 = struct.Struct("=2d"), struct.Struct("=4f")
_GENERATED_CAN_BE = frozenset(" \r\n\t\x00\ufffe\u00a0")
# a char's record: IsGenerated, HasUnicodeMapError, origin read, box read, text object, x, y,
# loose box (4), its text object's matrix (a, b, c, d), font size and font descent per unit
_CHAR_RECORD = struct.Struct("=4iQ2d4f4fdf")
_SEGMENT_RECORD = struct.Struct("=3i2f")  # type, close, point read, x, y
_BOX_RECORD = struct.Struct("=i4d")  # done, x0, x1, top, bottom
_OBJECT_RECORD = struct.Struct("=Q2i4fi6f5i")  # see _object_records


def _addresses(*fns) -> ctypes.Array:
    return (ctypes.c_void_p * len(fns))(*(ctypes.cast(fn, ctypes.c_void_p).value for fn in fns))


@lru_cache(maxsize=1)
def batch_library():
    """``_pdfium_batch`` (extract/readers/_pdfium_batch.c, built by ``pip install`` where a C
    compiler is), loaded with ctypes; ``None`` without it: the same calls go through ctypes."""
    import importlib.machinery
    from pathlib import Path

    here = Path(__file__).resolve().parent
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        path = here / f"_pdfium_batch{suffix}"
        if path.is_file():
            try:
                lib = ctypes.CDLL(str(path))
            except OSError:
                return None
            for name, argtypes in (("nianbao_read_chars", [_P, _I, _P, _P]),
                                   ("nianbao_read_segments", [_P, _I, _P, _P]),
                                   ("nianbao_read_objects", [_P, _I, _I, _P, _P]),
                                   ("nianbao_horizontal_boxes", [_P, _P, _P, _I, _P, _P, _P])):
                getattr(lib, name).argtypes, getattr(lib, name).restype = argtypes, _I
            # the PDFium functions each loop calls, in the order the C source lists them
            lib.char_functions = _addresses(
                R.FPDFText_IsGenerated, R.FPDFText_HasUnicodeMapError, R.FPDFText_GetTextObject,
                R.FPDFText_GetCharOrigin, R.FPDFText_GetLooseCharBox, R.FPDFText_GetMatrix,
                R.FPDFText_GetFontSize, R.FPDFTextObj_GetFont, R.FPDFFont_GetDescent)
            lib.segment_functions = _addresses(
                R.FPDFPath_GetPathSegment, R.FPDFPathSegment_GetPoint, R.FPDFPathSegment_GetType,
                R.FPDFPathSegment_GetClose)
            lib.object_functions = _addresses(
                R.FPDFPage_GetObject, R.FPDFFormObj_GetObject, R.FPDFPageObj_GetType, R.FPDFPageObj_GetBounds,
                R.FPDFPageObj_GetMatrix, R.FPDFPath_GetDrawMode, R.FPDFPath_CountSegments,
                R.FPDFFormObj_CountObjects)
            return lib
    return None


def _char_records(tp: int, n: int, lib) -> list[tuple] | ctypes.Array:
    """Per char: (generated, unmapped, origin read, box read, text object, x, y, left, top, right,
    bottom, then its text object's a, b, c, d, font size, descent per unit) — with ``lib``
    (``_pdfium_batch``) one call filling a buffer of ``_CHAR_RECORD``s, else a list of them from
    ctypes calls (the same values)."""
    if lib is not None:
        buf = ctypes.create_string_buffer(_CHAR_RECORD.size * n)
        lib.nianbao_read_chars(tp, n, lib.char_functions, buf)
        return buf
    origin = (ctypes.c_double * 2)()
    o_x = ctypes.addressof(origin)
    rect = R.FS_RECTF()
    prect = ctypes.addressof(rect)
    fsm = R.FS_MATRIX()
    pfsm = ctypes.addressof(fsm)
    desc = ctypes.c_float()
    pdesc = ctypes.pointer(desc)
    out = []
    for i in range(n):
        origin[0] = origin[1] = 0.0
        rect.left = rect.top = rect.right = rect.bottom = 0.0
        ook = _origin_raw(tp, i, o_x, o_x + 8) and 1
        bok = _loose(tp, i, prect) and 1
        obj = _text_object(tp, i)
        _char_matrix(tp, i, pfsm)
        font = _obj_font(obj) if obj else None
        per_unit = desc.value if font and _font_descent(font, 1.0, pdesc) else 0.0
        out.append((_is_generated(tp, i), _map_error(tp, i), ook, bok, obj or 0,
                    *_DOUBLES2.unpack_from(origin), *_FLOATS4.unpack_from(rect),
                    fsm.a, fsm.b, fsm.c, fsm.d, _font_size(tp, i), per_unit))
    return out


def _chars(tp_handle, frame: _Frame, batch: bool = True) -> tuple[list[dict], int, int]:
    """The page's characters (generated ones and line breaks left out), the number read and of
    those without a Unicode mapping. Which chars count, and what their text objects share, is
    decided here; each char's box is ``_box``'s — computed by ``_pdfium_batch`` for horizontal
    text on an unrotated page (nearly every char of a report) where it is built."""
    n = min(R.FPDFText_CountChars(tp_handle), MAX_CHARS)
    if n <= 0:
        return [], 0, 0
    text = _page_text(tp_handle, n)
    tp = ctypes.cast(tp_handle, ctypes.c_void_p).value
    fa, fb, fc, fd = frame.linear()
    lib = batch_library() if batch else None
    raw = _char_records(tp, n, lib)
    records = _CHAR_RECORD.iter_unpack(raw) if lib is not None else raw
    # what a text object's chars share, once per distinct (matrix, font size, descent): WPS and
    # Word write an object per run of a few chars, most alike
    frame_of: dict[tuple, int] = {}
    shared: list[tuple] = []  # _object_frame(...) of each distinct key
    indices: list[int] = []  # the chars kept: their index, text and shared frame
    texts: list[str] = []
    owners: list[int] = []
    total = unmapped = 0
    prev_obj = None
    owner = 0
    last = (1, 0, 1, 1, 0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)  # the previous char kept (its first 11)
    patched: dict[int, tuple] = {}  # chars whose origin or box read failed: the values they keep
    for i, rec in enumerate(records):
        ch = text[i] if text is not None else chr(R.FPDFText_GetUnicode(tp_handle, i) or 0xFFFD)
        # PDFium inserts spaces and line breaks between runs: those are not the document's
        if ch in _GENERATED_CAN_BE and rec[0] == 1:
            continue
        total += 1
        if rec[1] == 1:
            unmapped += 1
        if ch in "\r\n\x00\ufffe":
            continue
        if not (rec[2] and rec[3]):  # a failed read leaves the previous char's values, as
            rec = (*rec[:5], *(rec[5:7] if rec[2] else last[5:7]),  # out-parameters would
                   *(rec[7:11] if rec[3] else last[7:11]), *rec[11:])
            patched[i] = rec
        last = rec
        obj = rec[4] or None
        if obj is None or obj != prev_obj:  # chars of one text object share matrix, size and font
            prev_obj = obj
            key = rec[11:]
            owner = frame_of.get(key, -1)
            if owner < 0:
                a, b, c, d, fs, per_unit = key
                # the char matrix in pdfplumber's frame (rotation applied)
                a, b, c, d = a * fa + b * fc, a * fb + b * fd, c * fa + d * fc, c * fb + d * fd
                owner = frame_of[key] = len(shared)
                shared.append(_object_frame(a, b, c, d, fs, per_unit * fs))
        indices.append(i)
        texts.append(ch)
        owners.append(owner)
    if not indices:
        return [], total, unmapped
    boxes = _horizontal_boxes(lib, raw, patched, indices, owners, shared, frame) if lib is not None else None
    chars: list[dict] = []
    append = chars.append
    if boxes is not None:
        for i, ch, owner, (done, x0, x1, top, bottom) in zip(indices, texts, owners, boxes):
            if done:
                _, _, _, _, _, size, _, upright = shared[owner]
                append({"text": ch, "x0": x0, "x1": x1, "top": top, "bottom": bottom, "doctop": top,
                        "width": x1 - x0, "height": bottom - top, "size": size, "upright": upright,
                        "object_type": "char"})
            else:
                append(_box(ch, shared[owner], *_raw_record(raw, patched, i, lib)[5:11], frame))
        return chars, total, unmapped
    for i, ch, owner in zip(indices, texts, owners):
        append(_box(ch, shared[owner], *_raw_record(raw, patched, i, lib)[5:11], frame))
    return chars, total, unmapped


def _raw_record(raw, patched: dict[int, tuple], i: int, lib) -> tuple:
    if i in patched:
        return patched[i]
    return _CHAR_RECORD.unpack_from(raw, i * _CHAR_RECORD.size) if lib is not None else raw[i]


def _horizontal_boxes(lib, raw, patched: dict[int, tuple], indices: list[int], owners: list[int],
                      shared: list[tuple], frame: _Frame):
    """``_box`` of each kept char (``indices``, their frames ``shared[owners[k]]``), by
    ``_pdfium_batch``: (done, x0, x1, top, bottom) each, done 0 where the C loop leaves the char
    to ``_box`` (not horizontal text); ``None`` on a rotated page. The C loop is ``_box``'s
    horizontal branch on an unrotated page (1·x + 0·y leaves x as it is): the same double
    operations in the same order."""
    if frame.linear() != (1, 0, 0, 1):
        return None
    for i, rec in patched.items():  # the values a failed read left, where the C loop reads them
        _CHAR_RECORD.pack_into(raw, i * _CHAR_RECORD.size, *rec)
    k = len(indices)
    index, owner = array("i", indices), array("i", owners)
    params = array("d", [v for w, a, _, _, d, size, dsc, _ in shared for v in (w, a, d, size, dsc)])
    _, _, _, _, me, mf = frame.m
    consts = array("d", (me, mf, frame.dx, frame.dtop))
    out = ctypes.create_string_buffer(_BOX_RECORD.size * k)
    lib.nianbao_horizontal_boxes(raw, _pointer(index), _pointer(owner), k, _pointer(params), _pointer(consts), out)
    return _BOX_RECORD.iter_unpack(out)


def _pointer(a: array) -> int:
    return a.buffer_info()[0]


def _object_frame(a: float, b: float, c: float, d: float, fs: float, descent: float) -> tuple:
    """What the chars of one text object share: (writing, a, b, c, d, size, dsc, upright).
    ``writing``: 0 horizontal, 1 a quarter turn, 2 any other angle; (a, b) is the advance
    direction and (c, d) "up", in the page frame with y going up; ``dsc`` the glyph box's
    offset from the baseline."""
    up = math.hypot(c, d)
    size = fs * up if up else fs
    upright = a * d > 0 and b * c <= 0
    if abs(b) < 1e-6 * up and abs(c) < 1e-6 * up:  # horizontal writing, no rotation
        return 0, a, b, c, d, size, -descent * abs(d), upright  # below the baseline (descent < 0)
    if abs(a) < 1e-6 * up and abs(d) < 1e-6 * up:  # rotated a quarter turn (Word btLr/tbRl)
        # text "up" (c, d) points along x: the glyph box spans descent..descent+size that way
        return 1, a, b, c, d, size, descent * abs(c), upright
    return 2, a, b, c, d, size, 0.0, upright


def _box(ch: str, obj: tuple, x: float, y: float, r_left: float, r_top: float, r_right: float,
         r_bottom: float, frame: _Frame) -> dict:
    """One char in pdfplumber's conventions: the box pdfminer draws (advance × font size, from
    the font's descent) from PDFium's origin and loose box (``r_*``, user space)."""
    writing, a, b, c, d, size, dsc, upright = obj
    ma, mb, mc, md, me, mf = frame.m
    dx, dtop = frame.dx, frame.dtop
    vertical_font_at = 2.5 * size
    px, ptop = ma * x + mc * y + me + dx, dtop - (mb * x + md * y + mf)
    if writing == 0:
        lx0 = ma * r_left + mc * r_top + me + dx
        lx1 = ma * r_right + mc * r_bottom + me + dx
        adv = abs(lx1 - lx0)
        if adv > vertical_font_at:  # vertical-writing font: PDFium's box is the unscaled font's
            x0, x1, bottom = px, px + size, ptop
            top = bottom - size
        else:
            x0, x1 = (px, px + adv) if a > 0 else (px - adv, px)
            if d > 0:
                bottom = ptop + dsc
                top = bottom - size
            else:
                top = ptop - dsc
                bottom = top + size
    elif writing == 1:
        ltop = dtop - (mb * r_left + md * r_top + mf)
        lbottom = dtop - (mb * r_right + md * r_bottom + mf)
        adv = abs(lbottom - ltop)
        if adv > vertical_font_at:
            adv = size
        if c < 0:
            x0, x1 = px - size - dsc, px - dsc
        else:
            x0, x1 = px + dsc, px + dsc + size
        if b > 0:  # advance goes up the page (btLr): top is above the origin
            top, bottom = ptop - adv, ptop
        else:
            top, bottom = ptop, ptop + adv
    else:  # any other angle: the loose box
        lx0, ltop = ma * r_left + mc * r_top + me + dx, dtop - (mb * r_left + md * r_top + mf)
        lx1, lbottom = ma * r_right + mc * r_bottom + me + dx, dtop - (mb * r_right + md * r_bottom + mf)
        x0, x1, top, bottom = min(lx0, lx1), max(lx0, lx1), min(ltop, lbottom), max(ltop, lbottom)
    return {"text": ch, "x0": x0, "x1": x1, "top": top, "bottom": bottom, "doctop": top,
            "width": x1 - x0, "height": bottom - top, "size": size, "upright": upright, "object_type": "char"}


# --------------------------------------------------------------------------- edges
_PF = ctypes.POINTER(ctypes.c_float)
_count_objects = _fast(R.FPDFPage_CountObjects, _I, _P)
_get_object = _fast(R.FPDFPage_GetObject, _P, _P, _I)
_obj_type = _fast(R.FPDFPageObj_GetType, _I, _P)
_obj_bounds = _fast(R.FPDFPageObj_GetBounds, _I, _P, _PF, _PF, _PF, _PF)
_obj_matrix = _fast(R.FPDFPageObj_GetMatrix, _I, _P, _P)
_form_count = _fast(R.FPDFFormObj_CountObjects, _I, _P)
_form_object = _fast(R.FPDFFormObj_GetObject, _P, _P, ctypes.c_ulong)
_draw_mode = _fast(R.FPDFPath_GetDrawMode, _I, _P, ctypes.POINTER(_I), ctypes.POINTER(_I))
_count_segments = _fast(R.FPDFPath_CountSegments, _I, _P)
_segment = _fast(R.FPDFPath_GetPathSegment, _P, _P, _I)
_segment_point_raw = _fast(R.FPDFPathSegment_GetPoint, _I, _P, _P, _P)  # x, y out-params as addresses
_FLOATS2 = struct.Struct("=2f")
_segment_type = _fast(R.FPDFPathSegment_GetType, _I, _P)
_segment_close = _fast(R.FPDFPathSegment_GetClose, _I, _P)


def _segment_records(obj, nseg: int, sc: "_Scratch"):
    """Per path segment: (type, close, point read, x, y) — from one ``_pdfium_batch`` call, else
    from ctypes calls (the same values)."""
    lib = batch_library() if sc.batch else None
    if lib is not None:
        buf = ctypes.create_string_buffer(_SEGMENT_RECORD.size * nseg)
        lib.nianbao_read_segments(obj, nseg, lib.segment_functions, buf)
        return _SEGMENT_RECORD.iter_unpack(buf)
    out = []
    point, p_x, p_y = sc.point, sc.point_x, sc.point_y
    for k in range(nseg):
        seg = _segment(obj, k)
        point[0] = point[1] = 0.0
        ok = 1 if seg and _segment_point_raw(seg, p_x, p_y) else 0
        out.append((_segment_type(seg) if seg else -1, (_segment_close(seg) and 1) if seg else 0, ok,
                    *_FLOATS2.unpack_from(point)))
    return out


class _Scratch:
    """ctypes out-parameters reused for every object of a page."""

    def __init__(self, batch: bool = True):
        self.batch = batch
        self.last_point = (0.0, 0.0)  # the last path point read on the page
        self.floats = [ctypes.c_float() for _ in range(4)]
        self.pfloats = [ctypes.pointer(f) for f in self.floats]
        self.matrix = R.FS_MATRIX()
        self.pmatrix = ctypes.addressof(self.matrix)
        self.point = (ctypes.c_float * 2)()  # a segment's x, y
        self.point_x = ctypes.addressof(self.point)
        self.point_y = self.point_x + 4
        self.fill, self.stroke = ctypes.c_int(), ctypes.c_int()
        self.pfill, self.pstroke = ctypes.pointer(self.fill), ctypes.pointer(self.stroke)


def _edges(page_raw, frame: _Frame, lost: list[int], batch: bool = True) -> list[dict]:
    found: list[dict] = []
    budget = [MAX_PATH_SEGMENTS]
    page = ctypes.cast(page_raw, ctypes.c_void_p).value
    scratch = _Scratch(batch)
    _objects_edges(_object_records(page, _count_objects(page), False, scratch), frame.m, found, budget, 0,
                   lost, scratch)
    return finish_edges(found, frame.dtop, frame.dx)


def _objects_edges(records, parent, out: list[dict], budget: list[int], depth: int, lost: list[int],
                   sc: "_Scratch") -> None:
    """The edges of the path and form objects among ``records``; text objects PDFium gives an
    empty box are counted in ``lost`` (see ``PageLayout.text_usable``)."""
    for rec in records:
        kind = rec[1]
        if kind == _OBJ_TEXT:
            if rec[0] and rec[2] and rec[3] == rec[5] and rec[4] == rec[6]:  # left == right, bottom == top
                lost[0] += 1
        elif kind == _OBJ_PATH or kind == _OBJ_FORM:
            _object_edges(rec, parent, out, budget, depth, lost, sc)


_NO_MATRIX = (0.0,) * 6


def _object_records(container: int, n: int, in_form: bool, sc: "_Scratch"):
    """Per object of a page (or of a form object): (object, type, bounds read, left, bottom,
    right, top, matrix read, a, b, c, d, e, f, draw mode read, fill, stroke, segments, children),
    each read only for the kinds ``_object_edges`` asks it of — from one ``_pdfium_batch`` call,
    else from ctypes calls (the same values)."""
    lib = batch_library() if sc.batch else None
    if lib is not None:
        buf = ctypes.create_string_buffer(_OBJECT_RECORD.size * n)
        lib.nianbao_read_objects(container, n, 1 if in_form else 0, lib.object_functions, buf)
        return _OBJECT_RECORD.iter_unpack(buf)
    out = []
    for j in range(n):
        obj = _form_object(container, j) if in_form else _get_object(container, j)
        kind = _obj_type(obj) if obj else 0
        bounds, matrix, draw, segments, children = (0, 0.0, 0.0, 0.0, 0.0), (0, *_NO_MATRIX), (0, 0, 0), 0, 0
        if not obj:
            pass
        elif kind == _OBJ_TEXT:
            ok = _obj_bounds(obj, *sc.pfloats)
            bounds = (1, *(f.value for f in sc.floats)) if ok else bounds
        elif kind in (_OBJ_PATH, _OBJ_FORM):
            m = sc.matrix
            matrix = (1, m.a, m.b, m.c, m.d, m.e, m.f) if _obj_matrix(obj, sc.pmatrix) else matrix
            if kind == _OBJ_PATH:
                ok = _draw_mode(obj, sc.pfill, sc.pstroke)
                draw = (1, sc.fill.value, sc.stroke.value) if ok else draw
                segments = _count_segments(obj)
            else:
                children = _form_count(obj)
        out.append((obj or 0, kind, *bounds, *matrix, *draw, segments, children))
    return out


def _object_edges(rec: tuple, parent, out: list[dict], budget: list[int], depth: int, lost: list[int],
                  sc: _Scratch) -> None:
    """The edges of one path object, or of the objects inside one form object."""
    (obj, kind, bounds_ok, left, bottom, right, top, matrix_ok, ma, mb, mc, md, me, mf,
     draw_ok, fill, stroke, nseg, children) = rec
    if not obj:
        return
    own = (ma, mb, mc, md, me, mf) if matrix_ok else (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    matrix = _mul(own, parent)
    if kind == _OBJ_FORM:
        if depth >= MAX_FORM_DEPTH:
            return
        _objects_edges(_object_records(obj, children, True, sc), matrix, out, budget, depth + 1, lost, sc)
        return
    if draw_ok and not fill and not stroke:
        return  # not painted (a clip path's outline)
    if nseg <= 0:
        return
    budget[0] -= nseg
    if budget[0] < 0:
        return
    a, b, c, d, e, f = matrix
    ops: list[tuple[str, float, float]] = []  # pdfminer's path: (op, x, y) with h at the start point
    start = None
    bez = 0
    for t, close, point_ok, x, y in _segment_records(obj, nseg, sc):
        if point_ok:
            sc.last_point = x, y
        else:  # a failed read leaves the previous point, as the out-parameters would
            x, y = sc.last_point
        px, py = a * x + c * y + e, b * x + d * y + f
        if t == _SEG_MOVE:
            ops.append(("m", px, py))
            start = (px, py)
            bez = 0
        elif t == _SEG_BEZIER:
            bez += 1
            if bez % 3 == 0:  # the end point of a Bézier (two control points before it)
                ops.append(("c", px, py))
        else:
            ops.append(("l", px, py))
            bez = 0
        if close and start is not None:
            ops.append(("h", start[0], start[1]))
    paint_path(ops, out)
