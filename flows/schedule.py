"""Deployments served from one process (``nianbao schedule``).

* ``nightly/nightly`` — cron ``0 2 * * *`` in Asia/Shanghai by default;
* ``backfill/manual`` and ``reextract/manual`` — no schedule, run on demand::

      prefect deployment run 'backfill/manual' -p years='[2021,2022]' -p regions='["13"]'
      prefect deployment run 'reextract/manual' -p where=outdated

Cron schedules fire only against a real ``prefect server start`` (a temporary server has no
scheduler). ``start_server`` launches one with its database under the data folder.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request

from nianbao.config import data_dir


def deployments(cron: str = "0 2 * * *", timezone: str = "Asia/Shanghai", registry: str | None = None):
    from prefect.schedules import Cron

    from flows import pipeline

    nightly = pipeline.with_runner(pipeline.nightly)
    backfill = pipeline.with_runner(pipeline.backfill)
    reextract = pipeline.with_runner(pipeline.reextract)
    params = {"registry": registry} if registry else {}
    return [
        nightly.to_deployment(name="nightly", schedules=[Cron(cron, timezone=timezone)], parameters=params,
                              description="Crawl every portal incrementally, extract, load, check.",
                              tags=["nianbao"]),
        backfill.to_deployment(name="manual", parameters=params, tags=["nianbao"],
                               description="The nightly tasks over portals / years / regions."),
        reextract.to_deployment(name="manual", tags=["nianbao"],
                                description="Re-run the current extractor over stored documents."),
    ]


def serve_all(cron: str = "0 2 * * *", timezone: str = "Asia/Shanghai", registry: str | None = None,
              limit: int = 1) -> None:
    from prefect import serve

    serve(*deployments(cron, timezone, registry), limit=limit, pause_on_shutdown=False)


def start_server(port: int = 4200, timeout: float = 300.0) -> subprocess.Popen:
    """``prefect server start`` on 127.0.0.1 (UI on, analytics off, database in PREFECT_HOME)."""
    env = dict(os.environ)
    env.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    log = open(data_dir() / "prefect-server.log", "ab")
    proc = subprocess.Popen([sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1",
                             "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/api/health"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"prefect server exited ({proc.returncode}); see {log.name}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    print(f"Prefect server on http://127.0.0.1:{port} (log: {log.name})", flush=True)
                    return proc
        except OSError:
            time.sleep(0.5)
    stop_server(proc)
    raise RuntimeError(f"prefect server did not answer on {url} within {timeout:.0f} s")


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
