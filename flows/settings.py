"""Environment for Prefect, applied before ``prefect`` is imported.

Prefect reads its settings once, at import. Everything in ``flows`` that imports Prefect
imports this module first (``flows/__init__.py`` does it), so these defaults hold for every
run: telemetry off, Prefect's home (its SQLite, results, logs) inside the nianbao data folder,
quiet logging. Anything already set in the environment wins.
"""
from __future__ import annotations

import os
import sys

from nianbao.config import get_settings, prefect_home

# Values that hold for every run unless the environment says otherwise.
_DEFAULTS = {
    # telemetry: client SDK (amplitude) and the server's sens-o-matic both off
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    # quiet by default: the CLI prints its own summary
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_SERVER_LOGGING_LEVEL": "WARNING",
    "PREFECT_LOGGING_LOG_PRINTS": "false",
    # the temporary server takes 3.5-14 s on 2 idle cores (migrating a fresh database), minutes on
    # an overloaded box; Prefect's 20 s default is too tight (this is only an upper bound)
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "300",
    # Scrapy 2.19's remote-control HTTP server: off (the crawler passes its own settings too)
    "SCRAPY_REMOTE_CONTROL_ENABLED": "False",
}

# PREFECT_HOME set by the user before nianbao started wins; otherwise it follows the data folder.
_USER_PREFECT_HOME = os.environ.get("PREFECT_HOME")


def apply(data: str | os.PathLike | None = None) -> None:
    """Set the environment for Prefect. ``data`` moves the data folder (``NIANBAO_DATA``).

    Call it before the first ``import prefect``; after that Prefect keeps the values it read at
    import (a later call still moves the nianbao data folder, but not Prefect's home).
    """
    if data is not None:
        os.environ["NIANBAO_DATA"] = str(data)
    for key, value in _DEFAULTS.items():
        os.environ.setdefault(key, value)
    if _USER_PREFECT_HOME is None and not prefect_imported():
        os.environ["PREFECT_HOME"] = str(prefect_home())
        prefect_home().mkdir(parents=True, exist_ok=True)


def prefect_imported() -> bool:
    return "prefect" in sys.modules


def runner_name() -> str:
    """Task runner: ``thread`` (default) or ``dask`` (``NIANBAO_RUNNER`` / ``--runner``)."""
    return get_settings().runner


def max_workers() -> int:
    return get_settings().workers


def crawl_batch_size() -> int:
    """Portals per crawl task (one Scrapy subprocess)."""
    return get_settings().crawl_batch


def retry_delay() -> float:
    """Seconds before the first retry of a failed crawl batch (doubles for the second)."""
    return get_settings().retry_delay


def dask_address() -> str | None:
    """An existing Dask scheduler (``NIANBAO_DASK_ADDRESS`` / ``--dask-address``), or None."""
    return get_settings().dask_address
