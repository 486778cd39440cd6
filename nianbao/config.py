"""nianbao's own settings: every ``NIANBAO_*`` environment variable, read in this one place.

    from nianbao.config import get_settings
    get_settings().data            # the data folder (NIANBAO_DATA, default ./data)

``get_settings()`` is cached on the ``NIANBAO_*`` part of the environment, so it is cheap to call
anywhere and still follows a later ``os.environ`` change (the CLI's ``--data``, a test's
``monkeypatch.setenv``). Tests may also pin values with ``with override(workers=1): ...``.

Scrapy subprocesses receive the values they need as Scrapy ``-s`` settings (crawler/runner.py);
Prefect's own variables stay Prefect's (flows/settings.py sets their defaults).
"""
from __future__ import annotations

import contextlib
import functools
import os
from pathlib import Path
from typing import Iterator, Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ENV_PREFIX = "NIANBAO_"


class Settings(BaseSettings):
    """One field per ``NIANBAO_<FIELD>`` variable (case-insensitive)."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore", frozen=True, env_ignore_empty=True)

    # where things are
    data: Path = Field(Path("data"), description="the data folder: archive, store, crawl records, caches")
    shared: Path | None = Field(None, description="the team's shared folder (real corpus, specs); default ../shared")
    registry: Path | None = Field(None, description="portal registry YAML; default crawler/portals.yaml")
    sample_base: str | None = Field(None, description="origin filled into {base} of the sample registry")
    sample_cache: Path | None = Field(None, description="where the generated sample site is cached; "
                                                        "default $XDG_CACHE_HOME/nianbao/sample_site")
    # running the flows
    runner: Literal["thread", "dask"] = Field("thread", description="task runner: thread or dask (local cluster)")
    workers: int = Field(4, ge=1, description="parallel tasks (threads, or local Dask worker processes)")
    dask_address: str | None = Field(None, description="an existing Dask scheduler (tcp://HOST:8786): crawl "
                                                       "and extraction tasks run on its workers")
    progress: bool = Field(False, description="progress bars on stderr (the CLI turns them on)")
    # crawling
    crawl_batch: int = Field(4, ge=1, description="portals per crawl task (one Scrapy subprocess)")
    crawl_timeout: float = Field(3600.0, gt=0, description="seconds before a crawl subprocess is killed")
    retry_delay: float = Field(10.0, ge=0, description="seconds before the first retry of a failed crawl "
                                                       "task (doubles for the second)")
    contact: str | None = Field(None, description="URL or e-mail of whoever runs the crawl, put in the User-Agent; "
                                "real portals are not crawled without it")
    trace_origin: bool = Field(False, description="tests: each crawler request names its portal, run, process and "
                                                  "slot in an X-Nianbao-Origin header")
    run_id: str | None = Field(None, description="crawl run id for a bare `scrapy crawl` (default: now)")

    @property
    def data_dir(self) -> Path:
        return self.data.resolve()


def _nianbao_environ() -> tuple[tuple[str, str], ...]:
    return tuple(sorted((k, v) for k, v in os.environ.items() if k.upper().startswith(ENV_PREFIX)))


@functools.lru_cache(maxsize=8)
def _settings_for(environ: tuple[tuple[str, str], ...]) -> Settings:
    return Settings()


_overrides: list[dict] = []


def get_settings() -> Settings:
    """The settings for the current environment (cached per distinct ``NIANBAO_*`` environment)."""
    s = _settings_for(_nianbao_environ())
    for o in _overrides:
        s = s.model_copy(update=o)
    return s


@contextlib.contextmanager
def override(**values) -> Iterator[Settings]:
    """Pin settings for a block (tests): ``with override(workers=1, crawl_batch=2): ...``."""
    Settings.model_validate({**get_settings().model_dump(), **values})  # validate the values now
    _overrides.append(values)
    try:
        yield get_settings()
    finally:
        _overrides.remove(values)


def settings_table() -> list[tuple[str, str, str]]:
    """(variable, default, meaning) for every setting: the README's list is generated from this."""
    rows = []
    for name, f in Settings.model_fields.items():
        default = "—" if f.default is None else str(f.default)
        rows.append((ENV_PREFIX + name.upper(), default, f.description or ""))
    return rows


# --- the data folder's layout --------------------------------------------------------------------

def data_dir() -> Path:
    return get_settings().data_dir


def archive_path() -> Path:
    return data_dir() / "archive.db"


def store_dir() -> Path:
    """Content-addressed document store: store/sha256/ab/cd/<sha256>."""
    return data_dir() / "store"


def crawl_dir() -> Path:
    """Crawl manifests, per-run health records and incremental state."""
    return data_dir() / "crawl"


def prefect_home() -> Path:
    return data_dir() / "prefect"


def shared_dir() -> Path | None:
    """The team's ../shared folder (real corpus, specs) when it is present."""
    candidate = get_settings().shared or PROJECT_ROOT.parent / "shared"
    return candidate if Path(candidate).is_dir() else None
