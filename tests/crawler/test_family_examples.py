"""Every CMS family has saved example pages, and each example's output is pinned (juriscraper style).

An example is a saved page ``tests/fixtures/crawler/<family>/<stem>.<ext>`` with a sidecar
``<stem>.meta.yaml`` (how it was fetched) and the expected output ``<stem>.expected.json`` (the
requests and documents the family's spider makes of it). A family without at least one listing
and one detail example fails here. A missing ``.expected.json`` is written and the test fails once
("review it, commit it"); ``NIANBAO_UPDATE_EXAMPLES=1`` rewrites them all after an intended change.

Sidecar keys: ``url`` (the page's URL), ``role`` (``listing`` | ``detail``), ``callback`` (default
``parse_listing`` / ``parse_detail``; e.g. gkmlpt's entry page ``parse_entry``), ``portal_listing``
(the portal's registry listing URL, default ``url``), ``page`` (listing page number, default 1),
``years`` ([first, last] filter, default none), ``title`` (a detail page's title from its listing),
``family_state`` (the request's ``Ref.family_state``: ``{type: <class in the family's spider
module>, <its fields>}``, e.g. Hanweb's ``DataproxyPager``).
"""
from __future__ import annotations

import hashlib
import importlib
import json
import os
from pathlib import Path

import pytest
import scrapy
import yaml
from scrapy.http import HtmlResponse, TextResponse, XmlResponse

from crawler.items import DocumentItem
from crawler.registry import FAMILIES
from crawler.spiders import spider_classes
from tests.crawler.conftest import FIXTURES, call, make_spider, resp

UPDATE = os.environ.get("NIANBAO_UPDATE_EXAMPLES") == "1"
RESPONSE_CLASS = {"json": TextResponse, "xml": XmlResponse, "txt": TextResponse}


def examples(family: str) -> list[tuple[Path, dict]]:
    """(page, sidecar) for each example of ``family``."""
    out = []
    for side in sorted((FIXTURES / family).glob("*.meta.yaml")):
        stem = side.name[:-len(".meta.yaml")]
        pages = [p for p in side.parent.glob(stem + ".*")
                 if not p.name.endswith((".meta.yaml", ".expected.json"))]
        assert len(pages) == 1, f"{side}: expected one page named {stem}.<ext>, found {pages}"
        out.append((pages[0], yaml.safe_load(side.read_text(encoding="utf-8"))))
    return out


def all_examples():
    return [pytest.param(f, page, meta, id=f"{f}/{page.name}") for f in FAMILIES for page, meta in examples(f)]


def describe_request(r: scrapy.Request) -> dict:
    ref = r.cb_kwargs["ref"]
    out = {"url": r.url, "method": r.method, "callback": r.callback.__name__}
    if r.method == "POST":
        out["form"] = dict(sorted(x.split("=", 1) for x in r.body.decode().split("&") if x))
    for name in ("title", "date", "year", "link_text"):
        if getattr(ref, name) not in (None, ""):
            out[name] = getattr(ref, name)
    if ref.role == "listing":
        out["page"] = ref.page
    return out


def describe_document(doc: DocumentItem) -> dict:
    return {"role": doc.role, "url": doc.url, "format": doc.format, "media_type": doc.media_type,
            "sha256": hashlib.sha256(doc.body).hexdigest(), "size": len(doc.body), "link_text": doc.link_text,
            "listing_title": doc.listing_title, "listing_date": doc.listing_date, "year_hint": doc.year_hint}


def family_state(family: str, spec: dict | None):
    if not spec:
        return None
    spec = dict(spec)
    cls = getattr(importlib.import_module(f"crawler.spiders.{family}"), spec.pop("type"))
    return cls(**spec)


def run_example(family: str, page: Path, meta: dict, tmp_path: Path) -> dict:
    cls = spider_classes()[family]
    url = meta["url"]
    spider = make_spider(cls, tmp_path, meta.get("portal_listing") or url)
    spider.years = tuple(meta["years"]) if meta.get("years") else None
    role = meta["role"]
    fields = {"listing_url": meta.get("portal_listing") or url, "family_state": family_state(family, meta.get("family_state"))}
    if role == "listing":
        fields["page"] = meta.get("page", 1)
    else:
        fields["title"] = meta.get("title") or ""
    rcls = RESPONSE_CLASS.get(page.suffix.lstrip(".").lower(), HtmlResponse)
    response = resp(url, str(page.relative_to(FIXTURES)), role=role, rcls=rcls, **fields)
    callback = getattr(spider, meta.get("callback") or {"listing": "parse_listing", "detail": "parse_detail"}[role])
    out = call(callback, response)
    return {"requests": [describe_request(r) for r in out if isinstance(r, scrapy.Request)],
            "documents": [describe_document(d) for d in out if isinstance(d, DocumentItem)],
            "errors": [{"kind": e["kind"], "url": e["url"]} for e in spider.test_errors]}


@pytest.mark.parametrize("family", FAMILIES)
def test_every_family_has_a_listing_and_a_detail_example(family):
    roles = {meta.get("role") for _, meta in examples(family)}
    assert {"listing", "detail"} <= roles, (
        f"family {family!r} needs a saved listing page and a saved detail page in tests/fixtures/crawler/{family}/ "
        f"each with <stem>.meta.yaml (see this module's docstring); it has roles {sorted(r for r in roles if r)}")


@pytest.mark.parametrize("family,page,meta", all_examples())
def test_example_output_is_as_expected(family, page, meta, tmp_path):
    got = run_example(family, page, meta, tmp_path)
    expected_file = page.with_name(page.name.rsplit(".", 1)[0] + ".expected.json")
    text = json.dumps(got, ensure_ascii=False, indent=1) + "\n"
    if UPDATE or not expected_file.exists():
        expected_file.write_text(text, encoding="utf-8")
        if not UPDATE:
            pytest.fail(f"wrote {expected_file.relative_to(FIXTURES.parent.parent.parent)}: review it and commit it")
    assert got == json.loads(expected_file.read_text(encoding="utf-8"))
    if meta["role"] == "listing":  # an example that finds nothing pins nothing
        assert got["requests"], f"{page}: the listing example yields no request"
    else:
        assert got["requests"] or got["documents"], f"{page}: the detail example yields neither document nor request"


def test_every_sample_site_writer_is_a_family_and_every_sample_family_has_a_writer():
    from nianbao.demo.sample_site.families import writers
    from nianbao.demo.sample_site.generate import load_site

    assert set(writers()) <= set(FAMILIES), "a sample-site writer without a spider module"
    used = {p["family"] for p in load_site()["portals"] if not p.get("challenge")}
    assert used <= set(writers()), f"families in site.yaml without a writer: {sorted(used - set(writers()))}"
    for name, module in writers().items():
        assert callable(getattr(module, "write_portal", None)), f"families/{name}.py defines no write_portal"
