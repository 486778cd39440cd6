"""The seam between fixed-layout readers (PDF, OFD) and table reconstruction.

A reader turns each page into pdfplumber-convention ``chars`` and ``edges`` (top-left origin,
points) and wraps them in a ``LayoutPage``; everything after that is shared: pdfplumber's own
table finding (``TableFinder`` / ``Table.extract`` with the settings below), orphan words put
back into their cells, prose rows dropped, reading-order text, tables split over a page break
joined, and rows rebuilt from word positions where a page has no rulings.

    page = LayoutPage(chars, edges, width=595.0, height=842.0, page_number=1)
    tables = TableReader(doc)
    tables.add_page(page)            # per page, in page order
    rows, texts = tables.finish()    # Document rows, page text by page number

``chars``: dicts with ``text x0 x1 top bottom upright`` (``doctop width height size`` are filled
in when missing). ``edges``: dicts with ``x0 x1 top bottom width height orientation``
(``"h"``, ``"v"`` or ``None``) and ``object_type``, as ``pdfplumber.Page.edges`` gives them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

from extract.document import Cell, Document
from extract.readers.common import clean_cell, group_lines, is_page_number

TABLE_SETTINGS = {
    "vertical_strategy": "lines",
    "horizontal_strategy": "lines",
    # rotated (bottom-to-top, Word btLr) header text comes out reversed by default
    "text_char_dir_rotated": "btt",
}


@lru_cache(maxsize=1)
def _markers() -> tuple[str, ...]:
    """Words that put a page among the table pages (from the template, one fact in one place)."""
    from extract import template as T

    words = ["信息内容", "申请人情况", "自然人", "行政复议", "行政诉讼", "本年新收", "上年结转", "予以公开", "结果维持"]
    words += [T.TABLES[k].synonyms[0] for k in T.TABLES]
    return tuple(dict.fromkeys(words))


@dataclass
class _Frag:
    """One table fragment found on one page."""

    page: int
    bbox: tuple[float, float, float, float]
    page_height: float
    rows: list[list[Cell]]
    xs: list[float]  # column left edges
    end_page: int | None = None  # last page, once a continuation was joined



class LayoutPage:
    """A page as chars and edges, with the few ``pdfplumber.Page`` methods the table finder
    and this module use (``find_tables``, ``extract_words``, ``extract_text_lines``,
    ``extract_text``, ``crop``, ``filter``). Pure Python: no PDF is needed."""

    def __init__(self, chars: list[dict], edges: list[dict], width: float, height: float, page_number: int = 1,
                 bbox: tuple[float, float, float, float] | None = None):
        for c in chars:
            if "doctop" not in c:
                c["doctop"] = c["top"]
            if "width" not in c:
                c["width"] = c["x1"] - c["x0"]
            if "height" not in c:
                c["height"] = c["bottom"] - c["top"]
            if "size" not in c:
                c["size"] = c["height"] if c.get("upright", True) else c["width"]
        for e in edges:
            if "doctop" not in e:
                e["doctop"] = e["top"]
        self.chars = chars
        self.edges = edges
        self.width = float(width)
        self.height = float(height)
        self.page_number = page_number
        self.bbox = bbox or (0.0, 0.0, self.width, self.height)

    @classmethod
    def from_pdfplumber(cls, page) -> "LayoutPage":
        """The chars and edges pdfminer found on a ``pdfplumber.Page`` (the reference path)."""
        return cls(page.chars, page.edges, page.width, page.height, page.page_number, tuple(page.bbox))

    def may_hold_table(self) -> bool:
        """False when the lines strategy cannot find a table of two columns here (``read_page``
        drops one-column tables: boxes around prose): that needs two horizontal edges and
        vertical ones at three distinct x (pdfplumber prefilters edges shorter than 1 pt).
        Exact, not a guess: skipping such a page never loses a table."""
        h = 0
        xs: list[float] = []
        for e in self.edges:
            o = e["orientation"]
            if o == "h" and e["width"] >= 1:
                h += 1
            elif o == "v" and e["height"] >= 1:
                xs.append(e["x0"])
        if h < 2 or len(xs) < 3:
            return False
        # Two columns need three vertical rulings at distinct x: the finder snaps x within 3 pt,
        # so rulings closer than 1 pt to each other count as one here (a safe undercount).
        xs.sort()
        distinct = 1
        for a, b in zip(xs, xs[1:]):
            if b - a > 1.0:
                distinct += 1
                if distinct >= 3:
                    return True
        return False

    def find_tables(self, table_settings: dict | None = None) -> list:
        return table_finder(self, table_settings).tables

    def extract_words(self, **kwargs) -> list[dict]:
        from pdfplumber.utils import extract_words

        return extract_words(self.chars, **kwargs)

    def _textmap(self, **kwargs):
        from pdfplumber.utils import chars_to_textmap

        full = {"layout_bbox": self.bbox, "layout_width": self.width, "layout_height": self.height, **kwargs}
        return chars_to_textmap(self.chars, **full)

    def extract_text_lines(self, strip: bool = True, return_chars: bool = True, **kwargs) -> list[dict]:
        return self._textmap(**kwargs).extract_text_lines(strip=strip, return_chars=return_chars)

    def text_lines(self, x_tolerance: float) -> list[tuple[float, str]]:
        """``(top, text)`` of each line, as ``extract_text_lines(x_tolerance=…, return_chars=False)``
        gives them, built from pdfplumber's own words and line clusters without its per-letter
        text map: with ``layout`` off that map is the words of a line joined by one space and the
        lines by one newline, and each line's top is its words' (the same strings, compared on
        every page in tests/extract/test_layout_equivalence.py). Falls back to the text map where
        a char's text is empty or holds a newline (the map would then differ from the words)."""
        from pdfplumber.utils import cluster_objects
        from pdfplumber.utils.text import DEFAULT_Y_TOLERANCE, WordExtractor

        if any(not c["text"] or "\n" in c["text"] for c in self.chars):
            return [(ln["top"], ln["text"]) for ln in self.extract_text_lines(x_tolerance=x_tolerance, return_chars=False)]
        words = [w for w, _ in WordExtractor(x_tolerance=x_tolerance).iter_extract_tuples(self.chars)]
        out = []
        for line in cluster_objects(words, "top", DEFAULT_Y_TOLERANCE, preserve_order=True):
            text = " ".join(w["text"] for w in line)
            if text.strip():
                out.append((min(w["top"] for w in line), text))
        return out

    def extract_text(self, **kwargs) -> str:
        return self._textmap(**kwargs).as_string

    def crop(self, bbox, strict: bool = False) -> "LayoutPage":
        """Objects intersecting ``bbox``, clipped to it (``pdfplumber.Page.crop``)."""
        from pdfplumber.utils import crop_to_bbox

        bbox = tuple(float(v) for v in bbox)
        x0, top, x1, bottom = bbox

        def cropped(objs: list[dict]) -> list[dict]:
            out = []
            for o in objs:
                if o["x0"] >= x0 and o["x1"] <= x1 and o["top"] >= top and o["bottom"] <= bottom \
                        and o["x1"] - o["x0"] + o["bottom"] - o["top"] > 0:
                    out.append(o)  # wholly inside (and not a point): clipping would copy it unchanged
                elif o["x0"] <= x1 and o["x1"] >= x0 and o["top"] <= bottom and o["bottom"] >= top:
                    out.extend(crop_to_bbox([o], bbox))  # crossing the edge: pdfplumber clips it
            return out

        return LayoutPage(cropped(self.chars), cropped(self.edges), self.width, self.height, self.page_number, bbox)

    def filter(self, test: Callable[[dict], bool]) -> "LayoutPage":
        return LayoutPage([c for c in self.chars if test(c)], [e for e in self.edges if test(e)], self.width,
                          self.height, self.page_number, self.bbox)



