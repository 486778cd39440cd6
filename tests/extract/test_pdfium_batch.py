"""``_pdfium_batch`` (the optional C loop over PDFium's per-char and per-segment calls) gives
exactly what the same calls through ctypes give: every char, count and edge of every benchmark
page, upright and under each /Rotate."""
from __future__ import annotations

import shutil

import pytest

from tests.extract.test_layout_equivalence import _benchmark_pdfs, _rotated, pdfium_layouts


def _layouts(data: bytes, batch: bool) -> list:
    return [(lay.page.chars, lay.page.edges, lay.chars_total, lay.unmapped, lay.lost_text_objects)
            for lay in pdfium_layouts(data, batch)]


def test_the_extension_is_built_where_a_compiler_is():
    from extract.readers.pdfium_layout import batch_library

    if not (shutil.which("cc") or shutil.which("gcc")):
        pytest.skip("no C compiler here: the reader runs on ctypes alone")
    assert batch_library() is not None, "extract/readers/_pdfium_batch.c was not built: run `make install`"


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_batch_reads_equal_ctypes_reads(rotation, tmp_path):
    from extract.readers.pdfium_layout import batch_library

    if batch_library() is None:
        pytest.skip("the optional extension extract/readers/_pdfium_batch is not built")
    chars = edges = 0
    for path in _benchmark_pdfs():
        data = path.read_bytes() if not rotation else _rotated(path, rotation)
        fast, slow = _layouts(data, batch=True), _layouts(data, batch=False)
        assert fast == slow, path.name
        chars += sum(len(p[0]) for p in fast)
        edges += sum(len(p[1]) for p in fast)
    assert chars and edges


def test_text_objects_with_an_empty_box_are_counted_lost():
    """PDFium gives some one-glyph objects of unembedded CID fonts an empty box and leaves them
    out of its text: such a page's text is not used (``PageLayout.text_usable``)."""
    from extract.readers.pdfium_layout import _OBJ_TEXT, _objects_edges, _Scratch

    def text_object(ok, left, bottom, right, top, obj=7):
        return (obj, _OBJ_TEXT, ok, left, bottom, right, top, 0, *(0.0,) * 6, 0, 0, 0, 0, 0)

    records = [text_object(1, 5.0, 5.0, 5.0, 5.0), text_object(1, 5.0, 5.0, 9.0, 5.0),
               text_object(0, 5.0, 5.0, 5.0, 5.0), text_object(1, 0.0, 0.0, 0.0, 0.0, obj=0),
               text_object(1, 2.0, 3.0, 2.0, 3.0)]
    lost, out = [0], []
    _objects_edges(records, (1.0, 0.0, 0.0, 1.0, 0.0, 0.0), out, [1000], 0, lost, _Scratch(False))
    assert lost == [2] and out == []
