"""Issue 6 §3: SIGKILL the nightly run (`nianbao run` against the offline sample site) at seeded
random points, rerun, and compare with an uninterrupted run: same documents, reports and facts,
no duplicates, `PRAGMA integrity_check` ok, every stored file still holds its hash, every
extraction cache file is whole JSON.

Extends tests/flows/test_e2e.py::test_sigkill_midway_then_rerun_equals_uninterrupted (one kill
after the first extraction) to many points over every phase: crawl, store writes, manifest,
extraction, archive loading, the end of the run. Each point is (phase trigger, extra delay),
drawn from a seeded generator; the default run takes a few, NIANBAO_SLOW=1 takes 12 plus a
chain of kills in one data folder, and kills of the main process only (its crawler subprocess
orphaned and still writing, as after an OOM kill).
"""
from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from stresslib import duplicates, snapshot

pytest.importorskip("nianbao.demo.sample_site")
pytest.importorskip("flows.cli")

ROOT = Path(__file__).resolve().parents[2]
SEED = int(os.environ.get("NIANBAO_CRASH_SEED", "20261128"))
SLOW = os.environ.get("NIANBAO_SLOW") == "1"
PHASES = ("start", "crawl", "store", "manifest", "extracted", "archive", "late")
RUN_TIMEOUT = 600


def kill_points(n: int, seed: int = SEED) -> list[tuple[str, int, float]]:
    """n points (phase, k, delay s): every phase appears once before any repeats."""
    rnd = random.Random(seed)
    phases = list(PHASES)
    rnd.shuffle(phases)
    out = []
    for i in range(n):
        phase = phases[i % len(phases)]
        out.append((phase, rnd.randint(1, 6), round(rnd.uniform(0.0, 1.5), 2)))
    return out


@pytest.fixture(scope="module")
def site():
    from nianbao.demo.sample_site import sample_site

    with sample_site(port=0) as s:
        yield s


@pytest.fixture(scope="module")
def prefect_api():
    """One Prefect server for the module (a cron `nianbao run` would start its own temporary
    server; that costs 10-90 s per run here, so only the slow set kills that way)."""
    import flows  # noqa: F401 - Prefect's environment first
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    current = PREFECT_API_URL.value()
    if current:  # a server is already up (tests/flows' session harness): share it
        yield current
        return
    with prefect_test_harness(server_startup_timeout=int(os.environ.get("NIANBAO_PREFECT_STARTUP_TIMEOUT", "180"))):
        yield PREFECT_API_URL.value()


def run_env(data: Path, site, api: str | None) -> dict:
    env = dict(os.environ, NIANBAO_DATA=str(data), NIANBAO_SAMPLE_BASE=site.base_url, NIANBAO_PROGRESS="0",
               PYTHONPATH=str(ROOT))
    env.pop("PREFECT_HOME", None)
    if api:
        env["PREFECT_API_URL"] = api
    else:
        env.pop("PREFECT_API_URL", None)
    return env


def start_run(data: Path, site, api: str | None) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "nianbao", "run", "--registry", str(site.registry_path)]
    log = open(data.parent / f"{data.name}-run-{time.monotonic_ns()}.log", "wb")
    return subprocess.Popen(cmd, cwd=ROOT, env=run_env(data, site, api), start_new_session=True,
                            stdout=log, stderr=subprocess.STDOUT)