def table_finder(page, table_settings: dict | None = None):
    """pdfplumber's ``TableFinder`` on ``page``, with ``intersections_to_cells`` swapped for
    ``cells_from_intersections`` (the same cells, without its quadratic cost). Everything else
    is pdfplumber's own: edge filtering, snapping and joining, intersections, tables."""
    from pdfplumber.table import Table, TableFinder, TableSettings, cells_to_tables, edges_to_intersections

    finder = TableFinder.__new__(TableFinder)
    finder.page = page
    finder.settings = TableSettings.resolve(table_settings)
    finder.edges = finder.get_edges()
    finder.intersections = edges_to_intersections(finder.edges, finder.settings.intersection_x_tolerance,
                                                  finder.settings.intersection_y_tolerance)
    finder.cells = cells_from_intersections(finder.intersections)
    finder.tables = [Table(page, group) for group in cells_to_tables(finder.cells)]
    return finder


def cells_from_intersections(intersections: dict) -> list[tuple]:
    """``pdfplumber.table.intersections_to_cells`` with the same result (same cells, same order):
    each point's edge sets are built once instead of at every comparison, and the points below
    and to the right of a point come from per-column and per-row lists instead of a scan of
    all later points. Coordinates that do not compare as plain numbers (NaN) go to pdfplumber's."""
    from pdfplumber.table import intersections_to_cells
    from pdfplumber.utils import obj_to_bbox

    points = sorted(intersections)
    if any(x != x or y != y for x, y in points):  # NaN: sorting and equality are not an order
        return intersections_to_cells(intersections)
    v_sets = {p: frozenset(map(obj_to_bbox, intersections[p]["v"])) for p in points}
    h_sets = {p: frozenset(map(obj_to_bbox, intersections[p]["h"])) for p in points}

    def connects(p1, p2) -> bool:
        if p1[0] == p2[0] and not v_sets[p1].isdisjoint(v_sets[p2]):
            return True
        return p1[1] == p2[1] and not h_sets[p1].isdisjoint(h_sets[p2])

    # points sorted by (x, y): a point's later points with the same x are below it (by y), those
    # with the same y are to its right (by x), each list in the order pdfplumber scans them
    column: dict[float, list] = {}
    row: dict[float, list] = {}
    for p in points:
        column.setdefault(p[0], []).append(p)
        row.setdefault(p[1], []).append(p)
    col_pos: dict[float, int] = {}
    row_pos: dict[float, int] = {}
    cells = []
    for pt in points:
        ci = col_pos[pt[0]] = col_pos.get(pt[0], -1) + 1
        ri = row_pos[pt[1]] = row_pos.get(pt[1], -1) + 1
        # the first connected point below, with the first connected point to the right, that
        # close a cell; both lists are walked only as far as that (most cells: their first points)
        right = None
        found = None
        for below_pt in column[pt[0]][ci + 1:]:
            if not connects(pt, below_pt):
                continue
            if right is None:
                right = [r for r in row[pt[1]][ri + 1:] if connects(pt, r)]
            if not right:
                break
            for right_pt in right:
                corner = (right_pt[0], below_pt[1])
                if corner in v_sets and connects(corner, right_pt) and connects(corner, below_pt):
                    found = (pt[0], pt[1], corner[0], corner[1])
                    break
            if found:
                break
        if found:
            cells.append(found)
    return cells


