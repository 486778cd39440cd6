"""A hostile front for the offline sample portal: a reverse proxy on 127.0.0.1 that forwards to
the real sample site and injects faults by rule.

    proxy = FaultProxy(upstream="http://127.0.0.1:8123", rules=[Rule(r"/list_2", "status", code=503)])
    base = proxy.start()          # http://127.0.0.1:<port>; sample-site links are rewritten to it
    ...
    proxy.stop()
    proxy.log                     # [(path, fault or "pass", status)] — every request it saw

Fault kinds (``Rule.kind``):

| kind | what the client sees |
|---|---|
| ``status`` | HTTP ``code`` (500, 503, 404 …) with a small HTML body |
| ``reset`` | the connection is reset (RST) before any response byte |
| ``drip`` | the real response, ``chunk`` bytes every ``interval`` s (a slow server), stopping after ``max_seconds`` |
| ``hang`` | nothing at all for ``max_seconds`` (a timeout), then the socket closes |
| ``truncate`` | the real headers with Content-Length larger than the body; half the body, then close |
| ``redirect_loop`` | 302 between two URLs forever |
| ``challenge_412`` | a 瑞数-style 412 challenge page with its Set-Cookie |
| ``challenge_521`` | a 加速乐-style 521 cookie script |
| ``mutate`` | the real body, changed (``mutate`` callable or bytes appended) — a file that changes under the same URL |
| ``rewrite`` | the real body passed through ``rewrite(path, body) -> body`` (inject links, reorder listings) |
| ``redirect`` | 302 to ``location`` (e.g. another host) |

A rule applies to requests whose path (with query) matches ``pattern``; ``times`` limits it to the
first N matching requests (``None``: always); ``after`` skips the first N matches. Everything
listens on 127.0.0.1 only, and every wait is bounded.
"""
from __future__ import annotations

import http.client
import re
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable
from urllib.parse import urlsplit

RUISHU_412 = (b'<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
              b'<meta content="' + b"x" * 120 + b'" r="m"><script type="text/javascript" r="m">$_ts=window[\'$_ts\'];'
              b"if(!$_ts)$_ts={};$_ts.nsd=84467;$_ts.cd=\"qxxxrrAlW\";$_ts.lcd();</script>"
              b'<script type="text/javascript" charset="utf-8" src="/Zz9dkQ.js" r="m"></script></head><body></body></html>')
JSL_521 = (b"<script>document.cookie=('_')+('_')+('j')+('s')+('l')+('_')+('c')+('l')+('e')+('a')+('r')+('a')+('n')+"
           b"('c')+('e')+('=')+'1732800000.123|0|abc';location.href=location.pathname+location.search</script>")


@dataclass
class Rule:
    pattern: str
    kind: str
    code: int = 503
    times: int | None = None
    after: int = 0
    chunk: int = 64
    interval: float = 0.5
    max_seconds: float = 8.0
    location: str | None = None
    mutate: Callable[[bytes], bytes] | bytes | None = None
    rewrite: Callable[[str, bytes], bytes] | None = None
    hits: int = field(default=0, compare=False)

    def __post_init__(self):
        self._re = re.compile(self.pattern)

    def take(self, path: str) -> bool:
        if not self._re.search(path):
            return False
        self.hits += 1
        n = self.hits - self.after
        return n >= 1 and (self.times is None or n <= self.times)


