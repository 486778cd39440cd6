"""PDF extraction speed and memory: our reader and full extraction next to plain pdfplumber
``extract_tables()`` on every page and pypdfium2 text extraction (the floor).

    python benchmarks/extract_pdf.py [--quick] [--repeat N] [--ocr]

Inputs: the real 洪泽区 PDFs from ../shared/corpus/hongze (when present) and the text-layer
fixture PDFs in tests/fixtures/documents. The scanned fixture (OCR) is timed only with --ocr.
Times are the best of N runs (imports and warm-up excluded); memory is the peak of Python
allocations during one run (tracemalloc: pdfminer/pdfplumber are pure Python, pdfium's own
C allocations are not counted). Prints a table; not a test.
"""
from __future__ import annotations

import argparse
import gc
import io
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def inputs(with_ocr: bool) -> list[Path]:
    from nianbao.config import shared_dir

    out = []
    shared = shared_dir()
    if shared and (shared / "corpus" / "hongze").is_dir():
        out += sorted((shared / "corpus" / "hongze").glob("*.pdf"))
    docs = ROOT / "tests" / "fixtures" / "documents"
    out += sorted(p for p in docs.glob("*.pdf") if with_ocr or not p.name.startswith("scanned"))
    return out


def m_pdfium_text(data: bytes) -> int:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    n = 0
    for i in range(len(pdf)):
        page = pdf[i]
        tp = page.get_textpage()
        n += len(tp.get_text_range())
        tp.close()
        page.close()
    pdf.close()
    return n


def m_pdfplumber_tables(data: bytes) -> int:
    import pdfplumber

    n = 0
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            n += len(page.extract_tables())
    return n


def m_reader(data: bytes) -> int:
    from extract.readers import read_document

    return len(read_document(data, "x.pdf").rows)


def m_extract(data: bytes) -> int:
    from extract import extract_bytes

    rep = extract_bytes(data, filename="x.pdf")
    return sum(len(v) for k, v in rep.items() if k in ("active_disclosure", "applications", "review_litigation"))


METHODS = [
    ("pypdfium2 text (floor)", m_pdfium_text),
    ("pdfplumber extract_tables, all pages", m_pdfplumber_tables),
    ("nianbao PDF reader (read_document)", m_reader),
    ("nianbao extract_bytes (reader+matcher)", m_extract),
]


def pages_of(data: bytes) -> int:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    n = len(pdf)
    pdf.close()
    return n


def measure(fn, data: bytes, repeat: int) -> tuple[float, float]:
    fn(data)  # warm: imports, font caches, OCR model
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        t = time.perf_counter()
        fn(data)
        best = min(best, time.perf_counter() - t)
    gc.collect()
    tracemalloc.start()
    fn(data)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return best, peak / 1e6


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="one run per measurement, hongze + one fixture")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--ocr", action="store_true", help="include the scanned fixture (OCR, seconds per page)")
    args = ap.parse_args()
    files = inputs(args.ocr)
    if args.quick:
        files = [f for f in files if "hongze" in f.name] + [f for f in files if "hongze" not in f.name][:1]
        args.repeat = 1
    if not files:
        print("no PDFs found")
        return 1
    rows = []
    totals: dict[str, list[float]] = {name: [0.0, 0.0, 0.0] for name, _ in METHODS}  # seconds, pages, peak MB max
    for f in files:
        data = f.read_bytes()
        n = pages_of(data)
        for name, fn in METHODS:
            if f.name.startswith("scanned") and fn is m_pdfplumber_tables:
                continue
            secs, peak = measure(fn, data, args.repeat)
            rows.append((f.name, n, name, secs, secs / n, peak))
            tot = totals[name]
            tot[0] += secs
            tot[1] += n
            tot[2] = max(tot[2], peak)
    w = max(len(r[0]) for r in rows)
    m = max(len(name) for name, _ in METHODS)
    print(f"{'file':{w}s} pages  {'method':{m}s} {'s/report':>9s} {'ms/page':>9s} {'peak MB':>8s}")
    for fname, n, name, secs, per_page, peak in rows:
        print(f"{fname:{w}s} {n:5d}  {name:{m}s} {secs:9.3f} {per_page * 1000:9.1f} {peak:8.1f}")
    print()
    print(f"{'all files':{w}s} {'':5s}  {'method':{m}s} {'s total':>9s} {'ms/page':>9s} {'max MB':>8s}")
    for name, _ in METHODS:
        secs, pages, peak = totals[name]
        if pages:
            print(f"{'':{w}s} {int(pages):5d}  {name:{m}s} {secs:9.3f} {secs / pages * 1000:9.1f} {peak:8.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