class TableReader:
    """Tables and text of a document's pages, fed one ``LayoutPage`` at a time (any order).

    Memory stays bounded: a page is kept only while it may still need the word-position
    fallback (no ruled table found anywhere yet, or its own text looks like a table)."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.frags: list[_Frag] = []
        self.texts: dict[int, str] = {}
        self._fallback: dict[int, LayoutPage] = {}  # marker pages without a ruled table
        self._unruled: dict[int, LayoutPage] = {}  # every page, until a ruled table is found

    def add_page(self, page: LayoutPage, pno: int | None = None) -> None:
        pno = page.page_number if pno is None else pno
        page_frags, text, has_markers = read_page(page, pno)
        self.frags += page_frags
        self.texts[pno] = text
        if not page_frags and has_markers:
            self._fallback[pno] = page
        if self.frags:
            self._unruled.clear()
        else:
            self._unruled[pno] = page

    def finish(self) -> tuple[list[list[Cell]], dict[int, str]]:
        # No ruled table anywhere: rebuild rows from word positions on every page read.
        fallback = self._unruled if not self.frags else self._fallback
        fallback_rows = {p: word_rows(page, p) for p, page in sorted(fallback.items())}
        self._fallback, self._unruled = {}, {}
        # pages may come out of order (pdfminer reads the pages PDFium could not): page order here
        merged = join_fragments(sorted(self.frags, key=lambda f: f.page), self.doc)
        by_page: dict[int, list[list[Cell]]] = {}  # rows in page order; fallback rows interleave by page
        for frag in merged:
            by_page.setdefault(frag.page, []).extend(frag.rows)
        for p, prow in fallback_rows.items():
            by_page.setdefault(p, []).extend(prow)
        rows: list[list[Cell]] = []
        for p in sorted(by_page):
            rows.extend(by_page[p])
        if any(fallback_rows.values()):
            self.doc.warnings.append("table rulings missing: rows rebuilt from word positions on pages "
                                     + ",".join(str(p) for p in fallback_rows if fallback_rows[p]))
        return rows, self.texts


# --------------------------------------------------------------------------- rulings
def paint_path(path: list[tuple[str, float, float]], out: list[dict]) -> None:
    """Edges of one painted path, as pdfminer's ``paint_path`` classifies them: one object per
    subpath (``m`` starts one), move+line a line, a closed axis-aligned 4-line subpath a rect
    (4 edges), anything else a curve (an edge per segment; Béziers by their chords). ``path``:
    ``(op, x, y)`` with op ``m l c h`` (``h`` at the subpath's start point), y going up."""
    shape = "".join(p[0] for p in path)
    if shape[:1] != "m":
        return
    if shape.count("m") > 1:
        for mt in re.finditer(r"m[^m]+", shape):
            paint_path(path[mt.start(): mt.end()], out)
        return
    pts = [(p[1], p[2]) for p in path]
    if len(shape) > 3 and shape[-2:] == "lh" and pts[-2] == pts[0]:
        shape = shape[:-2] + "h"
        pts.pop()
    if shape in ("mlh", "ml"):
        (x0, y0), (x1, y1) = pts[0], pts[1]
        out.append(_edge("line", min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1),
                         "h" if y0 == y1 else "v"))
        return
    if shape in ("mlllh", "mllll"):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3), _ = pts
        square = (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0)
        if pts[0] == pts[4] and square:
            rx0, ry0, rx1, ry1 = min(x0, x2), min(y0, y2), max(x0, x2), max(y0, y2)
            out.append(_edge("rect_edge", rx0, ry1, rx1, ry1, "h"))  # top
            out.append(_edge("rect_edge", rx0, ry0, rx1, ry0, "h"))  # bottom
            out.append(_edge("rect_edge", rx0, ry0, rx0, ry1, "v"))  # left
            out.append(_edge("rect_edge", rx1, ry0, rx1, ry1, "v"))  # right
            return
    for p0, p1 in zip(pts, pts[1:]):
        out.append(_edge("curve_edge", min(p0[0], p1[0]), min(p0[1], p1[1]), max(p0[0], p1[0]), max(p0[1], p1[1]),
                         "v" if p0[0] == p1[0] else ("h" if p0[1] == p1[1] else None)))


