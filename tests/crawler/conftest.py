"""Fixtures: the sample site served on loopback for the whole crawler test session."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import scrapy
from scrapy.http import HtmlResponse
from scrapy.settings import Settings

from nianbao.demo.sample_site import sample_site

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "crawler"
HOST = "http://www.example.gov.cn"


@pytest.fixture(scope="session")
def site():
    with sample_site() as s:
        yield s


def read_jsonl(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def make_spider(cls, tmp_path: Path, listing: str, family: str | None = None):
    """A spider of ``cls`` over one portal ``t`` whose registry listing URL is ``listing``, on a
    test crawler (stats, signals; no engine). ``spider.test_errors`` collects its ``portal_error``s."""
    from scrapy.utils.test import get_crawler

    from crawler.signals import portal_error

    tmp_path.mkdir(parents=True, exist_ok=True)
    reg = tmp_path / "reg.yaml"
    reg.write_text(
        "portals:\n"
        f"- {{id: t, name: 测试, region_code: '110101', level: county, family: {family or cls.family}, "
        f"listing_urls: ['{listing}']}}\n", encoding="utf-8")
    crawler = get_crawler(cls, {"NIANBAO_DATA": str(tmp_path), "NIANBAO_RUN_ID": "t", "NIANBAO_REGISTRY": str(reg)})
    spider = cls.from_crawler(crawler, portal="t")
    spider.test_errors = []
    crawler.signals.connect(lambda **kw: spider.test_errors.append(kw), signal=portal_error, weak=False)
    return spider


def resp(url: str, fixture: str | bytes, role: str = "listing", rcls=HtmlResponse, status: int = 200,
         **ref_fields) -> scrapy.http.Response:
    """The saved page ``fixture`` (a path under tests/fixtures/crawler, or the body) as the answer
    to a ``role`` request of portal ``t`` for ``url``; ``ref_fields`` fill its ``Ref``."""
    from crawler.spiders.base import Ref

    body = fixture if isinstance(fixture, bytes) else (FIXTURES / fixture).read_bytes()
    ref_fields.setdefault("listing_url", url)
    if role in ("detail", "attachment"):
        ref_fields.setdefault("detail_url", url)
    request = scrapy.Request(url, meta={"portal": "t"}, cb_kwargs={"ref": Ref(role=role, **ref_fields)})
    return rcls(url=url, body=body, status=status, request=request)


def call(callback, response) -> list:
    """Run a spider callback on ``response`` the way Scrapy does (its request's ``cb_kwargs``)."""
    return list(callback(response, **response.request.cb_kwargs) or [])


def ref(request):
    """The ``Ref`` a request carries to its callback."""
    return request.cb_kwargs["ref"]
