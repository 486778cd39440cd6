"""Refuse a Dask worker that would produce a wrong archive.

With ``--dask-address`` crawl and extraction tasks run on other machines. They must see the
flow's data folder at the same path (the store, crawl runs and state: a shared filesystem) and
run the same code. Both are checked before the run, on every worker connected
(``check_cluster``), and again at the start of every task (``check_worker``), for workers that
join later. A refused worker fails with a message saying what differs; nothing is extracted or
crawled by it.
"""
from __future__ import annotations

import functools
import hashlib
import socket
import uuid
from pathlib import Path

from nianbao.config import PROJECT_ROOT, get_settings, store_dir

STORE_ID_FILE = ".nianbao-store-id"
PACKAGES = ("archive", "crawler", "extract", "flows", "nianbao")


class WorkerRefused(RuntimeError):
    """A worker cannot read the flow's store or runs other code than the flow."""


@functools.lru_cache(maxsize=1)
def code_version() -> str:
    """A digest of the project's Python sources (and the crawler's registry and settings): two
    machines agree on it only when they run the project at the same version."""
    h = hashlib.sha256()
    for pkg in PACKAGES:
        for f in sorted((PROJECT_ROOT / pkg).rglob("*")):
            if f.suffix in {".py", ".yaml"} and "sample_site" not in f.parts and f.is_file():
                h.update(str(f.relative_to(PROJECT_ROOT)).encode())
                h.update(f.read_bytes())
    return h.hexdigest()[:16]


def store_id(store: Path | None = None) -> str:
    """The store's identity (a random id written once into the store folder)."""
    path = Path(store or store_dir()) / STORE_ID_FILE
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with open(path, "x", encoding="utf-8") as fh:
                fh.write(uuid.uuid4().hex + "\n")
        except FileExistsError:
            pass
        return path.read_text(encoding="utf-8").strip()


def problem(store: str, store_id: str, extractor_version: str, code: str) -> str | None:
    """Why this process must not run the flow's tasks, or None."""
    from flows import parts

    where = socket.gethostname()
    try:
        seen = (Path(store) / STORE_ID_FILE).read_text(encoding="utf-8").strip()
    except OSError as exc:
        return (f"worker on {where} cannot read the data folder's store at {store} ({exc.strerror or exc}); "
                "mount the flow's data folder at the same path on every machine")
    if seen != store_id:
        return f"worker on {where}: {store} is another store than the flow's (store id {seen} != {store_id})"
    mine = parts.extractor_version()
    if mine != extractor_version:
        return (f"worker on {where} runs extractor version {mine}, the flow {extractor_version}; "
                "install the project at the same version on every machine")
    if code_version() != code:
        return (f"worker on {where} runs other nianbao code (source digest {code_version()} != {code}); "
                "install the project at the same version on every machine")
    return None


def check_worker(**check) -> None:
    reason = problem(**check)
    if reason:
        raise WorkerRefused(reason)


def check_cluster(extractor_version: str, address: str | None = None) -> dict | None:
    """With an existing Dask cluster: check every connected worker now and return the check the
    tasks repeat; raise ``WorkerRefused`` naming each bad worker. Without one: None."""
    address = address or get_settings().dask_address
    if not address:
        return None
    check = {"store": str(store_dir()), "store_id": store_id(), "extractor_version": extractor_version,
             "code": code_version()}
    from distributed import Client

    with Client(address, timeout="30s") as client:
        answers = client.run(problem, **check)
    if not answers:
        raise WorkerRefused(f"no Dask worker is connected to {address}")
    bad = {w: r for w, r in answers.items() if r}
    if bad:
        raise WorkerRefused("; ".join(f"{w}: {r}" for w, r in sorted(bad.items())))
    return check
