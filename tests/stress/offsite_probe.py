"""Run inside a network namespace with only loopback (``unshare -n``; see test_offsite.py): the
sample site behind the fault proxy, whose pages now link to private, link-local and other-loopback
addresses, crawled by the real crawler with every request sent through a recording forward proxy.
Prints one JSON object: what the crawler asked for, what it refused, its health records."""
from __future__ import annotations

import json
import os
import re
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent.parent))

from faultproxy import FaultProxy, Rule, Trap  # noqa: E402

DETAIL = "/trs/xingtai/zfxxgk/zfxxgknb/202501/t20250120_7073537.html"
LISTING = "/trs/xingtai/zfxxgk/zfxxgknb/"


def targets(victim: str) -> list[str]:
    port = victim.rsplit(":", 1)[1]
    return [
        "http://10.0.0.1/nb/2024.pdf",
        "http://192.168.1.1/nb/2024.pdf",
        "http://172.16.0.1/nb/2024.pdf",
        "http://169.254.169.254/latest/meta-data/iam.pdf",
        f"http://127.0.0.1:{port}/other-port.pdf",
        f"http://localhost:{port}/localhost.pdf",
        f"http://[::1]:{port}/ipv6-loopback.pdf",
        f"http://2130706433:{port}/decimal-ip.pdf",
        f"http://0x7f000001:{port}/hex-ip.pdf",
        f"http://127.1:{port}/short-ip.pdf",
        f"http://0.0.0.0:{port}/unspecified.pdf",
        f"http://127.0.0.1.nip.io:{port}/dns-rebind.pdf",
        f"file:///etc/passwd",
        f"ftp://127.0.0.1:{port}/ftp.pdf",
    ]


def main() -> int:
    from crawler.runner import crawl
    from nianbao.demo.sample_site import sample_site

    victim = Trap()
    victim_origin = victim.start()
    out: dict = {}
    print("victim up", file=sys.stderr, flush=True)
    with sample_site() as site:
        print("site up", file=sys.stderr, flush=True)
        proxy = FaultProxy(site.base_url)
        origin = proxy.start()
        urls = targets(victim_origin)

        def detail(path: str, body: bytes) -> bytes:
            extra = "".join(f'<li><a href="{u}" title="附件{i}.pdf">附件{i}.pdf</a></li>' for i, u in enumerate(urls))
            extra += (f'<li><a href="{origin}/go/private.pdf" title="跳转1.pdf">跳转1.pdf</a></li>'
                      f'<li><a href="{origin}/go/other-port.pdf" title="跳转2.pdf">跳转2.pdf</a></li>')
            return body.replace(b'<div class="article_attachment"><ul>',
                                b'<div class="article_attachment"><ul>' + extra.encode(), 1)

        def listing(path: str, body: bytes) -> bytes:
            items = "".join(
                f'<li><a target="_blank" href="{u.rsplit("/", 1)[0]}/t20250120_{i}.html" '
                f'title="邢台市人民政府办公室2024年政府信息公开工作年度报告（{i}）">邢台市人民政府办公室2024年政府信息公开工作年度报告（{i}）'
                f'</a><b>2025-01-20</b></li>' for i, u in enumerate(urls))
            return re.sub(rb'(<div class="zfxxgk_zdgkc"><ul>)', lambda m: m.group(1) + items.encode(), body, count=1)

        proxy.rules = [
            Rule("^" + re.escape(DETAIL) + "$", "rewrite", rewrite=detail),
            Rule("^" + re.escape(LISTING) + "$", "rewrite", rewrite=listing),
            Rule(r"^/go/private\.pdf$", "redirect", location="http://10.0.0.1/redirected.pdf"),
            Rule(r"^/go/other-port\.pdf$", "redirect", location=f"{victim_origin}/redirected.pdf"),
        ]
        forward = Trap(forward_origin=origin)
        fwd_origin = forward.start()
        os.environ.update(http_proxy=fwd_origin, HTTP_PROXY=fwd_origin, https_proxy=fwd_origin,
                          HTTPS_PROXY=fwd_origin, no_proxy="", NO_PROXY="")
        data = Path(tempfile.mkdtemp(prefix="nianbao-offsite-"))
        run = crawl(["sample-trs-xingtai"], None, True, "offsite", data, registry_path=site.registry_path,
                    base_url=origin, settings={"DOWNLOAD_TIMEOUT": "3", "RETRY_TIMES": "0"}, timeout=120)
        print("crawl done", file=sys.stderr, flush=True)
        out["injected"] = urls
        out["proxy_log"] = [p for p, _, _ in proxy.log]
        out["forward_requests"] = forward.requests
        out["forward_refused"] = forward.refused
        out["victim_requests"] = victim.requests
        out["health"] = [json.loads(x) for x in (run / "health.jsonl").read_text().splitlines() if x.strip()]
        out["manifest"] = [json.loads(x) for x in (run / "manifest.jsonl").read_text().splitlines() if x.strip()]
        forward.stop()
        proxy.stop()
    victim.stop()
    print("RESULT " + json.dumps(out, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
