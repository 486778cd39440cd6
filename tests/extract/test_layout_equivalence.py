"""Exact shortcuts in ``extract.readers.layout`` match what they replace.

``layout.cells_from_intersections`` (the reader's replacement for pdfplumber's quadratic
``intersections_to_cells``) gives exactly pdfplumber's cells, in pdfplumber's order: on every
page of every PDF the benchmark reads (the real corpus and the fixtures), with the edges of both
engines (PDFium's and pdfminer's), and on random grids with gaps, merged cells and jitter.
``_fill_orphans`` without its word pass on tables whose cells cover their box: the same result
as with it, on every table of those pages."""
from __future__ import annotations

import random
from pathlib import Path

import pytest
from pdfplumber.table import TableFinder, TableSettings, edges_to_intersections, intersections_to_cells

from extract.readers.layout import TABLE_SETTINGS, LayoutPage, cells_from_intersections, table_finder

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "documents"


def _benchmark_pdfs() -> list[Path]:
    from nianbao.config import shared_dir

    shared = shared_dir()
    corpus = sorted((shared / "corpus").rglob("*.pdf")) if shared and (shared / "corpus").is_dir() else []
    return corpus + sorted(p for p in FIXTURES.glob("*.pdf") if not p.name.startswith("scanned"))


def pdfium_layouts(data: bytes, batch: bool = True) -> list:
    """``pdfium_layout.page_layout`` of every page of a PDF (``batch``: through ``_pdfium_batch``
    where it is built)."""
    import pypdfium2 as pdfium

    from extract.readers import PDFIUM_LOCK
    from extract.readers.pdfium_layout import page_layout

    out = []
    with PDFIUM_LOCK:
        pdf = pdfium.PdfDocument(data)
        try:
            for i in range(len(pdf)):
                page = pdf[i]
                tp = page.get_textpage()
                out.append(page_layout(page, tp, i + 1, batch=batch))
                tp.close()
                page.close()
        finally:
            pdf.close()
    return out


def _pages(path: Path) -> list[LayoutPage]:
    """Every page of ``path`` twice: as PDFium gives it and as pdfminer does."""
    import io

    import pdfplumber

    data = path.read_bytes()
    out = [layout.page for layout in pdfium_layouts(data)]
    with pdfplumber.open(io.BytesIO(data)) as plumber:
        out += [LayoutPage.from_pdfplumber(p) for p in plumber.pages]
    return out


def _same_as_pdfplumber(page) -> int:
    settings = TableSettings.resolve(TABLE_SETTINGS)
    theirs = TableFinder(page, settings)
    ours = table_finder(page, TABLE_SETTINGS)
    assert ours.cells == theirs.cells
    assert [t.cells for t in ours.tables] == [t.cells for t in theirs.tables]
    return len(theirs.cells)


@pytest.mark.parametrize("path", _benchmark_pdfs(), ids=lambda p: p.name)
def test_same_cells_as_pdfplumber_on_every_benchmark_page(path):
    cells = sum(_same_as_pdfplumber(page) for page in _pages(path))
    if "split" in path.name or path.parent.name != "documents":
        assert cells > 0  # the comparison saw tables, not only empty pages


def _edge(x0, top, x1, bottom):
    return {"x0": x0, "x1": x1, "top": top, "bottom": bottom, "width": x1 - x0, "height": bottom - top,
            "orientation": "h" if top == bottom else "v", "object_type": "line", "doctop": top}


@pytest.mark.parametrize("seed", range(60))
def test_same_cells_as_pdfplumber_on_random_grids(seed):
    rnd = random.Random(seed)
    xs = sorted(rnd.sample(range(20, 560, 7), rnd.randint(2, 9)))
    ys = sorted(rnd.sample(range(20, 800, 9), rnd.randint(2, 12)))
    jitter = (lambda: rnd.choice([0, 0, 0, 0.4, -0.3, 1.7])) if seed % 3 else (lambda: 0)
    edges = []
    for i, y in enumerate(ys):  # horizontal rulings, some missing or cut short (merged cells)
        for a, b in zip(xs, xs[1:]):
            if rnd.random() < 0.85 or i in (0, len(ys) - 1):
                yj = y + jitter()
                edges.append(_edge(a + jitter(), yj, b + jitter(), yj))
    for j, x in enumerate(xs):
        for a, b in zip(ys, ys[1:]):
            if rnd.random() < 0.85 or j in (0, len(xs) - 1):
                xj = x + jitter()
                edges.append(_edge(xj, a + jitter(), xj, b + jitter()))
    if seed % 5 == 0:  # a second table elsewhere, and stray short rulings
        edges += [_edge(30, 820, 200, 820), _edge(30, 830, 200, 830), _edge(30, 820, 30, 830),
                  _edge(120, 820, 120, 830), _edge(200, 820, 200, 830), _edge(5, 5, 9, 5)]
    page = LayoutPage([], edges, 600, 850)
    _same_as_pdfplumber(page)
    inter = edges_to_intersections(edges, 3, 3)
    assert cells_from_intersections(inter) == intersections_to_cells(inter)


