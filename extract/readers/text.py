"""Plain text (stored copies of web pages, text extracted from PDFs) -> Document.

Decoding: BOMs, UTF-8, then GB18030 / Big5 / whatever charset-normalizer proposes, the
candidate that reads most like a Chinese report winning. Text that decodes into Latin
letters where Chinese should be (UTF-8 read as Latin-1 and saved again, …) is refused as
``mojibake``.

Layouts (all seen in shared/corpus): cells separated by ``|`` (one row per line, or one
cell per line with ``|`` lines between), tabs, two or more spaces, or single spaces in text
taken from a PDF (``规章 0 0 3``); and one cell per line/paragraph with no separator at
all. ``extract.rows.regroup`` rebuilds the rows, starting a row where a template label
starts one.
"""
from __future__ import annotations

import re
import unicodedata

from extract.document import Document
from nianbao.text import count_cjk
from extract.errors import error
from extract.rows import LINE, PIPE, SPACE, Frag, frags_to_rows, peel_values, regroup
from extract.values import is_value

_REPORT_WORDS = "政府信息公开工作年度报告申请主动规章行政许可处罚总计本年"
_PAGE_FOOTER = re.compile(r"^\s*(?:[-—–－]\s*\d{1,4}\s*[-—–－]|第\s*\d{1,4}\s*页(?:\s*[,，/／]?\s*共\s*\d{1,4}\s*页)?|P\.\s*\d{1,4})\s*$")
_CELL_SPLIT = re.compile(r"\t|\s{2,}|\u3000+")
MAX_TEXT_CHARS = 5_000_000
MAX_LINE_CHARS = 20_000


def _score(text: str) -> float:
    if not text:
        return -1.0
    sample = text[:20000]
    cjk = count_cjk(sample)
    words = sum(sample.count(w) for w in _REPORT_WORDS)
    bad = sample.count("\ufffd") + sum(1 for ch in sample if 0x80 <= ord(ch) < 0x250)
    return (cjk + 5 * words - 3 * bad) / max(len(sample), 1)


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding). Raises ExtractionError('empty_file' | 'mojibake')."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", "replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    cands: list[tuple[float, str, str]] = []
    for enc in ("gb18030", "big5"):
        try:
            t = data.decode(enc)
            cands.append((_score(t), t, enc))
        except UnicodeDecodeError:
            continue
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data[:200_000]).best()
        if best is not None and best.encoding:
            t = data.decode(best.encoding, "replace")
            cands.append((_score(t), t, best.encoding))
    except Exception:  # noqa: BLE001 - a detector failure only removes a candidate
        pass
    if not cands:
        t = data.decode("utf-8", "replace")
        cands.append((_score(t), t, "utf-8?"))
    cands.sort(key=lambda c: -c[0])
    return cands[0][1], cands[0][2]


def looks_like_mojibake(text: str) -> bool:
    """Latin-1/Windows-1252 letters where Chinese should be (double-encoded UTF-8 or a wrong
    code page), or mostly replacement characters."""
    sample = re.sub(r"\s+", "", text[:50000])
    if len(sample) < 20:
        return False
    cjk = count_cjk(sample)
    latin_ext = sum(1 for ch in sample if 0x80 <= ord(ch) < 0x250)
    repl = sample.count("\ufffd")
    if repl > 0.2 * len(sample):
        return True
    if latin_ext > 0.15 * len(sample) and cjk < 0.1 * len(sample):
        return True
    return bool(re.search(r"(?:[ÃÂåäæçèéï][\x80-\xbf\u0152-\u02dc\u2018-\u203a]){6,}", sample)) and cjk < 0.2 * len(sample)


def clean_text(text: str) -> str:
    text = text.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    return text


_MD_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+", re.M)
_MD_RULE = re.compile(r"^[ \t]*\|?(?:[ \t]*:?-{3,}:?[ \t]*\|)+(?:[ \t]*:?-{3,}:?[ \t]*)?\|?[ \t]*$")
_MD_BOLD = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")
# column names a converter makes up when it cannot read a table's header: 项目 | 数据1 | 数据2 …
_MADE_UP = re.compile(r"^(?:项目|名称|数据\s*\d+|列\s*\d+|字段\s*\d+|Column\s*\d+|col\s*\d+|Unnamed:?\s*\d+)?$", re.I)


