"""What leaves the spider: one ``DocumentItem`` per document (an inline report page or an
attachment). ``crawler.pipelines`` stores its bytes (``StorePipeline``: ``sha256``, ``store_path``,
``status``) and appends its manifest line (``ManifestPipeline``)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class DocumentItem:
    portal: str
    body: bytes
    role: str                     # "detail" (the report page itself) | "attachment"
    url: str                      # the URL asked for (first of a redirect chain)
    final_url: str                # the URL that answered
    detail_url: str | None
    listing_url: str | None
    link_text: str
    listing_title: str
    listing_date: str | None
    year_hint: int | None
    http_status: int
    headers: dict                 # Content-Type, ETag, Last-Modified, Content-Disposition (when sent)
    media_type: str               # from extract.sniff
    format: str
    fetched_at: str
    sha256: str | None = None     # set by StorePipeline
    store_path: str | None = None
    status: str | None = None     # "new" | "known"

    def manifest_record(self) -> dict:
        """The manifest.jsonl line (docs/interfaces.md), keys in their documented order."""
        return {
            "portal": self.portal, "sha256": self.sha256, "store_path": self.store_path,
            "media_type": self.media_type, "format": self.format, "size": len(self.body), "role": self.role,
            "url": self.url, "final_url": self.final_url, "detail_url": self.detail_url,
            "listing_url": self.listing_url, "link_text": self.link_text, "listing_title": self.listing_title,
            "listing_date": self.listing_date, "year_hint": self.year_hint, "http_status": self.http_status,
            "headers": self.headers, "fetched_at": self.fetched_at, "status": self.status,
        }
