"""OCR reader for scanned PDFs and images: pypdfium2 renders, rapidocr reads, and the table
grid is rebuilt from the ruling lines seen in the image (OpenCV morphology → edges →
pdfplumber's own intersection/cell/table algorithms), so scanned tables come out in the
same row/cell shape as text PDFs. Without rulings, rows come from text-box positions.

Needs the ``ocr`` extra (``pip install nianbao[ocr]``: rapidocr + onnxruntime; the models ship
inside the rapidocr wheel, nothing is downloaded).
"""
from __future__ import annotations

import io
import logging
import re
import time

from extract.document import Cell, Document
from extract.errors import error
from extract.readers.common import clean_cell, group_lines, is_page_number

DPI = 200
MAX_OCR_PAGES = 30
MAX_PIXELS = 12_000_000  # per rendered page (A4 at 200 dpi is 3.9 M)
TIME_BUDGET = 240.0
INSTALL_HINT = "scanned document (no text layer): OCR needs the ocr extra — pip install nianbao[ocr]"

_ENGINE = None


def available() -> bool:
    try:
        import rapidocr  # noqa: F401
    except Exception:  # noqa: BLE001 - ImportError, or onnxruntime failing to load
        return False
    return True


def _engine():
    global _ENGINE
    if _ENGINE is None:
        try:
            from rapidocr import RapidOCR
        except Exception as exc:  # noqa: BLE001
            raise error("needs_ocr", f"{INSTALL_HINT} ({type(exc).__name__}: {exc})") from exc
        logging.getLogger("RapidOCR").setLevel(logging.WARNING)
        try:
            # no angle classifier: scans are upright, and it costs time on every text box
            _ENGINE = RapidOCR(params={"Global.log_level": "warning", "Global.use_cls": False})
        except Exception:  # noqa: BLE001 - older rapidocr without that setting
            _ENGINE = RapidOCR()
        logging.getLogger("RapidOCR").setLevel(logging.WARNING)
    return _ENGINE


def read_pdf_ocr(data: bytes, *, meta: dict | None = None, pages: int | None = None,
                 max_pages: int = MAX_OCR_PAGES, time_budget: float = TIME_BUDGET, dpi: int = DPI) -> Document:
    """OCR every page (up to ``max_pages``) of an image-only PDF."""
    if not available():  # fail early, before rendering anything, when the extra is missing
        _engine()
    engine = None  # loaded on the first page that needs it (about 0.5 s, more on a busy machine)
    ocred = 0
    import pypdfium2 as pdfium

    started = time.monotonic()
    doc = Document(format="pdf-ocr", meta=dict(meta or {}))
    pdf = pdfium.PdfDocument(data)
    try:
        n = len(pdf)
        doc.pages = pages or n
        texts = []
        for i in range(min(n, max_pages)):
            if time.monotonic() - started > time_budget:
                doc.warnings.append(f"OCR time budget {time_budget:.0f} s reached at page {i + 1}")
                break
            try:
                page = pdf[i]
            except pdfium.PdfiumError:
                doc.warnings.append(f"page {i + 1}: cannot be loaded")
                continue
            try:
                if not _has_marks(page):
                    doc.warnings.append(f"page {i + 1}: blank (no image, no drawing), not OCRed")
                    continue
                w, h = page.get_size()
                page_dpi = _render_dpi(page, dpi)
                scale = page_dpi / 72
                if w * h * scale * scale > MAX_PIXELS:  # absurd page sizes: cap the bitmap
                    scale = (MAX_PIXELS / max(w * h, 1.0)) ** 0.5
                img = page.render(scale=scale).to_numpy()
            finally:
                page.close()
            if _nearly_blank(img):
                doc.warnings.append(f"page {i + 1}: blank image, not OCRed")
                continue
            engine = engine or _engine()
            rows, text = ocr_image(engine, img, page_no=i + 1, scale=scale)
            ocred += 1
            doc.rows.extend(rows)
            texts.append(text)
        if n > max_pages:
            doc.warnings.append(f"OCR limited to the first {max_pages} of {n} pages")
    finally:
        pdf.close()
    doc.text = "\n".join(texts)
    if ocred:
        doc.warnings.append(f"text from OCR ({ocred} page{'s' if ocred > 1 else ''})")
    return doc


def _has_marks(page) -> bool:
    """Anything to read on the page: an image, a path (text drawn as outlines) or text."""
    try:
        import pypdfium2.raw as raw

        for obj in page.get_objects(max_depth=2):
            if obj.type in (raw.FPDF_PAGEOBJ_IMAGE, raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_TEXT,
                            raw.FPDF_PAGEOBJ_SHADING):
                return True
        return False
    except Exception:  # noqa: BLE001 - when in doubt, OCR it
        return True