def demarkdown(text: str) -> tuple[str, bool]:
    """Markdown made from a PDF by a converter -> the report's own lines: ``#`` heading marks
    and bold marks dropped (never part of a title or label), table rule rows (``|---|---|``)
    dropped, and header rows of made-up column names (``项目 | 数据1 | 数据2``) dropped. Pipe
    rows stay: the text layout rules read them as rows. (text, was it markdown?)"""
    lines = text.split("\n")
    rules = sum(1 for ln in lines if "-" in ln and _MD_RULE.match(ln))
    headings = len(_MD_HEADING.findall(text))
    if not rules and headings < 2:
        return text, False
    out = []
    for i, ln in enumerate(lines):
        if "-" in ln and _MD_RULE.match(ln):
            continue
        if ("|" in ln and i + 1 < len(lines) and _MD_RULE.match(lines[i + 1])
                and all(_MADE_UP.match(c.strip()) for c in ln.strip().strip("|").split("|"))):
            continue  # a made-up header over a rule row
        ln = _MD_HEADING.sub("", ln)
        ln = _MD_BOLD.sub(lambda m: m.group(1) or m.group(2), ln)
        out.append(ln)
    return "\n".join(out), True


def fragments(text: str) -> list[Frag]:
    """Cells as printed, each with the separator before it."""
    out: list[Frag] = []
    pending_pipe = False  # a pipe was seen since the last fragment
    seg_has_text = True
    for lineno, raw in enumerate(text.split("\n")):
        line = raw[:MAX_LINE_CHARS]
        if not line.strip():
            continue
        if _PAGE_FOOTER.match(line):
            continue
        boundary = PIPE if pending_pipe else LINE
        stripped = line.strip()
        if len(stripped) > 2 and stripped[0] in "|｜" and stripped[-1] in "|｜":
            # a Markdown table row '| a | | 3 |': outer pipes close the row, inner empty cells are
            # blanks; blanks before a row's label are the indent of merged label columns
            parts = [p.strip() for p in re.split(r"[|｜]", stripped[1:-1])]
            has_label = any(p and not is_value(p) for p in parts)
            first = True
            for part in parts:
                if not part:
                    if not (first and has_label):
                        out.append(Frag("", LINE if first else PIPE, blank=True, line=lineno))
                        first = False
                    continue
                for cell in _CELL_SPLIT.split(part):
                    for piece in peel_values(cell):
                        out.append(Frag(piece, LINE if first else PIPE, line=lineno))
                        first = False
            pending_pipe = False
            seg_has_text = True
            continue
        if "|" in line or "｜" in line:
            parts = re.split(r"[|｜]", line)
            for k, part in enumerate(parts):
                if k > 0:
                    if pending_pipe and not seg_has_text:
                        out.append(Frag("", PIPE, blank=True, line=lineno))
                    pending_pipe = True
                    seg_has_text = False
                    boundary = PIPE
                for cell in _CELL_SPLIT.split(part.strip()):
                    for piece in peel_values(cell):
                        out.append(Frag(piece, boundary, line=lineno))
                        boundary = SPACE
                        seg_has_text = True
                        pending_pipe = False
            # a line break after a trailing pipe is only a line break
            continue
        first = True
        if "\t" in line.strip():
            # tab-separated: every tab is a cell boundary, empty cells are blanks
            for cell in line.strip(" \r\n").split("\t"):
                if not cell.strip():
                    if not first:
                        out.append(Frag("", SPACE, blank=True, line=lineno))
                    continue
                for piece in peel_values(cell):
                    out.append(Frag(piece, boundary if first else SPACE, line=lineno))
                    first = False
        else:
            for cell in _CELL_SPLIT.split(line.strip()):
                for piece in peel_values(cell):
                    out.append(Frag(piece, boundary if first else SPACE, line=lineno))
                    first = False
        pending_pipe = False
        seg_has_text = True
    return out


def read_text(data: bytes) -> Document:
    if data is None or not data.strip(b" \t\r\n\x00"):
        raise error("empty_file")
    text, encoding = decode(data)
    text = clean_text(text)
    if not text.strip():
        raise error("empty_file")
    if looks_like_mojibake(text):
        raise error("mojibake", f"decoded as {encoding}")
    warnings = []
    if len(text) > MAX_TEXT_CHARS:
        warnings.append(f"text cut at {MAX_TEXT_CHARS} characters")
        text = text[:MAX_TEXT_CHARS]
    text = unicodedata.normalize("NFC", text)
    text, markdown = demarkdown(text)
    rows = frags_to_rows(regroup(fragments(text)))
    meta = {"encoding": encoding}
    if markdown:
        meta["markdown"] = True
    return Document(format="text", text=text, rows=rows, meta=meta, warnings=warnings)
