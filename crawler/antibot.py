"""Recognise anti-bot challenge answers (never parse them as content). Pure; the markers are
``extract.walls``'s, this adds what the status and headers say.

    detect_block(412, {"Set-Cookie": "FSSBBIl1UgzbN7N80S=…"}, body) -> "rs-412"

Kinds: ``rs-412`` (瑞数), ``wzws`` (网宿 WZWS), ``jsl-521`` (加速乐 / 创宇盾), ``yunaq``
(知道创宇云防御 block page: "如果您是网站管理员，请登录知道创宇云防御"), ``yunsuo`` (云锁),
``cloudflare``; ``stub`` is a degraded answer (a tiny body where a page was expected) and is
reported as an error, not as a block.
"""
from __future__ import annotations

import re
from typing import Mapping

from extract.walls import CF as _CF, JSL as _JSL, JSL_COOKIE_JS as _JSL_COOKIE_JS, RS_META as _RS_META, \
    RS_TS as _RS_TS, WZWS as _WZWS, WZWS_TEXT as _WZWS_TEXT, YUNAQ as _YUNAQ, YUNAQ_NAME as _YUNAQ_NAME, \
    YUNSUO as _YUNSUO   # the walls' markers (one place, shared with extract.sniff)


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
