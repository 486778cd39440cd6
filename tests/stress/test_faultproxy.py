"""The fault proxy itself: each fault kind really happens (so a crawl that "survives" it has
survived something). Self-contained: a tiny upstream on 127.0.0.1, no crawler needed."""
from __future__ import annotations

import http.client
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from faultproxy import FaultProxy, Rule, Trap

PAGE = b"<html><body><a href='http://127.0.0.1:%d/doc.pdf'>doc</a>" + b"x" * 2000 + b"</body></html>"


@pytest.fixture(scope="module")
def upstream():
    class H(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):
            pass

        def do_GET(self):
            body = PAGE % self.server.server_address[1]
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("ETag", '"v1"')
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()
    srv.server_close()


def get(origin: str, path: str, timeout: float = 5.0):
    host, port = origin.removeprefix("http://").split(":")
    c = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        c.request("GET", path)
        r = c.getresponse()
        return r.status, dict(r.getheaders()), r.read()
    finally:
        c.close()


def test_passthrough_rewrites_links(upstream):
    with FaultProxy(upstream) as p:
        status, headers, body = get(p.origin, "/a")
        assert status == 200 and p.origin.encode() in body and upstream.encode() not in body
        assert p.log == [("/a", "pass", 200)]


def test_each_fault_kind(upstream):
    rules = [
        Rule("^/s500", "status", code=500), Rule("^/s503", "status", code=503, times=1),
        Rule("^/reset", "reset"), Rule("^/hang", "hang", max_seconds=3),
        Rule("^/trunc", "truncate"), Rule("^/loop", "redirect_loop"),
        Rule("^/c412", "challenge_412"), Rule("^/drip", "drip", chunk=100, interval=0.2, max_seconds=1),
        Rule("^/mut", "mutate", mutate=b"CHANGED", after=1),
    ]
    with FaultProxy(upstream, rules) as p:
        assert get(p.origin, "/s500")[0] == 500
        assert get(p.origin, "/s503")[0] == 503
        assert get(p.origin, "/s503")[0] == 200  # times=1: the second try passes
        with pytest.raises((ConnectionResetError, http.client.RemoteDisconnected)):
            get(p.origin, "/reset")
        t0 = time.monotonic()
        with pytest.raises((TimeoutError, http.client.RemoteDisconnected)):
            get(p.origin, "/hang", timeout=1.0)
        assert time.monotonic() - t0 < 3
        with pytest.raises(http.client.IncompleteRead):
            get(p.origin, "/trunc")
        s, h, _ = get(p.origin, "/loop")
        assert s == 302 and h["Location"].endswith("/loop?loop=1")
        s, h, b = get(p.origin, "/loop?loop=1")
        assert h["Location"].endswith("/loop?loop=0")
        s, h, b = get(p.origin, "/c412")
        assert s == 412 and b"$_ts" in b and "FSSBBIl1UgzbN7N80S" in h["Set-Cookie"]
        with pytest.raises(http.client.IncompleteRead):  # drip stops after max_seconds, mid-body
            get(p.origin, "/drip")
        first, second = get(p.origin, "/mut")[2], get(p.origin, "/mut")[2]
        assert not first.endswith(b"CHANGED") and second.endswith(b"CHANGED")


def test_trap_forwards_only_its_origin(upstream):
    trap = Trap(forward_origin=upstream)
    origin = trap.start()
    try:
        host, port = origin.removeprefix("http://").split(":")
        c = http.client.HTTPConnection(host, int(port), timeout=5)
        c.request("GET", upstream + "/ok")  # absolute-form, as a client using an HTTP proxy sends it
        assert c.getresponse().status == 200
        c.close()
        c = http.client.HTTPConnection(host, int(port), timeout=5)
        c.request("GET", "http://10.0.0.1/x.pdf")
        assert c.getresponse().status == 403
        c.close()
        assert trap.refused == ["http://10.0.0.1/x.pdf"]
    finally:
        trap.stop()