def complete_run(data: Path, site, api: str | None) -> None:
    proc = start_run(data, site, api)
    try:
        rc = proc.wait(RUN_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(30)
        pytest.fail(f"nianbao run did not finish within {RUN_TIMEOUT} s")
    if rc != 0:
        logs = sorted(data.parent.glob(f"{data.name}-run-*.log"))
        pytest.fail(f"nianbao run exited {rc}:\n{logs[-1].read_text(errors='replace')[-3000:]}")


def _count(path: Path, pattern: str) -> int:
    return sum(1 for _ in path.rglob(pattern)) if path.exists() else 0


def _reached(phase: str, k: int, data: Path, started: float) -> bool:
    if phase == "start":
        return True
    if phase == "crawl":
        return (data / "crawl" / "runs").exists()
    if phase == "store":
        return _count(data / "store", "*") >= k
    if phase == "manifest":
        return any(m.stat().st_size > 0 for m in (data / "crawl" / "runs").glob("*/manifest.jsonl")) \
            if (data / "crawl" / "runs").exists() else False
    if phase == "extracted":
        return _count(data / "extracted", "*.json") >= k
    if phase == "archive":
        return (data / "archive.db").exists() and _count(data / "extracted", "*.json") >= 1
    if phase == "late":  # near the end: the last extraction done, loads and checks running
        return (data / "archive.db").exists() and _count(data / "extracted", "*.json") >= k + 4
    raise ValueError(phase)


def kill_at(data: Path, site, api: str | None, point: tuple[str, int, float], group: bool = True) -> dict:
    """Start `nianbao run`, wait for the point, SIGKILL (the process group, or only the main
    process). Returns what happened."""
    phase, k, delay = point
    proc = start_run(data, site, api)
    t0 = time.monotonic()
    killed_at = None
    try:
        while time.monotonic() - t0 < RUN_TIMEOUT and proc.poll() is None:
            if _reached(phase, k, data, t0):
                time.sleep(delay)
                if proc.poll() is None:
                    if group:
                        os.killpg(proc.pid, signal.SIGKILL)
                    else:
                        os.kill(proc.pid, signal.SIGKILL)
                    killed_at = time.monotonic() - t0
                break
            time.sleep(0.02)
    finally:
        if proc.poll() is None and killed_at is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(30)
    orphans = _group_members(proc.pid)
    if orphans and not group:  # the crawler subprocess outlived its parent: let it finish (bounded)
        deadline = time.monotonic() + 180
        while _group_members(proc.pid) and time.monotonic() < deadline:
            time.sleep(0.5)
    for pid in _group_members(proc.pid):  # ours: the killed run's process group
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return {"point": point, "killed_at": killed_at, "finished_first": killed_at is None,
            "orphans": orphans, "returncode": proc.returncode}


def _group_members(pgid: int) -> list[int]:
    out = []
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                stat = (p / "stat").read_text()
                fields = stat[stat.rindex(")") + 2:].split()
                if int(fields[2]) == pgid and fields[0] != "Z":
                    out.append(int(p.name))
            except (OSError, ValueError, IndexError):
                pass
    return out


def check_data(data: Path) -> list[str]:
    """Damage a crash may leave: a store file that does not hold its hash, a torn cache file,
    a corrupt database."""
    problems = []
    for f in (data / "store").rglob("*") if (data / "store").exists() else []:
        if f.is_file() and len(f.name) == 64 and hashlib.sha256(f.read_bytes()).hexdigest() != f.name:
            problems.append(f"store file {f.relative_to(data)} does not hold its hash ({f.stat().st_size} bytes)")
    for f in (data / "extracted").rglob("*.json") if (data / "extracted").exists() else []:
        try:
            json.loads(f.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError):
            problems.append(f"extraction cache {f.relative_to(data)} is not whole JSON")
    db = data / "archive.db"
    if db.exists():
        con = sqlite3.connect(db)
        try:
            ok = con.execute("PRAGMA integrity_check").fetchone()[0]
            if ok != "ok":
                problems.append(f"archive.db integrity_check: {ok}")
        finally:
            con.close()
    return problems


COMPARED = ("documents", "sources", "reports", "facts")


def compare(got: dict, want: dict) -> list[str]:
    diffs = []
    for key in COMPARED:
        if got[key] != want[key]:
            g, w = got[key], want[key]
            if isinstance(g, dict):
                missing, extra = set(w) - set(g), set(g) - set(w)
                changed = [k for k in set(g) & set(w) if g[k] != w[k]]
                diffs.append(f"{key}: {len(missing)} missing, {len(extra)} extra, {len(changed)} changed")
            else:
                diffs.append(f"{key}: {len(g)} vs {len(w)} ({sorted(set(map(repr, g)) ^ set(map(repr, w)))[:2]})")
    return diffs


@pytest.fixture(scope="module")
def reference(site, prefect_api, tmp_path_factory):
    data = tmp_path_factory.mktemp("crash-reference") / "data"
    complete_run(data, site, prefect_api)
    snap = snapshot(data / "archive.db")
    assert snap["documents"], "the uninterrupted run archived nothing"
    return snap


def _one_point(point, site, api, reference, tmp_path, group=True):
    data = tmp_path / "data"
    what = kill_at(data, site, api, point, group=group)
    after_kill = check_data(data)
    complete_run(data, site, api)
    after_rerun = check_data(data)
    got = snapshot(data / "archive.db")
    assert not after_kill, f"{point}: the kill left damage: {after_kill}"
    assert not after_rerun, f"{point}: damage after the rerun: {after_rerun}"
    assert got["integrity"] == "ok"
    assert duplicates(data / "archive.db") == {"sources": [], "reports": [], "orphan_facts": 0}
    assert not compare(got, reference), f"{point} ({what}): rerun differs from the uninterrupted run: " \
                                        f"{compare(got, reference)}"
    return what


# The default run: one point, mid-extraction (documents stored, some extracted, none or some loaded).
DEFAULT_POINTS = [p for p in kill_points(len(PHASES)) if p[0] == "extracted"]
SLOW_POINTS = kill_points(12)


@pytest.mark.parametrize("point", DEFAULT_POINTS, ids=lambda p: f"{p[0]}-{p[1]}-{p[2]}s")
def test_kill_then_rerun_equals_uninterrupted(point, site, prefect_api, reference, tmp_path):
    _one_point(point, site, prefect_api, reference, tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("point", SLOW_POINTS, ids=lambda p: f"{p[0]}-{p[1]}-{p[2]}s")
def test_kill_then_rerun_many_points(point, site, prefect_api, reference, tmp_path):
    _one_point(point, site, prefect_api, reference, tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("point", kill_points(3, SEED + 1), ids=lambda p: f"main-only-{p[0]}-{p[1]}-{p[2]}s")
def test_kill_main_process_only(point, site, prefect_api, reference, tmp_path):
    """Only the `nianbao run` process dies (OOM killer, segfault): its crawler subprocess lives on."""
    _one_point(point, site, prefect_api, reference, tmp_path, group=False)


@pytest.mark.slow
def test_chain_of_kills_in_one_data_folder(site, prefect_api, reference, tmp_path):
    """Ten crashes in a row on the same data folder, then one complete run."""
    data = tmp_path / "data"
    for point in kill_points(10, SEED + 2):
        kill_at(data, site, prefect_api, point)
        damage = check_data(data)
        assert not damage, f"after kill at {point}: {damage}"
    complete_run(data, site, prefect_api)
    got = snapshot(data / "archive.db")
    assert got["integrity"] == "ok" and not check_data(data)
    assert not compare(got, reference), compare(got, reference)


@pytest.mark.slow
def test_kill_with_temporary_prefect_server(site, reference, tmp_path):
    """As cron runs it: no Prefect server, `nianbao run` starts a temporary one. Killed while that
    server starts (its SQLite being migrated) and again mid-run, the next run must still work."""
    data = tmp_path / "data"
    kill_at(data, site, None, ("start", 1, 3.0))
    kill_at(data, site, None, ("extracted", 2, 0.2))
    complete_run(data, site, None)
    got = snapshot(data / "archive.db")
    assert not check_data(data)
    assert not compare(got, reference), compare(got, reference)
