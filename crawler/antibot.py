"""Recognise anti-bot challenge answers (never parse them as content). Pure.

    detect_block(412, {"Set-Cookie": "FSSBBIl1UgzbN7N80S=…"}, body) -> "rs-412"

Kinds: ``rs-412`` (瑞数), ``wzws`` (网宿 WZWS), ``jsl-521`` (加速乐 / 创宇盾), ``yunaq``
(知道创宇云防御 block page: "如果您是网站管理员，请登录知道创宇云防御"), ``yunsuo`` (云锁),
``cloudflare``; ``stub`` is a degraded answer (a tiny body where a page was expected) and is
reported as an error, not as a block.
"""
from __future__ import annotations

import re
from typing import Mapping

_RS_TS = re.compile(rb"\$_ts\s*=\s*window\[|\$_ts\.(?:nsd|cd)\b|\$_ts\.lcd\(")
_RS_META = re.compile(rb"<meta\s+content=\"[^\"]{40,}\"\s+r=['\"]m['\"]", re.I)
_WZWS = re.compile(rb"wzwschallenge|wzws_cid|wzwstemplate|wzwsquestion|WZWS_CONFIRM_PREFIX", re.I)
_WZWS_TEXT = "请开启JavaScript并刷新该页".encode("utf-8")
_JSL = re.compile(rb"__jsl_clearance|__jsluid|go\(\{[^}]*\"ha\"\s*:", re.I)
_JSL_COOKIE_JS = re.compile(rb"document\.cookie\s*=.{0,400}location\.href\s*=\s*location\.pathname", re.I | re.S)
_YUNSUO = re.compile(rb"yunsuo_session_verify|security_session_mid_verify|yunsuo_leech_key|security_verify_data", re.I)
# 知道创宇云防御 (Knownsec yunaq) block page; a site footer may name the vendor, so the name
# alone counts only on an error status or a short page
_YUNAQ = re.compile("请登录知道创宇云防御|知道创宇云防御(?:拦截|提示)".encode("utf-8"))
_YUNAQ_NAME = re.compile("知道创宇云防御|创宇盾".encode("utf-8"))
_CF = re.compile(rb"Just a moment\.\.\.|cf-browser-verification|challenge-platform|__cf_chl_", re.I)


def _header_text(headers: Mapping | None) -> bytes:
    if not headers:
        return b""
    parts = []
    for k, v in headers.items():
        k = k.decode("latin-1") if isinstance(k, bytes) else str(k)
        vals = v if isinstance(v, (list, tuple)) else [v]
        for x in vals:
            x = x.decode("latin-1") if isinstance(x, bytes) else str(x)
            parts.append(f"{k}: {x}")
    return "\n".join(parts).encode("latin-1", "replace")


def detect_block(status: int, headers: Mapping | None, body: bytes | None) -> str | None:
    """The anti-bot kind this answer is, or None for an ordinary response."""
    body = body or b""
    head = body[:8192]
    hdr = _header_text(headers)
    if _RS_TS.search(head) or (status == 412 and (_RS_META.search(head) or re.search(rb"[A-Za-z0-9]{10,}[ST]=", hdr))):
        return "rs-412"
    if status == 412:
        return "rs-412"
    if _WZWS.search(head) or _WZWS.search(hdr) or (_WZWS_TEXT in head and len(body) < 20000):
        return "wzws"
    if _JSL.search(hdr) or _JSL.search(head) or (status in (521, 512) and _JSL_COOKIE_JS.search(head)):
        return "jsl-521"
    if _YUNAQ.search(head) or (_YUNAQ_NAME.search(head) and (status >= 400 or len(body) < 20000)):
        return "yunaq"
    if _YUNSUO.search(hdr) or _YUNSUO.search(head):
        return "yunsuo"
    if _CF.search(head) and status in (403, 503, 521, 200):
        return "cloudflare"
    if status == 521:
        return "jsl-521"
    return None


def is_stub(body: bytes | None, expected_page: bool = True) -> bool:
    """A degraded answer: an (almost) empty body where a listing page was expected."""
    b = (body or b"").strip()
    return expected_page and len(b) < 400 and b"<a " not in b.lower() and b"<record" not in b.lower()


__all__ = ["detect_block", "is_stub"]
