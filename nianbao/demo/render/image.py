"""A table of the report model drawn as a picture (PNG): what an editor pastes into Word or a
PDF when a table is a screenshot. Drawn with Pillow and a CJK font found by fontconfig."""
from __future__ import annotations

import io
import subprocess
from functools import lru_cache

from nianbao.demo.render.model import Table, placed

DPI = 200


@lru_cache(maxsize=1)
def cjk_font_path() -> str | None:
    """A font file with Chinese glyphs (fontconfig), or None."""
    try:
        # fc-list (not fc-match, which always answers with some font) lists only fonts covering Chinese
        out = subprocess.run(["fc-list", ":lang=zh-cn", "file"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    paths = sorted(ln.strip().rstrip(":") for ln in out.stdout.splitlines() if ln.strip())
    regular = [p for p in paths if "Regular" in p or "regular" in p]
    return (regular or paths or [None])[0]


def _wrap(text: str, per_line: int) -> list[str]:
    per_line = max(1, per_line)
    return [text[i:i + per_line] for i in range(0, len(text), per_line)] or [""]


def table_png(table: Table, width_px: int = 1600, font_px: int = 26) -> bytes:
    from PIL import Image, ImageDraw, ImageFont

    path = cjk_font_path()
    if path is None:
        raise RuntimeError("no CJK font (fontconfig) to draw the table picture")
    font = ImageFont.truetype(path, font_px)
    total = sum(table.col_widths) or table.ncols
    xs = [0]
    for w in table.col_widths or [1] * table.ncols:
        xs.append(xs[-1] + int(round(w / total * (width_px - 40))))
    xs = [x + 20 for x in xs]
    line_h = int(font_px * 1.35)
    cells = placed(table)
    nrows = len(table.rows)
    # each row as tall as its tallest single-row cell needs
    need = [1] * nrows
    lines_of = {}
    for r, c, cell in cells:
        w = xs[c + cell.colspan] - xs[c] - 8
        lines = list(cell.text) if cell.vertical else _wrap(cell.text, w // font_px)
        lines_of[(r, c)] = lines
        per_row = -(-len(lines) // cell.rowspan)
        for k in range(cell.rowspan):
            if r + k < nrows:
                need[r + k] = max(need[r + k], per_row)
    ys = [20]
    for n in need:
        ys.append(ys[-1] + n * line_h + 12)
    img = Image.new("L", (width_px, ys[-1] + 20), 255)
    draw = ImageDraw.Draw(img)
    for r, c, cell in cells:
        x0, x1 = xs[c], xs[min(c + cell.colspan, table.ncols)]
        y0, y1 = ys[r], ys[min(r + cell.rowspan, nrows)]
        draw.rectangle([x0, y0, x1, y1], outline=0, width=2)
        lines = lines_of[(r, c)]
        block = len(lines) * line_h
        ty = y0 + (y1 - y0 - block) / 2
        for ln in lines:
            tw = draw.textlength(ln, font=font)
            tx = x0 + 6 if cell.align == "left" and not cell.vertical else x0 + (x1 - x0 - tw) / 2
            draw.text((tx, ty), ln, fill=0, font=font)
            ty += line_h
    buf = io.BytesIO()
    img.save(buf, "PNG", dpi=(DPI, DPI))
    return buf.getvalue()
