"""Hostile documents, generated at test time (nothing big is committed).

Each ``Case`` builds bytes (cached per session by ``build``), names the filename passed to
``extract.extract_bytes``, and states what a correct result may be:

- ``statuses``: the statuses that are the truth for these bytes;
- ``codes``: when the status is ``error``, the error codes that describe it (``None``: any
  stable code from ``extract.errors``);
- ``truth``: the facts printed in the document (``synth.flatten`` form). Any fact returned
  must equal the printed one (or be null). With ``truth=None`` no fact may be returned at
  all: a number that was not printed is an invented number.
- ``allowed``: per-fact sets of acceptable values, for cells whose "right" reading is
  debatable (1e30, 99999999999999999999 …) but whose wrong readings are not.
"""
from __future__ import annotations

import io
import random
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import Callable

import synth

ANY = None


@dataclass
class Case:
    name: str
    build: Callable[[], bytes]
    filename: str | None
    statuses: frozenset[str]
    codes: frozenset[str] | None = ANY
    truth: dict | None = None
    allowed: dict = field(default_factory=dict)
    max_seconds: float = 20.0  # CPU seconds (all threads, LibreOffice included); wall time only guards hangs
    max_rss_mb: float = 1024.0  # OCR (onnxruntime) alone takes ~800 MB on a blank page
    same_as: str | None = None  # facts must equal those of this other case (the clean original)
    slow: bool = False  # only with NIANBAO_SLOW=1 (another OCR pass over an image: costly, little new)
    note: str = ""


def S(*xs: str) -> frozenset[str]:
    return frozenset(xs)


ERR = S("error")
NOT_REPORT = S("error", "no_tables")


# --------------------------------------------------------------------------- building blocks
_CACHE: dict[str, bytes] = {}


def cached(key: str, fn: Callable[[], bytes]) -> bytes:
    if key not in _CACHE:
        _CACHE[key] = fn()
    return _CACHE[key]


def facts() -> dict:
    return synth.make_facts()


def clean_pdf() -> bytes:
    return cached("clean_pdf", lambda: synth.report_pdf(facts()))


def clean_pdf_uncompressed() -> bytes:
    return cached("clean_pdf_raw", lambda: synth.report_pdf(facts(), compress=False))


def clean_html() -> bytes:
    return synth.report_html(facts()).encode("utf-8")


def clean_docx() -> bytes:
    return cached("clean_docx", lambda: synth.report_docx(facts()))


def truncate(data: bytes, frac: float) -> bytes:
    return data[: int(len(data) * frac)]


def encrypted_pdf(user: str, embed_font: bool = False) -> bytes:
    from reportlab.lib.pdfencrypt import StandardEncryption

    return synth.report_pdf(facts(), encrypt=StandardEncryption(user, ownerPassword="owner-secret", strength=128,
                                                                canCopy=0, canModify=0), embed_font=embed_font)


def clean_pdf_ttf() -> bytes:
    return cached("clean_pdf_ttf", lambda: synth.report_pdf(facts(), embed_font=True))


def bad_xref_pdf() -> bytes:
    """Every xref offset points at the wrong place, and startxref too."""
    data = clean_pdf_uncompressed()
    head, sep, tail = data.rpartition(b"xref")
    lines = tail.split(b"\n")
    out = []
    for line in lines:
        parts = line.split(b" ")
        if len(parts) >= 3 and parts[0].isdigit() and len(parts[0]) == 10:
            parts[0] = b"%010d" % (int(parts[0]) + 7)
            line = b" ".join(parts)
        out.append(line)
    broken = head + sep + b"\n".join(out)
    return broken.replace(b"startxref", b"startxref\n999999999\n%", 1)


def no_xref_pdf() -> bytes:
    data = clean_pdf_uncompressed()
    i = data.rfind(b"xref")
    return data[:i] + b"%%EOF\n"


def page_cycle_pdf() -> bytes:
    """A page tree whose /Kids points back at itself (infinite recursion for a naive walker)."""
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length 0 >>\nstream\n\nendstream",
    ]
    return _assemble_pdf(objs)


