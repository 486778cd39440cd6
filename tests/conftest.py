import os
from pathlib import Path

import pytest

os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

from nianbao.config import shared_dir  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture(scope="session")
def shared() -> Path:
    """The real corpus in ../shared; tests that need it skip with a clear reason where it is absent."""
    path = shared_dir()
    if path is None:
        pytest.skip("../shared is absent: the real-report corpus tests need it (set NIANBAO_SHARED)")
    return path
