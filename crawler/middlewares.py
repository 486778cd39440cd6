"""Downloader middlewares: per-portal host guard, per-portal counters, retries with backoff,
per-portal cookie jars (only where a portal needs them), the User-Agent with the crawl's contact.

None of them touches the spider: the guard reads the registry itself (the same file and base URL
the spider reads, from the settings) and hears of blocked portals by the ``portal_blocked``
signal; the counters go to the Scrapy stats (``portal/<id>/requests``, ``portal/<id>/bytes``).
A refusal raises a ``PortalRefusal`` whose ``kind`` the spider's errback records.
"""
from __future__ import annotations

import asyncio
import ipaddress
import logging
from urllib.parse import urljoin, urlsplit

from scrapy.downloadermiddlewares.cookies import CookiesMiddleware
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.response import response_status_message

from crawler import signals as nianbao_signals
from crawler.registry import load_registry


class PortalRefusal(IgnoreRequest):
    """A request the portal's policy refuses; ``kind`` is the health record's error kind."""

    kind = "ignored"


class PortalBlocked(PortalRefusal):
    kind = "blocked"


class OffsiteRequest(PortalRefusal):
    kind = "offsite"


class PrivateAddress(PortalRefusal):
    kind = "private-address"


class SchemeRefused(PortalRefusal):
    kind = "ignored"


class RedirectLoop(PortalRefusal):
    kind = "redirect-loop"


def host_of(url: str) -> str:
    return urlsplit(url).netloc.lower()


def is_private_host(url: str) -> bool:
    """True for loopback / private / link-local / unspecified literal addresses and localhost."""
    host = (urlsplit(url).hostname or "").lower()
    if host in ("localhost", "localhost.localdomain") or host.endswith(".localhost"):
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False
    return ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_unspecified or ip.is_reserved


def refusal(url: str, portal) -> PortalRefusal | None:
    """None if ``portal`` may fetch ``url``, else the exception saying why it may not."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return SchemeRefused(f"scheme {parts.scheme!r} not followed")
    if host_of(url) not in portal.hosts:
        return OffsiteRequest(f"offsite host {host_of(url)!r}")
    if is_private_host(url) and not portal.allow_private:
        return PrivateAddress(f"private/loopback address {parts.hostname!r} refused")
    return None


def url_allowed(url: str, portal) -> str | None:
    """None if ``portal`` may fetch ``url``, else the reason it may not."""
    why = refusal(url, portal)
    return str(why) if why else None


class PortalGuardMiddleware:
    """Only the portal's registry hosts (+ attachment hosts), never private addresses on a real
    portal (redirects included: they pass through here again), nothing once a portal is blocked."""

    def __init__(self, crawler):
        self.settings = crawler.settings
        self.blocked: set[str] = set()
        self._portals: dict | None = None
        crawler.signals.connect(self.portal_blocked, signal=nianbao_signals.portal_blocked)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def portal_blocked(self, portal, **kwargs):
        self.blocked.add(portal)

    @property
    def portals(self) -> dict:
        if self._portals is None:  # the registry the spider read (its -a registry= is in the settings)
            every = load_registry(self.settings.get("NIANBAO_REGISTRY") or None,
                                  base_url=self.settings.get("NIANBAO_SAMPLE_BASE") or None)
            self._portals = {p.id: p for p in every}
        return self._portals

    def process_request(self, request, spider=None):
        pid = request.meta.get("portal")
        if not pid:
            return None
        if pid in self.blocked:
            raise PortalBlocked(f"portal {pid} is blocked")
        why = refusal(request.url, self.portals[pid])
        if why:
            raise why
        return None


class RedirectLoopMiddleware:
    """A redirect back to a URL already on this request's redirect chain is a loop: fail it
    (errback, kind ``redirect-loop``) instead of letting the duplicate filter drop it silently."""

    def process_response(self, request, response, spider=None):
        if 300 <= response.status < 400 and b"Location" in response.headers:
            target = urljoin(request.url, response.headers[b"Location"].decode("latin-1").strip())
            chain = set(request.meta.get("redirect_urls") or []) | {request.url}
            if target in chain:
                raise RedirectLoop(f"redirect loop: {request.url} -> {target}")
        return response


class PortalStatsMiddleware:
    """Counts every attempt (retries too) and the bytes received, per portal, in the stats."""

    def __init__(self, stats):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_request(self, request, spider=None):
        pid = request.meta.get("portal")
        if pid:
            self.stats.inc_value(f"portal/{pid}/requests")
        return None

    def process_response(self, request, response, spider=None):
        pid = request.meta.get("portal")
        if pid:
            self.stats.inc_value(f"portal/{pid}/bytes", len(response.body))
        return response


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retry, waiting base * 2**(n-1) seconds (capped) before attempt n+1."""

    def __init__(self, settings):
        super().__init__(settings)
        self.base = settings.getfloat("RETRY_BACKOFF_BASE", 2.0)
        self.cap = settings.getfloat("RETRY_BACKOFF_MAX", 60.0)

    async def _wait(self, request):
        n = request.meta.get("retry_times", 1)
        delay = min(self.cap, self.base * 2 ** max(0, n - 1))
        if delay > 0:
            await asyncio.sleep(delay)

    async def process_response(self, request, response, spider=None):
        if request.meta.get("dont_retry", False):
            return response
        if response.status in self.retry_http_codes:
            new = self._retry(request, response_status_message(response.status))
            if new is not None:
                await self._wait(new)
                return new
        return response

    async def process_exception(self, request, exception, spider=None):
        if isinstance(exception, self.exceptions_to_retry) and not request.meta.get("dont_retry", False):
            new = self._retry(request, exception)
            if new is not None:
                await self._wait(new)
                return new
        return None


