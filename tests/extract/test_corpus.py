"""Every text document of the real corpus (../shared/corpus) and of tests/fixtures/text is
extracted exactly as its X.expected.json says (only the keys the expected file lists)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from extract import extract_file
from extract.evaluate import compare

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "text"


def _corpus_dir() -> Path | None:
    from nianbao.config import shared_dir

    d = shared_dir()
    return Path(d) / "corpus" if d is not None and (Path(d) / "corpus").is_dir() else None


def _corpus_texts() -> list[str]:
    d = _corpus_dir()
    if d is None:
        return ["(corpus absent)"]
    files = sorted(d.glob("*.txt")) + sorted((d / "pages").glob("*.txt"))
    return [str(p.relative_to(d)) for p in files if p.with_name(p.stem + ".expected.json").exists()]


def _check(doc: Path) -> None:
    expected = json.loads(doc.with_name(doc.stem + ".expected.json").read_text(encoding="utf-8"))
    got = extract_file(doc)
    assert got["status"] in ("ok", "no_tables"), got.get("error")
    result = compare(expected, got, name=doc.name, strict=True)
    assert result.exact, "\n".join([doc.name, *result.mismatches, *(f"extra {e}" for e in result.extra)])


@pytest.mark.parametrize("name", _corpus_texts())
def test_corpus_text_document_exact(name, shared):
    d = Path(shared) / "corpus"
    _check(d / name)


def test_corpus_has_all_52_pages_and_the_seed(shared):
    names = _corpus_texts()
    assert "xingtai-2024-seed.txt" in names
    assert sum(n.startswith("pages/") for n in names) == 52


@pytest.mark.parametrize("doc", sorted(p.name for p in FIXTURES.glob("*.txt")))
def test_fixture_exact(doc):
    _check(FIXTURES / doc)
