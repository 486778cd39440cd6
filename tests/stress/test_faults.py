"""Issue 6 §2: fault injection. The real crawler (subprocesses, as in production) crawls the
offline sample site through the hostile proxy of faultproxy.py; each fault is recorded in
health.jsonl (errors / blocked) and survived; crawl → archive load (documented APIs) is run
several nights over one data folder and compared: nothing archived is lost or duplicated.

Nights:
1. faulty: transient faults (first attempt fails, the retry works) and permanent ones (every
   attempt fails) of every kind;
2. clean, incremental: what failed on night 1 is fetched now;
3. full re-walk with a file that changed under the same URL and a listing whose page 2 repeats
   page 1 (an item published between the two page fetches);
then night 3's run is loaded a second time (idempotent).
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from faultproxy import FaultProxy, Rule
from stresslib import duplicates, load_run, path_of, read_jsonl, snapshot, truth_docs

crawler = pytest.importorskip("crawler")
pytest.importorskip("nianbao.demo.sample_site")
pytest.importorskip("crawler.runner")
archive = pytest.importorskip("archive")

from crawler.runner import crawl  # noqa: E402
from nianbao.demo.sample_site import sample_site  # noqa: E402

# Faster failure handling than production (the proxy hangs for 8 s; retries back off briefly).
SETTINGS = {"DOWNLOAD_TIMEOUT": "3", "RETRY_TIMES": "2"}

TRANSIENT = {  # path → (kind, extra rule args): the first attempt fails, a retry succeeds
    "/trs/xingtai/zfxxgk/zfxxgknb/": ("status", {"code": 503}),
    "/trs/hongze/zwgk/zfxxgknb/202501/t20250122_1839245.shtml": ("reset", {}),
    "/attachment/0/344/344645/1875942.pdf": ("status", {"code": 500}),
    "/sf/zfxxgk/zfxxgknb/2023n/files/aaf01c535a0bc0b9.pdf": ("truncate", {}),
    "/old/xqjy/xxgk/nb/content/758703.htm": ("drip", {"chunk": 32, "interval": 1.0, "max_seconds": 6}),
}
PERMANENT = {  # path → (kind, extra): every attempt on night 1 fails
    "/trs/xingtai/zfxxgk/zfxxgknb/202501/P020250120801592125244.pdf": ("redirect_loop", {}),
    "/trs/hongze/zwgk/zfxxgknb/202401/P020240125877959892809.pdf": ("hang", {"max_seconds": 8}),
    "/gd/zjsfw/bmdh/dfz/zwgk/xxgkndbg/content/post_7404873.html": ("status", {"code": 503}),
    "/old/xqjy/xxgk/nb/content/P020260112112497619194.pdf": ("truncate", {}),
    "/sf/zfxxgk/zfxxgknb/2021n/1510194088640684142.html": ("reset", {}),
}
CHALLENGED = "/module/xxgk/xxgkAnnualReport.jsp"  # every year's page answers a 瑞数 412 on night 1
MUTATED = "/trs/hongze/zwgk/zfxxgknb/202501/P020250122115592246364.docx"


def night1_rules() -> list[Rule]:
    rules = [Rule("^" + re.escape(p) + "(\\?|$)", kind, times=1, **extra) for p, (kind, extra) in TRANSIENT.items()]
    rules += [Rule("^" + re.escape(p) + "(\\?|$)", kind, **extra) for p, (kind, extra) in PERMANENT.items()]
    rules.append(Rule("^" + re.escape(CHALLENGED), "challenge_412"))
    return rules


def repeat_page_one(proxy: FaultProxy):
    """Listing page 2 of the xingtai TRS column also lists page 1's items (the column shifted)."""

    def rewrite(path: str, body: bytes) -> bytes:
        _, _, first = proxy.fetch("GET", "/trs/xingtai/zfxxgk/zfxxgknb/", {})
        items = re.findall(rb"<li[ >].*?</li>", proxy.relink(first, "text/html"), re.S)
        m = re.search(rb"<li[ >]", body)
        if not items or not m:
            return body
        return body[: m.start()] + b"".join(items) + body[m.start():]

    return rewrite


