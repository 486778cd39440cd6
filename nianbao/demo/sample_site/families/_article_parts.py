"""What the writers of the API- and script-driven families share: an article's body and its
attachment documents (written and held as truth), the truth of an inline report page."""
from __future__ import annotations

from html import escape

from nianbao.demo.sample_site.generate import report_body


def notice_body(title: str) -> str:
    return f"<p>　　{escape(title)}。详情请见正文。</p>"


def report_parts(site, pid, it, key, title: str, article_url: str, att_url_for, link_for):
    """(body html, attachments html) of one listing entry's article; writes and holds documents.
    ``att_url_for(ext)`` -> stored document path; ``link_for(doc_path, name)`` -> (href, truth url)."""
    if key is None:
        return notice_body(title), ""
    fmt = it.get("as", "pdf")
    r = site.data["reports"][key]
    if fmt == "html":
        return report_body(r), ""
    ext = {"pdf": "pdf", "docx": "docx"}[fmt]
    data = site.document(key, fmt)
    doc = att_url_for(ext)
    site.write(doc, data)
    name = f"{title}.{ext}"
    href, truth_url = link_for(doc, name)
    site.hold(pid, key, "attachment", truth_url, data, fmt)
    return f"<p>　　现将{escape(title)}予以发布，全文见附件。</p>", href


def hold_inline(site, pid, it, key, url: str, page: bytes) -> None:
    if key is not None and it.get("as", "pdf") == "html":
        site.hold(pid, key, "detail", url, page, "html")