def _edge(kind: str, x0: float, y0: float, x1: float, y1: float, orientation: str | None) -> dict:
    """An edge with y going up; ``finish_edges`` turns y into top/bottom."""
    return {"object_type": kind, "x0": x0, "x1": x1, "y0": y0, "y1": y1, "orientation": orientation}


def finish_edges(edges: list[dict], dtop: float, dx: float = 0.0) -> list[dict]:
    """Edges from ``paint_path`` (y up) in pdfplumber's order (lines, then rect edges, then
    curve edges) and frame: ``top = dtop - y`` (``dtop``: the page height in the simple case),
    ``x + dx``."""
    order = {"line": 0, "rect_edge": 1, "curve_edge": 2}
    edges.sort(key=lambda e: order[e["object_type"]])
    for e in edges:
        y0, y1 = e.pop("y0"), e.pop("y1")
        e["x0"] += dx
        e["x1"] += dx
        e["top"] = e["doctop"] = dtop - y1
        e["bottom"] = dtop - y0
        e["width"] = e["x1"] - e["x0"]
        e["height"] = y1 - y0
    return edges


# --------------------------------------------------------------------------- one page
def read_page(page: LayoutPage, pno: int) -> tuple[list[_Frag], str, bool]:
    """Ruled tables on one page (fragments), its text in reading order, and whether a page
    without one has text that looks like a template table (for the word-position fallback)."""
    found = page.find_tables(TABLE_SETTINGS) if page.may_hold_table() else []
    frags: list[_Frag] = []
    for t in found:
        cells = [r.cells for r in t.rows]
        if not cells or max(len(r) for r in cells) < 2:
            continue  # one column: a box around prose (WPS draws one per line), never a table below
        # text per cell; None where a merged cell covers the position. Rotated (btLr) text reads
        # bottom to top; table.extract() does not take the finder's text_* settings by itself.
        grid = extract_table(t, page.chars, x_tolerance=1.5, char_dir_rotated="btt")
        if not grid:
            continue
        ncols = max(len(r) for r in grid)
        used_cols = [c for c in range(ncols) if any(c < len(r) and r[c] not in (None, "") for r in grid)]
        if len(used_cols) < 2:
            continue  # a box around prose (WPS draws one per line), not a table
        xs = _column_edges(cells, ncols)
        grid, orphan_boxes = _fill_orphans(page, t, grid, cells, xs)
        rows: list[list[Cell]] = []
        for r_i, (row, boxes) in enumerate(zip(grid, cells)):
            if _is_prose_row(row):
                continue  # a paragraph inside the table's ruled area (WPS boxes every line)
            out = []
            for c_i in range(ncols):
                txt = row[c_i] if c_i < len(row) else None
                box = boxes[c_i] if c_i < len(boxes) else None
                box = box or orphan_boxes.get((r_i, c_i))
                out.append(Cell(clean_cell(txt) if txt else "", page=pno,
                                bbox=tuple(float(v) for v in box) if box else None))
            rows.append(out)
        if not rows:
            continue
        frags.append(_Frag(pno, tuple(float(v) for v in t.bbox), float(page.height), rows, xs))
    text = _page_text(page, frags)
    return frags, text, not frags and _looks_like_table_text(text)


