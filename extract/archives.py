"""Reports delivered inside an archive (.zip / .rar / .7z attachments).

    extract_archive(data, kind, filename, depth, extract_member) -> report dict

The archive is opened with a well-kept library (zipfile; py7zr; rarfile, which needs an
``unrar`` or ``bsdtar`` binary to decompress), its members are listed and bounded (member
count, declared and real unpacked size, compression ratio, nesting), and every member that
can be a document is extracted through ``extract_bytes``' own dispatch (so an archive inside
an archive, a PDF, a DOCX, a workbook … each take their usual route).

Member names: zip archives made on Chinese Windows store GBK names without the UTF-8 flag;
``zipfile`` decodes those as CP437, so they are re-decoded (UTF-8, else GB18030).

One report per document (docs/interfaces.md): the result is the report of one member —
the first (in archive order, members whose names say 报告/年报 first) that has tables; a
member that carries only the prose of the same report lends the title/agency/year the table
member lacks (prose as PDF, tables as a workbook). An archive holding several *different*
reports returns the first and says so in ``warnings``; ``archive.members`` lists every member
with its format, status, title and year, so a caller can split the archive if it must. An
archive with no report member is ``no_tables``/``needs_ocr``/an error as its best member is;
with no document member at all, ``archive_empty``.
"""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from extract.errors import ERRORS, MAX_BYTES, MAX_ZIP_RATIO, MAX_ZIP_UNCOMPRESSED

ARCHIVE_KINDS = frozenset({"zip", "rar", "7z"})
MAX_MEMBERS = 2000  # entries listed
MAX_DOCUMENTS = 20  # members read as documents
MAX_DEPTH = 3  # an archive inside an archive inside an archive, no deeper
_JUNK = re.compile(r"(?:^|/)(?:__MACOSX/|\.[^/]*$|Thumbs\.db$|desktop\.ini$)", re.I)
_REPORT_NAME = re.compile(r"报告|年报|信息公开|報告|年報")
_IMAGE_EXT = frozenset({"jpg", "jpeg", "png", "gif", "bmp", "tif", "tiff", "webp"})
_SKIP_EXT = frozenset({"exe", "dll", "js", "css", "lnk", "url", "db", "ini"})


@dataclass
class Member:
    name: str
    size: int
    packed: int
    encrypted: bool = False
    ref: object = None  # the library's entry object


class ArchiveError(Exception):
    def __init__(self, code: str, detail: str):
        super().__init__(detail)
        self.code = code
        self.detail = detail


def _fail(code: str, detail: str) -> ArchiveError:
    return ArchiveError(code, detail)


