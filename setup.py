"""The one thing pyproject.toml cannot say: an optional C extension.

``extract/readers/_pdfium_batch.c`` reads a page's characters and path segments from PDFium in
one call instead of four ctypes calls each (~0.6 ms of a PDF page's ~8). ``optional=True``: where
no C compiler is, the build goes on without it and the reader makes the same calls through
ctypes, with the same result (tests/extract/test_pdfium_batch.py).
"""
from setuptools import Extension, setup

setup(ext_modules=[Extension(
    "extract.readers._pdfium_batch",
    sources=["extract/readers/_pdfium_batch.c"],
    optional=True,
    extra_compile_args=["-O2", "-ffp-contract=off"],  # the same doubles as Python's arithmetic
)])
