"""A real Dask cluster and a timed sample site on 127.0.0.1, for the scale-out test and benchmark.

- ``TimedSite``: the sample site (replicated to N portals) answering every request after
  ``delay`` seconds, logging (portal, start, end, method, path, status, origin) per request. The
  portal of a request is the one the crawler names in its ``X-Nianbao-Origin`` header (sent with
  ``NIANBAO_TRACE_ORIGIN=1``, with its run, pid and retry count: the origin); without it, its
  listing URL's, or else its Referer's. Not the path alone: several portals of one host ask for
  one path (a search API such as ``/fjdzapp/search``, with the portal in the POST body).
- ``DaskCluster``: ``dask scheduler`` and ``dask worker`` subprocesses (the commands the README
  gives for real machines), each in its own session so one can be SIGKILLed alone.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from crawler.multi import ORIGIN_HEADER

ROOT = Path(__file__).resolve().parents[2]
_local = threading.local()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _origin_portal(origin: str) -> str | None:
    """The portal named by the crawler's ``X-Nianbao-Origin`` header (``… portal=<id> …``)."""
    for part in origin.split():
        if part.startswith("portal=") and part != "portal=None":
            return part[len("portal="):]
    return None


def _key(url_or_path: str) -> str:
    parts = urlsplit(url_or_path)
    return parts.path + (f"?{parts.query}" if parts.query else "")


@contextmanager
def timed_site(replicas: int, portals: int | None, delay: float, portal_delay: float, folder: Path):
    """Serve the sample site with ``replicas`` copies; write a registry of its first ``portals``
    portals with ``overrides.delay = portal_delay`` to ``folder/registry.yaml``."""
    from nianbao.demo.sample_site import ensure_site
    from nianbao.demo.sample_site.generate import load_site
    from nianbao.demo.sample_site.server import SampleServer

    site_dir = ensure_site(replicas)

    class TimedServer(SampleServer):
        def __init__(self, *a, **kw):
            super().__init__(*a, **kw)
            # (portal, start, end, method, path, status, origin): origin = who sent it (the
            # crawler's X-Nianbao-Origin header with NIANBAO_TRACE_ORIGIN=1), and how
            self.spans: list[tuple[str | None, float, float, str, str, int, str]] = []
            self.portal_of: dict[str, str] = {}

        def _handler(self):
            base = super()._handler()

            class Traced(base):
                def _do(self, method):
                    _local.peer = f"peer={self.client_address[1]}"
                    return super()._do(method)

            return Traced

        def answer(self, method, raw_path, headers, body):
            start = time.monotonic()
            time.sleep(delay)
            status = 500
            try:
                status, h, data = super().answer(method, raw_path, headers, body)
                return status, h, data
            finally:
                key = _key(raw_path)
                origin = headers.get(ORIGIN_HEADER) or ""
                with self._lock:
                    # the portal the crawler sent it for (several portals ask for one path, e.g.
                    # one search API per host); else guessed from the path or the Referer
                    portal = _origin_portal(origin) or self.portal_of.get(key)
                    if portal is None and headers.get("Referer"):
                        portal = self.portal_of.get(_key(headers["Referer"]))
                        if portal is not None:
                            self.portal_of[key] = portal
                    conditional = " ".join(f"{h}={headers[h]}" for h in ("If-None-Match", "If-Modified-Since")
                                           if headers.get(h))
                    origin = f"{origin or '-'} {conditional} {getattr(_local, 'peer', '')}".strip()
                    self.spans.append((portal, start, time.monotonic(), method, key, status, origin))

    server = TimedServer(site_dir, port=0, slow_seconds=float(load_site().get("slow_seconds", 1.2))).start()
    try:
        raw = yaml.safe_load((site_dir / "registry.yaml").read_text(encoding="utf-8"))
        chosen = raw["portals"][:portals] if portals else raw["portals"]
        for p in chosen:
            p.setdefault("overrides", {})["delay"] = portal_delay
            for u in p["listing_urls"]:
                for year in range(2015, 2031):  # listing URLs with {year}
                    server.portal_of[_key(u.replace("{base}", "").replace("{year}", str(year)))] = p["id"]
        folder.mkdir(parents=True, exist_ok=True)
        registry = folder / "registry.yaml"
        registry.write_text(yaml.safe_dump({"sample": True, "portals": chosen}, allow_unicode=True,
                                           sort_keys=False), encoding="utf-8")
        server.registry = registry
        server.portal_ids = [p["id"] for p in chosen]
        yield server
    finally:
        server.stop()


