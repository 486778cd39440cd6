"""The crawler's edges without a crawl: pipelines (store, manifest), the health extension, the
pending-detail bookkeeping and the errback's classification by exception type."""
from __future__ import annotations

import hashlib
import json

import pytest
import scrapy
from scrapy.exceptions import (CannotResolveHostError, DownloadCancelledError, DownloadConnectionRefusedError,
                               DownloadTimeoutError, IgnoreRequest, ResponseDataLossError)
from scrapy.http import HtmlResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.test import get_crawler
from twisted.python.failure import Failure

from crawler import signals as nianbao_signals
from crawler.extensions import PortalHealthExtension
from crawler.failures import error_kind
from crawler.items import DocumentItem
from crawler.middlewares import OffsiteRequest, PortalBlocked, PrivateAddress, RedirectLoop
from crawler.pipelines import ManifestPipeline, StorePipeline
from crawler.tracking import DetailTracker


def _doc(body: bytes = b"%PDF-1.7 report", **kw) -> DocumentItem:
    fields = dict(portal="p", body=body, role="attachment", url="http://h/a.pdf", final_url="http://h/a.pdf",
                  detail_url="http://h/d.html", listing_url="http://h/", link_text="年报.pdf", listing_title="某县2023年报",
                  listing_date="2024-01-20", year_hint=2023, http_status=200, headers={"Content-Type": "application/pdf"},
                  media_type="application/pdf", format="pdf", fetched_at="2026-01-01T00:00:00Z")
    fields.update(kw)
    return DocumentItem(**fields)


def test_store_and_manifest_pipelines_write_one_line_per_document(tmp_path):
    crawler = get_crawler(settings_dict={"NIANBAO_DATA": str(tmp_path), "NIANBAO_RUN_ID": "r"})
    store, manifest = StorePipeline.from_crawler(crawler), ManifestPipeline.from_crawler(crawler)
    manifest.open_spider()
    for item in (_doc(), _doc(url="http://h/copy.pdf"), _doc(b"other bytes", link_text="年\u2028报")):
        manifest.process_item(store.process_item(item))
    lines = (tmp_path / "crawl" / "runs" / "r" / "manifest.jsonl").read_text(encoding="utf-8").splitlines()
    recs = [json.loads(x) for x in lines]  # U+2028 in a link text escaped: still one record a line
    assert len(recs) == 3 and [r["status"] for r in recs] == ["new", "known", "new"]
    assert recs[2]["link_text"] == "年\u2028报"
    sha = hashlib.sha256(b"%PDF-1.7 report").hexdigest()
    assert recs[0]["sha256"] == sha and recs[0]["store_path"] == f"sha256/{sha[:2]}/{sha[2:4]}/{sha}"
    assert (tmp_path / "store" / recs[0]["store_path"]).read_bytes() == b"%PDF-1.7 report"
    assert list(recs[0]) == ["portal", "sha256", "store_path", "media_type", "format", "size", "role", "url",
                             "final_url", "detail_url", "listing_url", "link_text", "listing_title", "listing_date",
                             "year_hint", "http_status", "headers", "fetched_at", "status"]
    assert crawler.stats.get_value("portal/p/new_documents") == 2
    assert crawler.stats.get_value("portal/p/known_documents") == 1


def test_health_extension_builds_one_record_per_portal_from_stats_and_signals(tmp_path):
    crawler = get_crawler(settings_dict={"NIANBAO_DATA": str(tmp_path), "NIANBAO_RUN_ID": "r"})
    ext = PortalHealthExtension.from_crawler(crawler)
    crawler.stats.inc_value("portal/a/requests", 3)
    crawler.stats.inc_value("portal/a/bytes", 1200)
    for i in range(250):
        crawler.signals.send_catch_log(nianbao_signals.portal_error, portal="a", url=f"http://h/{i}", kind="http-404",
                                       message="x" * 400)
    crawler.signals.send_catch_log(nianbao_signals.portal_blocked, portal="b", kind="rs-412", url="http://h/")
    crawler.signals.send_catch_log(nianbao_signals.portal_blocked, portal="b", kind="wzws", url="http://h/2")

    class Spider:
        portals = {"a": None, "b": None}
        family = "trs"

    ext.spider_closed(Spider(), "finished")
    recs = {r["portal"]: r for r in map(json.loads, (tmp_path / "crawl/runs/r/health.jsonl").read_text().splitlines())}
    assert recs["a"]["requests"] == 3 and recs["a"]["bytes"] == 1200 and recs["a"]["new_documents"] == 0
    assert len(recs["a"]["errors"]) == 200 and len(recs["a"]["errors"][0]["message"]) == 300
    assert recs["b"]["blocked"] == {"kind": "rs-412", "url": "http://h/"} and recs["b"]["errors"] == []
    assert recs["a"]["family"] == "trs" and recs["a"]["close_reason"] == "finished"


def test_detail_tracker_done_failed_and_retried():
    t = DetailTracker()
    assert t.opened("d1", "p", "L", {"title": "T", "date": None, "year": 2023, "url": "d1"})
    assert not t.opened("d1", "p", "L", {})           # the same report page twice in one crawl
    t.spawned("d1")                                   # one attachment
    t.finished("d1")                                  # the page
    t.finished("d1")                                  # the attachment
    t.stored("d1", "ab")
    t.opened("d2", "p", "L", {})
    t.spawned("d2")
    t.finished("d2")
    t.finished("d2", ok=False)                        # its attachment failed
    t.opened("d3", "p", "L", {})                      # never answered (crawl cut short)
    t.opened("d4", "p", "L", {})
    t.retry_later("d4")
    t.finished("d4")
    t.finished(None)                                  # listing requests belong to no report page
    out = {url: entry for url, _, entry in t.outcomes()}
    assert out["d1"] == {"done": True, "docs": ["ab"]}
    assert out["d2"]["done"] is False and out["d2"]["item"] == {"title": None, "date": None, "year": None}
    assert out["d3"]["done"] is False
    assert out["d4"] is None


def _failure(exc, url="http://h/x.pdf"):
    try:
        raise exc
    except Exception:
        f = Failure()
    f.request = scrapy.Request(url)
    return f


@pytest.mark.parametrize("exc,kind", [
    (OffsiteRequest("offsite host 'x'"), "offsite"),
    (PrivateAddress("private"), "private-address"),
    (RedirectLoop("loop"), "redirect-loop"),
    (PortalBlocked("blocked"), "blocked"),
    (IgnoreRequest("Forbidden by robots.txt"), "robots"),
    (IgnoreRequest("something else"), "ignored"),
    (DownloadTimeoutError("Getting x took longer than 3 seconds."), "timeout"),
    (CannotResolveHostError("no such host"), "dns"),
    (DownloadCancelledError("Cancelling download of x: expected response size (9) larger than max (1)."), "too-large"),
    (ResponseDataLossError("Getting x lost data"), "truncated"),
    (DownloadConnectionRefusedError("refused"), "connection"),
    (ValueError("Connection reset by peer"), "connection"),
    (ValueError("odd"), "error"),
])
def test_error_kind_by_exception_type(exc, kind):
    assert error_kind(_failure(exc)) == kind


def test_error_kind_of_an_http_error():
    r = HtmlResponse("http://h/", status=502, body=b"", request=scrapy.Request("http://h/"))
    assert error_kind(_failure(HttpError(r, "bad"))) == "http-502"