def _nearly_blank(img) -> bool:
    """Fewer than 1 in 2 000 pixels dark: nothing an OCR could read."""
    import numpy as np

    gray = img if img.ndim == 2 else img[..., :3].mean(axis=2)
    return float((gray < 128).mean()) < 0.0005


def _render_dpi(page, dpi: int) -> float:
    """Render near the scan's own resolution: upsampling a 100-dpi scan to 200 dpi adds pixels
    for the OCR to chew on, not information. Between 120 dpi and ``dpi``."""
    try:
        import pypdfium2.raw as raw

        best = 0.0
        for obj in page.get_objects(filter=[raw.FPDF_PAGEOBJ_IMAGE], max_depth=2):
            x0, y0, x1, y1 = obj.get_bounds()
            w_px, _ = obj.get_px_size()
            if x1 - x0 > 72:  # at least an inch wide
                best = max(best, w_px / ((x1 - x0) / 72))
        if best:
            return float(min(dpi, max(120.0, 1.25 * best)))
    except Exception:  # noqa: BLE001 - a hint only
        pass
    return float(dpi)


def read_image(data: bytes) -> Document:
    """OCR a single image (PNG, JPEG, TIFF …) as a one-page document."""
    engine = _engine()
    import numpy as np
    from PIL import Image

    try:
        im = Image.open(io.BytesIO(data))
        im.load()
    except Exception as exc:  # noqa: BLE001
        raise error("malformed", f"image cannot be decoded ({exc})") from exc
    dpi = im.info.get("dpi", (DPI, DPI))[0] or DPI
    img = np.asarray(im.convert("RGB"))
    rows, text = ocr_image(engine, img, page_no=1, scale=float(dpi) / 72)
    doc = Document(format="image-ocr", text=text, rows=rows, pages=1, warnings=["text from OCR"])
    return doc


# --------------------------------------------------------------------------- one page
def ocr_image(engine, img, *, page_no: int, scale: float) -> tuple[list[list[Cell]], str]:
    """(rows, text) of one page image; coordinates are returned in PDF points (pixels / scale)."""
    res = engine(img)
    boxes = []
    for quad, txt, score in zip(res.boxes if res.boxes is not None else [], res.txts or (), res.scores or ()):
        xs = [p[0] for p in quad]
        ys = [p[1] for p in quad]
        t = str(txt).strip()
        if not t:
            continue
        boxes.append({"x0": min(xs) / scale, "x1": max(xs) / scale, "top": min(ys) / scale,
                      "bottom": max(ys) / scale, "text": t, "score": float(score)})
    tables = _table_cells(img, scale)
    rows: list[list[Cell]] = []
    used: set[int] = set()
    for tbl in tables:
        trows = _fill_table(tbl, boxes, used, page_no)
        rows.extend(trows)
    rest = [b for i, b in enumerate(boxes) if i not in used]
    line_rows = _line_rows(rest, page_no)
    if not tables:
        rows = line_rows
    text = _page_text(boxes, tables, rows if tables else [])
    return rows, text


def _table_cells(img, scale: float) -> list[list[tuple[float, float, float, float]]]:
    """Tables (lists of cell bboxes in points) from the ruling lines visible in the image."""
    try:
        import cv2
        import numpy as np
    except Exception:  # noqa: BLE001 - no OpenCV: rows from text positions only
        return []
    from pdfplumber.table import Table, cells_to_tables, edges_to_intersections, intersections_to_cells, merge_edges

    gray = img if img.ndim == 2 else cv2.cvtColor(img, cv2.COLOR_RGB2GRAY)
    binary = (gray < 160).astype(np.uint8) * 255
    k = scale * 72 / 200  # kernels sized for 200 dpi
    hk = max(15, int(60 * k))
    vk = max(12, int(36 * k))
    horiz = cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (hk, 1)))
    vert = cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, vk)))
    edges = []
    for mask, orient in ((horiz, "h"), (vert, "v")):
        contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        for c in contours:
            x, y, w, h = cv2.boundingRect(c)
            x0, x1, top, bottom = x / scale, (x + w) / scale, y / scale, (y + h) / scale
            if orient == "h":
                ym = (top + bottom) / 2
                edges.append({"x0": x0, "x1": x1, "top": ym, "bottom": ym, "width": x1 - x0, "height": 0,
                              "orientation": "h", "object_type": "line"})
            else:
                xm = (x0 + x1) / 2
                edges.append({"x0": xm, "x1": xm, "top": top, "bottom": bottom, "width": 0, "height": bottom - top,
                              "orientation": "v", "object_type": "line"})
    if not edges:
        return []
    edges = merge_edges(edges, snap_x_tolerance=3, snap_y_tolerance=3, join_x_tolerance=3, join_y_tolerance=3)
    inter = edges_to_intersections(edges, x_tolerance=3, y_tolerance=3)
    cells = intersections_to_cells(inter)
    out = []
    for group in cells_to_tables(cells):
        t = Table(None, group)
        rows = [list(r.cells) for r in t.rows]
        if len(rows) >= 2 and max(len(r) for r in rows) >= 2:
            out.append(rows)
    return out


