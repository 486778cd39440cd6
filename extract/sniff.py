"""What are these bytes? Content sniffing for downloads and readers.

Pure and import-light (standard library only): the crawler uses it to classify every
download, ``extract.readers.read_document`` uses it to pick a reader. The decision rests on
the content (magic bytes, structure), never on the file name; the name is only a hint that
separates look-alikes (an OLE file named ``.wps`` vs ``.doc``) and flags an HTML page saved
under a document's name.

    >>> sniff(b"%PDF-1.7 ...").kind
    'pdf'
"""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from extract.walls import wall_in_body
from nianbao.text import count_cjk

# kind -> (media type, usual extension)
KINDS: dict[str, tuple[str, str]] = {
    "pdf": ("application/pdf", "pdf"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "doc": ("application/msword", "doc"),
    "wps": ("application/vnd.ms-works", "wps"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "xls": ("application/vnd.ms-excel", "xls"),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx"),
    "ofd": ("application/ofd", "ofd"),
    "odt": ("application/vnd.oasis.opendocument.text", "odt"),
    "zip": ("application/zip", "zip"),
    "rar": ("application/vnd.rar", "rar"),
    "7z": ("application/x-7z-compressed", "7z"),
    "gzip": ("application/gzip", "gz"),
    "ole": ("application/x-ole-storage", "bin"),
    "rtf": ("application/rtf", "rtf"),
    "html": ("text/html", "html"),
    "xml": ("application/xml", "xml"),
    "json": ("application/json", "json"),
    "png": ("image/png", "png"),
    "jpeg": ("image/jpeg", "jpg"),
    "gif": ("image/gif", "gif"),
    "tiff": ("image/tiff", "tif"),
    "bmp": ("image/bmp", "bmp"),
    "webp": ("image/webp", "webp"),
    "text": ("text/plain", "txt"),
    "empty": ("application/x-empty", "bin"),
    "binary": ("application/octet-stream", "bin"),
}
IMAGE_KINDS = frozenset({"png", "jpeg", "gif", "tiff", "bmp", "webp"})
# Kinds extract can read (images via OCR).
READABLE_KINDS = frozenset({"pdf", "docx", "doc", "wps", "rtf", "odt", "ofd", "html", "text", "xlsx", "xls"}) | IMAGE_KINDS
# File-name extensions of documents (not web pages): an HTML body under one of these names is
# almost always an error/login/anti-bot page served in place of the file.
DOCUMENT_EXTENSIONS = frozenset({"pdf", "doc", "docx", "wps", "xls", "xlsx", "ofd", "zip", "rar", "7z", "rtf", "et", "odt"})

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HTML_START = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*"
    rb"<(?:!doctype\s+html|html|head|body|meta|title|script|div|table|p|link|style|iframe|center|h[1-6]|br|form|span)\b",
    re.I | re.S,
)
_HTML_ANYWHERE = re.compile(rb"<(?:html|body|head|table|div|p|br|meta)\b[^>]*>", re.I)
_ERROR_TITLE = re.compile(
    r"(40[0-9]|50[0-9]|521|412|not\s*found|forbidden|error|错误|出错|不存在|找不到|无法访问|拒绝访问|禁止访问|无权|"
    r"页面已删除|已过期|维护|安全(?:检测|验证|防护)|访问验证|验证码|请稍候|正在跳转|登录|云锁|网站防火墙|waf)",
    re.I,
)
# generic redirect/cookie scripts of challenge pages; each vendor's own markers: extract.walls
_ANTIBOT = re.compile(
    r"(_\$\w+\s*=|document\.cookie\s*=|<noscript>\s*请开启|"
    r"eval\(function\(p,a,c,k,e|window\.location\.(?:href|replace)\s*[=(])",
    re.I,
)


@dataclass(frozen=True)
class Sniff:
    kind: str  # a key of KINDS
    media_type: str
    ext: str
    detail: str = ""  # why; e.g. "html under a .pdf name", "ole: WordDocument stream"

    @property
    def readable(self) -> bool:
        return self.kind in READABLE_KINDS

    @property
    def is_image(self) -> bool:
        return self.kind in IMAGE_KINDS


def _make(kind: str, detail: str = "") -> Sniff:
    media, ext = KINDS[kind]
    return Sniff(kind, media, ext, detail)


def extension(filename: str | None) -> str:
    if not filename:
        return ""
    name = filename.rsplit("/", 1)[-1].split("?", 1)[0].split("#", 1)[0]
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _zip_kind(data: bytes) -> tuple[str, str]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, ValueError, OSError, RuntimeError, NotImplementedError) as exc:
        return "zip", f"unreadable zip: {exc}"
    if "word/document.xml" in names:
        return "docx", "zip with word/document.xml"
    if any(n.startswith("xl/") for n in names):
        return "xlsx", "zip with xl/"
    if any(n.startswith("ppt/") for n in names):
        return "pptx", "zip with ppt/"
    if "OFD.xml" in names or any(n.lower().endswith("ofd.xml") for n in names):
        return "ofd", "zip with OFD.xml"
    if "[Content_Types].xml" in names and any(n.startswith(("word/", "_rels/")) for n in names):
        return "docx", "OOXML package without word/document.xml"
    if "mimetype" in names and data[30:38] == b"mimetype":
        mt = data[38:120]
        if b"opendocument.text" in mt:
            return "odt", "OpenDocument text"
    return "zip", f"zip with {len(names)} entries"


