"""One polite GET at a time, with the crawler's own politeness rules (no Scrapy reactor).

The User-Agent, timeout, per-host delay and redirect limit come from ``crawler.settings``; robots.txt
is read with Protego (Scrapy's default robots parser); private/loopback addresses are refused
with the crawler guard's test (``crawler.middlewares.is_private_host``) unless ``allow_private``
(tests on 127.0.0.1); every redirect hop passes the same checks and the caller's host rule.
Errors never raise: a ``Fetched`` carries ``error`` instead.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable
from urllib.parse import urljoin, urlsplit

import requests
from protego import Protego

from crawler import settings as crawl_settings
from crawler.middlewares import is_private_host

MAX_BYTES = 8 * 1024 * 1024          # a navigation page, not a document


@dataclass
class Fetched:
    url: str                          # final URL (after redirects)
    status: int = 0
    headers: dict = field(default_factory=dict)
    body: bytes = b""
    error: str | None = None


class PoliteFetcher:
    def __init__(self, *, allow_private: bool = False, host_allowed: Callable[[str], bool] | None = None,
                 delay: float | None = None, timeout: float = 30.0, obey_robots: bool | None = None,
                 user_agent: str | None = None):
        self.allow_private = allow_private
        self.host_allowed = host_allowed or (lambda url: True)
        self.delay = crawl_settings.DOWNLOAD_DELAY if delay is None else delay
        self.timeout = min(timeout, crawl_settings.DOWNLOAD_TIMEOUT)
        self.obey_robots = crawl_settings.ROBOTSTXT_OBEY if obey_robots is None else obey_robots
        self.user_agent = user_agent or crawl_settings.USER_AGENT
        self.session = requests.Session()
        # the project's UA holds Chinese: sent as UTF-8 bytes, as Scrapy sends it
        self.session.headers["User-Agent"] = self.user_agent.encode("utf-8")
        self.session.trust_env = False     # no proxies from the environment: we talk to the portal only
        self._robots: dict[str, Protego | None] = {}
        self._last: dict[str, float] = {}
        self.requested: list[str] = []     # every URL actually sent (robots.txt included)

    def refusal(self, url: str) -> str | None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            return f"scheme {parts.scheme!r} not followed"
        if is_private_host(url) and not self.allow_private:
            return f"private/loopback address {parts.hostname!r} refused"
        if not self.host_allowed(url):
            return f"host {parts.netloc!r} is outside the hosts discovery may visit"
        return None

    def _wait(self, netloc: str) -> None:
        last = self._last.get(netloc)
        if last is not None and self.delay > 0:
            pause = self.delay - (time.monotonic() - last)
            if pause > 0:
                time.sleep(pause)
        self._last[netloc] = time.monotonic()

    def _raw_get(self, url: str) -> requests.Response:
        self._wait(urlsplit(url).netloc)
        self.requested.append(url)
        r = self.session.get(url, timeout=self.timeout, allow_redirects=False, stream=True)
        try:
            r._content = r.raw.read(MAX_BYTES + 1, decode_content=True)
        finally:
            r.close()
        return r

    def robots_allow(self, url: str) -> bool:
        if not self.obey_robots:
            return True
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._robots:
            rules = None
            try:
                target = origin + "/robots.txt"
                for _hop in range(crawl_settings.REDIRECT_MAX_TIMES):   # http -> https moves are common
                    r = self._raw_get(target)
                    if not (r.is_redirect and r.headers.get("Location")):
                        break
                    target = urljoin(target, r.headers["Location"])
                    if self.refusal(target):
                        break
                if r.status_code == 200:
                    rules = Protego.parse(r.content.decode("utf-8", "replace"))
            except (requests.RequestException, ValueError, OSError):
                rules = None               # as Scrapy: an unreadable robots.txt allows everything
            self._robots[origin] = rules
        rules = self._robots[origin]
        return rules is None or rules.can_fetch(url, self.user_agent)

    def get(self, url: str) -> Fetched:
        for _hop in range(crawl_settings.REDIRECT_MAX_TIMES + 1):
            why = self.refusal(url)
            if why:
                return Fetched(url, error=why)
            if not self.robots_allow(url):
                return Fetched(url, error="disallowed by robots.txt")
            try:
                r = self._raw_get(url)
            except (requests.RequestException, ValueError, OSError) as exc:
                return Fetched(url, error=f"{type(exc).__name__}: {exc}"[:300])
            if r.is_redirect and r.headers.get("Location"):
                url = urljoin(url, r.headers["Location"])
                continue
            if len(r.content) > MAX_BYTES:
                return Fetched(url, r.status_code, dict(r.headers), b"", error="page larger than 8 MB")
            return Fetched(url, r.status_code, dict(r.headers), r.content)
        return Fetched(url, error="too many redirects")


__all__ = ["PoliteFetcher", "Fetched"]
