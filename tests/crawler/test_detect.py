"""crawler.detect: the CMS family of a page, from saved pages of every family the specs describe."""
from __future__ import annotations

from pathlib import Path

import pytest
import requests

from crawler.antibot import detect_block
from crawler.detect import detect_family
from crawler.registry import FAMILIES
from tests.crawler.conftest import FIXTURES

REAL_TRS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "portal-pages" / "ordos-egb-xxgknb-list-trs.html"

CASES = [  # fixture, url it came from, expected cms, expected crawler family
    ("detect/trs_list.html", "http://a.gov.cn/zwgk/zfxxgknb/index.html", "trs", "trs"),
    ("trs/index_6arg.shtml", "http://a.gov.cn/zwgk/zfxxgknb/index.shtml", "trs", "trs"),
    ("trs/article.html", "http://a.gov.cn/zwgk/zfxxgknb/202401/t20240129_1.html", "trs", "trs"),
    ("detect/hanweb_jpage.html", "http://a.gov.cn/col/col33718/index.html", "hanweb", "hanweb"),
    ("hanweb/column_initdata.html", "http://a.gov.cn/col/col30067/index.html", "hanweb", "hanweb"),
    ("hanweb/article.html", "http://a.gov.cn/art/2024/1/29/art_33718_1.html", "hanweb", "hanweb"),
    ("detect/hanweb_xxgk.html", "http://a.gov.cn/xxgk/index.html", "hanweb-xxgk", "xxgk"),
    ("detect/hanweb_jpaas.html", "http://a.gov.cn/col/col1229063423/index.html", "hanweb-jpaas", "jpaas"),
    ("detect/gdsite_list.html", "http://www.example.gov.cn/zwgk/xxgkndbg/", "gdsite", "gdsite"),
    ("gdsite/post.html", "http://a.gov.cn/zwgk/xxgkndbg/content/post_1.html", "gdsite", "gdsite"),
    ("detect/gkmlpt_index.html", "http://a.gov.cn/gkmlpt/index", "gkmlpt", "gkmlpt"),
    ("gkmlpt/post_10987654.html", "http://a.gov.cn/gkmlpt/content/10/10987/post_10987654.html", "gkmlpt", "gkmlpt"),
    ("detect/snowflake_list.html", "http://a.gov.cn/zfxxgk/zfxxgknb/", "snowflake", "snowflake"),
    ("snowflake/article.html", "http://a.gov.cn/zfxxgk/zfxxgknb/1750012345678901234.html", "snowflake", "snowflake"),
    ("detect/fujian_trs.html", "http://a.fujian.gov.cn/zfxxgkzl/ndbg/", "fujian-trs", "fujian"),
    ("detect/ucap_article.html", "http://a.gov.cn/syslj/202401/a621e61e61d243d3a283391d91899250.shtml", "ucap", "ucap"),
    ("detect/ucap_list.html", "http://a.gov.cn/syslj/zfxxgknb/xxgk_list.shtml", "ucap", "ucap"),
    ("detect/vsb_list.html", "http://a.gov.cn/xxgk/ndbg.htm", "vsb", "vsb"),
    ("detect/epoint_list.html", "http://a.gov.cn/dynamic/zwgk/govInfoPub.html?categorynum=001", "epoint", "epoint"),
    ("detect/truecms_list.html", "http://a.gov.cn/ntsrmzf/nb/", "truecms", "truecms"),
    ("detect/empirecms_list.html", "http://a.gov.cn/e/action/ListInfo/?classid=174", "empirecms", "generic"),
    ("detect/c_cluster_list.html", "http://a.gov.cn/wsjkw/c102326/common_list.shtml", "c-cluster", "generic"),
    ("detect/generic_list.html", "http://a.gov.cn/xxgk/nb/list.htm", "generic", "generic"),
    ("generic/list_gbk.htm", "http://a.gov.cn/xxgk/nb/list.htm", "generic", "generic"),
]


@pytest.mark.parametrize("fixture,url,cms,family", CASES, ids=[c[0] for c in CASES])
def test_saved_pages(fixture, url, cms, family):
    d = detect_family(url, (FIXTURES / fixture).read_bytes(), {"Content-Type": "text/html"})
    assert (d.cms, d.family) == (cms, family), d.evidence
    assert d.family in FAMILIES and d.evidence and d.blocked is None


def test_every_spec_family_has_a_fixture():
    named = {c[2] for c in CASES}
    assert {"trs", "hanweb", "hanweb-jpaas", "hanweb-xxgk", "gdsite", "gkmlpt", "snowflake", "fujian-trs", "ucap",
            "vsb", "epoint", "truecms", "empirecms", "c-cluster", "generic"} <= named


def test_real_saved_trs_page():
    if not REAL_TRS.exists():
        pytest.skip(f"{REAL_TRS} absent (shared corpus not laid out)")
    d = detect_family("http://www.ordos.gov.cn/egb/xxgk/xxgknb/", REAL_TRS.read_bytes(), {})
    assert d.cms == "trs" and d.family == "trs"
    assert any("tYYYYMMDD" in e for e in d.evidence)


