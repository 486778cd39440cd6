"""PDF reader: ruled tables through pdfplumber's table finder, word positions where rulings are
missing, text in reading order, OCR for scanned pages.

One PDFium read per page (``extract.readers.pdfium_layout``) gives the characters and ruling
lines in pdfplumber's conventions; pdfplumber's own table finding runs on them through the
``LayoutPage`` seam (``extract.readers.layout``). pdfminer (pdfplumber's parser, ~15× slower)
reads only pages whose PDFium text is unusable (glyphs without a Unicode mapping, a PDFium
error), and stays the reference path: ``read_pdf(data, engine="pdfminer")``.

Bounded work: documents up to ``ALL_PAGES_UP_TO`` pages are read in one pass, page by page; a
longer one gets its text read first (about 2 ms a page) and tables searched only on pages
likely to hold them, under a time budget. Only pages whose edges can form a cell go through
the table finder. Caller holds ``extract.readers.PDFIUM_LOCK``.
"""
from __future__ import annotations

import io
import re
import time
from contextlib import contextmanager
from contextvars import ContextVar

from extract.document import Document, ExtractionError
from extract.errors import error
from extract.readers.common import is_page_number
from extract.readers.layout import TABLE_SETTINGS, LayoutPage, TableReader, _markers  # noqa: F401 - re-exported

MAX_TABLE_PAGES = 40  # pages handed to the table finder at most
ALL_PAGES_UP_TO = 30  # documents this short get every page scanned
MAX_TEXT_PAGES = 2000  # pypdfium2 text beyond this is not read
TIME_BUDGET = 120.0  # seconds for the table pass
TEXT_BUDGET = 8.0  # seconds for the text pass of a long PDF (pdfium: ~2 ms a page, 30 with unembedded CJK fonts)
MIN_CHARS_PER_PAGE = 15  # fewer text characters than this on average → a scanned PDF
ENGINES = ("pdfium", "pdfminer")
_ENGINE: ContextVar[str] = ContextVar("pdf_engine", default="pdfium")


@contextmanager
def pdf_engine(name: str):
    """Read PDFs with ``name`` (``"pdfium"`` or ``"pdfminer"``) inside the block, through any
    entry point (``extract_bytes`` …): the differential test and the benchmark use it."""
    if name not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}")
    token = _ENGINE.set(name)
    try:
        yield
    finally:
        _ENGINE.reset(token)


def read_pdf(data: bytes, *, ocr: bool = True, time_budget: float = TIME_BUDGET, engine: str | None = None) -> Document:
    """``engine="pdfium"`` (default): chars and rulings from PDFium, pdfminer for pages whose
    PDFium text is unusable. ``engine="pdfminer"``: every page through pdfplumber/pdfminer
    (the reference the differential test compares with). ``None``: see ``pdf_engine``."""
    engine = engine or _ENGINE.get()
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}")
    started = time.monotonic()
    tail = data[-65536:] if len(data) > 65536 else data
    if b"%%EOF" not in tail:
        raise error("truncated_pdf", f"no %%EOF marker in the last {len(tail)} bytes of {len(data)}")
    import pypdfium2 as pdfium

    pdf = _open(data)
    doc = Document(format="pdf")
    tables = TableReader(doc)
    try:
        meta, n_pages = _meta(pdf), len(pdf)
        doc.meta, doc.pages = meta, n_pages
        n_text = min(n_pages, MAX_TEXT_PAGES)
        use_pdfium = engine == "pdfium"
        # Short documents: one pass, page by page (text, chars, rulings, tables), nothing kept
        # but the results. Long ones: the text first, then the pages likely to hold the tables.
        if n_text <= ALL_PAGES_UP_TO:
            page_texts = [""] * n_text
            pages = list(range(1, n_text + 1))
            failed, other = _layout_pass(pdf, pages, page_texts, tables if use_pdfium else None, started, time_budget)
        else:
            page_texts, failed = _text_pass(pdf, n_text, meta)
            pages = _pages_to_scan(page_texts, n_pages)
            if len(pages) < n_text:
                doc.warnings.append(f"long PDF: tables searched on {len(pages)} of {n_pages} pages")
            other = []
            if use_pdfium:
                _, other = _layout_pass(pdf, pages, None, tables, started, time_budget)
        if page_texts and failed >= len(page_texts):
            raise error("malformed", "pdfium cannot load any page")
        if failed:
            meta["pages_unreadable"] = failed
    except pdfium.PdfiumError as exc:
        raise error("malformed", f"pdfium: {exc}") from exc
    finally:
        pdf.close()
    if "text_pages_read" in meta:
        doc.warnings.append(f"long PDF: text read on {meta['text_pages_read']} of {n_pages} pages (time budget)")
    n_chars = sum(len(re.sub(r"\s", "", t)) for t in page_texts)
    n_read = meta.get("text_pages_read", len(page_texts))
    if n_pages and n_chars < MIN_CHARS_PER_PAGE * max(1, min(n_pages, n_read)) and \
            (n_chars == 0 or _has_images(data)):
        if not ocr:
            raise error("needs_ocr", "no text layer")
        from extract.readers.ocr import read_pdf_ocr

        return read_pdf_ocr(data, meta=meta, pages=n_pages)

    pdfminer_pages = pages if not use_pdfium else sorted(set(other))
    if pdfminer_pages:
        _pdfminer_pass(data, pdfminer_pages, tables, doc, started, time_budget)
    doc.rows, texts = tables.finish()
    doc.text = "\n".join(texts.get(i, _clean_page_text(t)) for i, t in enumerate(page_texts[:n_pages], start=1))
    return doc


