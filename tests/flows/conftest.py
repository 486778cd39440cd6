import os

import pytest

os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

import flows  # noqa: E402,F401  (Prefect's environment before Prefect is imported)


@pytest.fixture(scope="session")
def prefect_harness():
    """One Prefect test server for the whole session (≈9 s once on an idle machine; the timeout is
    generous because a busy 2-core CI box can take minutes to migrate a fresh database)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=int(os.environ.get("NIANBAO_PREFECT_STARTUP_TIMEOUT", "180"))):
        yield


@pytest.fixture
def data(tmp_path, monkeypatch):
    d = tmp_path / "data"
    d.mkdir()
    monkeypatch.setenv("NIANBAO_DATA", str(d))
    return d


@pytest.fixture(autouse=True)
def _fast_retries(monkeypatch):
    monkeypatch.setenv("NIANBAO_RETRY_DELAY", "0.1")
