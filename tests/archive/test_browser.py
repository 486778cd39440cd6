"""Headless Chromium over a served archive on 127.0.0.1: home page, a report row, a search, a canned
query and a dashboard chart render without errors. Screenshots go to a temp folder (printed, and
kept under $NIANBAO_SCREENSHOTS when that is set)."""
from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from archive_build import served_datasette

CHROMIUM = "/usr/bin/chromium"
pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed")]

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--hide-scrollbars", "--enable-logging=stderr", "--v=0",
         "--lang=zh-CN"]


@pytest.fixture(scope="module")
def server(built, tmp_path_factory):
    with served_datasette(built["path"], tmp_path_factory.mktemp("serve") / "metadata.json") as base:
        yield base


def shoot(url: str, out: Path, profile: Path, *, budget_ms: int = 3000) -> tuple[str, str]:
    """Screenshot and DOM dump of one page in one Chromium run; returns (DOM, console/error log)."""
    args = [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "--window-size=1280,1600",
            f"--virtual-time-budget={budget_ms}", "--dump-dom", f"--screenshot={out}"]
    proc = subprocess.run(args + [url], capture_output=True, text=True, timeout=40)
    return proc.stdout, proc.stderr


def _console_errors(log: str) -> list[str]:
    return [line for line in log.splitlines()
            if "CONSOLE" in line and ("Uncaught" in line or "Error" in line or "error" in line)]


def test_pages_render(server, built, tmp_path):
    shots = Path(os.environ.get("NIANBAO_SCREENSHOTS") or tmp_path / "screenshots")
    shots.mkdir(parents=True, exist_ok=True)
    rid = built["ids"]["xingtai-2024-seed"]
    pages = {
        "home": ("/", "政府信息公开工作年度报告档案"),
        "report-row": (f"/archive/report_totals?id={rid}", "邢台市人民政府办公室"),
        "search": ("/archive/reports?_search=行政复议", "行政复议"),
        "canned-query": ("/archive/top_requests?year=2024&region=", "邢台市人民政府办公室"),
        "dashboard": ("/-/dashboards/overview", "各年度本年新收申请"),
    }
    failures = []
    for name, (path, text) in pages.items():
        png = shots / f"{name}.png"
        t0 = time.monotonic()
        dom, log = shoot(server + path, png, tmp_path / f"profile-{name}",
                         budget_ms=5000 if name == "dashboard" else 2000)
        print(name, round(time.monotonic() - t0, 1), "s")
        if not png.exists() or png.stat().st_size < 5000:
            failures.append(f"{name}: no screenshot ({log[-300:]})")
        errors = _console_errors(log)
        if errors:
            failures.append(f"{name}: console errors {errors[:3]}")
        if text not in dom:
            failures.append(f"{name}: {text!r} not on the page")
        if name == "dashboard" and (dom.count("<svg") + dom.count("<canvas") < 3 or " 份<" not in dom):
            failures.append("dashboard: the vega-lite charts or the metric did not render")
    print(f"screenshots: {shots}")
    assert not failures, failures
    keep = os.environ.get("NIANBAO_SCREENSHOTS")
    if not keep:
        dest = Path("/tmp/nianbao-archive-screenshots")
        shutil.copytree(shots, dest, dirs_exist_ok=True)
