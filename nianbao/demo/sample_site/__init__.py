"""The offline sample portal site (see site.yaml, generate.py, server.py).

    from nianbao.demo.sample_site import sample_site
    with sample_site() as site:          # generated (cached) and served on 127.0.0.1:<random>
        site.base_url, site.registry_path, site.truth, site.server.log

``python -m nianbao.demo.sample_site --port 0`` serves it and prints the URL.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from nianbao.demo.sample_site.generate import build_site, load_site, site_key
from nianbao.demo.sample_site.server import SampleServer


def cache_root() -> Path:
    from nianbao.config import get_settings

    env = get_settings().sample_cache
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(xdg) / "nianbao" / "sample_site"


def ensure_site(replicas: int = 1, root: Path | None = None) -> Path:
    """The generated site directory (built once per site.yaml/generator/render version)."""
    root = Path(root) if root else cache_root()
    dest = root / f"{site_key(replicas)}"
    if (dest / "truth.json").exists():
        return dest
    root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=root, prefix=".build-"))
    try:
        build_site(tmp, replicas=replicas)
        try:
            os.replace(tmp, dest)
        except OSError:  # someone else finished first
            shutil.rmtree(tmp, ignore_errors=True)
    finally:
        if tmp.exists() and tmp != dest:
            shutil.rmtree(tmp, ignore_errors=True)
    return dest


@dataclass
class RunningSite:
    server: SampleServer
    site_dir: Path

    @property
    def base_url(self) -> str:
        return self.server.base_url

    @property
    def registry_path(self) -> Path:
        return self.site_dir / "registry.yaml"

    @property
    def truth(self) -> dict:
        return json.loads((self.site_dir / "truth.json").read_text(encoding="utf-8"))

    def portals(self):
        from crawler.registry import load_registry

        return load_registry(self.registry_path, base_url=self.base_url)


@contextmanager
def sample_site(port: int = 0, replicas: int = 1, root: Path | None = None):
    site_dir = ensure_site(replicas, root)
    slow = float(load_site().get("slow_seconds", 1.2))
    server = SampleServer(site_dir, port=port, slow_seconds=slow).start()
    try:
        yield RunningSite(server, site_dir)
    finally:
        server.stop()


__all__ = ["sample_site", "ensure_site", "RunningSite", "SampleServer", "build_site"]
