"""Item pipelines: the spider parses, these write (``ITEM_PIPELINES`` in crawler/settings.py).

``StorePipeline`` (100) puts a ``DocumentItem``'s bytes in the write-once store and counts it per
portal (``portal/<id>/new_documents`` | ``known_documents`` in the Scrapy stats);
``ManifestPipeline`` (200) appends its line to ``<data>/crawl/runs/<run>/manifest.jsonl``.
Swapping the store (another bucket, S3) or the manifest's home is a change here, not in a spider.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from crawler.items import DocumentItem
from crawler.store import Store, data_dir, run_dir

# characters str.splitlines() treats as line breaks: escaped so that every reader sees one record a line
_LINE_BREAKS = {c: f"\\u{ord(c):04x}" for c in "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"}


def append_line(path: Path, obj: dict) -> None:
    """One JSON record as one line, with one write: concurrent crawls may append to one file."""
    text = json.dumps(obj, ensure_ascii=False)
    for c, esc in _LINE_BREAKS.items():
        text = text.replace(c, esc)
    line = (text + "\n").encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line)
    finally:
        os.close(fd)


class StorePipeline:
    def __init__(self, crawler):
        self.crawler = crawler
        self.store = Store(data_dir(crawler.settings))

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item, spider=None):
        if isinstance(item, DocumentItem):
            item.sha256, item.store_path, new = self.store.put(item.body)
            item.status = "new" if new else "known"
            self.crawler.stats.inc_value(f"portal/{item.portal}/{'new' if new else 'known'}_documents")
        return item


class ManifestPipeline:
    def __init__(self, crawler):
        self.path = run_dir(crawler.settings) / "manifest.jsonl"

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def open_spider(self, spider=None):
        self.path.parent.mkdir(parents=True, exist_ok=True)

    def process_item(self, item, spider=None):
        if isinstance(item, DocumentItem):
            append_line(self.path, item.manifest_record())
        return item
