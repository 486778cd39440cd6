"""A tiny loopback HTTP server for the generated sample site.

Static files with ETag / Last-Modified (and 304 answers to conditional requests), anti-bot
challenges, slow pages, GBK pages, HTML error pages under ``.pdf`` names; each family's dynamic
URLs (Hanweb ``dataproxy.jsp``, gkmlpt ``api/all`` …) are answered by its writer module's
``answer`` (``families/<family>.py``). Binds 127.0.0.1 only. ``server.log`` lists (method, path, status, bytes).
"""
from __future__ import annotations

import email.utils
import hashlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from nianbao.demo.sample_site.families import writers

LAST_MODIFIED = email.utils.formatdate(1737360000, usegmt=True)  # 2025-01-20
RUISHU_412 = (b'<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
              b'<meta content="' + b"k" * 96 + b'" r="m"><script type="text/javascript" r="m">$_ts=window[\'$_ts\'];'
              b'if(!$_ts)$_ts={};$_ts.nsd=84467;$_ts.cd="qxxxrrAlWqGqr";$_ts.lcd();</script>'
              b'<script type="text/javascript" charset="utf-8" src="/Zz9dkQ.js" r="m"></script></head><body></body></html>')
WZWS_PAGE = ("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title></title></head><body>"
             "<noscript>请开启JavaScript并刷新该页</noscript><script>var a=\"/wz/xxgk/nb/?wzwschallenge=V1pXU19DT05GSVJN\";"
             "location.href=a;</script></body></html>").encode("utf-8")
JSL_521 = (b"<script>document.cookie=('_')+('_')+('j')+('s')+('l')+('_')+('c')+('l')+('e')+('a')+('r')+('a')+('n')+"
           b"('c')+('e')+('=')+'1732800000.123|0|abc';location.href=location.pathname+location.search</script>")
YUNSUO_PAGE = ("<html><head><meta charset=\"utf-8\"></head><body><script>function stringToHex(s){return s}"
               "document.cookie=\"srcurl=\"+stringToHex(window.location.href)+\";path=/;\";"
               "window.location.href=\"/ys/?security_verify_data=313932302c31303830\";</script></body></html>").encode("utf-8")
FAKE_PDF = ("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>404 页面不存在</title></head>"
            "<body><h1>对不起，您访问的页面不存在或已被删除</h1><p><a href=\"/\">返回首页</a></p></body></html>").encode("utf-8")
TYPES = {"html": "text/html; charset=utf-8", "htm": "text/html; charset=utf-8", "shtml": "text/html; charset=utf-8",
         "pdf": "application/pdf", "txt": "text/plain; charset=utf-8",
         "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         "doc": "application/msword", "xml": "text/xml; charset=utf-8",
         "json": "application/json; charset=utf-8"}


class SampleServer:
    def __init__(self, site_dir: Path, port: int = 0, slow_seconds: float = 1.2):
        self.site_dir = Path(site_dir)
        self.www = self.site_dir / "www"
        self.routes = json.loads((self.site_dir / "routes.json").read_text(encoding="utf-8"))
        self.slow_seconds = slow_seconds
        self.log: list[tuple[str, str, int, int]] = []
        self._lock = threading.Lock()
        handler = self._handler()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        self._thread: threading.Thread | None = None

    def start(self) -> "SampleServer":
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="sample-site", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def clear_log(self) -> None:
        with self._lock:
            self.log.clear()

    # --- answers -----------------------------------------------------------------------------

    def answer(self, method: str, raw_path: str, headers, body: bytes) -> tuple[int, dict, bytes]:
        parts = urlsplit(raw_path)
        path = unquote(parts.path)
        q = {k: v[0] for k, v in parse_qs(parts.query).items()}
        if method == "POST":
            q.update({k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace")).items()})
        for prefix, kind in self.routes["challenges"].items():
            if path.startswith(prefix):
                if kind == "rs-412":
                    return 412, {"Content-Type": "text/html; charset=utf-8",
                                 "Set-Cookie": "FSSBBIl1UgzbN7N80S=Rk3xq9; Path=/; HttpOnly"}, RUISHU_412
                if kind == "jsl-521":
                    return 521, {"Content-Type": "text/html", "Set-Cookie": "__jsluid_h=8f3c2a1b0d9e; max-age=31536000; path=/"}, JSL_521
                if kind == "yunsuo":
                    return 200, {"Content-Type": "text/html; charset=utf-8",
                                 "Set-Cookie": "yunsuo_session_verify=2f8e1c0b9a7d6e5f4a3b2c1d0e9f8a7b; path=/"}, YUNSUO_PAGE
                return 200, {"Content-Type": "text/html; charset=utf-8"}, WZWS_PAGE
        for writer in writers().values():  # the families' dynamic URLs
            answer = getattr(writer, "answer", None)
            found = answer(self, method, path, q, headers) if answer else None
            if found is not None:
                return found
        if path in self.routes["fake"]:
            return 200, {"Content-Type": "text/html; charset=utf-8"}, FAKE_PDF
        if path in self.routes["slow"]:
            time.sleep(self.slow_seconds)
        return self.static(path, headers)

    def static(self, path: str, headers, conditional: bool = True, disposition: str | None = None):
        rel = path.lstrip("/")
        f = (self.www / rel).resolve()
        if not str(f).startswith(str(self.www.resolve())):
            return 404, {"Content-Type": "text/plain"}, b"not found"
        if f.is_dir():
            f = f / "index.html"
        if not f.is_file():
            return 404, {"Content-Type": "text/html; charset=utf-8"}, (
                "<html><head><title>404 Not Found</title></head><body><h1>404 页面不存在</h1></body></html>").encode("utf-8")
        data = f.read_bytes()
        if b"__BASE__" in data:
            data = data.replace(b"__BASE__", self.base_url.encode())
        ext = f.suffix.lstrip(".").lower()
        ctype = TYPES.get(ext, "application/octet-stream")
        if path in self.routes["gbk"]:
            ctype = "text/html" if "/content/" in path else "text/html; charset=gb2312"  # one page omits charset
        etag = '"' + hashlib.sha1(data).hexdigest()[:16] + '"'
        h = {"Content-Type": ctype}
        if conditional:
            h.update({"ETag": etag, "Last-Modified": LAST_MODIFIED})
            if headers.get("If-None-Match") == etag or (
                    not headers.get("If-None-Match") and headers.get("If-Modified-Since") == LAST_MODIFIED):
                return 304, h, b""
        if disposition:
            # raw UTF-8 bytes in the header, as many portals send, and a path in it (never used as one)
            h["Content-Disposition"] = f"attachment; filename=\"../../{disposition}\"".encode("utf-8").decode("latin-1")
        return 200, h, data

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _do(self, method):
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n) if n else b""
                try:
                    status, hdrs, data = server.answer(method, self.path, self.headers, body)
                except Exception as exc:  # a bug here must not hang the client
                    status, hdrs, data = 500, {"Content-Type": "text/plain"}, repr(exc).encode()
                self.send_response(status)
                for k, v in hdrs.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if method != "HEAD" and status != 304:
                    self.wfile.write(data)
                with server._lock:
                    server.log.append((method, self.path, status, len(data)))

            def do_GET(self):
                self._do("GET")

            def do_POST(self):
                self._do("POST")

            def do_HEAD(self):
                self._do("HEAD")

            def log_message(self, *args):
                pass

        return Handler
