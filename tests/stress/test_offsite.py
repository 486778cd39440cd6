"""Issue 6 §4b: the crawler never requests a host outside the registry. A sample-site listing and
article link to private (10/8, 172.16/12, 192.168/16), link-local (169.254.169.254: the cloud
metadata service), other-loopback-port (127.0.0.1:P, localhost:P, [::1]:P, 2130706433:P,
0x7f000001:P, 127.1:P, 0.0.0.0:P), DNS-rebinding, file:// and ftp:// addresses, and two allowed
URLs redirect to a private address and to another loopback port.

No traffic can leave loopback: the crawl runs in a network namespace with only ``lo``
(``unshare -n``, as root), and every HTTP request the crawler makes goes through a recording
forward proxy (``http_proxy``) that forwards only the sample site's origin and refuses the rest.
The assertions are on that proxy's log, on a "victim" server on another loopback port, and on
health.jsonl.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("nianbao.demo.sample_site")
pytest.importorskip("crawler.runner")

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent


def _netns_available() -> bool:
    if os.geteuid() != 0 or not shutil.which("unshare") or not shutil.which("ip"):
        return False
    r = subprocess.run(["unshare", "-n", "sh", "-c", "ip link set lo up"], capture_output=True, timeout=30)
    return r.returncode == 0


@pytest.fixture(scope="module")
def probe():
    if not _netns_available():
        pytest.skip("needs root and `unshare -n` (a loopback-only network namespace) so nothing can leave loopback")
    cmd = ["unshare", "-n", "sh", "-c", f"ip link set lo up && exec {sys.executable} {HERE / 'offsite_probe.py'}"]
    r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=400)
    line = next((x for x in r.stdout.splitlines() if x.startswith("RESULT ")), None)
    assert line, f"the probe failed ({r.returncode}):\n{r.stdout[-2000:]}\n{r.stderr[-3000:]}"
    return json.loads(line[len("RESULT "):])


def test_no_request_for_an_unregistered_host(probe):
    assert probe["forward_refused"] == [], (
        "the crawler asked for hosts outside the registry (RobotsTxtMiddleware runs before "
        f"PortalGuardMiddleware, so robots.txt is fetched from any host a page links to): {probe['forward_refused']}")


def test_other_loopback_port_never_contacted(probe):
    assert probe["victim_requests"] == []


def test_crawl_finished_and_refusals_recorded(probe):
    (h,) = probe["health"]
    assert not any(e["kind"] == "crawler-failed" for e in h["errors"]), \
        f"the crawl did not finish: {[e for e in h['errors'] if e['kind'] == 'crawler-failed']}"
    refused = {e["url"] for e in h["errors"] if e["kind"] in ("offsite", "private-address", "ignored")}
    for url in probe["injected"]:
        if url.startswith("http"):
            assert url in refused, f"{url} is not recorded as refused"
    assert h["new_documents"] >= 1, "the portal's real report was not archived"
