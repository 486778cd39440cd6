"""Fixtures: the sample site served on loopback for the whole crawler test session."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawler.sample_site import sample_site

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "crawler"


@pytest.fixture(scope="session")
def site():
    with sample_site() as s:
        yield s


def read_jsonl(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
