"""Progress bars for long work, shown only when the CLI asks for them (stderr is a terminal).

The flows call ``progress.bar(...)``; under tests, deployments and pipes it does nothing.
"""
from __future__ import annotations

import contextlib
import sys
from typing import Callable, Iterator


def enabled() -> bool:
    from nianbao.config import get_settings

    return get_settings().progress and sys.stderr.isatty()


@contextlib.contextmanager
def bar(description: str, total: int | None) -> Iterator[Callable[[int], None]]:
    """``with bar("extracting", total=n) as advance: ... advance(1)``."""
    if not enabled() or not total:
        yield lambda n=1: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from rich.console import Console

    with Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=Console(stderr=True), transient=True,
    ) as p:
        task = p.add_task(description, total=total)
        yield lambda n=1: p.advance(task, n)
