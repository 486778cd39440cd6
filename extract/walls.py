"""Anti-bot wall pages: the markers their bodies and headers carry. One place for both readers:
``crawler.antibot`` classifies a live answer with them (with its status and headers), and
``extract.sniff`` refuses a stored body that is a wall page. Pure (``re`` only; extract never
imports the crawler).

Kinds: ``rs-412`` (瑞数), ``wzws`` (网宿 WZWS), ``jsl-521`` (加速乐 / 创宇盾), ``yunaq``
(知道创宇云防御 block page), ``yunsuo`` (云锁), ``cloudflare``.
"""
from __future__ import annotations

import re

RS_TS = re.compile(rb"\$_ts\s*=\s*window\[|\$_ts\.(?:nsd|cd)\b|\$_ts\.lcd\(")
RS_META = re.compile(rb"<meta\s+content=\"[^\"]{40,}\"\s+r=['\"]m['\"]", re.I)
WZWS = re.compile(rb"wzwschallenge|wzws_cid|wzwstemplate|wzwsquestion|WZWS_CONFIRM_PREFIX", re.I)
WZWS_TEXT = "请开启JavaScript并刷新该页".encode("utf-8")
JSL = re.compile(rb"__jsl_clearance|__jsluid|go\(\{[^}]*\"ha\"\s*:", re.I)
JSL_COOKIE_JS = re.compile(rb"document\.cookie\s*=.{0,400}location\.href\s*=\s*location\.pathname", re.I | re.S)
YUNSUO = re.compile(rb"yunsuo_session_verify|security_session_mid_verify|yunsuo_leech_key|security_verify_data", re.I)
# 知道创宇云防御 (Knownsec yunaq) block page; a site footer may name the vendor, so the name
# alone counts only on an error status or a short page
YUNAQ = re.compile("请登录知道创宇云防御|知道创宇云防御(?:拦截|提示)".encode("utf-8"))
YUNAQ_NAME = re.compile("知道创宇云防御|创宇盾".encode("utf-8"))
CF = re.compile(rb"Just a moment\.\.\.|cf-browser-verification|challenge-platform|__cf_chl_", re.I)

# markers that make a body a wall page by themselves (no status or header needed)
BODY_MARKERS: tuple[tuple[str, re.Pattern], ...] = (
    ("rs-412", RS_TS), ("wzws", WZWS), ("jsl-521", JSL), ("yunaq", YUNAQ), ("yunsuo", YUNSUO), ("cloudflare", CF))


def wall_in_body(body: bytes | None) -> str | None:
    """The wall kind whose own marker is in the first 8 KiB of ``body``, else None."""
    head = (body or b"")[:8192]
    for kind, marker in BODY_MARKERS:
        if marker.search(head):
            return kind
    return None


__all__ = ["wall_in_body", "BODY_MARKERS", "RS_TS", "RS_META", "WZWS", "WZWS_TEXT", "JSL", "JSL_COOKIE_JS",
           "YUNSUO", "YUNAQ", "YUNAQ_NAME", "CF"]