def overlaps(spans) -> list[tuple]:
    """Requests of one portal that were in flight at the same time, as the server saw them."""
    by_portal = defaultdict(list)
    for portal, start, end, *rest in spans:
        if portal is not None:
            by_portal[portal].append((start, end, rest[-1] if len(rest) > 3 else ""))
    bad = []
    for portal, xs in by_portal.items():
        xs.sort()
        for (s1, e1, o1), (s2, e2, o2) in zip(xs, xs[1:]):
            if s2 < e1 - 0.002:  # 2 ms: the clock reads around the handler, not the socket
                bad.append((portal, s1, e1, s2, e2, o1, o2))
    return bad


def min_gaps(spans) -> dict[str, float]:
    """Per portal, the shortest time between the starts of two consecutive requests."""
    by_portal = defaultdict(list)
    for portal, start, *_ in spans:
        if portal is not None:
            by_portal[portal].append(start)
    return {p: min(b - a for a, b in zip(sorted(xs), sorted(xs)[1:])) for p, xs in by_portal.items() if len(xs) > 1}


def closest(spans, portal: str) -> tuple:
    """The two requests of ``portal`` whose starts are closest: (start, end, method, path, status,
    origin) each."""
    xs = sorted((sp for sp in spans if sp[0] == portal), key=lambda sp: sp[1])
    pair = min(zip(xs, xs[1:]), key=lambda ab: ab[1][1] - ab[0][1])
    return tuple((round(a[1], 3), round(a[2], 3), *a[3:]) for a in pair)


def document_fetches(spans, data: Path) -> dict[str, list[dict]]:
    """Each document of the data folder's manifests -> the times the site served it (200): the
    request's start, end and its origin fields (``run``, ``pid``, ``retry``, …), in order."""
    urls = set()
    for m in (data / "crawl" / "runs").glob("*/manifest.jsonl"):
        urls |= set(manifest_urls(m))
    served = defaultdict(list)
    for _, start, end, method, key, status, origin in spans:
        if key in urls and status == 200 and method in ("GET", "POST"):
            fields = dict(part.split("=", 1) for part in origin.split() if "=" in part)
            served[key].append({"start": start, "end": end, **fields})
    return {u: sorted(served[u], key=lambda f: f["start"]) for u in urls}


def manifest_urls(manifest: Path) -> list[str]:
    """The documents a crawl recorded (paths), skipping a torn last line of a killed crawl."""
    out = []
    try:
        lines = manifest.read_text(encoding="utf-8").splitlines()
    except OSError:
        return out
    for line in lines:
        try:
            out.append(_key(json.loads(line)["url"]))
        except (ValueError, KeyError, TypeError):
            continue
    return out


def in_transit_at_kill(fetch: dict, url: str, events: dict, data: Path, window: float = 10.0) -> bool:
    """The fetch was a killed crawler's, ended shortly before the kill, and its run never recorded
    the document (else the retry's replay would have answered it from the store)."""
    if "crawl_kill" not in events or int(fetch.get("pid", -1)) not in events.get("orphans", []):
        return False
    if not events["crawl_kill"] - window <= fetch["end"] <= events["crawl_kill"] + 1:
        return False
    return url not in manifest_urls(data / "crawl" / "runs" / fetch.get("run", "?") / "manifest.jsonl")