def _assemble_pdf(objs: list[bytes], count_override: int | None = None) -> bytes:
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref))
    return out.getvalue()


def deflate_bomb_pdf(mb: int = 200) -> bytes:
    """One page whose content stream inflates to ``mb`` MB of spaces (about 200 KB on disk)."""
    stream = _repeat_deflate(b" " * (1 << 20), mb, zlib_wrapper=True)
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    return _assemble_pdf(objs)


def lying_count_pdf() -> bytes:
    """One real page, but the page tree claims 2**31 pages."""
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 2147483647 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length 0 >>\nstream\n\nendstream",
    ]
    return _assemble_pdf(objs)


def huge_mediabox_pdf() -> bytes:
    """A page 14400 inches square (the PDF maximum) — renderers that rasterise it naively die."""
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 14400 14400] /UserUnit 75000 /Contents 4 0 R >>",
        b"<< /Length 0 >>\nstream\n\nendstream",
    ]
    return _assemble_pdf(objs)


def image_only_pdf() -> bytes:
    """A scanned-looking page: one image (shapes, no text), no text layer."""
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    img = Image.new("L", (600, 800), 255)
    d = ImageDraw.Draw(img)
    rnd = random.Random(3)
    for _ in range(60):
        x, y = rnd.randrange(0, 560), rnd.randrange(0, 760)
        d.rectangle([x, y, x + rnd.randrange(5, 40), y + rnd.randrange(5, 40)], outline=0)
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.drawImage(ImageReader(img), 0, 0, width=595, height=842)
    c.showPage()
    c.save()
    return buf.getvalue()


def blank_pages_pdf(pages: int = 3) -> bytes:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    for _ in range(pages):
        c.showPage()
    c.save()
    return buf.getvalue()


def long_pdf(pages: int = 500) -> bytes:
    """``pages`` pages of narrative (cheap canvas text), the report's tables on the last pages."""
    from reportlab.pdfgen import canvas

    font = synth._cid_font()
    filler = io.BytesIO()
    c = canvas.Canvas(filler, pageCompression=1)
    line = "本机关坚持以人民为中心，不断推进政策解读、政府信息公开、公开平台建设等各项重点工作。"
    for p in range(pages - 2):  # + the 2 pages of the clean report
        c.setFont(font, 10)
        c.drawString(40, 800, f"附件 第{p + 1}页")
        for i in range(20):
            c.drawString(40, 760 - i * 14, line)
        c.showPage()
    c.save()
    # Merge: pdfium can import pages from two documents.
    import pypdfium2 as pdfium

    out = pdfium.PdfDocument(clean_pdf())
    head = pdfium.PdfDocument(filler.getvalue())
    out.import_pages(head, index=0)
    buf = io.BytesIO()
    out.save(buf)
    head.close()
    out.close()
    return buf.getvalue()


def _repeat_deflate(chunk: bytes, times: int, zlib_wrapper: bool = False) -> bytes:
    """Deflate ``chunk * times`` cheaply: compress the chunk once as a full-flushed block
    sequence (no back-references across it) and repeat the compressed bytes."""
    co = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = co.compress(chunk) + co.flush(zlib.Z_FULL_FLUSH)
    body = block * times + b"\x03\x00"  # a final empty fixed-Huffman block
    if not zlib_wrapper:
        return body
    adler = 1
    for _ in range(times):
        adler = zlib.adler32(chunk, adler)
    return b"\x78\xda" + body + struct.pack(">I", adler)


def _zip(members: list[tuple[str, bytes, int, int, int]]) -> bytes:
    """Hand-made zip: (name, stored_bytes, method, crc, declared_uncompressed_size) per member."""
    out = io.BytesIO()
    central = []
    for name, data, method, crc, usize in members:
        off = out.tell()
        n = name.encode()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0x21, crc, len(data), usize, len(n), 0))
        out.write(n + data)
        central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, method, 0, 0x21, crc, len(data),
                                   usize, len(n), 0, 0, 0, 0, 0, off) + n)
    cd = out.tell()
    for c in central:
        out.write(c)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), out.tell() - cd, cd, 0))
    return out.getvalue()