def test_kaipuyun_error_report_script_is_not_ucap():
    body = (b'<html><head><title>x</title></head><body><a href="/a/">a</a>'
            b'<script id="_jiucuo_" sitecode="1" src="http://pucha.kaipuyun.cn/exposure/jiucuo.js"></script></body></html>')
    assert detect_family("http://a.gov.cn/", body).cms == "generic"


def test_generic_says_what_it_saw():
    d = detect_family("http://a.gov.cn/", "<html><head><title>首页</title></head><body><a href='x.pdf'>r</a></body></html>")
    assert d.cms == "generic" and "title '首页'" in d.evidence[0] and ".pdf×1" in d.evidence[0]


def test_links_to_other_sites_say_nothing_about_this_one():
    """A TRS city home linking to two Hanweb department sites is still TRS, not Hanweb."""
    body = ('<html><body><a href="http://jyj.x.gov.cn/col/col1/index.html">教育局</a>'
            '<a href="http://wjw.x.gov.cn/col/col2/index.html">卫健委</a>'
            '<a href="./202401/t20240129_1.html">a</a><a href="./202401/t20240128_2.html">b</a></body></html>')
    assert detect_family("http://www.x.gov.cn/", body).cms == "trs"
    assert detect_family("", body).also == ["trs"]       # a saved file: every link counts, ties keep the order


def test_a_strong_marker_beats_link_shapes():
    body = ('<html><body><div class="TRS_Editor">x</div>' + "".join(
        f'<a href="/info/10/{i}.htm">{i}</a>' for i in range(5)) + "</body></html>")
    d = detect_family("http://www.x.gov.cn/a.html", body)
    assert d.cms == "trs" and d.also == ["vsb"]


def test_one_link_shape_alone_is_not_enough():
    body = '<html><body><a href="/art/2024/1/2/art_1_2.html">x</a></body></html>'
    assert detect_family("http://a.gov.cn/", body).cms == "generic"


@pytest.mark.parametrize("fixture,status,headers,kind", [
    ("antibot/ruishu_412.html", 412, {"Set-Cookie": "FSSBBIl1UgzbN7N80S=abc"}, "rs-412"),
    ("antibot/wzws.html", 200, {}, "wzws"),
    ("antibot/jsl_521.html", 521, {}, "jsl-521"),
    ("antibot/yunsuo.html", 200, {}, "yunsuo"),
    ("antibot/yunaq.html", 403, {}, "yunaq"),
    ("antibot/yunaq.html", 200, {}, "yunaq"),
])
def test_walls_are_named_not_guessed(fixture, status, headers, kind):
    d = detect_family("http://a.gov.cn/", (FIXTURES / fixture).read_bytes(), headers, status)
    assert d.cms == "blocked" and d.blocked == kind


def test_yunaq_vendor_name_in_a_footer_is_not_a_wall():
    page = ("<html><body>" + "<p>正文内容</p>" * 3000 + "<div>安全防护：知道创宇云防御</div></body></html>").encode()
    assert detect_block(200, {}, page) is None
    assert detect_block(200, {}, (FIXTURES / "antibot/yunaq.html").read_bytes()) == "yunaq"


@pytest.mark.parametrize("fixture", ["ruishu_412", "wzws", "jsl_521", "yunsuo", "yunaq"])
def test_a_stored_wall_page_is_refused_by_extract_too(fixture):
    """extract.sniff reads the same wall markers (extract.walls) as the crawler, without importing it."""
    import subprocess
    import sys

    from extract.sniff import html_error_reason

    assert html_error_reason((FIXTURES / "antibot" / f"{fixture}.html").read_bytes()).startswith("anti-bot")
    code = "import sys, extract.sniff; sys.exit(any(m.split('.')[0] == 'crawler' for m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_every_sample_portal(site):
    """Each sample portal's first listing page, fetched from the sample server, names its registry family."""
    for p in site.portals():
        url = p.listing_urls[0].replace("{year}", "2024")
        r = requests.get(url, timeout=10, allow_redirects=False)
        d = detect_family(url, r.content, dict(r.headers), r.status_code)
        if p.id.startswith("sample-blocked-"):
            assert d.blocked, (p.id, d)
        else:
            assert d.family == p.family, (p.id, d.cms, d.evidence)


def test_cli_detect_file_and_url(site):
    from click.testing import CliRunner

    from nianbao.cli import main

    r = CliRunner().invoke(main, ["portals", "detect", str(FIXTURES / "detect/vsb_list.html")])
    assert r.exit_code == 0 and "family: vsb" in r.output and "pb_sys_common" in r.output
    url = site.base_url + "/col/col33718/index.html"
    r = CliRunner().invoke(main, ["portals", "detect", url])          # loopback refused outside tests
    assert r.exit_code != 0 and "private/loopback" in r.output
    r = CliRunner().invoke(main, ["portals", "detect", url, "--allow-private", "--json"])
    assert r.exit_code == 0 and '"family": "hanweb"' in r.output
