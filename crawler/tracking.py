"""The report pages one crawl opened, and whether everything they led to arrived.

A report page is *done* when its own request and every attachment request it spawned finished
and none failed; a page that is not done is retried on later crawls (``MAX_DETAIL_RETRIES``).
Every callback and the errback end in exactly one ``finished(url, ok)`` per request.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class _Detail:
    portal: str
    listing_url: str
    item: dict                    # {title, date, year} from the listing: enough to ask again later
    pending: int = 1              # the page itself, then +1 per attachment request
    failed: bool = False
    retry: bool = False           # an empty per-year view: ask again next time, no failure counted
    docs: list[str] = field(default_factory=list)


class DetailTracker:
    def __init__(self):
        self._details: dict[str, _Detail] = {}

    def __contains__(self, url) -> bool:
        return url in self._details

    def opened(self, url: str, portal: str, listing_url: str, item: dict) -> bool:
        """Record a report page about to be requested; False if this crawl already has it."""
        if url in self._details:
            return False
        self._details[url] = _Detail(portal, listing_url, {k: item.get(k) for k in ("title", "date", "year")})
        return True

    def spawned(self, url: str | None) -> None:
        """One more request (an attachment) belongs to report page ``url``."""
        if url in self._details:
            self._details[url].pending += 1

    def finished(self, url: str | None, ok: bool = True) -> None:
        """One request of report page ``url`` is over; ``ok=False``: it failed."""
        d = self._details.get(url) if url else None
        if d is not None:
            d.pending -= 1
            d.failed = d.failed or not ok

    def failed(self, url: str | None) -> None:
        """Report page ``url`` failed without a request ending (nothing to archive on it, a lost item)."""
        if url in self._details:
            self._details[url].failed = True

    def retry_later(self, url: str | None) -> None:
        if url in self._details:
            self._details[url].retry = True

    def stored(self, url: str | None, sha256: str) -> None:
        if url in self._details:
            self._details[url].docs.append(sha256)

    def outcomes(self):
        """(url, portal, state entry or None) per report page: the entry to save in the portal's
        state (``{"done": True, docs}`` or ``{"done": False, failures, …}``); None: leave it."""
        for url, d in self._details.items():
            if d.retry:
                yield url, d.portal, None
            elif d.pending <= 0 and not d.failed:
                yield url, d.portal, {"done": True, "docs": sorted(set(d.docs))}
            else:
                yield url, d.portal, {"done": False, "listing_url": d.listing_url, "item": d.item,
                                      "docs": sorted(set(d.docs))}
