"""Pages that render their article body from JSON in a script (Guangdong gkmlpt) are read
from that JSON: the reader, not the crawler, knows how a report page carries its body."""
import json

from extract import extract_bytes
from extract.readers.html import embedded_body_html, read_html
from nianbao.demo.render import render_report

REPORT = {
    "title": "示例区人民政府2023年政府信息公开工作年度报告", "agency": "示例区人民政府", "year": 2023, "template": "2021",
    "review_litigation": {
        "review": {"upheld": 2, "corrected": 1, "other": 0, "pending": 0, "total": 3},
        "litigation_direct": {"upheld": 0, "corrected": 0, "other": 0, "pending": 1, "total": 1},
        "litigation_after_review": {"upheld": 0, "corrected": 0, "other": 0, "pending": 0, "total": 0},
    },
}


def _gkmlpt_page(body_html: str) -> bytes:
    detail = json.dumps({"id": 1, "title": REPORT["title"], "content": body_html}).replace("<", "\\u003C")
    return (f"<html><head><meta charset='utf-8'><title>{REPORT['title']}</title></head><body>"
            f"<div id='app'></div><script>window._CONFIG = {{SID: '755041', DETAIL: {detail}, TREE: []}};</script>"
            "</body></html>").encode("utf-8")


def test_body_rendered_from_script_json_is_read():
    body = render_report(REPORT, "html").decode("utf-8")
    page = _gkmlpt_page(body)
    assert "行政复议" in embedded_body_html(page.decode("utf-8"))
    report = extract_bytes(page, "post_1.html")
    assert report["status"] == "ok"
    assert report["review_litigation"] == REPORT["review_litigation"]


def test_ordinary_page_is_unchanged():
    page = "<html><body><p>一、总体情况</p><script>var x = {DETAIL: {content: 1}};</script></body></html>"
    assert embedded_body_html(page) == ""
    assert "总体情况" in read_html(page.encode()).text
