"""The health record's error ``kind`` of a failed request, by exception type (``failure.check``).

Scrapy ≥ 2.13 wraps Twisted's download errors in its own (``DownloadTimeoutError``,
``CannotResolveHostError`` …); the Twisted types are listed too for other download handlers.
The message is read only last, for exceptions no type names (Scrapy's robots.txt refusal is a
plain ``IgnoreRequest``; some handlers report a reset or a timeout only in the text).
"""
from __future__ import annotations

from scrapy.exceptions import (CannotResolveHostError, DownloadCancelledError, DownloadConnectionRefusedError,
                               DownloadFailedError, DownloadTimeoutError, IgnoreRequest, ResponseDataLossError)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import (ConnectError, ConnectionDone, ConnectionLost, ConnectionRefusedError,
                                    DNSLookupError, TCPTimedOutError, TimeoutError)
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived

from crawler.middlewares import PortalRefusal

# kinds that are the portal's policy, not a failure: asking again tomorrow would change nothing
POLICY_KINDS = ("offsite", "private-address", "robots")


def error_kind(failure) -> str:
    if failure.check(PortalRefusal):
        return failure.value.kind
    if failure.check(HttpError):  # (an IgnoreRequest too: before it)
        return f"http-{failure.value.response.status}"
    if failure.check(IgnoreRequest):
        return "robots" if "robots" in str(failure.value).lower() else "ignored"
    if failure.check(DownloadTimeoutError, TimeoutError, TCPTimedOutError):
        return "timeout"
    if failure.check(CannotResolveHostError, DNSLookupError):
        return "dns"
    if failure.check(DownloadCancelledError):  # the only cancellation here: DOWNLOAD_MAXSIZE
        return "too-large"
    if failure.check(ResponseDataLossError) or (
            failure.check(DownloadFailedError, ResponseFailed) and "dataloss" in repr(failure.value).lower()):
        return "truncated"   # (a body shorter than its Content-Length may come as ResponseFailed([_DataLoss]))
    if failure.check(DownloadConnectionRefusedError, DownloadFailedError, ConnectionRefusedError, ConnectError,
                     ConnectionLost, ConnectionDone, ResponseFailed, ResponseNeverReceived):
        return "connection"
    msg = str(failure.value).lower()
    if "timeout" in msg or "timed out" in msg:
        return "timeout"
    if "reset" in msg or "connection lost" in msg or "connection refused" in msg:
        return "connection"
    return "error"
