"""PDF reader: pdfplumber tables (ruled grids), word positions where rulings are missing,
text in reading order, OCR for scanned pages.

Bounded work: pypdfium2 reads every page's text first (about 2 ms a page); pdfplumber's
table finder (about 40 ms a page) runs only on pages likely to hold the tables when the
document is long, and stops at a time budget.
"""
from __future__ import annotations

import io
import re
import time
from dataclasses import dataclass

from extract.document import Cell, Document, ExtractionError
from extract.errors import error
from extract.readers.common import clean_cell, group_lines, is_page_number

MAX_TABLE_PAGES = 40  # pages handed to pdfplumber's table finder at most
ALL_PAGES_UP_TO = 30  # documents this short get every page scanned
MAX_TEXT_PAGES = 2000  # pypdfium2 text beyond this is not read
TIME_BUDGET = 120.0  # seconds for the table pass
TEXT_BUDGET = 8.0  # seconds for the text pass of a long PDF (pdfium: ~2 ms a page, 30 with unembedded CJK fonts)
MIN_CHARS_PER_PAGE = 15  # fewer text characters than this on average → a scanned PDF

TABLE_SETTINGS = {
    "vertical_strategy": "lines",
    "horizontal_strategy": "lines",
    # rotated (bottom-to-top, Word btLr) header text comes out reversed by default
    "text_char_dir_rotated": "btt",
}


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


def read_pdf(data: bytes, *, ocr: bool = True, time_budget: float = TIME_BUDGET) -> Document:
    started = time.monotonic()
    tail = data[-65536:] if len(data) > 65536 else data
    if b"%%EOF" not in tail:
        raise error("truncated_pdf", f"no %%EOF marker in the last {len(tail)} bytes of {len(data)}")
    page_texts, meta, n_pages = _pdfium_texts(data)
    doc = Document(format="pdf", pages=n_pages, meta=meta)
    n_chars = sum(len(re.sub(r"\s", "", t)) for t in page_texts)
    n_read = meta.get("text_pages_read", len(page_texts))
    if "text_pages_read" in meta:
        doc.warnings.append(f"long PDF: text read on {n_read} of {n_pages} pages (time budget)")
    if n_pages and n_chars < MIN_CHARS_PER_PAGE * max(1, min(n_pages, n_read)) and \
            (n_chars == 0 or _has_images(data)):
        if not ocr:
            raise error("needs_ocr", "no text layer")
        from extract.readers.ocr import read_pdf_ocr

        return read_pdf_ocr(data, meta=meta, pages=n_pages)

    pages = _pages_to_scan(page_texts, n_pages)
    if len(pages) < min(n_pages, len(page_texts)):
        doc.warnings.append(f"long PDF: tables searched on {len(pages)} of {n_pages} pages")
    try:
        import pdfplumber
        from pdfminer.pdfdocument import PDFPasswordIncorrect
    except ImportError as exc:  # pragma: no cover - a core dependency
        raise error("unsupported_format", f"pdfplumber is not installed ({exc})") from exc

    frags: list[_Frag] = []
    texts: dict[int, str] = {}
    fallback_pages: list[int] = []
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
                page_frags, text, has_markers = _read_page(page, pno)
                frags += page_frags
                texts[pno] = text
                if not page_frags and has_markers:
                    fallback_pages.append(pno)
            if not frags:
                # No ruled table anywhere: rebuild rows from word positions on every scanned page.
                fallback_pages = list(texts)
            fallback_rows = {p: _word_rows(by_number[p], p) for p in fallback_pages if p in by_number}
    except PDFPasswordIncorrect as exc:
        raise error("encrypted_pdf") from exc
    except ExtractionError:
        raise
    except Exception as exc:  # pdfminer raises many kinds on damaged files
        if "password" in str(exc).lower() or "encrypt" in type(exc).__name__.lower():
            raise error("encrypted_pdf", str(exc)) from exc
        raise error("malformed", f"{type(exc).__name__}: {exc}") from exc

    rows: list[list[Cell]] = []
    merged = _join_fragments(frags, doc)
    # Rows in page order; fallback rows interleave by page.
    by_page: dict[int, list[list[Cell]]] = {}
    for frag in merged:
        by_page.setdefault(frag.page, []).extend(frag.rows)
    for p, prow in fallback_rows.items():
        by_page.setdefault(p, []).extend(prow)
    for p in sorted(by_page):
        rows.extend(by_page[p])
    doc.rows = rows
    all_text = []
    for i, t in enumerate(page_texts[:n_pages] if page_texts else [], start=1):
        all_text.append(texts.get(i, _clean_page_text(t)))
    doc.text = "\n".join(all_text)
    if fallback_rows and any(fallback_rows.values()):
        doc.warnings.append("table rulings missing: rows rebuilt from word positions on pages "
                            + ",".join(str(p) for p in fallback_rows if fallback_rows[p]))
    from extract.readers.pictures import pdf_pictures, read_table_pictures  # tables pasted as pictures

    read_table_pictures(doc, lambda: pdf_pictures(data, doc))
    return doc