def night3_rules(proxy: FaultProxy) -> list[Rule]:
    return [
        Rule("^" + re.escape(MUTATED) + "$", "mutate", mutate=lambda b: b + b"\0" * 16),  # appended bytes: new sha256
        Rule(r"^/trs/xingtai/zfxxgk/zfxxgknb/index_1\.html$", "rewrite", rewrite=repeat_page_one(proxy)),
    ]


def sha256_file(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def nights(tmp_path_factory):
    data = tmp_path_factory.mktemp("faults-data")
    db = data / "archive.db"
    out = {"data": data, "db": db}
    with sample_site() as site:
        out["site"] = site
        out["truth"] = truth_docs(site)
        out["truth_urls"] = {pid: {path_of(d["url"]): d["sha256"] for d in docs} for pid, docs in site.truth.items()}
        proxy = FaultProxy(site.base_url)
        proxy.start()
        try:
            for night, full in (("night1", False), ("night2", False), ("night3", True)):
                proxy.rules = night1_rules() if night == "night1" else night3_rules(proxy) if night == "night3" else []
                proxy.log.clear()
                run = crawl(None, None, full, night, data, registry_path=site.registry_path, base_url=proxy.origin,
                            settings=SETTINGS, timeout=600)
                counts = load_run(db, run, data)
                out[night] = {"run": run, "manifest": read_jsonl(run / "manifest.jsonl"),
                              "health": {h["portal"]: h for h in read_jsonl(run / "health.jsonl")},
                              "log": list(proxy.log), "counts": counts, "snapshot": snapshot(db),
                              "duplicates": duplicates(db)}
            load_run(db, out["night3"]["run"], data)  # the same run loaded twice
            out["reloaded"] = snapshot(db)
        finally:
            proxy.stop()
    return out


def _errors_by_path(health: dict) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for h in health.values():
        for e in h.get("errors") or []:
            out.setdefault(path_of(e.get("url")), set()).add(e.get("kind"))
    return out


def test_every_portal_reported_and_the_crawl_went_on(nights):
    for night in ("night1", "night2", "night3"):
        health = nights[night]["health"]
        assert set(health) == set(nights["truth"]), f"{night}: health records for {sorted(health)}"
    # despite the faults, night 1 still archived documents from every portal that holds any and is not challenged
    got = {r["portal"] for r in nights["night1"]["manifest"]}
    expect = {pid for pid, docs in nights["truth"].items() if docs and pid != "sample-hanweb-annual"}
    assert expect <= got, f"portals with nothing on the faulty night: {sorted(expect - got)}"


def _permanent_params():
    # (a redirect loop used to vanish in Scrapy's dupefilter without a record; fixed in a98edd1)
    for p in sorted(PERMANENT):
        yield pytest.param(p, id=f"{PERMANENT[p][0]}:{p.rsplit('/', 1)[-1]}")


@pytest.mark.parametrize("path", list(_permanent_params()))
def test_permanent_fault_recorded(nights, path):
    hits = [what for p, what, _ in nights["night1"]["log"] if path_of(p).split("?")[0] == path]
    assert hits and all(w != "pass" for w in hits), f"{path}: the fault was not injected ({hits})"
    errors = _errors_by_path(nights["night1"]["health"])
    assert path in errors, (f"{PERMANENT[path][0]} on {path} is not in health.jsonl errors; recorded: "
                            f"{ {p: sorted(k) for p, k in errors.items()} }")


def test_challenge_recorded_as_blocked(nights):
    h = nights["night1"]["health"]["sample-hanweb-annual"]
    assert h["blocked"] and h["blocked"]["kind"] == "rs-412", h
    assert nights["night2"]["health"]["sample-hanweb-annual"]["blocked"] is None


@pytest.mark.parametrize("path", sorted(TRANSIENT), ids=lambda p: f"{TRANSIENT[p][0]}:{p.rsplit('/', 1)[-1] or p}")
def test_transient_fault_survived_within_the_night(nights, path):
    log = [(p, what, st) for p, what, st in nights["night1"]["log"] if path_of(p).split("?")[0] == path]
    assert log and log[0][1] != "pass", f"{path}: the fault was not injected ({log})"
    assert any(what == "pass" and st == 200 for _, what, st in log[1:]), f"{path}: never retried successfully: {log}"
    sha = next((s for urls in nights["truth_urls"].values() for u, s in urls.items() if u == path), None)
    if sha:  # an attachment / inline report: it is archived
        assert sha in {r["sha256"] for r in nights["night1"]["manifest"]}


def test_truncated_or_broken_bodies_never_stored(nights):
    truth = set().union(*nights["truth"].values())
    for night in ("night1", "night2"):
        stored = {r["sha256"] for r in nights[night]["manifest"]}
        assert stored <= truth, f"{night}: stored documents the site does not hold: {stored - truth}"
    for f in (nights["data"] / "store" / "sha256").rglob("*"):
        if f.is_file() and len(f.name) == 64:
            assert sha256_file(f) == f.name, f"store file {f} does not hold its hash"


def test_recovery_night_completes_the_archive(nights):
    truth = set().union(*nights["truth"].values())
    s1, s2 = nights["night1"]["snapshot"], nights["night2"]["snapshot"]
    assert set(s1["documents"]) < truth, "night 1 lost nothing: the faults were not injected"
    missing = truth - set(s2["documents"])
    assert not missing, (f"after a clean incremental night, {len(missing)} document(s) that failed on night 1 "
                         f"are still missing: {sorted(missing)[:3]}")


def test_nothing_archived_is_lost_or_duplicated(nights):
    prev = None
    for night in ("night1", "night2", "night3"):
        s, d = nights[night]["snapshot"], nights[night]["duplicates"]
        assert s["integrity"] == "ok"
        assert d == {"sources": [], "reports": [], "orphan_facts": 0}, f"{night}: {d}"
        assert s["report_rows"] == len(s["documents"]), f"{night}: {s['report_rows']} reports for {len(s['documents'])} documents"
        if prev is not None:
            assert set(prev["documents"]) <= set(s["documents"]), f"{night}: documents lost"
            assert set(prev["sources"]) <= set(s["sources"]), f"{night}: sources lost"
            for sha, facts in prev["facts"].items():
                assert s["facts"].get(sha) == facts, f"{night}: facts of {sha[:12]} changed or lost"
            for sha, rep in prev["reports"].items():
                assert s["reports"].get(sha) == rep, f"{night}: report {sha[:12]} changed"
        prev = s
    assert nights["reloaded"] == nights["night3"]["snapshot"], "loading the same run twice changed the archive"


def test_file_changed_under_same_url(nights):
    s2, s3 = nights["night2"]["snapshot"], nights["night3"]["snapshot"]
    new = set(s3["documents"]) - set(s2["documents"])
    assert len(new) == 1, f"expected exactly the changed file as a new document, got {len(new)}"
    (sha,) = new
    urls_old = {u for (s, u), _ in s2["sources"] if u == MUTATED}
    urls_new = {u for (s, u), _ in s3["sources"] if s == sha}
    assert urls_old and urls_new == {MUTATED}, (urls_old, urls_new)
    man = [r for r in nights["night3"]["manifest"] if r["sha256"] == sha]
    assert man and all(r["status"] == "new" for r in man)


def test_listing_shift_does_not_duplicate(nights):
    log = nights["night3"]["log"]
    assert any(what == "rewrite" for _, what, _ in log), "the shifted listing page was not requested"
    man = nights["night3"]["manifest"]
    pairs = [(r["sha256"], r["url"]) for r in man]
    assert len(pairs) == len(set(pairs)), "the manifest lists a document twice for the same URL"
