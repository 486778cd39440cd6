"""Downloader middlewares: per-portal host guard, per-portal counters, retries with backoff,
per-portal cookie jars (only where a portal needs them), the User-Agent with the crawl's contact."""
from __future__ import annotations

import asyncio
import ipaddress
import logging
import os
from urllib.parse import urljoin, urlsplit

from scrapy.downloadermiddlewares.cookies import CookiesMiddleware
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.response import response_status_message


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


def url_allowed(url: str, portal) -> str | None:
    """None if ``portal`` may fetch ``url``, else the reason it may not."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return f"scheme {parts.scheme!r} not followed"
    if host_of(url) not in portal.hosts:
        return f"offsite host {host_of(url)!r}"
    if is_private_host(url) and not portal.allow_private:
        return f"private/loopback address {parts.hostname!r} refused"
    return None


class _WithCrawler:
    @classmethod
    def from_crawler(cls, crawler):
        o = cls()
        o.crawler = crawler
        return o

    @property
    def spider(self):
        return self.crawler.spider


class PortalGuardMiddleware(_WithCrawler):
    """Only the portal's registry hosts (+ attachment hosts), never private addresses on a real
    portal (redirects included: they pass through here again), nothing once a portal is blocked."""

    def process_request(self, request, spider=None):
        spider = self.spider
        pid = request.meta.get("portal")
        if not pid or not hasattr(spider, "portals"):
            return None
        portal = spider.portals[pid]
        if spider.is_blocked(pid):
            raise IgnoreRequest(f"portal {pid} is blocked")
        why = url_allowed(request.url, portal)
        if why:
            raise IgnoreRequest(why)
        return None


class RedirectLoopMiddleware(_WithCrawler):
    """A redirect back to a URL already on this request's redirect chain is a loop: fail it
    (errback, kind ``redirect-loop``) instead of letting the duplicate filter drop it silently."""

    def process_response(self, request, response, spider=None):
        if 300 <= response.status < 400 and b"Location" in response.headers:
            target = urljoin(request.url, response.headers[b"Location"].decode("latin-1").strip())
            chain = set(request.meta.get("redirect_urls") or []) | {request.url}
            if target in chain:
                raise IgnoreRequest(f"redirect loop: {request.url} -> {target}")
        return response


class PortalStatsMiddleware(_WithCrawler):
    """Counts every attempt (retries too) and the bytes received, per portal."""

    def process_request(self, request, spider=None):
        spider = self.spider
        pid = request.meta.get("portal")
        if pid and hasattr(spider, "health"):
            spider.health_for(pid)["requests"] += 1
        return None

    def process_response(self, request, response, spider=None):
        spider = self.spider
        pid = request.meta.get("portal")
        if pid and hasattr(spider, "health"):
            spider.health_for(pid)["bytes"] += len(response.body)
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
    return str(settings.get("NIANBAO_CONTACT") or os.environ.get("NIANBAO_CONTACT") or "").strip()


def user_agent(template: str, contact: str) -> str:
    return template.replace("{contact}", contact or "no contact configured; offline sample crawl")


class ContactUserAgentMiddleware(_WithCrawler):
    """The User-Agent names whoever runs the crawl (``NIANBAO_CONTACT``, put into ``USER_AGENT``'s
    ``{contact}``). Without a contact only loopback/private hosts (the offline sample site, tests)
    are fetched: a request to any other host is refused (kind ``no-contact``), and a loud error is
    logged once."""

    @classmethod
    def from_crawler(cls, crawler):
        o = super().from_crawler(crawler)
        o.contact = crawl_contact(crawler.settings)
        o.user_agent = user_agent(crawler.settings.get("USER_AGENT") or "nianbao", o.contact)
        o.warned = False
        return o

    def process_request(self, request, spider=None):
        if not self.contact and not is_private_host(request.url):
            if not self.warned:
                self.warned = True
                logging.getLogger(__name__).error(
                    "REFUSING to crawl real portals without a contact: set NIANBAO_CONTACT (the URL or e-mail of "
                    "whoever runs this crawl, e.g. export NIANBAO_CONTACT=mailto:you@example.org); it goes into "
                    "the User-Agent so that site operators can reach you")
            raise IgnoreRequest(f"no contact: set NIANBAO_CONTACT before crawling {host_of(request.url)}")
        request.headers.setdefault(b"User-Agent", self.user_agent)
        return None
