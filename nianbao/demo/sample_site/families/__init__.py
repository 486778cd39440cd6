"""One sample-site writer per CMS family: ``<family>.py`` beside this file, named like the
spider module ``crawler/spiders/<family>.py``, found by ``writers()`` (no list to edit).

A writer module defines ``write_portal(site, p, pid, path, entry)``: write the portal ``p`` (its
``site.yaml`` entry) under URL ``path`` through ``site`` (a ``generate.Site``: ``write``,
``entries``, ``pages``, ``article``, ``attachment``, ``listing_page``, ``hold`` …) and adjust its
registry ``entry`` if the listing URL is not ``path``. Optional: ``answer(server, method, path,
q, headers) -> (status, headers, body) | None`` for URLs the static files cannot serve (the
server asks every writer before serving a file). Route data a writer records for its ``answer``
goes into ``site.routes[<key>]`` (saved in routes.json, read back as ``server.routes``).
"""
from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache


@lru_cache(maxsize=None)
def writers() -> dict:
    """family -> its writer module."""
    return {m.name: importlib.import_module(f"{__name__}.{m.name}")
            for m in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name) if not m.name.startswith("_")}
