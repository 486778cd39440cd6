"""``extract_bytes`` called from several threads at once — what the flows do (Prefect's
ThreadPoolTaskRunner runs extract tasks 4 at a time). PDFium is not thread-safe: two threads
inside pypdfium2 at once can crash the whole process (SIGSEGV), taking the nightly run with it.

Run in a forked child so a crash fails this test instead of killing pytest.
"""
from __future__ import annotations

import threading

import pytest

import hostile
from isolate import run_isolated

extract = pytest.importorskip("extract")
if not hasattr(extract, "extract_bytes"):
    pytest.skip("extract.extract_bytes has not landed yet", allow_module_level=True)

ROUNDS = 3


def _docs():
    return [("a.pdf", hostile.clean_pdf()), ("b.pdf", hostile.clean_pdf_ttf()),
            ("d.docx", hostile.clean_docx()),
            ("e.html", hostile.clean_html()), ("f.pdf", hostile.cached("enc_owner", lambda: hostile.encrypted_pdf("", True)))]


def _concurrently(docs, threads: int) -> dict:
    from extract import extract_bytes

    results: dict[str, list] = {}
    lock = threading.Lock()

    def work(i: int):
        for k in range(ROUNDS):
            name, data = docs[(i + k) % len(docs)]
            r = extract_bytes(data, filename=name)
            key = (r["status"], sorted((t, sorted(v.items()) if isinstance(v, dict) else v)
                                       for t in ("active_disclosure", "applications", "review_litigation")
                                       for v in [r.get(t) or {}]).__repr__())
            with lock:
                results.setdefault(name, []).append(key)

    ts = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return {k: sorted(set(v)) for k, v in results.items()}


def test_extract_bytes_is_thread_safe():
    docs = _docs()
    out = run_isolated(_concurrently, docs, 4, limit=600)
    assert not out.get("hung"), "concurrent extraction hung"
    assert "exception" not in out, f"concurrent extraction crashed the process:\n{out['exception'][-1500:]}"
    got = out["value"]
    for name, keys in got.items():
        assert len(keys) == 1, f"{name}: different results from the same bytes under concurrency"