def _open(data: bytes):
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        msg = str(exc)
        if "password" in msg.lower():
            raise error("encrypted_pdf") from exc
        raise error("malformed", f"pdfium: {msg}") from exc


def _meta(pdf) -> dict:
    import pypdfium2 as pdfium

    meta: dict = {}
    try:
        md = pdf.get_metadata_dict(skip_empty=True)
        for k in ("Title", "Author", "Subject", "Creator", "Producer", "CreationDate", "ModDate"):
            if md.get(k):
                meta[f"pdf_{k.lower()}"] = md[k]
    except Exception:  # noqa: BLE001 - metadata is a hint only
        pass
    if pdfium.raw.FPDF_GetSecurityHandlerRevision(pdf.raw) != -1:
        meta["pdf_encrypted"] = True  # opened: an empty user password (restrictions only)
    m = re.match(r"D:(\d{4})(\d{2})(\d{2})", meta.get("pdf_creationdate", ""))
    if m:
        meta["pdf_created"] = f"{m.group(1)}-{m.group(2)}-{m.group(3)}"
    return meta


# --------------------------------------------------------------------------- pdfium passes
def _layout_pass(pdf, pages: list[int], page_texts: list[str] | None, tables: TableReader | None,
                 started: float, time_budget: float) -> tuple[int, list[int]]:
    """Read ``pages`` (1-based) once each: their text into ``page_texts`` (when given) and, with
    ``tables``, their chars and rulings into the table reader. Returns the number of pages
    PDFium could not load and the pages to read with pdfminer instead."""
    import pypdfium2 as pdfium

    from extract.readers.pdfium_layout import page_layout

    failed, other = 0, []
    budget_hit = False
    for pno in pages:
        want_tables = tables is not None and not budget_hit
        if want_tables and time.monotonic() - started > time_budget:
            tables.doc.warnings.append(f"time budget {time_budget:.0f} s reached at page {pno}; later pages not searched")
            budget_hit, want_tables = True, False
            if page_texts is None:
                break
        try:
            page = pdf[pno - 1]
        except pdfium.PdfiumError:
            failed += 1  # a broken page object (cycles in the page tree, bad references)
            other.append(pno)
            continue
        try:
            tp = page.get_textpage()
            try:
                if page_texts is not None:
                    page_texts[pno - 1] = tp.get_text_range()
                if want_tables:
                    try:
                        layout = page_layout(page, tp, pno)
                    except pdfium.PdfiumError:
                        raise
                    except Exception:  # noqa: BLE001 - odd geometry: the pdfminer path reads this page
                        layout = None
                    if layout is None:
                        other.append(pno)
                    elif layout.text_usable:
                        tables.add_page(layout.page, pno)
                    else:
                        other.append(pno)  # glyphs without Unicode: pdfminer prints (cid:N), never garbage
            finally:
                tp.close()
        except pdfium.PdfiumError:
            failed += 1
            other.append(pno)
        finally:
            page.close()
    return failed, other


def _text_pass(pdf, n: int, meta: dict) -> tuple[list[str], int]:
    """The text of a long document's pages, opening and closing pages first, under a budget."""
    import pypdfium2 as pdfium

    texts = [""] * n
    failed = done = 0
    started = time.monotonic()
    for i in _text_order(n):
        if done >= ALL_PAGES_UP_TO and time.monotonic() - started > TEXT_BUDGET:
            meta["text_pages_read"] = done
            break
        try:
            page = pdf[i]
        except pdfium.PdfiumError:
            failed += 1
            continue
        try:
            tp = page.get_textpage()
            try:
                texts[i] = tp.get_text_range()
            finally:
                tp.close()
        except pdfium.PdfiumError:
            failed += 1
        finally:
            page.close()
        done += 1
    return texts, failed


