"""Helpers shared by the sample writers of the API-listed families (jpaas, xxgk, epoint,
truecms): their channel pages hold no list, their endpoints answer from ``site.routes``."""
from __future__ import annotations

import hashlib
import uuid
from html import escape

from nianbao.demo.sample_site.generate import FOOT

JSON_TYPE = {"Content-Type": "application/json; charset=utf-8"}
HTML_TYPE = {"Content-Type": "text/html; charset=utf-8"}
NOT_FOUND = (404, HTML_TYPE, "<html><body><h1>404 Not Found</h1></body></html>".encode("utf-8"))


def uuid_of(seed: str) -> str:
    return str(uuid.UUID(hashlib.md5(seed.encode()).hexdigest()))


def ymd(d: str) -> tuple[str, int, int]:
    y, m, dd = d.split("-")
    return y, int(m), int(dd)


def shell_page(title: str, body: str, head: str = "") -> str:
    """A channel page: header, ``body`` (scripts/forms that name the list endpoint), footer."""
    return (f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{escape(title)}</title>{head}</head><body>\n'
            '<div class="header"><a href="/">首页</a> | <a href="/zwgk/">政务公开</a></div>\n' + body + "\n" + FOOT)


def route(site, family: str, path: str) -> dict:
    """``site.routes[family][path]`` (created empty), what the family's ``answer`` serves."""
    return site.routes.setdefault(family, {}).setdefault(path, {"lists": {}})