def _ole_kind(data: bytes, ext: str) -> tuple[str, str]:
    # Directory entries are UTF-16LE names; a cheap scan of the first MB finds the streams.
    head = data[: 1 << 20]
    if "WordDocument".encode("utf-16-le") in head:
        return ("wps" if ext == "wps" else "doc"), "ole: WordDocument stream"
    if "WpsDocument".encode("utf-16-le") in head or "Kingsoft".encode("utf-16-le") in head:
        return "wps", "ole: Kingsoft WPS"
    if "Workbook".encode("utf-16-le") in head or "Book".encode("utf-16-le") in head:
        return "xls", "ole: Workbook stream"
    if ext in ("doc", "wps"):
        return ext, "ole without a recognised stream; trusting the name"
    return "ole", "ole compound file, unknown content"


def _ascii_view(data: bytes) -> bytes:
    """The first 8 KB as bytes a regex can read: UTF-16 (BOM or NUL-interleaved) is decoded."""
    head = data[:8192]
    enc = None
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        enc = "utf-16"
    elif len(head) >= 8 and head[1:8:2] == b"\x00\x00\x00\x00" and head[0:8:2].count(0) == 0:
        enc = "utf-16-le"
    elif len(head) >= 8 and head[0:8:2] == b"\x00\x00\x00\x00" and head[1:8:2].count(0) == 0:
        enc = "utf-16-be"
    if enc is None:
        return data
    return head[: len(head) // 2 * 2].decode(enc, "replace").encode("utf-8", "replace")


def looks_like_html(data: bytes) -> bool:
    data = _ascii_view(data)
    head = data[:4096].lstrip(b"\xef\xbb\xbf\xff\xfe\x00 \t\r\n")
    if _HTML_START.match(head):
        return True
    return len(_HTML_ANYWHERE.findall(data[:8192])) >= 3


def html_error_reason(data: bytes) -> str | None:
    """Why an HTML body looks like an error / anti-bot / redirect page rather than content
    (None when it looks like a real page). Cheap heuristics on title and visible text size."""
    head = data[:200_000]
    text = head.decode("utf-8", "replace")
    if "\ufffd" in text[:4000]:
        try:
            text = head.decode("gb18030", "replace")
        except LookupError:  # pragma: no cover
            pass
    m = re.search(r"<title[^>]*>(.*?)</title>", text, re.I | re.S)
    title = re.sub(r"\s+", " ", m.group(1)).strip() if m else ""
    body = re.sub(r"(?is)<(script|style|noscript)\b.*?</\1>", " ", text)
    visible = re.sub(r"(?s)<[^>]+>", " ", body)
    visible = re.sub(r"&[#\w]+;", " ", visible)
    cjk = count_cjk(visible)
    wall = wall_in_body(head)
    if wall and cjk < 200:
        return f"anti-bot page ({wall})"
    if _ANTIBOT.search(text) and cjk < 200:
        return "anti-bot or redirect script page"
    if title and _ERROR_TITLE.search(title) and cjk < 400:
        return f"error page (title {title[:60]!r})"
    if cjk < 30 and len(visible.split()) < 60:
        return "HTML page with almost no text"
    return None


def _is_text(data: bytes) -> bool:
    sample = data[:8192]
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True  # UTF-16 BOM
    if b"\x00" in sample:
        return False
    ctrl = sum(1 for b in sample if b < 9 or 13 < b < 32 and b != 27)
    return ctrl <= len(sample) * 0.01


def sniff(data: bytes, filename: str | None = None) -> Sniff:
    """Classify ``data``. ``filename`` only disambiguates (doc vs wps) and annotates."""
    ext = extension(filename)
    if not data or not data.strip(b" \t\r\n\x00\xef\xbb\xbf"):
        return _make("empty", "no content")
    head = data[:1024]
    pos = head.find(b"%PDF-")
    if pos == 0:
        return _make("pdf")
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        kind, detail = _zip_kind(data)
        # a readable zip that stores a PDF uncompressed shows '%PDF-' near its start
        if not (0 < pos < 1024 and detail.startswith("unreadable zip")):
            return _make(kind, detail)
    if 0 < pos < 1024 and not looks_like_html(data[:pos] or b"x"):
        return _make("pdf", f"%PDF at offset {pos}")
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return _make(*_zip_kind(data))
    if data.startswith(_OLE_MAGIC):
        kind, detail = _ole_kind(data, ext)
        return _make(kind, detail)
    if data.startswith(b"{\\rtf"):
        return _make("rtf")
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return _make("png")
    if data.startswith(b"\xff\xd8\xff"):
        return _make("jpeg")
    if data.startswith((b"GIF87a", b"GIF89a")):
        return _make("gif")
    if data.startswith((b"II*\x00", b"MM\x00*")):
        return _make("tiff")
    if data.startswith(b"BM") and len(data) > 26 and data[6:10] == b"\x00\x00\x00\x00":
        return _make("bmp")
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return _make("webp")
    if data.startswith(b"Rar!\x1a\x07"):
        return _make("rar")
    if data.startswith(b"7z\xbc\xaf\x27\x1c"):
        return _make("7z")
    if data.startswith(b"\x1f\x8b"):
        return _make("gzip")
    if looks_like_html(data):
        detail = f"html under a .{ext} name" if ext in DOCUMENT_EXTENSIONS else ""
        return _make("html", detail)
    if _is_text(data):
        stripped = data.lstrip(b"\xef\xbb\xbf \t\r\n")
        if stripped.startswith(b"<?xml"):
            return _make("xml")
        if stripped[:1] in (b"{", b"[") and stripped.rstrip()[-1:] in (b"}", b"]"):
            return _make("json")
        return _make("text")
    return _make("binary", "unrecognised binary content")


__all__ = ["KINDS", "IMAGE_KINDS", "READABLE_KINDS", "DOCUMENT_EXTENSIONS", "Sniff", "sniff",
           "extension", "looks_like_html", "html_error_reason"]