def _looks_like_table_text(text: str) -> bool:
    """A template table's labels and lines of three or more numbers: a table without rulings."""
    compact = re.sub(r"\s", "", text)
    if not any(m in compact for m in _markers()):
        return False
    numeric_lines = sum(1 for ln in text.split("\n") if len(re.findall(r"(?<![\d.])[-+]?\d+(?:\.\d+)?(?![\d.])", ln)) >= 3)
    return numeric_lines >= 2


def extract_table(table, chars: list[dict], **kwargs) -> list[list[str | None]]:
    """``pdfplumber.table.Table.extract`` with the same result, minus its cost: it tests every
    char against every row; here chars are sorted by their vertical centre once and each row
    takes its slice (then pdfplumber's own test, in the page's char order). Compared with
    ``Table.extract`` on every benchmark table by ``tests/extract/test_layout_equivalence.py``."""
    from bisect import bisect_left

    from pdfplumber.utils import cluster_objects, extract_text
    from pdfplumber.utils.text import (DEFAULT_Y_TOLERANCE, LIGATURES, WORD_EXTRACTOR_KWARGS, WordExtractor,
                                       get_line_cluster_key)

    if "layout" in kwargs:
        return table.extract(**kwargs)
    single_ok = "expand_ligatures" not in kwargs and "keep_blank_chars" not in kwargs
    # extract_text builds a WordExtractor per cell and renders its lines through a TextMap,
    # which for top-to-bottom lines of left-to-right text is the lines joined: one extractor
    # per table and the join give the same string
    extractor = WordExtractor(**{k: kwargs[k] for k in WORD_EXTRACTOR_KWARGS if k in kwargs})
    plain_render = (extractor.line_dir, extractor.char_dir) == ("ttb", "ltr") and not (
        {"line_dir_render", "char_dir_render"} & kwargs.keys())
    line_key = get_line_cluster_key(extractor.line_dir)
    line_tolerance = kwargs.get("y_tolerance", DEFAULT_Y_TOLERANCE)  # lines run top to bottom here

    # one word on one line (most cells: a label, a number): its chars in x order, joined — what
    # the word extractor gives when their tops lie within its y tolerance (one line cluster) and
    # no char starts a new word (its own test, left to right)
    one_word_ok = plain_render and extractor.char_dir == "ltr" and not extractor.use_text_flow and not (
        extractor.x_tolerance_ratio or extractor.y_tolerance_ratio or extractor.keep_blank_chars
        or extractor.split_at_punctuation or extractor.extra_attrs)
    xt, yt, expansions = extractor.x_tolerance, extractor.y_tolerance, extractor.expansions

    def one_word(cell_chars: list[dict]) -> str | None:
        tops = [c["top"] for c in cell_chars]
        if max(tops) - min(tops) > yt:
            return None
        ordered = sorted(cell_chars, key=_x0)
        prev = None
        for c in ordered:
            t = c["text"]
            if not t or t.isspace() or not c["upright"]:
                return None
            if prev is not None and (c["x0"] < prev["x0"] or c["x0"] > prev["x1"] + xt
                                     or abs(c["top"] - prev["top"]) > yt):
                return None
            prev = c
        return "".join(expansions.get(c["text"], c["text"]) for c in ordered)

    def cell_text(cell_chars: list[dict]) -> str:
        if not plain_render:
            return extract_text(cell_chars, **kwargs)
        if one_word_ok:
            text = one_word(cell_chars)
            if text is not None:
                return text
        lines = cluster_objects(extractor.extract_words(cell_chars), line_key, line_tolerance)
        return "\n".join(" ".join(word["text"] for word in line) for line in lines)

    # (vertical middle, index, horizontal middle) of every char, by vertical middle
    mids = sorted(((c["top"] + c["bottom"]) / 2, i, (c["x0"] + c["x1"]) / 2) for i, c in enumerate(chars))
    keys = [m for m, _, _ in mids]
    out = []
    for row in table.rows:
        x0, top, x1, bottom = row.bbox
        lo, hi = bisect_left(keys, top), bisect_left(keys, bottom)  # top <= v_mid < bottom
        # the row's chars in the page's order: (index, h_mid, v_mid)
        row_chars = [(i, h, v) for i, h, v in sorted((i, h, v) for v, i, h in mids[lo:hi]) if x0 <= h < x1]
        arr = []
        for cell in row.cells:
            if cell is None:
                arr.append(None)
                continue
            cx0, ctop, cx1, cbottom = cell
            cell_chars = [chars[i] for i, h, v in row_chars if cx0 <= h < cx1 and ctop <= v < cbottom]
            if len(cell_chars) == 1 and cell_chars[0]["text"] and single_ok:
                # one char ("0", most number cells): the text extract_text gives it, without
                # building a word map and a text map
                t = cell_chars[0]["text"]
                arr.append("" if t.isspace() else LIGATURES.get(t, t))
                continue
            arr.append(cell_text(cell_chars) if cell_chars else "")
        out.append(arr)
    return out