class FaultProxy:
    def __init__(self, upstream: str, rules: list[Rule] | None = None, rewrite_links: bool = True):
        u = urlsplit(upstream)
        if u.hostname not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError("the fault proxy only fronts loopback servers")
        self.upstream_host, self.upstream_port = u.hostname, u.port or 80
        self.upstream_origin = f"{u.scheme}://{u.netloc}"
        self.rules: list[Rule] = list(rules or [])
        self.rewrite_links = rewrite_links
        self.log: list[tuple[str, str, int]] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.origin = ""

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> str:
        proxy = self

        class Handler(_Handler):
            owner = proxy

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.origin = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        self._thread.start()
        return self.origin

    def stop(self) -> None:
        self._stop.set()
        if self._server:
            self._server.shutdown()
            self._server.server_close()
        if self._thread:
            self._thread.join(5)

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    # ------------------------------------------------------------------ helpers
    def record(self, path: str, what: str, status: int) -> None:
        with self._lock:
            self.log.append((path, what, status))

    def pick(self, path: str) -> Rule | None:
        with self._lock:
            for rule in self.rules:
                if rule.take(path):
                    return rule
        return None

    def fetch(self, method: str, path: str, headers: dict, body: bytes | None = None
              ) -> tuple[int, list[tuple[str, str]], bytes]:
        conn = http.client.HTTPConnection(self.upstream_host, self.upstream_port, timeout=30)
        try:
            fwd = {k: v for k, v in headers.items()
                   if k.lower() not in ("host", "connection", "accept-encoding", "content-length")}
            fwd["Host"] = f"{self.upstream_host}:{self.upstream_port}"
            conn.request(method, path, body=body, headers=fwd)
            resp = conn.getresponse()
            body = resp.read()
            return resp.status, resp.getheaders(), body
        finally:
            conn.close()

    def relink(self, body: bytes, ctype: str) -> bytes:
        if not self.rewrite_links or not any(t in ctype for t in ("html", "xml", "json", "javascript", "text")):
            return body
        up = self.upstream_origin.encode()
        out = body.replace(up, self.origin.encode())
        alt = up.replace(b"127.0.0.1", b"localhost")
        return out.replace(alt, self.origin.encode())