def _docx_members(document_xml: bytes | None) -> list[tuple[str, bytes]]:
    """The members of clean_docx(), with word/document.xml replaced (or removed with None)."""
    members = []
    with zipfile.ZipFile(io.BytesIO(clean_docx())) as z:
        for info in z.infolist():
            if info.filename == "word/document.xml":
                if document_xml is not None:
                    members.append((info.filename, document_xml))
            else:
                members.append((info.filename, z.read(info)))
    return members


def _write_docx(members: list[tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members:
            z.writestr(name, data)
    return buf.getvalue()


def zip_bomb_docx(gib: float = 1.0, lie: bool = False) -> bytes:
    """A DOCX whose word/document.xml inflates to ``gib`` GiB (compression ratio ~1000:1).
    With ``lie``, the zip headers declare a 40 KB member (defeats a ratio check on metadata)."""
    chunk = b" " * (1 << 20)
    times = int(gib * 1024)
    body = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="x"><w:body>'
    comp = _repeat_deflate(chunk, times)
    crc = 0
    for _ in range(times):
        crc = zlib.crc32(chunk, crc)
    members = []
    for name, data in _docx_members(None):
        members.append((name, zlib.compress(data)[2:-4], 8, zlib.crc32(data), len(data)))
    usize = 40_000 if lie else (1 << 20) * times
    members.append(("word/document.xml", comp, 8, crc, usize))
    del body
    return _zip(members)


def billion_laughs_docx() -> bytes:
    ents = ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{i} "{("&lol%d;" % (i - 1)) * 10}">' for i in range(1, 10)]
    xml = ('<?xml version="1.0"?>\n<!DOCTYPE w:document [' + "".join(ents) + ']>'
           '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
           '<w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>')
    return _write_docx(_docx_members(xml.encode()))


def external_entity_docx() -> bytes:
    """XXE: document.xml pulls /etc/passwd through an external entity; its text must not leak."""
    xml = ('<?xml version="1.0"?>\n<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
           '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
           '<w:body><w:p><w:r><w:t>&xxe;</w:t></w:r></w:p></w:body></w:document>')
    return _write_docx(_docx_members(xml.encode()))


def garbage_document_xml_docx() -> bytes:
    return _write_docx(_docx_members(b"\x00\x01this is not xml<<<>>>" * 100))


def empty_docx() -> bytes:
    import docx

    buf = io.BytesIO()
    docx.Document().save(buf)
    return buf.getvalue()


def xlsx_bytes() -> bytes:
    """A minimal but valid XLSX holding a couple of numbers."""
    ct = (b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
          b'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
          b'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
          b'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
          b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
          b'officedocument.spreadsheetml.worksheet+xml"/></Types>')
    rels = (b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            b'2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            b'2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
    wb = (b'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
          b'2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
          b'<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
    wbrels = (b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
              b'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
              b'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
    sheet = (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
             b'spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1"><v>227</v></c><c r="B1"><v>106</v></c>'
             b'</row></sheetData></worksheet>')
    return _write_docx_raw([("[Content_Types].xml", ct), ("_rels/.rels", rels), ("xl/workbook.xml", wb),
                            ("xl/_rels/workbook.xml.rels", wbrels), ("xl/worksheets/sheet1.xml", sheet)])


def _write_docx_raw(members):
    return _write_docx(members)


def ole_file(stream_name: str = "Workbook", payload: bytes | None = None) -> bytes:
    """A minimal valid OLE2 compound file (CFB v3) with one stream — not a Word document."""
    payload = payload if payload is not None else bytes(random.Random(5).randrange(256) for _ in range(4096))
    payload = payload.ljust(4096, b"\x00")
    nsec = len(payload) // 512
    END, FREE, FATSECT, NOSTREAM = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
              + b"\x00" * 6 + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 0x1000, END, 0, END, 0)
              + struct.pack("<I", 0) + struct.pack("<I", FREE) * 108)
    assert len(header) == 512
    fat = [FATSECT, END] + [i + 1 for i in range(2, 2 + nsec - 1)] + [END]
    fat += [FREE] * (128 - len(fat))

    def entry(name: str, typ: int, child: int, start: int, size: int) -> bytes:
        n = name.encode("utf-16-le") + b"\x00\x00" if name else b""
        return (n.ljust(64, b"\x00") + struct.pack("<HBB", len(n), typ, 1 if typ else 0)
                + struct.pack("<III", NOSTREAM, NOSTREAM, child) + b"\x00" * 16 + b"\x00" * 4 + b"\x00" * 16
                + struct.pack("<IQ", start, size))

    dirsec = (entry("Root Entry", 5, 1, END, 0) + entry(stream_name, 2, NOSTREAM, 2, len(payload))
              + entry("", 0, NOSTREAM, 0, 0) * 2)
    assert len(dirsec) == 512
    return header + struct.pack("<128I", *fat) + dirsec + payload


def png_bytes() -> bytes:
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (400, 200), "white")
    ImageDraw.Draw(img).text((10, 80), "2024 report 227 106", fill="black")
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def jpeg_bytes() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (64, 64), "gray").save(buf, "JPEG")
    return buf.getvalue()


def gif_as_pdf() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("P", (8, 8)).save(buf, "GIF")
    return buf.getvalue()


def garbage(n: int, seed: int) -> bytes:
    return random.Random(seed).randbytes(n)


ERROR_404 = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>404 Not Found</title></head>
<body><h1>404 Not Found</h1><p>您访问的页面不存在或已被删除。</p><hr><center>nginx</center></body></html>"""

ERROR_500_AS_PDF = """<html><head><title>500 Internal Server Error</title></head><body>
<h1>系统繁忙，请稍后再试</h1><p>Error 500. 返回<a href="/">首页</a></p></body></html>"""

WAF_CHALLENGE = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<script>var _0x1a2b=["\\x63\\x6f\\x6f\\x6b\\x69\\x65"];document.cookie="__jsl_clearance=1;max-age=3600";
location.href=location.pathname+location.search</script></head><body></body></html>"""

PORTAL_CHROME = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>政府信息公开年报_测试市人民政府</title></head>
<body><div class="header"><a href="/">首页</a> | <a href="/zwgk/">政务公开</a> | <a href="/hdjl/">互动交流</a></div>
<div class="nav"><ul><li><a href="/zwgk/xxgkzn/">政府信息公开指南</a></li><li><a href="/zwgk/xxgkzd/">政府信息公开制度</a></li>
<li><a href="/zwgk/fdzdgknr/">法定主动公开内容</a></li><li><a href="/zwgk/xxgknb/">政府信息公开年报</a></li></ul></div>
<div class="list"><ul>
<li><a href="/zwgk/xxgknb/2025/01/20/1.html">测试市人民政府办公室2024年政府信息公开工作年度报告</a><span>2025-01-20</span></li>
<li><a href="/zwgk/xxgknb/2024/01/19/2.html">测试市人民政府办公室2023年政府信息公开工作年度报告</a><span>2024-01-19</span></li>
</ul><div class="page">共2条 1/1页 首页 上一页 下一页 尾页</div></div>
<div class="footer">主办：测试市人民政府办公室 网站标识码：1305000001 冀ICP备12345678号 冀公网安备 13050002000123号
联系电话：0319-1234567 访问量：227106</div></body></html>"""


def absurd_facts() -> tuple[dict, dict, dict]:
    """The synthetic facts with absurd cells; returns (facts-to-print, truth, allowed)."""
    f = synth.make_facts()
    printed = {
        "applications.new_received.natural_person": "1e30",
        "applications.new_received.commercial": "-5",
        "applications.new_received.research": "99999999999999999999",
        "applications.new_received.social_welfare": "1e309",
        "applications.new_received.legal_services": "NaN",
        "applications.new_received.other_org": "Infinity",
        "applications.carried_over.natural_person": "9" * 400,
        "applications.carried_over.commercial": "0x1F",
        "applications.carried_over.research": "12.5",
        "applications.carried_over.social_welfare": "1_000",
        "applications.carried_over.legal_services": "--3",
        "review_litigation.review.upheld": "-0",
        "active_disclosure.fees.amount_10k_yuan": "1e30万元",
    }
    allowed = {
        "applications.new_received.natural_person": {None, 1e30},
        "applications.new_received.commercial": {None, -5},
        "applications.new_received.research": {None, 99999999999999999999},
        "applications.new_received.social_welfare": {None},
        "applications.new_received.legal_services": {None},
        "applications.new_received.other_org": {None},
        "applications.carried_over.natural_person": {None, int("9" * 400)},
        "applications.carried_over.commercial": {None},
        "applications.carried_over.research": {None, 12.5},
        "applications.carried_over.social_welfare": {None, 1000},
        "applications.carried_over.legal_services": {None},
        "review_litigation.review.upheld": {None, 0},
        "active_disclosure.fees.amount_10k_yuan": {None, 1e30},
    }
    for key, text in printed.items():
        table, row, col = key.split(".")
        f[table][row][col] = text
    truth = {k: v for k, v in synth.flatten(synth.make_facts()).items() if k not in printed}
    return f, truth, allowed


def absurd_html() -> bytes:
    return synth.report_html(absurd_facts()[0]).encode()


def absurd_text() -> bytes:
    return synth.report_text(absurd_facts()[0]).encode()


def mojibake() -> bytes:
    """UTF-8 bytes decoded as Latin-1 and re-encoded as UTF-8 (double encoding)."""
    return synth.report_text(facts()).encode("utf-8").decode("latin-1").encode("utf-8")


def deep_html(depth: int = 100_000) -> bytes:
    return ("<html><body>" + "<div>" * depth + "二、主动公开政府信息情况" + "</div>" * depth + "</body></html>").encode()


def deep_tables_html(depth: int = 300) -> bytes:
    inner = "<table><tr><td>规章</td><td>3</td></tr></table>"
    return ("<html><body>" + "<table><tr><td>" * depth + inner + "</td></tr></table>" * depth + "</body></html>").encode()


def wide_table_html(cols: int = 20_000) -> bytes:
    return ("<html><body><p>三、收到和处理政府信息公开申请情况</p><table><tr>" + "<td>1</td>" * cols
            + "</tr></table></body></html>").encode()


def long_table_html(rows: int = 50_000) -> bytes:
    return ("<html><body><p>二、主动公开政府信息情况</p><table>"
            + "<tr><td>规章</td><td>1</td><td>2</td><td>3</td></tr>" * rows + "</table></body></html>").encode()


def huge_span_html() -> bytes:
    """Cells claiming a million rows and columns: a naive grid expansion needs 10^12 slots."""
    return ("<html><body><p>三、收到和处理政府信息公开申请情况</p><table>"
            '<tr><td rowspan="1000000" colspan="1000000">一、本年新收政府信息公开申请数量</td><td>5</td></tr>'
            '<tr><td colspan="2147483648">二、上年结转政府信息公开申请数量</td><td rowspan="-3">1</td>'
            '<td colspan="abc">2</td></tr></table></body></html>').encode()


def huge_line_text(mb: int = 20) -> bytes:
    unit = "政府信息公开工作年度报告本年新收政府信息公开申请数量"
    n = mb * (1 << 20) // len(unit.encode())
    return (unit * n).encode()


def nul_text() -> bytes:
    return synth.report_text(facts()).replace("\n", "\n\x00").encode()


def nul_html() -> bytes:
    return synth.report_html(facts()).replace("<td>", "<td>\x00").encode()


# --------------------------------------------------------------------------- the list
def cases() -> list[Case]:
    truth = synth.flatten(facts())
    _, absurd_truth, absurd_allowed = absurd_facts()
    html_report = S("ok")
    any_report = S("ok", "no_tables")
    pdf_err = S("truncated_pdf", "malformed")
    cs = [
        # nothing at all
        Case("empty", lambda: b"", "report.pdf", ERR, S("empty_file")),
        Case("empty-no-name", lambda: b"", None, ERR, S("empty_file")),
        Case("whitespace", lambda: b" \r\n\t  \n" * 100, "report.html", ERR, S("empty_file")),
        Case("one-byte", lambda: b"%", "report.pdf", ERR),
        Case("one-nul", lambda: b"\x00", None, ERR),
        Case("nuls-1mb", lambda: b"\x00" * (1 << 20), "report.pdf", ERR),
        # truncated / broken PDFs
        Case("pdf-header-only", lambda: b"%PDF-1.7\n", "report.pdf", ERR, pdf_err),
        *[Case(f"pdf-truncated-{int(f * 100)}pct", (lambda f=f: truncate(clean_pdf(), f)), "report.pdf",
               S("error", "ok", "no_tables"), pdf_err, truth=truth)
          for f in (0.05, 0.3, 0.5, 0.8, 0.95)],
        Case("pdf-no-eof", lambda: clean_pdf()[: clean_pdf().rfind(b"startxref")], "report.pdf",
             S("error", "ok", "no_tables"), pdf_err, truth=truth, note="pdfium may rebuild the xref: then facts must be right"),
        Case("pdf-malformed-xref", bad_xref_pdf, "report.pdf", S("error", "ok", "no_tables"), pdf_err, truth=truth),
        Case("pdf-no-xref", no_xref_pdf, "report.pdf", S("error", "ok", "no_tables"), pdf_err, truth=truth),
        Case("pdf-encrypted-user-pw", lambda: cached("enc_user", lambda: encrypted_pdf("open-sesame")), "report.pdf",
             ERR, S("encrypted_pdf")),
        Case("pdf-ttf-clean", clean_pdf_ttf, "report.pdf", S("ok"), truth=truth, note="control (embedded font)"),
        Case("pdf-encrypted-owner-only", lambda: cached("enc_owner", lambda: encrypted_pdf("", embed_font=True)),
             "report.pdf", S("ok"), truth=truth, same_as="pdf-ttf-clean",
             note="copy-protected (empty user password, owner password): common for government PDFs; readable"),
        Case("pdf-encrypted-owner-only-cid", lambda: cached("enc_owner_cid", lambda: encrypted_pdf("")), "report.pdf",
             S("ok", "no_tables", "error"), S("encrypted_pdf"), truth=truth,
             note="same with a non-embedded CID font: pdfminer maps no glyph (cid:N); if read, facts must be right"),
        Case("pdf-no-text-layer", image_only_pdf, "scan.pdf", S("needs_ocr", "no_tables", "error"),
             S("needs_ocr", "not_a_report"), max_seconds=20),
        Case("pdf-blank-pages", blank_pages_pdf, "report.pdf", S("needs_ocr", "no_tables", "error"),
             S("needs_ocr", "not_a_report", "empty_file"), slow=True),
        Case("pdf-500-pages", lambda: cached("long", long_pdf), "yearbook.pdf", any_report, truth=truth,
             max_seconds=20, note="tables on the last pages"),
        Case("pdf-page-tree-cycle", page_cycle_pdf, "report.pdf", S("error", "no_tables", "needs_ocr")),
        Case("pdf-count-lies", lying_count_pdf, "report.pdf", S("error", "no_tables", "needs_ocr"), slow=True),
        Case("pdf-huge-mediabox", huge_mediabox_pdf, "report.pdf", S("error", "no_tables", "needs_ocr")),
        Case("pdf-deflate-bomb", lambda: cached("pdfbomb", deflate_bomb_pdf), "report.pdf",
             S("error", "no_tables", "needs_ocr"), note="content stream inflates to 200 MB of spaces"),
        # HTML that is not the report
        Case("html-error-page-as-pdf", lambda: ERROR_500_AS_PDF.encode(), "report.pdf", ERR, S("html_error_page")),
        Case("html-404", lambda: ERROR_404.encode(), "2024.html", NOT_REPORT, S("html_error_page", "not_a_report")),
        Case("html-waf-challenge", lambda: WAF_CHALLENGE.encode(), "report.pdf", ERR, S("html_error_page")),
        Case("html-portal-chrome", lambda: PORTAL_CHROME.encode(), "index.html", NOT_REPORT, S("not_a_report")),
        # encodings
        Case("html-clean", clean_html, "report.html", html_report, truth=truth, note="control"),
        Case("html-gbk-declared-utf8", lambda: synth.report_html(facts(), charset="utf-8").encode("gbk"),
             "report.html", html_report, truth=truth, same_as="html-clean"),
        Case("html-utf8-declared-gb2312", lambda: synth.report_html(facts(), charset="gb2312").encode("utf-8"),
             "report.html", html_report, truth=truth, same_as="html-clean"),
        Case("html-gb18030-undeclared", lambda: synth.report_html(facts(), charset=None).encode("gb18030"),
             "report.html", html_report, truth=truth, same_as="html-clean"),
        Case("html-utf8-bom", lambda: b"\xef\xbb\xbf" + clean_html(), "report.html", html_report, truth=truth,
             same_as="html-clean"),
        Case("html-utf16", lambda: synth.report_html(facts(), charset="utf-16").encode("utf-16"), "report.html",
             html_report, truth=truth, same_as="html-clean", note="UTF-16 with a byte-order mark is unambiguous"),
        Case("html-as-doc", clean_html, "report.doc", html_report, truth=truth, same_as="html-clean",
             note="Word 'save as web page' files named .doc are common on portals"),
        Case("text-mojibake", mojibake, "report.txt", S("error", "no_tables"), S("mojibake", "not_a_report")),
        Case("text-big5", lambda: synth.report_text(facts()).encode("big5", "replace"), "report.txt",
             S("ok", "no_tables", "error"), truth=truth),
        # DOCX / OLE / zip trouble
        Case("docx-clean", clean_docx, "report.docx", S("ok"), truth=truth, note="control"),
        Case("docx-zip-bomb", lambda: cached("bomb", zip_bomb_docx), "report.docx", ERR, S("zip_bomb", "too_large")),
        Case("docx-zip-bomb-lying-header", lambda: cached("bomb_lie", lambda: zip_bomb_docx(lie=True)), "report.docx",
             ERR, S("zip_bomb", "too_large", "malformed")),
        Case("docx-not-a-zip", lambda: b"PK\x03\x04" + garbage(5000, 1), "report.docx", ERR,
             S("malformed", "unsupported_format")),
        Case("docx-random-bytes", lambda: garbage(5000, 2), "report.docx", ERR, S("malformed", "unsupported_format")),
        Case("docx-missing-document-xml", lambda: _write_docx(_docx_members(None)), "report.docx", ERR,
             S("malformed")),
        Case("docx-garbage-document-xml", garbage_document_xml_docx, "report.docx", ERR, S("malformed")),
        Case("docx-billion-laughs", billion_laughs_docx, "report.docx", NOT_REPORT,
             S("malformed", "not_a_report", "zip_bomb", "too_large")),
        Case("docx-xxe", external_entity_docx, "report.docx", NOT_REPORT, S("malformed", "not_a_report")),
        Case("docx-empty-document", empty_docx, "report.docx", NOT_REPORT, S("empty_file", "not_a_report")),
        Case("ole-not-word-as-doc", ole_file, "report.doc", ERR,
             S("malformed", "unsupported_format", "libreoffice_failed")),
        Case("ole-header-only", lambda: ole_file()[:512], "report.doc", ERR,
             S("malformed", "unsupported_format", "libreoffice_failed")),
        Case("xlsx", xlsx_bytes, "report.xlsx", S("error", "no_tables"), S("unsupported_format", "not_a_report")),
        # not documents
        Case("png", png_bytes, "report.png", S("error", "needs_ocr", "no_tables"),
             S("unsupported_format", "needs_ocr", "not_a_report")),
        Case("jpeg-as-pdf", jpeg_bytes, "report.pdf", S("error", "needs_ocr", "no_tables"),
             S("unsupported_format", "needs_ocr", "malformed", "not_a_report"), slow=True),
        Case("gif-as-pdf", gif_as_pdf, "report.pdf", ERR,
             S("unsupported_format", "malformed", "needs_ocr", "not_a_report"), slow=True),
        Case("garbage-64k", lambda: garbage(65536, 3), None, ERR),
        Case("garbage-as-pdf", lambda: garbage(65536, 4), "report.pdf", ERR),
        Case("garbage-with-pdf-magic", lambda: b"%PDF-1.4\n" + garbage(65536, 5), "report.pdf", ERR, pdf_err),
        Case("gzip-html", lambda: __import__("gzip").compress(clean_html()), "report.html", S("error", "ok"),
             S("unsupported_format", "malformed"), truth=truth),
        Case("elf-binary", lambda: b"\x7fELF\x02\x01\x01" + garbage(20000, 6), "report.pdf", ERR),
        # content
        Case("report-without-tables-html", lambda: synth.report_html(facts(), tables=False).encode(), "report.html",
             S("no_tables"), note="a readable report without the standard tables"),
        Case("report-without-tables-text", lambda: synth.report_text(facts(), tables=False).encode(), "report.txt",
             S("no_tables")),
        Case("absurd-numbers-html", absurd_html, "report.html", any_report, truth=absurd_truth, allowed=absurd_allowed),
        Case("absurd-numbers-text", absurd_text, "report.txt", any_report, truth=absurd_truth, allowed=absurd_allowed),
        Case("deep-nested-html", deep_html, "report.html", NOT_REPORT, S("malformed", "not_a_report")),
        Case("deep-nested-tables", deep_tables_html, "report.html", NOT_REPORT, S("malformed", "not_a_report")),
        Case("wide-table-html", wide_table_html, "report.html", NOT_REPORT),
        Case("long-table-html", long_table_html, "report.html", NOT_REPORT | S("ok"), truth={},
             allowed={"active_disclosure.regulations.issued": {None, 1},
                      "active_disclosure.regulations.repealed": {None, 2},
                      "active_disclosure.regulations.in_force": {None, 3}}),
        Case("html-huge-spans", huge_span_html, "report.html", NOT_REPORT | S("ok"), truth={},
             allowed={"applications.new_received.natural_person": {None, 5},
                      "applications.new_received.total": {None, 5},
                      "applications.carried_over.natural_person": {None, 1, 2},
                      "applications.carried_over.total": {None, 1, 2},
                      "applications.carried_over.commercial": {None, 2}}),
        Case("huge-single-line-text", huge_line_text, "report.txt", NOT_REPORT),
        Case("nul-bytes-text", nul_text, "report.txt", S("ok", "no_tables", "error"), truth=truth),
        Case("nul-bytes-html", nul_html, "report.html", S("ok", "no_tables", "error"), truth=truth),
        # file names
        Case("path-traversal-name", clean_pdf, "../../etc/passwd.pdf", S("ok", "no_tables"), truth=truth,
             same_as="pdf-clean"),
        Case("absolute-path-name", clean_pdf, "/etc/passwd", S("ok", "no_tables"), truth=truth, same_as="pdf-clean"),
        Case("nul-in-name", clean_pdf, "report.pdf\x00.exe", S("ok", "no_tables"), truth=truth, same_as="pdf-clean"),
        Case("very-long-name", clean_pdf, "年报" * 5000 + ".pdf", S("ok", "no_tables"), truth=truth, same_as="pdf-clean"),
        Case("rtl-override-name", clean_pdf, "report\u202efdp.exe", S("ok", "no_tables"), truth=truth,
             same_as="pdf-clean"),
        Case("windows-name", clean_pdf, "..\\..\\Windows\\win.ini:stream.pdf", S("ok", "no_tables"), truth=truth,
             same_as="pdf-clean"),
        Case("pdf-clean", clean_pdf, "report.pdf", S("ok"), truth=truth, note="control"),
    ]
    names = [c.name for c in cs]
    assert len(names) == len(set(names)), "duplicate case names"
    return cs