# --------------------------------------------------------------------------- names
def zip_member_name(info: zipfile.ZipInfo) -> str:
    """The member's real name: GBK (or UTF-8) bytes that zipfile decoded as CP437 re-decoded."""
    name = info.filename
    if info.flag_bits & 0x800:
        return name
    try:
        raw = name.encode("cp437")
    except UnicodeEncodeError:
        return name
    for enc in ("utf-8", "gb18030"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    return name


def _ext(name: str) -> str:
    base = name.rsplit("/", 1)[-1]
    return base.rsplit(".", 1)[-1].lower() if "." in base else ""


# --------------------------------------------------------------------------- backends
class _Zip:
    def __init__(self, data: bytes):
        try:
            self.zf = zipfile.ZipFile(io.BytesIO(data))
            infos = self.zf.infolist()
        except (zipfile.BadZipFile, ValueError, OSError, RuntimeError, NotImplementedError) as exc:
            raise _fail("malformed", f"unreadable zip ({exc})") from exc
        self.members = [Member(zip_member_name(i), i.file_size, i.compress_size, bool(i.flag_bits & 0x1), i)
                        for i in infos[: MAX_MEMBERS + 1] if not i.is_dir()]

    def read(self, m: Member) -> bytes:
        try:
            with self.zf.open(m.ref) as fh:
                data = fh.read(MAX_BYTES + 1)
        except RuntimeError as exc:  # encrypted
            raise _fail("archive_encrypted", f"{m.name}: {exc}") from exc
        except NotImplementedError as exc:  # compression method zipfile lacks (deflate64, …)
            raise _fail("unsupported_format", f"{m.name}: {exc}") from exc
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            raise _fail("malformed", f"{m.name}: {exc}") from exc
        return data


class _SevenZip:
    def __init__(self, data: bytes):
        try:
            import py7zr
        except ImportError as exc:  # pragma: no cover - a dependency
            raise _fail("archive_backend_missing", "7z needs py7zr (pip install py7zr)") from exc
        self.py7zr = py7zr
        self.data = data
        try:
            with py7zr.SevenZipFile(io.BytesIO(data)) as z:
                if z.needs_password():
                    raise _fail("archive_encrypted", "the 7z archive is password-protected")
                entries = z.list()
        except ArchiveError:
            raise
        except Exception as exc:  # noqa: BLE001 - py7zr raises Bad7zFile, LZMAError, struct errors …
            if "password" in str(exc).lower():
                raise _fail("archive_encrypted", str(exc)) from exc
            raise _fail("malformed", f"unreadable 7z ({type(exc).__name__}: {exc})") from exc
        self.members = [Member(e.filename, int(e.uncompressed or 0), int(e.compressed or 0) or 0,
                               False, e.filename) for e in entries[: MAX_MEMBERS + 1] if not e.is_directory]

    def read(self, m: Member) -> bytes:
        from py7zr.io import BytesIOFactory

        factory = BytesIOFactory(MAX_BYTES + 1)
        try:
            with self.py7zr.SevenZipFile(io.BytesIO(self.data)) as z:
                z.extract(targets=[m.ref], factory=factory)
            out = factory.get(m.ref)
        except KeyError as exc:
            raise _fail("malformed", f"{m.name}: not extracted") from exc
        except Exception as exc:  # noqa: BLE001 - see above
            raise _fail("malformed", f"{m.name}: {type(exc).__name__}: {exc}") from exc
        out.seek(0)
        return out.read()


class _Rar:
    def __init__(self, data: bytes):
        try:
            import rarfile
        except ImportError as exc:  # pragma: no cover - a dependency
            raise _fail("archive_backend_missing", "rar needs rarfile (pip install rarfile)") from exc
        self.rarfile = rarfile
        try:
            self.rf = rarfile.RarFile(io.BytesIO(data))
            infos = self.rf.infolist()
        except rarfile.PasswordRequired as exc:
            raise _fail("archive_encrypted", "the rar archive is password-protected") from exc
        except (rarfile.Error, OSError, ValueError, EOFError) as exc:
            raise _fail("malformed", f"unreadable rar ({type(exc).__name__}: {exc})") from exc
        self.members = [Member(i.filename, int(i.file_size or 0), int(i.compress_size or 0), i.needs_password(), i)
                        for i in infos[: MAX_MEMBERS + 1] if not i.is_dir()]

    def read(self, m: Member) -> bytes:
        rarfile = self.rarfile
        try:
            with self.rf.open(m.ref) as fh:
                return fh.read(MAX_BYTES + 1)
        except rarfile.RarCannotExec as exc:
            raise _fail("archive_backend_missing",
                        "decompressing rar needs an unrar or bsdtar binary (apt-get install libarchive-tools)") from exc
        except rarfile.PasswordRequired as exc:
            raise _fail("archive_encrypted", m.name) from exc
        except (rarfile.Error, OSError, ValueError, EOFError) as exc:
            raise _fail("malformed", f"{m.name}: {type(exc).__name__}: {exc}") from exc


_BACKENDS = {"zip": _Zip, "7z": _SevenZip, "rar": _Rar}


# --------------------------------------------------------------------------- bounds
def check_bounds(members: list[Member], packed_total: int) -> None:
    """Refuse archives that unpack to far more than they hold (zip bombs) or list too much."""
    if len(members) > MAX_MEMBERS:
        raise _fail("zip_bomb", f"more than {MAX_MEMBERS} entries")
    total = sum(max(m.size, 0) for m in members)
    if total > MAX_ZIP_UNCOMPRESSED:
        raise _fail("zip_bomb", f"declares {total} bytes uncompressed")
    if total > 10 * 1024 * 1024 and total / max(packed_total, 1) > MAX_ZIP_RATIO:
        raise _fail("zip_bomb", f"compression ratio {total / max(packed_total, 1):.0f}:1")
    big = [m for m in members if m.size > MAX_BYTES]
    if big:
        raise _fail("zip_bomb", f"{big[0].name} declares {big[0].size} bytes")


def candidates(members: list[Member]) -> tuple[list[Member], list[str]]:
    """Members that can be the report, report-named ones first; and why others were skipped."""
    skipped = []
    out = []
    for m in members:
        ext = _ext(m.name)
        if _JUNK.search(m.name) or m.size == 0:
            continue
        if ext in _SKIP_EXT:
            skipped.append(f"{m.name}: not a document")
            continue
        if ext in _IMAGE_EXT:
            skipped.append(f"{m.name}: an image (pictures in an archive are not read)")
            continue
        out.append(m)
    out.sort(key=lambda m: 0 if _REPORT_NAME.search(m.name.rsplit("/", 1)[-1]) else 1)
    if len(out) > MAX_DOCUMENTS:
        skipped += [f"{m.name}: more than {MAX_DOCUMENTS} documents in the archive" for m in out[MAX_DOCUMENTS:]]
        out = out[:MAX_DOCUMENTS]
    return out, skipped


# --------------------------------------------------------------------------- the report
def _summary(name: str, rep: dict) -> dict:
    out = {"name": name, "format": rep.get("format"), "status": rep.get("status"), "title": rep.get("title"),
           "year": rep.get("year")}
    if rep.get("error"):
        out["error"] = rep["error"].get("code")
    return out


def _same_report(a: dict, b: dict) -> bool:
    keys = ("active_disclosure", "applications", "review_litigation")
    return (a.get("year"), a.get("agency")) == (b.get("year"), b.get("agency")) and \
        all(a.get(k) == b.get(k) for k in keys if a.get(k) and b.get(k))


def extract_archive(data: bytes, kind: str, depth: int, extract_member) -> dict:
    """The report an archive holds (see module doc). ``extract_member(data, name, depth)`` is
    extract_bytes' dispatch for one member. Raises ArchiveError for an archive that cannot be
    opened or is refused."""
    if depth >= MAX_DEPTH:
        raise _fail("archive_too_deep", f"archives nested more than {MAX_DEPTH} deep")
    backend = _BACKENDS[kind](data)
    members = backend.members
    check_bounds(members, len(data))
    cands, skipped = candidates(members)
    if not cands:
        detail = f"{len(members)} entries" + (f"; {'; '.join(skipped[:5])}" if skipped else "")
        raise _fail("archive_empty", detail)
    results: list[tuple[str, dict]] = []
    unpacked = 0
    for m in cands:
        if m.encrypted:
            results.append((m.name, _member_error("archive_encrypted", m.name)))
            continue
        try:
            body = backend.read(m)
        except ArchiveError as exc:
            results.append((m.name, _member_error(exc.code, exc.detail)))
            continue
        unpacked += len(body)
        if len(body) > MAX_BYTES or unpacked > MAX_ZIP_UNCOMPRESSED:
            raise _fail("zip_bomb", f"{m.name} unpacks to more than it declares")
        results.append((m.name, extract_member(body, m.name.rsplit("/", 1)[-1], depth + 1)))
    return choose(kind, results, skipped)


def _member_error(code: str, detail: str) -> dict:
    return {"status": "error", "format": None, "title": None, "year": None,
            "error": {"code": code, "message": f"{ERRORS.get(code, code)}: {detail}"}, "warnings": []}


def choose(kind: str, results: list[tuple[str, dict]], skipped: list[str]) -> dict:
    """One report out of the members' results (pure)."""
    by_status = {s: [(n, r) for n, r in results if r.get("status") == s] for s in ("ok", "needs_ocr", "no_tables", "error")}
    pick = next((by_status[s][0] for s in ("ok", "needs_ocr", "no_tables", "error") if by_status[s]), None)
    assert pick is not None  # results is never empty
    name, rep = pick
    rep = dict(rep)
    rep["warnings"] = list(rep.get("warnings") or [])
    if rep.get("status") == "ok":
        others = [(n, r) for n, r in by_status["ok"] if n != name and not _same_report(rep, r)]
        if others:
            rep["warnings"].append(
                f"the archive holds {len(others) + 1} reports; this is {name}, the others ("
                + ", ".join(f"{n} {r.get('year') or ''}".strip() for n, r in others)
                + ") are listed in archive.members")
        prose = [(n, r) for n, r in by_status["no_tables"] if r.get("title")]
        if len(prose) == 1:
            pn, pr = prose[0]
            if rep.get("year") in (None, pr.get("year")):
                for key in ("title", "agency", "year", "published_date"):
                    if rep.get(key) in (None, "") and pr.get(key) not in (None, ""):
                        rep[key] = pr[key]
                        rep["warnings"].append(f"{key} from {pn} (the prose of the same report)")
    if rep.get("status") == "error":
        err = rep.get("error") or {}
        rep["error"] = {"code": err.get("code") or "malformed",
                        "message": f"{name}: {err.get('message') or ''}".strip()}
    rep["warnings"] += [f"archive member skipped: {s}" for s in skipped]
    rep["archive"] = {"format": kind, "member": name, "members": [_summary(n, r) for n, r in results]}
    rep["format"] = kind
    return rep


__all__ = ["ARCHIVE_KINDS", "ArchiveError", "extract_archive", "choose", "zip_member_name", "check_bounds"]