def _has_images(data: bytes, max_pages: int = 10) -> bool:
    """Whether any of the first pages carries an image (a scan) — few characters and no image is
    a short text document, not a scanned one."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        return False
    try:
        for i in range(min(len(pdf), max_pages)):
            try:
                page = pdf[i]
            except pdfium.PdfiumError:
                continue
            try:
                if any(True for _ in page.get_objects(filter=[raw.FPDF_PAGEOBJ_IMAGE], max_depth=2)):
                    return True
            finally:
                page.close()
        return False
    finally:
        pdf.close()


def _text_order(n: int) -> list[int]:
    """Pages in the order their text is read: the opening and closing pages first (where a
    report or an appendix holding one sits in long files), then the rest."""
    head = list(range(min(n, 15)))
    tail = [i for i in range(n - 1, max(n - 16, -1), -1) if i >= len(head)]
    seen = set(head) | set(tail)
    return head + tail + [i for i in range(n) if i not in seen]


def _pages_to_scan(page_texts: list[str], n_pages: int) -> list[int]:
    n = min(n_pages, len(page_texts))
    if n <= ALL_PAGES_UP_TO:
        return list(range(1, n + 1))
    markers = _markers()
    hits = [i + 1 for i, t in enumerate(page_texts[:n]) if any(m in re.sub(r"\s", "", t) for m in markers)]
    chosen: list[int] = []
    for p in hits:  # each hit page and the page after it (a table split over pages)
        for q in (p, p + 1):
            if q <= n and q not in chosen:
                chosen.append(q)
    if not chosen:
        chosen = list(range(1, min(n, MAX_TABLE_PAGES) + 1))
    return sorted(chosen)[:MAX_TABLE_PAGES]



# --------------------------------------------------------------------------- pdfminer pass
def _pdfminer_pass(data: bytes, pages: list[int], tables: TableReader, doc: Document, started: float,
                   time_budget: float) -> None:
    """The reference path (and the fallback for pages PDFium cannot give text for): pdfplumber
    parses the pages with pdfminer; the same ``LayoutPage`` seam takes its chars and edges."""
    try:
        import pdfplumber
        from pdfminer.pdfdocument import PDFPasswordIncorrect
    except ImportError as exc:  # pragma: no cover - a core dependency
        raise error("unsupported_format", f"pdfplumber is not installed ({exc})") from exc
    try:
        with pdfplumber.open(io.BytesIO(data), pages=pages) as pdf:
            by_number = {p.page_number: p for p in pdf.pages}
            for pno in pages:
                if time.monotonic() - started > time_budget:
                    doc.warnings.append(f"time budget {time_budget:.0f} s reached at page {pno}; later pages not searched")
                    break
                page = by_number.get(pno)
                if page is None:
                    continue
                _fix_cid_chars(page, data, pno)
                tables.add_page(LayoutPage.from_pdfplumber(page), pno)
                page.close()  # drop pdfminer's layout objects: memory stays per page
    except PDFPasswordIncorrect as exc:
        raise error("encrypted_pdf") from exc
    except ExtractionError:
        raise
    except Exception as exc:  # pdfminer raises many kinds on damaged files
        if "password" in str(exc).lower() or "encrypt" in type(exc).__name__.lower():
            raise error("encrypted_pdf", str(exc)) from exc
        raise error("malformed", f"{type(exc).__name__}: {exc}") from exc


def _fix_cid_chars(page, data: bytes, pno: int) -> None:
    """pdfminer prints '(cid:123)' for characters it cannot map to Unicode (CID fonts whose
    encoding it cannot resolve, e.g. unembedded fonts in encrypted files); pdfium usually can.
    Replace such characters in place with pdfium's character at the same position."""
    bad = [c for c in page.chars if c.get("text", "").startswith("(cid:")]
    if not bad:
        return
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        return
    try:
        ppage = pdf[pno - 1]
        tp = ppage.get_textpage()
        height = ppage.get_height()
        pts = []
        for i in range(tp.count_chars()):
            ch = tp.get_text_range(i, 1)
            if not ch.strip():
                continue
            l, b, r, t = tp.get_charbox(i)
            pts.append(((l + r) / 2, height - (b + t) / 2, ch))
        tp.close()
        ppage.close()
    except pdfium.PdfiumError:
        return
    finally:
        pdf.close()
    if not pts:
        return
    for c in bad:
        cx, cy = (c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2
        best = min(pts, key=lambda p: (p[0] - cx) ** 2 + (p[1] - cy) ** 2)
        size = max(c["x1"] - c["x0"], c["bottom"] - c["top"], 1.0)
        if (best[0] - cx) ** 2 + (best[1] - cy) ** 2 <= size * size:
            c["text"] = best[2]


def _clean_page_text(t: str) -> str:
    lines = [ln for ln in t.replace("\r\n", "\n").replace("\r", "\n").split("\n") if not is_page_number(ln)]
    return "\n".join(lines)
