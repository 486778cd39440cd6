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
    """A spider of ``cls`` over one portal ``t`` whose registry listing URL is ``listing``."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    reg = tmp_path / "reg.yaml"
    reg.write_text(
        "portals:\n"
        f"- {{id: t, name: 测试, region_code: '110101', level: county, family: {family or cls.family}, "
        f"listing_urls: ['{listing}']}}\n", encoding="utf-8")
    spider = cls(portal="t")
    spider._setup(Settings({"NIANBAO_DATA": str(tmp_path), "NIANBAO_RUN_ID": "t", "NIANBAO_REGISTRY": str(reg)}))
    return spider


def resp(url: str, fixture: str, role: str = "listing", rcls=HtmlResponse, **meta) -> scrapy.http.Response:
    """The saved page ``fixture`` as the answer to a ``role`` request of portal ``t`` for ``url``."""
    body = (FIXTURES / fixture).read_bytes()
    m = {"portal": "t", "role": role, "listing_url": url, "page": 1, **meta}
    if role in ("detail", "attachment"):
        m.setdefault("detail_url", url)
    return rcls(url=url, body=body, request=scrapy.Request(url, meta=m))