def _fill_table(rows, boxes, used: set[int], page_no: int) -> list[list[Cell]]:
    cells = [(ri, ci, b) for ri, r in enumerate(rows) for ci, b in enumerate(r) if b is not None]
    content: dict[tuple[int, int], list[dict]] = {}
    for i, bx in enumerate(boxes):
        cx, cy = (bx["x0"] + bx["x1"]) / 2, (bx["top"] + bx["bottom"]) / 2
        hit = [(ri, ci, b) for ri, ci, b in cells if b[0] <= cx <= b[2] and b[1] <= cy <= b[3]]
        if not hit:
            continue
        used.add(i)
        ri, ci, b = hit[0]
        tokens = bx["text"].split()
        if len(tokens) > 1 and bx["x1"] - bx["x0"] > 1.5 * (b[2] - b[0]):
            # one OCR box read across several cells ("0 0 1"): share the tokens out by x position
            width = bx["x1"] - bx["x0"]
            total = sum(len(t) for t in tokens) + len(tokens) - 1
            pos = 0
            for tok in tokens:
                tx = bx["x0"] + width * (pos + len(tok) / 2) / total
                pos += len(tok) + 1
                sub = [(r2, c2) for r2, c2, b2 in cells if b2[0] <= tx <= b2[2] and b2[1] <= cy <= b2[3]]
                key = sub[0] if sub else (ri, ci)
                content.setdefault(key, []).append(dict(bx, text=tok))
        else:
            content.setdefault((ri, ci), []).append(bx)
    out = []
    for ri, r in enumerate(rows):
        row = []
        for ci, b in enumerate(r):
            parts = sorted(content.get((ri, ci), []), key=lambda w: (round(w["top"] / 4), w["x0"]))
            txt = clean_cell("\n".join(p["text"] for p in parts))
            row.append(Cell(txt, page=page_no, bbox=tuple(float(v) for v in b) if b else None))
        out.append(row)
    return out


def _line_rows(boxes: list[dict], page_no: int) -> list[list[Cell]]:
    rows = []
    for line in group_lines(boxes):
        cells: list[list[dict]] = [[line[0]]]
        for bx in line[1:]:
            h = max(bx["bottom"] - bx["top"], 1.0)
            if bx["x0"] - cells[-1][-1]["x1"] > 0.8 * h:
                cells.append([bx])
            else:
                cells[-1].append(bx)
        out = []
        for group in cells:
            txt = clean_cell(" ".join(b["text"] for b in group))
            box = (min(b["x0"] for b in group), min(b["top"] for b in group),
                   max(b["x1"] for b in group), max(b["bottom"] for b in group))
            out.append(Cell(txt, page=page_no, bbox=box))
        if is_page_number(" ".join(c.text for c in out)):
            continue
        rows.append(out)
    return rows


def _page_text(boxes, tables, table_rows) -> str:
    def inside_any(bx):
        cx, cy = (bx["x0"] + bx["x1"]) / 2, (bx["top"] + bx["bottom"]) / 2
        for t in tables:
            bs = [b for r in t for b in r if b]
            if bs and min(b[0] for b in bs) <= cx <= max(b[2] for b in bs) and \
                    min(b[1] for b in bs) <= cy <= max(b[3] for b in bs):
                return True
        return False

    segs = []
    for line in group_lines([b for b in boxes if not inside_any(b)]):
        txt = clean_cell(" ".join(b["text"] for b in line))
        if txt and not is_page_number(txt):
            segs.append((min(b["top"] for b in line), txt))
    for row in table_rows:
        tops = [c.bbox[1] for c in row if c.bbox]
        txt = " ".join(c.text for c in row if c.text)
        if txt and tops:
            segs.append((min(tops), txt))
    segs.sort(key=lambda s: s[0])
    return "\n".join(re.sub(r"\s+\n", "\n", s) for _, s in segs)
