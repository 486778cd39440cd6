"""The scale-out test's rule for a document fetched twice: only the answer a killed crawler was
sent but had not recorded may be fetched again — not one its manifest holds (the re-run's replay
must answer that from the store), not another process's, not one long before the kill."""
from __future__ import annotations

import json

from tests.flows.cluster import document_fetches, in_transit_at_kill

DOC = "/trs/a/zfxxgknb/202405/P0202405.pdf"


def _world(tmp_path, killed_run_holds_doc: bool):
    runs = tmp_path / "crawl" / "runs"
    for run, holds in (("n-000", killed_run_holds_doc), ("n-000-r2", True)):
        (runs / run).mkdir(parents=True)
        lines = [json.dumps({"url": "http://127.0.0.1:1" + DOC, "store_path": "sha256/x"})] if holds else []
        lines.append('{"url": "http://127.0.0.1:1/torn')  # a killed crawl's last line
        (runs / run / "manifest.jsonl").write_text("\n".join(lines), encoding="utf-8")
    spans = [("a", 10.0, 10.2, "GET", DOC, 200, "run=n-000 pid=41 portal=a retry=0 peer=1"),
             ("a", 20.0, 20.1, "GET", DOC, 200, "run=n-000-r2 pid=42 portal=a retry=0 peer=2"),
             ("a", 21.0, 21.1, "GET", "/listing.html", 200, "run=n-000-r2 pid=42 portal=a")]
    return spans


def test_an_answer_in_transit_at_the_kill_may_be_fetched_again(tmp_path):
    fetched = document_fetches(_world(tmp_path, killed_run_holds_doc=False), tmp_path)
    assert list(fetched) == [DOC] and [f["pid"] for f in fetched[DOC]] == ["41", "42"]
    first = fetched[DOC][0]
    assert in_transit_at_kill(first, DOC, {"crawl_kill": 10.5, "orphans": [41]}, tmp_path)
    # not another crawler's fetch, not one long before the kill, not without a kill
    assert not in_transit_at_kill(first, DOC, {"crawl_kill": 10.5, "orphans": [40]}, tmp_path)
    assert not in_transit_at_kill(first, DOC, {"crawl_kill": 60.0, "orphans": [41]}, tmp_path)
    assert not in_transit_at_kill(first, DOC, {}, tmp_path)


def test_a_document_the_killed_attempt_recorded_must_not_be_fetched_again(tmp_path):
    fetched = document_fetches(_world(tmp_path, killed_run_holds_doc=True), tmp_path)
    assert not in_transit_at_kill(fetched[DOC][0], DOC, {"crawl_kill": 10.5, "orphans": [41]}, tmp_path)
