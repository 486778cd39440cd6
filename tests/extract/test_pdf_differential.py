"""Differential test of the PDF reader's two engines (issue 9): over every PDF the project has
(the real corpus in ../shared/corpus, tests/fixtures/documents, round-trip renders), the
PDFium-fed path (``extract_bytes`` as it runs) and the pdfminer path (pdfplumber's own chars
and edges through the same ``LayoutPage`` seam) give the same report: every cell, metadata,
checks, status, warnings; provenance boxes within 1 pt.

No difference is expected on these files. ``ON_PURPOSE`` names a file whose reports may
differ and why (empty: the engines agree everywhere tested). Known PDFium gaps that would
differ are routed to pdfminer by the reader itself (unmapped glyphs, one-glyph text objects of
unembedded CID fonts that PDFium drops: the reportlab files here take that route).

Plus: a 500-page PDF keeps Python memory bounded on the PDFium path.
"""
from __future__ import annotations

import sys
import time
import tracemalloc
from pathlib import Path

import pytest

from extract import extract_bytes
from extract.readers.pdf import pdf_engine

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "documents"
ON_PURPOSE: dict[str, str] = {}  # file name → why the engines' reports differ there
BBOX_TOLERANCE = 1.0  # pt


def _corpus_pdfs() -> list[Path]:
    from nianbao.config import shared_dir

    shared = shared_dir()
    return sorted((shared / "corpus").rglob("*.pdf")) if shared and (shared / "corpus").is_dir() else []


