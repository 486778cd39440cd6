"""A portal's delay is a floor between two of its requests as the portal sees them: counted from
the answer to the previous request (crawler.multi.PortalSlotMiddleware), not from when Scrapy
handed it to the download handler. A site answering after 0.25 s with a 0.2 s portal delay: the
site sees the next request of a portal at least 0.45 s after the previous one started (Scrapy's
own slot delay, counted from the dispatch, would send it as soon as the answer arrives, 0.25 s)."""
from __future__ import annotations

from collections import defaultdict

from crawler.runner import crawl
from tests.flows.cluster import timed_site

SITE_DELAY, PORTAL_DELAY = 0.25, 0.2


def test_portal_delay_counts_from_the_answer(tmp_path, monkeypatch):
    monkeypatch.setenv("NIANBAO_TRACE_ORIGIN", "1")  # the site attributes requests by the crawler's header
    with timed_site(1, 3, SITE_DELAY, PORTAL_DELAY, tmp_path / "site") as site:
        crawl(site.portal_ids, None, False, "t", tmp_path / "data", registry_path=site.registry,
              base_url=site.base_url)
        spans = list(site.spans)
    starts = defaultdict(list)
    for portal, start, *_ in spans:
        if portal is not None:
            starts[portal].append(start)
    assert set(starts) == set(site.portal_ids)
    gaps = {p: [b - a for a, b in zip(sorted(xs), sorted(xs)[1:])] for p, xs in starts.items()}
    assert all(len(g) >= 2 for g in gaps.values()), gaps  # every portal made several requests
    short = {p: round(min(g), 3) for p, g in gaps.items() if min(g) < SITE_DELAY + PORTAL_DELAY - 0.001}
    assert short == {}, short