def test_nan_coordinates_go_to_pdfplumber():
    nan = float("nan")
    inter = {(nan, 1.0): {"v": [], "h": []}, (2.0, 1.0): {"v": [], "h": []}}
    assert cells_from_intersections(inter) == intersections_to_cells(inter) == []


def test_covered_tables_have_no_orphan_words(monkeypatch):
    """``_fill_orphans`` skips its word pass when the cells cover the table's box; on every
    table of every benchmark page (both engines) the full word pass gives the same result, and
    the shortcut is taken on most of them (it is the common case, not dead code)."""
    import extract.readers.layout as L

    taken = seen = 0
    for path in _benchmark_pdfs():
        for page in _pages(path):
            for t in table_finder(page, TABLE_SETTINGS).tables:
                cells = [r.cells for r in t.rows]
                grid = L.extract_table(t, page.chars, x_tolerance=1.5, char_dir_rotated="btt")
                if not grid or max(len(r) for r in cells) < 2:
                    continue
                xs = L._column_edges(cells, max(len(r) for r in grid))
                fast = L._fill_orphans(page, t, grid, cells, xs)
                with monkeypatch.context() as m:
                    m.setattr(L, "_cells_cover", lambda boxes: False)
                    full = L._fill_orphans(page, t, grid, cells, xs)
                assert fast == full
                seen += 1
                taken += L._cells_cover([b for r in cells for b in r if b is not None])
    print(f'shortcut taken on {taken} of {seen} tables')
    assert seen and taken >= seen // 2, (taken, seen)


def test_cells_cover():
    from extract.readers.layout import _cells_cover

    grid = [(0, 0, 10, 5), (10, 0, 30, 5), (0, 5, 30, 9)]  # a row under a spanning cell
    assert _cells_cover(grid)
    assert not _cells_cover(grid[:2] + [(0, 5, 10, 9)])  # one cell missing: a hole
    assert not _cells_cover([(0, 0, 10, 5), (20, 0, 30, 5)])  # a gap between cells
    assert not _cells_cover([])
    assert not _cells_cover([(0, 0, float("nan"), 5)])


@pytest.mark.parametrize("kwargs", [{"x_tolerance": 1.5, "char_dir_rotated": "btt"}, {}, {"y_tolerance": 5}],
                         ids=["reader", "defaults", "y5"])
def test_extract_table_is_table_extract(kwargs):
    """``layout.extract_table`` (rows bucketed, one word extractor per table, single-char cells
    short-cut) gives ``Table.extract``'s grid on every table of every benchmark page."""
    from extract.readers.layout import extract_table

    tables = 0
    for path in _benchmark_pdfs():
        for page in _pages(path):
            for t in table_finder(page, TABLE_SETTINGS).tables:
                assert extract_table(t, page.chars, **kwargs) == t.extract(**kwargs)
                tables += 1
    assert tables


def _rotated(path: Path, rotation: int) -> bytes:
    """``path`` with every page given ``/Rotate rotation``: char directions and frames change."""
    import io

    import pypdfium2 as pdfium

    from extract.readers import PDFIUM_LOCK

    with PDFIUM_LOCK:
        pdf = pdfium.PdfDocument(path.read_bytes())
        try:
            for i in range(len(pdf)):
                pdf[i].set_rotation(rotation)
            buf = io.BytesIO()
            pdf.save(buf)
            return buf.getvalue()
        finally:
            pdf.close()


def test_text_lines_are_extract_text_lines(tmp_path):
    """``LayoutPage.text_lines`` (lines from words, no per-letter text map) gives
    ``extract_text_lines``' tops and texts on every benchmark page, upright and turned a quarter
    (rotated chars), whole and with half its chars filtered out (the page text outside tables)."""
    from extract.readers.layout import LayoutPage

    lines = 0
    paths = _benchmark_pdfs()
    for path, rotation in [(p, 0) for p in paths] + [(paths[0], 90), (paths[-1], 270)]:
        if rotation:
            turned = tmp_path / f"{path.stem}-{rotation}.pdf"
            turned.write_bytes(_rotated(path, rotation))
            path = turned
        for page in _pages(path):
            for p in (page, page.filter(lambda o, w=page.width: (o["x0"] + o["x1"]) / 2 < w / 2)):
                want = [(ln["top"], ln["text"]) for ln in p.extract_text_lines(x_tolerance=1.5, return_chars=False)]
                assert p.text_lines(1.5) == want
                lines += len(want)
    assert lines
    # a char without text: the text map's own answer
    odd = LayoutPage([{"text": "", "x0": 0, "x1": 5, "top": 0, "bottom": 5, "doctop": 0, "upright": True, "size": 5},
                      {"text": "甲", "x0": 9, "x1": 14, "top": 0, "bottom": 5, "doctop": 0, "upright": True, "size": 5}],
                     [], 100, 100, 1)
    assert odd.text_lines(1.5) == [(ln["top"], ln["text"]) for ln in odd.extract_text_lines(x_tolerance=1.5, return_chars=False)]