class PortalCookiesMiddleware(CookiesMiddleware):
    """Scrapy's cookie handling, only for requests that carry ``meta["cookiejar"]`` (one jar per
    portal: the base spider sets it for portals with ``overrides: {cookies: true}``). Every other
    request neither sends nor keeps cookies, whatever ``COOKIES_ENABLED`` says (it stays False)."""

    @classmethod
    def from_crawler(cls, crawler):
        o = cls(crawler.settings.getbool("COOKIES_DEBUG"))
        o.crawler = crawler
        return o

    def process_request(self, request, spider=None):
        if "cookiejar" not in request.meta:
            return None
        return super().process_request(request)

    def process_response(self, request, response, spider=None):
        if "cookiejar" not in request.meta:
            return response
        return super().process_response(request, response)


def crawl_contact(settings) -> str:
    """Who runs the crawl (URL or e-mail): setting ``NIANBAO_CONTACT``, else ``$NIANBAO_CONTACT``."""
    from nianbao.config import get_settings

    return str(settings.get("NIANBAO_CONTACT") or get_settings().contact or "").strip()


def user_agent(template: str, contact: str) -> str:
    return template.replace("{contact}", contact or "no contact configured; offline sample crawl")


class NoContact(PortalRefusal):
    kind = "no-contact"


class ContactUserAgentMiddleware:
    """The User-Agent names whoever runs the crawl (``NIANBAO_CONTACT``, put into ``USER_AGENT``'s
    ``{contact}``). Without a contact only loopback/private hosts (the offline sample site, tests)
    are fetched: a request to any other host is refused (``NoContact``, kind ``no-contact``), and
    a loud error is logged once."""

    def __init__(self, contact: str, user_agent_template: str):
        self.contact = contact
        self.user_agent = user_agent(user_agent_template, contact)
        self.warned = False

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawl_contact(crawler.settings), crawler.settings.get("USER_AGENT") or "nianbao")

    def process_request(self, request, spider=None):
        if not self.contact and not is_private_host(request.url):
            if not self.warned:
                self.warned = True
                logging.getLogger(__name__).error(
                    "REFUSING to crawl real portals without a contact: set NIANBAO_CONTACT (the URL or e-mail of "
                    "whoever runs this crawl, e.g. export NIANBAO_CONTACT=mailto:you@example.org); it goes into "
                    "the User-Agent so that site operators can reach you")
            raise NoContact(f"no contact: set NIANBAO_CONTACT before crawling {host_of(request.url)}")
        request.headers.setdefault(b"User-Agent", self.user_agent)
        return None