# --------------------------------------------------------------------------- pdfium pass
def _pdfium_texts(data: bytes) -> tuple[list[str], dict, int]:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        msg = str(exc)
        if "password" in msg.lower():
            raise error("encrypted_pdf") from exc
        if "format" in msg.lower() or "file" in msg.lower():
            raise error("malformed", f"pdfium: {msg}") from exc
        raise error("malformed", f"pdfium: {msg}") from exc
    try:
        n = len(pdf)
        meta = {}
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
        texts = [""] * min(n, MAX_TEXT_PAGES)
        failed = 0
        started = time.monotonic()
        done = 0
        for i in _text_order(len(texts)):
            if done >= ALL_PAGES_UP_TO and time.monotonic() - started > TEXT_BUDGET:
                meta["text_pages_read"] = done
                break
            try:
                page = pdf[i]
            except pdfium.PdfiumError:
                failed += 1  # a broken page object (cycles in the page tree, bad references)
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
        if texts and failed >= len(texts):
            raise error("malformed", "pdfium cannot load any page")
        if failed:
            meta["pages_unreadable"] = failed
        return texts, meta, n
    finally:
        pdf.close()


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


# --------------------------------------------------------------------------- pdfplumber pass
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


def _read_page(page, pno: int) -> tuple[list[_Frag], str, bool]:
    found = page.find_tables(table_settings=TABLE_SETTINGS)
    frags: list[_Frag] = []
    for t in found:
        # text per cell; None where a merged cell covers the position. Rotated (btLr) text reads
        # bottom to top; table.extract() does not take the finder's text_* settings by itself.
        grid = t.extract(x_tolerance=1.5, char_dir_rotated="btt")
        cells = [r.cells for r in t.rows]
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
    compact = re.sub(r"\s", "", text)
    numeric_lines = sum(1 for ln in text.split("\n") if len(re.findall(r"(?<![\d.])[-+]?\d+(?:\.\d+)?(?![\d.])", ln)) >= 3)
    has_markers = any(m in compact for m in _markers()) and numeric_lines >= 2
    return frags, text, has_markers


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
    try:
        words = page.crop(table.bbox, strict=False).extract_words(x_tolerance=1.5)
    except Exception:  # noqa: BLE001
        return grid, {}
    grid = [list(r) for r in grid]
    found: dict[tuple[int, int], tuple[float, float, float, float]] = {}
    for w in words:
        cx, cy = (w["x0"] + w["x1"]) / 2, (w["top"] + w["bottom"]) / 2
        if any(b[0] <= cx <= b[2] and b[1] <= cy <= b[3] for b in boxes):
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


def _column_edges(cells, ncols: int) -> list[float]:
    xs = []
    for c in range(ncols):
        vals = [r[c][0] for r in cells if c < len(r) and r[c] is not None]
        xs.append(round(min(vals), 1) if vals else -1.0)
    return xs


def _page_text(page, frags: list[_Frag]) -> str:
    """Text in reading order: lines outside the kept tables, and each table row as one line."""
    boxes = [f.bbox for f in frags]

    def outside(obj) -> bool:
        cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(b[0] <= cx <= b[2] and b[1] <= cy <= b[3] for b in boxes)

    segs: list[tuple[float, str]] = []
    try:
        filtered = page.filter(outside) if boxes else page
        for line in filtered.extract_text_lines(x_tolerance=1.5, return_chars=False):
            txt = line["text"].strip()
            if txt and not is_page_number(txt):
                segs.append((line["top"], clean_cell(txt)))
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


def _mostly_wide(s: str) -> bool:
    wide = len(re.findall(r"[\u2e80-\u9fff\uff00-\uffef]", s))
    return wide >= len(s.replace(" ", "")) / 2


def _clean_page_text(t: str) -> str:
    lines = [ln for ln in t.replace("\r\n", "\n").replace("\r", "\n").split("\n") if not is_page_number(ln)]
    return "\n".join(lines)


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


def _join_fragments(frags: list[_Frag], doc: Document) -> list[_Frag]:
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
def _word_rows(page, pno: int) -> list[list[Cell]]:
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