class _Handler(BaseHTTPRequestHandler):
    owner: FaultProxy
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # quiet
        pass

    def do_HEAD(self):
        self._serve("HEAD")

    def do_GET(self):
        self._serve("GET")

    def do_POST(self):
        self._serve("POST")

    # ------------------------------------------------------------------
    def _send(self, code: int, body: bytes, headers: list[tuple[str, str]] = (), ctype="text/html; charset=utf-8",
              method="GET"):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if method != "HEAD":
            self.wfile.write(body)
        self.close_connection = True

    def _passthrough_headers(self, headers):
        skip = {"content-length", "transfer-encoding", "connection", "content-encoding", "date", "server"}
        out = []
        for k, v in headers:
            if k.lower() in skip:
                continue
            if k.lower() == "location":
                v = v.replace(self.owner.upstream_origin, self.owner.origin)
            out.append((k, v))
        return out

    def _serve(self, method: str):
        owner, path = self.owner, self.path
        n = int(self.headers.get("Content-Length") or 0)
        req_body = self.rfile.read(min(n, 1 << 20)) if n else None
        rule = owner.pick(path)
        kind = rule.kind if rule else "pass"
        try:
            if kind == "status":
                owner.record(path, kind, rule.code)
                return self._send(rule.code, b"<html><body><h1>%d</h1>Service Unavailable</body></html>" % rule.code,
                                  method=method)
            if kind == "reset":
                owner.record(path, kind, 0)
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.connection.close()
                self.close_connection = True
                return
            if kind == "hang":
                owner.record(path, kind, 0)
                owner._stop.wait(rule.max_seconds)
                self.close_connection = True
                return
            if kind == "redirect_loop":
                owner.record(path, kind, 302)
                base, _, q = path.partition("?")
                n = int(re.sub(r"\D", "", q) or 0) + 1
                return self._send(302, b"", [("Location", f"{owner.origin}{base}?loop={n % 2}")], method=method)
            if kind == "redirect":
                owner.record(path, kind, 302)
                return self._send(302, b"", [("Location", rule.location)], method=method)
            if kind == "challenge_412":
                owner.record(path, kind, 412)
                return self._send(412, RUISHU_412, [("Set-Cookie", "FSSBBIl1UgzbN7N80S=abc; Path=/; HttpOnly")],
                                  method=method)
            if kind == "challenge_521":
                owner.record(path, kind, 521)
                return self._send(521, JSL_521, [("Set-Cookie", "__jsluid_h=0123456789abcdef; Path=/")],
                                  method=method)

            status, headers, body = owner.fetch(method, path, dict(self.headers), req_body)
            ctype = next((v for k, v in headers if k.lower() == "content-type"), "application/octet-stream")
            body = owner.relink(body, ctype)
            if kind == "mutate":
                body = rule.mutate(body) if callable(rule.mutate) else body + (rule.mutate or b"\n<!-- changed -->\n")
            elif kind == "rewrite":
                body = rule.rewrite(path, body)
            hdrs = self._passthrough_headers(headers)
            if kind == "mutate":  # the server changed the file: its validators change too
                hdrs = [(k, v) for k, v in hdrs if k.lower() not in ("etag", "last-modified")]
            owner.record(path, kind, status)
            if kind == "truncate":
                self.send_response(status)
                for k, v in hdrs:
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body) + 4096))
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(body[: len(body) // 2])
                self.wfile.flush()
                self.close_connection = True
                return
            if kind == "drip":
                self.send_response(status)
                for k, v in hdrs:
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Connection", "close")
                self.end_headers()
                deadline = time.monotonic() + rule.max_seconds
                for i in range(0, len(body), rule.chunk):
                    if time.monotonic() > deadline or owner._stop.is_set():
                        break
                    self.wfile.write(body[i: i + rule.chunk])
                    self.wfile.flush()
                    owner._stop.wait(rule.interval)
                self.close_connection = True
                return
            return self._send(status, body, hdrs, ctype=ctype, method=method)
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, TimeoutError, OSError):
            self.close_connection = True


class Trap:
    """A loopback server that must never be asked anything: it records every request line and
    answers 403. Used as "another loopback port" and as the forward proxy that catches every
    request a crawler makes (``http_proxy``): requests for the allowed origin are forwarded
    there, all others are refused and logged."""

    def __init__(self, forward_origin: str | None = None):
        self.forward = forward_origin
        self.requests: list[str] = []
        self.refused: list[str] = []
        self._lock = threading.Lock()

    def start(self) -> str:
        trap = self

        class H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def _any(self):
                target = self.path
                with trap._lock:
                    trap.requests.append(target)
                fwd = trap.forward
                if fwd and target.startswith(fwd + "/") or (fwd and target == fwd):
                    u = urlsplit(target)
                    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
                    try:
                        headers = {k: v for k, v in self.headers.items()
                                   if k.lower() not in ("proxy-connection", "connection", "proxy-authorization")}
                        conn.request(self.command, (u.path or "/") + (f"?{u.query}" if u.query else ""), headers=headers)
                        r = conn.getresponse()
                        body = r.read()
                        self.send_response(r.status)
                        for k, v in r.getheaders():
                            if k.lower() not in ("content-length", "transfer-encoding", "connection"):
                                self.send_header(k, v)
                        self.send_header("Content-Length", str(len(body)))
                        self.send_header("Connection", "close")
                        self.end_headers()
                        if self.command != "HEAD":
                            self.wfile.write(body)
                    finally:
                        conn.close()
                else:
                    with trap._lock:
                        trap.refused.append(target)
                    self.send_response(403)
                    self.send_header("Content-Length", "0")
                    self.send_header("Connection", "close")
                    self.end_headers()
                self.close_connection = True

            do_GET = do_HEAD = do_POST = _any

            def do_CONNECT(self):
                with trap._lock:
                    trap.requests.append("CONNECT " + self.path)
                    trap.refused.append("CONNECT " + self.path)
                self.send_response(403)
                self.send_header("Content-Length", "0")
                self.end_headers()
                self.close_connection = True

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        self._thread.start()
        self.origin = f"http://127.0.0.1:{self._server.server_address[1]}"
        return self.origin

    def stop(self):
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)