class DaskCluster:
    """``dask scheduler`` + ``dask worker`` subprocesses on 127.0.0.1."""

    def __init__(self, env: dict, logs: Path):
        self.env, self.logs = env, logs
        self.workers: list[subprocess.Popen] = []
        dask = shutil.which("dask", path=str(Path(sys.executable).parent)) or shutil.which("dask")
        if not dask:
            raise RuntimeError("the `dask` command (distributed) is not installed")
        self.dask = dask
        self.port = free_port()
        self.address = f"tcp://127.0.0.1:{self.port}"
        logs.mkdir(parents=True, exist_ok=True)
        self.scheduler = self._spawn([dask, "scheduler", "--host", "127.0.0.1", "--port", str(self.port),
                                      "--no-dashboard"], "scheduler")
        self._wait(lambda: self._connectable(), 60, "the Dask scheduler")

    def _spawn(self, cmd, name):
        log = open(self.logs / f"{name}-{len(self.workers)}.log", "w")
        return subprocess.Popen(cmd, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)

    def _connectable(self) -> bool:
        with socket.socket() as s:
            return s.connect_ex(("127.0.0.1", self.port)) == 0

    @staticmethod
    def _wait(cond, timeout, what):
        deadline = time.monotonic() + timeout
        while not cond():
            if time.monotonic() > deadline:
                raise TimeoutError(f"{what} did not come up in {timeout} s")
            time.sleep(0.2)

    def n_workers(self) -> int:
        from distributed import Client

        with Client(self.address, timeout="20s") as c:
            return len(c.scheduler_info(n_workers=-1)["workers"])

    def add_worker(self, wait: bool = True) -> subprocess.Popen:
        before = self.n_workers() if wait else 0
        p = self._spawn([self.dask, "worker", self.address, "--nworkers", "1", "--nthreads", "1",
                         "--no-dashboard", "--host", "127.0.0.1", "--death-timeout", "60"], "worker")
        self.workers.append(p)
        if wait:
            self._wait(lambda: self.n_workers() > before, 180, "a Dask worker")
        return p

    @staticmethod
    def processes(worker: subprocess.Popen):
        """(the nanny and its worker process, the crawler subprocesses below them)."""
        import psutil

        try:
            nanny = psutil.Process(worker.pid)
            tree = [nanny] + nanny.children(recursive=True)
        except psutil.NoSuchProcess:
            return [], []
        crawlers = [p for p in tree if _cmdline_has(p, "crawler.multi")]
        return [p for p in tree if p not in crawlers], crawlers

    def kill_worker(self, worker: subprocess.Popen) -> list[int]:
        """SIGKILL the worker's own processes (a machine dying), not its crawler subprocesses:
        those must die by themselves (PR_SET_PDEATHSIG). Returns the crawler pids."""
        own, crawlers = self.processes(worker)
        for p in own:
            try:
                os.kill(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        worker.wait(30)
        return [c.pid for c in crawlers]

    def close(self):
        for p in self.workers + [self.scheduler]:
            if p.poll() is None:
                try:
                    os.killpg(p.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        for p in self.workers + [self.scheduler]:
            try:
                p.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait(10)


def describe(p) -> str:
    try:
        return " ".join(p.cmdline()[3:5])
    except Exception:  # noqa: BLE001 — gone meanwhile
        return "?"


def _cmdline_has(p, word: str) -> bool:
    try:
        return any(word in part for part in p.cmdline())
    except Exception:  # noqa: BLE001 — gone meanwhile
        return False


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie is dead
        import psutil

        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except Exception:  # noqa: BLE001
        return False


class Watcher(threading.Thread):
    """Runs ``step()`` every 0.1 s until it returns True or ``stop`` is set."""

    def __init__(self, step):
        super().__init__(daemon=True)
        self.step, self.stop, self.error = step, threading.Event(), None

    def run(self):
        try:
            while not self.stop.is_set():
                if self.step():
                    return
                time.sleep(0.1)
        except Exception as exc:  # noqa: BLE001 — reported by the test
            self.error = exc
