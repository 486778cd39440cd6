"""One module per CMS family: ``crawler/spiders/<family>.py`` defines one ``ReportSpider``
subclass whose ``name`` is the module's name (``scrapy list``). ``base`` is the shared spider.

Scrapy-free at import (the registry reads ``family_names()``); ``spider_classes()`` imports the
family modules. How to add a family: crawler/README.md.
"""
from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache

NOT_FAMILIES = {"base"}


def family_names() -> tuple[str, ...]:
    """Every family with a module here, sorted (no import: cheap, Scrapy-free)."""
    return tuple(sorted(m.name for m in pkgutil.iter_modules(__path__)
                        if not m.name.startswith("_") and m.name not in NOT_FAMILIES))


@lru_cache(maxsize=None)
def spider_classes() -> dict:
    """family name -> its spider class (imports every family module)."""
    from crawler.spiders.base import ReportSpider

    out = {}
    for name in family_names():
        module = importlib.import_module(f"{__name__}.{name}")
        found = [v for v in vars(module).values()
                 if isinstance(v, type) and issubclass(v, ReportSpider) and getattr(v, "name", None) == name]
        if len(found) != 1:
            raise ImportError(f"crawler/spiders/{name}.py must define exactly one ReportSpider with name = {name!r}")
        out[name] = found[0]
    return out
