"""Spreadsheets (XLSX, XLS, WPS .et) -> Document.

Some agencies publish tables 二/三/四 as a workbook beside the prose. Every sheet is a table:
its used range becomes rows of cells in sheet order (merged cells: the text at the top-left
position, '' elsewhere — as the HTML and DOCX readers give them), and the text is the sheet's
rows joined line by line, so a title row printed in the sheet counts as a printed title.

WPS's ``.et`` is not a container of its own: an .et file is either an OLE workbook (BIFF,
read by xlrd) or an OOXML package (read by openpyxl); ``extract.sniff`` tells them apart by
the bytes. Numbers are printed as a report prints them (``45``, ``160.5964``).
"""
from __future__ import annotations

import io
import zipfile

from extract.document import Cell, Document
from extract.errors import MAX_ZIP_RATIO, MAX_ZIP_UNCOMPRESSED, error
from extract.readers.common import clean_cell

MAX_SHEETS = 50
MAX_ROWS = 2000
MAX_COLS = 100


def _number_text(v: float | int) -> str:
    if isinstance(v, bool):
        return str(int(v))
    if isinstance(v, float):
        if v != v or v in (float("inf"), float("-inf")):
            return ""
        if v.is_integer():
            return str(int(v))
        return f"{v:.10f}".rstrip("0").rstrip(".")
    return str(v)


def _cell_text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, (int, float)):
        return _number_text(v)
    if hasattr(v, "isoformat"):  # a date typed into a cell
        return v.isoformat()[:10]
    return clean_cell(str(v))


def _document(fmt: str, sheets: list[tuple[str, list[list[str]]]], warnings: list[str], meta: dict) -> Document:
    rows: list[list[Cell]] = []
    lines: list[str] = []
    for t_index, (_name, grid) in enumerate(sheets):
        for r, texts in enumerate(grid):
            # every row keeps the sheet's full width: a row's trailing blank cells are null figures
            if not any(texts):
                continue
            rows.append([Cell(t, table=t_index, row=r, col=c) for c, t in enumerate(texts)])
            lines.append(" ".join(t for t in texts if t))
    doc = Document(format=fmt, text="\n".join(lines), rows=rows, meta=meta, warnings=warnings)
    if not rows:
        doc.warnings.append("the workbook holds no cell text")
    return doc


def read_xlsx(data: bytes, fmt: str = "xlsx") -> Document:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise error("malformed", f"not a readable zip ({exc})") from exc
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if total > MAX_ZIP_UNCOMPRESSED:
        raise error("zip_bomb", f"declares {total} bytes uncompressed")
    if total > 10 * 1024 * 1024 and total / packed > MAX_ZIP_RATIO:
        raise error("zip_bomb", f"compression ratio {total / packed:.0f}:1")
    try:
        import openpyxl
    except ImportError as exc:  # pragma: no cover - a dependency
        raise error("unsupported_format", "xlsx needs openpyxl") from exc
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True, read_only=False)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many types for a broken package
        raise error("malformed", f"the workbook cannot be read ({type(exc).__name__}: {exc})") from exc
    warnings: list[str] = []
    sheets = []
    for ws in wb.worksheets[:MAX_SHEETS]:
        if ws.sheet_state != "visible":
            continue
        nrows, ncols = min(ws.max_row or 0, MAX_ROWS), min(ws.max_column or 0, MAX_COLS)
        if (ws.max_row or 0) > MAX_ROWS or (ws.max_column or 0) > MAX_COLS:
            warnings.append(f"sheet {ws.title!r} cut at {MAX_ROWS} rows × {MAX_COLS} columns")
        grid = [[_cell_text(v) for v in row] for row in ws.iter_rows(min_row=1, max_row=nrows, max_col=ncols,
                                                                      values_only=True)] if nrows and ncols else []
        sheets.append((ws.title, grid))
    if len(wb.worksheets) > MAX_SHEETS:
        warnings.append(f"only the first {MAX_SHEETS} sheets read")
    meta = {}
    props = wb.properties
    if props is not None and props.title:
        meta["xlsx_title"] = props.title
    return _document(fmt, sheets, warnings, meta)


def read_xls(data: bytes, fmt: str = "xls") -> Document:
    try:
        import xlrd
    except ImportError as exc:  # pragma: no cover - a dependency
        raise error("unsupported_format", "xls needs xlrd") from exc
    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True, logfile=io.StringIO())
    except Exception as exc:  # noqa: BLE001 - xlrd raises XLRDError, CompDocError, struct errors …
        raise error("malformed", f"the workbook cannot be read ({type(exc).__name__}: {exc})") from exc
    warnings: list[str] = []
    sheets = []
    try:
        for i in range(min(book.nsheets, MAX_SHEETS)):
            sh = book.sheet_by_index(i)
            if getattr(sh, "visibility", 0):
                continue
            nrows, ncols = min(sh.nrows, MAX_ROWS), min(sh.ncols, MAX_COLS)
            if sh.nrows > MAX_ROWS or sh.ncols > MAX_COLS:
                warnings.append(f"sheet {sh.name!r} cut at {MAX_ROWS} rows × {MAX_COLS} columns")
            grid = []
            for r in range(nrows):
                row = []
                for c in range(ncols):
                    cell = sh.cell(r, c)
                    if cell.ctype == xlrd.XL_CELL_NUMBER:
                        row.append(_number_text(cell.value))
                    elif cell.ctype in (xlrd.XL_CELL_TEXT,):
                        row.append(clean_cell(cell.value))
                    else:  # empty, blank, boolean, error, date serials: nothing a table cell of ours holds
                        row.append("" if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR)
                                   else _number_text(cell.value))
                grid.append(row)
            sheets.append((sh.name, grid))
            book.unload_sheet(i)
    except Exception as exc:  # noqa: BLE001 - a sheet's records are broken
        raise error("malformed", f"a sheet cannot be read ({type(exc).__name__}: {exc})") from exc
    finally:
        book.release_resources()
    if book.nsheets > MAX_SHEETS:
        warnings.append(f"only the first {MAX_SHEETS} sheets read")
    return _document(fmt, sheets, warnings, {})
