"""The CLI surface and the pieces that need no Prefect server."""
import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from nianbao.cli import main

COMMANDS = ["run", "backfill", "reextract", "schedule", "status", "demo"]


@pytest.mark.parametrize("name", COMMANDS)
def test_help(name):
    r = CliRunner().invoke(main, [name, "--help"])
    assert r.exit_code == 0, r.output
    assert "Usage:" in r.output and "unavailable" not in r.output


def test_cli_import_is_light():
    """`nianbao --help` must not import Prefect or Scrapy."""
    code = ("import sys, flows.cli, nianbao.cli; "
            "print(json.dumps(sorted(m for m in ('prefect', 'scrapy') if m in sys.modules)))")
    out = subprocess.run([sys.executable, "-c", "import json; " + code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []


def test_years_parsing():
    from flows.cli import _years

    assert _years(("2019-2021", "2023,2024")) == [2019, 2020, 2021, 2023, 2024]
    assert _years(()) is None


def test_settings_before_prefect(tmp_path, monkeypatch):
    code = ("import os, flows; from prefect.settings import get_current_settings as g; s = g(); "
            "print(s.home, s.server.analytics_enabled, os.environ['DO_NOT_TRACK'], s.logging.level)")
    env = {k: v for k, v in __import__("os").environ.items() if not k.startswith(("PREFECT", "DO_NOT"))}
    env["NIANBAO_DATA"] = str(tmp_path)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env,
                         cwd=tmp_path)
    home, analytics, dnt, level = out.stdout.split()
    assert home == str(tmp_path / "prefect") and analytics == "False" and dnt == "1" and level == "WARNING"


def test_status_from_health_records(data):
    from flows import status

    run = data / "crawl" / "runs" / "r1"
    run.mkdir(parents=True)
    (run / "health.jsonl").write_text("\n".join(json.dumps(h) for h in [
        {"portal": "p1", "started_at": "2026-01-01T02:00:00Z", "finished_at": "2026-01-01T02:01:00Z",
         "requests": 3, "new_documents": 1, "errors": [], "blocked": None},
        {"portal": "p2", "started_at": "2026-01-01T02:00:00Z", "finished_at": "2026-01-01T02:00:05Z",
         "requests": 1, "new_documents": 0, "errors": [{"url": "http://x/", "kind": "http-500", "message": "boom"}],
         "blocked": {"kind": "wzws", "url": "http://x/"}},
    ]) + "\n")
    rows = {r["portal"]: r for r in status.portal_status()}
    assert rows["p1"]["last_success"] == "2026-01-01T02:01:00Z" and rows["p1"]["blocked"] is None
    assert rows["p2"]["last_success"] is None and rows["p2"]["blocked"]["kind"] == "wzws"
    assert "http-500" in rows["p2"]["last_error_message"]
    r = CliRunner().invoke(main, ["status", "--json"])
    assert r.exit_code == 0 and len(r.output.splitlines()) == 2


def test_deployments():
    from flows.schedule import deployments

    ds = {(d.flow_name, d.name): d for d in deployments()}
    assert set(ds) == {("nightly", "nightly"), ("backfill", "manual"), ("reextract", "manual")}
    sched = ds[("nightly", "nightly")].schedules[0].schedule
    assert sched.cron == "0 2 * * *" and sched.timezone == "Asia/Shanghai"
    assert not ds[("backfill", "manual")].schedules
    assert set(ds[("backfill", "manual")]._parameter_openapi_schema.properties) >= {"portals", "years", "regions", "full"}