def _renders() -> list[tuple[str, bytes]]:
    """Round-trip renders: reportlab PDFs of the round-trip test's hard reports (and the Word-made
    PDF when LibreOffice is installed), and a fixture with every page rotated."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from test_roundtrip import EDGES, _edge, _fixed_report, consistent_report

    from extract.libreoffice import available
    from nianbao.demo.render import render_report

    reports = [("fixed", _fixed_report()), ("consistent", consistent_report())]
    reports += [(e, _edge(e)) for e in EDGES[:3]]
    out = [(f"render-{name}.pdf", render_report(rep, "pdf-reportlab")) for name, rep in reports]
    if available():
        out.append(("render-fixed-word.pdf", render_report(_fixed_report(), "pdf")))
    # pages carrying /Rotate: PDFium's coordinates are unrotated, pdfminer's rotated
    for rot in (90, 180, 270):
        out.append((f"rotated-{rot}.pdf", _rotated(FIXTURES / "word-2021-split.pdf", rot)))
    return out


def _rotated(path: Path, degrees: int) -> bytes:
    import io

    import pypdfium2 as pdfium

    from extract.readers import PDFIUM_LOCK

    with PDFIUM_LOCK:
        pdf = pdfium.PdfDocument(path.read_bytes())
        for i in range(len(pdf)):
            pdf[i].set_rotation(degrees)
        buf = io.BytesIO()
        pdf.save(buf)
        pdf.close()
    return buf.getvalue()


def _cases() -> list[tuple[str, object]]:
    cases: list[tuple[str, object]] = [(f"corpus/{p.name}", p) for p in _corpus_pdfs()]
    cases += [(f"fixtures/{p.name}", p) for p in sorted(FIXTURES.glob("*.pdf"))]
    cases.append(("renders", None))
    return cases


def both(data: bytes, name: str) -> tuple[dict, dict]:
    with pdf_engine("pdfium"):
        fast = extract_bytes(data, name)
    with pdf_engine("pdfminer"):
        ref = extract_bytes(data, name)
    return fast, ref


def differences(fast: dict, ref: dict) -> list[str]:
    out = []
    for key in sorted(set(fast) | set(ref)):
        if key == "provenance":
            continue
        if fast.get(key) != ref.get(key):
            out.append(f"{key}: pdfium {str(fast.get(key))[:300]} != pdfminer {str(ref.get(key))[:300]}")
    pf, pr = fast.get("provenance") or {}, ref.get("provenance") or {}
    if set(pf) != set(pr):
        out.append(f"provenance keys differ: {sorted(set(pf) ^ set(pr))[:10]}")
    for k in sorted(set(pf) & set(pr)):
        a, b = dict(pf[k]), dict(pr[k])
        ba, bb = a.pop("bbox", None), b.pop("bbox", None)
        if a != b:
            out.append(f"provenance {k}: {a} != {b}")
        elif (ba is None) != (bb is None) or ba and max(abs(x - y) for x, y in zip(ba, bb)) > BBOX_TOLERANCE:
            out.append(f"provenance {k}: bbox {ba} vs {bb}")
    return out


@pytest.mark.parametrize("name,path", _cases(), ids=[c[0] for c in _cases()])
def test_pdfium_and_pdfminer_paths_agree(name, path):
    items = _renders() if path is None else [(path.name, path.read_bytes())]
    if not items:
        pytest.skip("nothing to compare")
    for fname, data in items:
        fast, ref = both(data, fname)
        diff = differences(fast, ref)
        if fname in ON_PURPOSE:
            assert diff, f"{fname} is listed as differing on purpose ({ON_PURPOSE[fname]}) but now agrees"
            continue
        assert not diff, f"{fname}: " + "\n".join(diff)
        assert fast["status"] == ref["status"]


def test_corpus_has_pdfs_or_skips(shared):
    if not _corpus_pdfs():
        pytest.skip("no PDFs in ../shared/corpus")
    assert all(p.stat().st_size > 0 for p in _corpus_pdfs())


def test_engine_is_really_switched(monkeypatch):
    """The two paths are different code: the pdfminer one runs pdfplumber's parser, the PDFium one
    does not (on a PDF whose text PDFium reads)."""
    import extract.readers.pdf as reader

    data = (FIXTURES / "word-2021-split.pdf").read_bytes()
    calls: list[list[int]] = []
    real = reader._pdfminer_pass

    def spy(data_, pages, *a, **k):
        calls.append(list(pages))
        return real(data_, pages, *a, **k)

    monkeypatch.setattr(reader, "_pdfminer_pass", spy)
    with pdf_engine("pdfium"):
        extract_bytes(data, "x.pdf")
    assert calls == []
    with pdf_engine("pdfminer"):
        extract_bytes(data, "x.pdf")
    assert calls and calls[0] == [1, 2, 3, 4]


def test_long_pdf_memory_bounded():
    """A 500-page PDF (hostile.long_pdf: narrative pages, the report at the end): the PDFium path
    keeps Python allocations bounded (pages are read one at a time, nothing per page is kept)
    and finds the tables."""
    stress = Path(__file__).resolve().parents[1] / "stress"
    sys.path.insert(0, str(stress))
    import hostile

    data = hostile.long_pdf(500)
    tracemalloc.start()
    started = time.monotonic()
    out = extract_bytes(data, "long.pdf")
    elapsed = time.monotonic() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert out["status"] == "ok", out.get("error")
    assert out.get("applications"), out.get("warnings")
    assert peak < 64 * 1024 * 1024, f"peak Python allocations {peak / 1e6:.1f} MB"
    assert elapsed < 60


def test_pages_whose_glyphs_pdfium_drops_go_to_pdfminer(monkeypatch):
    """Without a system CJK font PDFium drops one-glyph text objects of unembedded CID fonts
    (reportlab's STSong-Light) and reports them as empty-boxed objects: such a page is read by
    pdfminer instead, and the report is the same. With fonts-noto-cjk / fonts-wqy-zenhei
    installed PDFium maps them and nothing is lost, so the loss is simulated here."""
    import extract.readers.pdf as reader
    import extract.readers.pdfium_layout as pl

    data = (FIXTURES / "reportlab-split.pdf").read_bytes()
    with pdf_engine("pdfium"):
        plain = extract_bytes(data, "x.pdf")
    real_layout, calls = pl.page_layout, []

    def losing(page, textpage, page_number):
        out = real_layout(page, textpage, page_number)
        if page_number == 2:
            out.lost_text_objects = 1
        return out

    real_pass = reader._pdfminer_pass

    def spy(data_, pages, *a, **k):
        calls.append(list(pages))
        return real_pass(data_, pages, *a, **k)

    monkeypatch.setattr(pl, "page_layout", losing)
    monkeypatch.setattr(reader, "_pdfminer_pass", spy)
    with pdf_engine("pdfium"):
        routed = extract_bytes(data, "x.pdf")
    assert calls == [[2]]
    assert not differences(routed, plain)