def _x0(obj: dict) -> float:
    return obj["x0"]


def _is_prose_row(row: list) -> bool:
    """One text spanning the whole row that reads like a sentence: prose, not a table row."""
    texts = [c for c in row if c not in (None, "")]
    if len(texts) != 1 or row[0] in (None, ""):
        return False
    if any(c == "" for c in row[1:]):
        return False  # other positions are real (empty) cells, not covered by a span
    t = clean_cell(texts[0])
    return t.endswith("。") or len(t) >= 20 and bool(re.search(r"[。，；：,;]", t))


def _fill_orphans(page, table, grid, cells, xs):
    """Words inside the table's box that fall in no cell (a ruling missing around one cell): put
    them at the grid position their row and column imply, when that position is empty."""
    boxes = [b for r in cells for b in r if b is not None]
    x0, top, x1, bottom = table.bbox
    row_spans = []
    for r in cells:
        bs = [b for b in r if b is not None]
        row_spans.append((min(b[1] for b in bs), max(b[3] for b in bs)) if bs else None)
    edges = sorted((x, c) for c, x in enumerate(xs) if x >= 0)
    if not edges:
        return grid, {}
    if _cells_cover(boxes):
        # every point of the table's box lies in a cell: no word can be an orphan (a word's
        # centre lies in the box it was cropped to), so the word pass would change nothing
        return [list(r) for r in grid], {}
    try:
        words = page.crop(table.bbox, strict=False).extract_words(x_tolerance=1.5)
    except Exception:  # noqa: BLE001
        return grid, {}
    grid = [list(r) for r in grid]
    found: dict[tuple[int, int], tuple[float, float, float, float]] = {}
    bins: dict[int, list] = {}  # cell boxes by 10-pt band of height: a word tests only its band's
    for b in boxes:
        for k in range(int(b[1] // 10), int(b[3] // 10) + 1):
            bins.setdefault(k, []).append(b)
    for w in words:
        cx, cy = (w["x0"] + w["x1"]) / 2, (w["top"] + w["bottom"]) / 2
        if any(b[0] <= cx <= b[2] and b[1] <= cy <= b[3] for b in bins.get(int(cy // 10), ())):
            continue
        r_i = next((i for i, sp in enumerate(row_spans) if sp and sp[0] <= cy <= sp[1]), None)
        if r_i is None:
            continue
        col = None
        for x, c in edges:
            if x <= cx + 0.5:
                col = c
        if col is None or col >= len(grid[r_i]) or (grid[r_i][col] not in (None, "") and (r_i, col) not in found):
            continue
        grid[r_i][col] = ((grid[r_i][col] or "") + " " + w["text"]).strip() if grid[r_i][col] else w["text"]
        b = found.get((r_i, col))
        wb = (float(w["x0"]), float(w["top"]), float(w["x1"]), float(w["bottom"]))
        found[(r_i, col)] = wb if b is None else (min(b[0], wb[0]), min(b[1], wb[1]), max(b[2], wb[2]), max(b[3], wb[3]))
    return grid, found


def _cells_cover(boxes: list) -> bool:
    """Whether the cell boxes (closed) cover their bounding box: every elementary rectangle of
    the grid their edges draw lies inside some cell."""
    from bisect import bisect_left

    xs = sorted({v for b in boxes for v in (b[0], b[2])})
    ys = sorted({v for b in boxes for v in (b[1], b[3])})
    if len(xs) < 2 or len(ys) < 2 or any(v != v for v in xs + ys):  # none, flat, or NaN
        return False
    covered = [[False] * (len(xs) - 1) for _ in range(len(ys) - 1)]
    for x0, top, x1, bottom in boxes:
        i0, i1 = bisect_left(xs, x0), bisect_left(xs, x1)
        for j in range(bisect_left(ys, top), bisect_left(ys, bottom)):
            row = covered[j]
            for i in range(i0, i1):
                row[i] = True
    return all(all(row) for row in covered)


def _column_edges(cells, ncols: int) -> list[float]:
    xs = []
    for c in range(ncols):
        vals = [r[c][0] for r in cells if c < len(r) and r[c] is not None]
        xs.append(round(min(vals), 1) if vals else -1.0)
    return xs


def _outside(chars: list[dict], boxes: list[tuple]) -> list[dict]:
    """The chars whose centre lies in none of ``boxes`` (closed), in their order."""
    out = []
    for c in chars:
        cx, cy = (c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2
        for b in boxes:
            if b[0] <= cx <= b[2] and b[1] <= cy <= b[3]:
                break
        else:
            out.append(c)
    return out


def _page_text(page, frags: list[_Frag]) -> str:
    """Text in reading order: lines outside the kept tables, and each table row as one line."""
    boxes = [f.bbox for f in frags]
    segs: list[tuple[float, str]] = []
    try:
        # chars only: the lines are read from them (the page's edges need no filtering)
        filtered = LayoutPage(_outside(page.chars, boxes), [], page.width, page.height,
                              page.page_number, page.bbox) if boxes else page
        for top, line in filtered.text_lines(x_tolerance=1.5):
            txt = line.strip()
            if txt and not is_page_number(txt):
                segs.append((top, clean_cell(txt)))
    except Exception:  # noqa: BLE001 - odd pages: fall back to plain text
        segs.append((0.0, page.extract_text() or ""))
    for f in frags:
        for row in f.rows:
            tops = [c.bbox[1] for c in row if c.bbox]
            txt = " ".join(c.text for c in row if c.text)
            if txt:
                segs.append((min(tops) if tops else f.bbox[1], txt))
    segs.sort(key=lambda s: s[0])
    return "\n".join(s for _, s in segs)


# --------------------------------------------------------------------------- split tables
def _column_map(prev: _Frag, f: _Frag, tol: float = 4.0) -> list[int] | None:
    """Where each column of fragment ``f`` sits among ``prev``'s columns, when ``f`` continues
    ``prev`` (its left edges are a subset of prev's, and the tables have the same width)."""
    if abs(prev.bbox[0] - f.bbox[0]) > 3 * tol or abs(prev.bbox[2] - f.bbox[2]) > 3 * tol:
        return None
    known = [x for x in prev.xs]
    out = []
    for x in f.xs:
        if x < 0:
            out.append(-1)
            continue
        j = min(range(len(known)), key=lambda k: abs(known[k] - x) if known[k] >= 0 else 1e9)
        if known[j] < 0 or abs(known[j] - x) > tol:
            return None
        out.append(j)
    used = [j for j in out if j >= 0]
    if len(used) != len(set(used)) or used != sorted(used):
        return None
    return out


def _remap(rows: list[list[Cell]], cmap: list[int], width: int) -> list[list[Cell]]:
    out = []
    for row in rows:
        page = next((c.page for c in row if c.page), None)
        new = [Cell("", page=page) for _ in range(width)]
        for i, c in enumerate(row):
            j = cmap[i] if i < len(cmap) else -1
            if j >= 0:
                new[j] = c
            elif c.text:  # a column we cannot place: keep the text in the nearest free slot
                k = next((k for k in range(width) if not new[k].text), None)
                if k is not None:
                    new[k] = c
        out.append(new)
    return out


def _norm(s: str) -> str:
    return re.sub(r"\s", "", s)


def join_fragments(frags: list[_Frag], doc: Document) -> list[_Frag]:
    """A table continued on the next page: align its columns to the first part, drop a repeated
    header, and glue back a row the page break cut in two (its second part carries label text
    only — no numbers)."""
    out: list[_Frag] = []
    first_of_table: _Frag | None = None
    for f in frags:
        prev = out[-1] if out else None
        cmap = None
        if (prev is not None and f.page == (prev.end_page or prev.page) + 1 and f.bbox[1] < 0.25 * f.page_height
                and prev.bbox[3] > 0.6 * prev.page_height):
            cmap = _column_map(prev, f)
            if cmap is None:
                # the first part may be the one missing column edges (only wide cells on it)
                back = _column_map(f, prev)
                if back is not None:
                    prev.rows = _remap(prev.rows, back, len(f.xs))
                    prev.xs = list(f.xs)
                    cmap = list(range(len(f.xs)))
        if cmap is None:
            out.append(f)
            first_of_table = f
            continue
        width = len(prev.xs)
        rows = f.rows if cmap == list(range(width)) else _remap(f.rows, cmap, width)
        # repeated header rows: no numbers, every text already printed in the table's first rows
        head_texts = {_norm(c.text) for r in (first_of_table.rows[:5] if first_of_table else []) for c in r if c.text}
        k = 0
        while k < len(rows) and k < 5:
            texts = [_norm(c.text) for c in rows[k] if c.text]
            if not texts or any(_has_digit(t) for t in texts) or not all(t in head_texts for t in texts):
                break
            k += 1
        if k:
            doc.warnings.append(f"page {f.page}: {k} repeated table header row(s) dropped")
            rows = rows[k:]
        # a row cut by the page break: the continuation has text only where the last row has labels
        if rows and prev.rows:
            last, first = prev.rows[-1], rows[0]
            label_cols = {i for i, c in enumerate(last) if c.text and not _is_number(c.text)}
            if (len(last) == len(first) and any(_is_number(c.text) for c in last)
                    and any(c.text for c in first)
                    and all(i in label_cols for i, c in enumerate(first) if c.text)
                    # the number columns continue as their own (empty) cells, not under a span
                    and all(first[i].bbox is not None and not first[i].text
                            for i, c in enumerate(last) if _is_number(c.text))
                    and not any(_is_number(c.text) for c in first)):
                for i, c in enumerate(first):
                    if c.text:
                        last[i].text = clean_cell(last[i].text + "\n" + c.text)
                rows = rows[1:]
                doc.warnings.append(f"page {f.page}: a table row split by the page break was joined")
        prev.rows.extend(rows)
        prev.bbox = f.bbox  # the table now ends on this page
        prev.end_page = f.page
        prev.page_height = f.page_height
    return out


def _has_digit(s: str) -> bool:
    return any(ch.isdigit() for ch in s)


def _is_number(s: str) -> bool:
    return bool(re.fullmatch(r"[-+]?[\d０-９][\d０-９,，.．]*(?:万元|元|件|项|个)?", s.strip()))


# --------------------------------------------------------------------------- no rulings
def word_rows(page, pno: int) -> list[list[Cell]]:
    """Rows from word positions: words on one line, split into cells at wide gaps."""
    words = page.extract_words(x_tolerance=1.5, y_tolerance=2, keep_blank_chars=False, use_text_flow=False)
    if not words:
        return []
    sizes = sorted(w["bottom"] - w["top"] for w in words)
    size = sizes[len(sizes) // 2] or 10.0
    rows: list[list[Cell]] = []
    for line in group_lines(words):
        cells: list[list[dict]] = [[line[0]]]
        for w in line[1:]:
            gap = w["x0"] - cells[-1][-1]["x1"]
            if gap > 1.2 * size:
                cells.append([w])
            else:
                cells[-1].append(w)
        out = []
        for ws in cells:
            txt = clean_cell(" ".join(w["text"] for w in ws))
            box = (min(w["x0"] for w in ws), min(w["top"] for w in ws), max(w["x1"] for w in ws), max(w["bottom"] for w in ws))
            out.append(Cell(txt, page=pno, bbox=box))
        line_text = " ".join(c.text for c in out)
        if is_page_number(line_text):
            continue
        rows.append(out)
    return rows
