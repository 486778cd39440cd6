"""Rows out of cell fragments: the one place that decides where a table row starts.

Readers hand over fragments (cells as printed, with what separated them from the previous
one: a pipe or tab — same row —, a line break — maybe a wrapped label). ``regroup`` puts
them back into rows of the form ``[label cells…, value cells…]``:

- a label after values begins a new row (one cell per line layouts);
- a label fragment that begins a template row (numbered ``（三）``, ``1.``, a category
  such as ``规章``, a heading) begins a new row;
- any other label fragment after a line break continues the previous label (a label
  wrapped over lines, vertical text ``自\\n然\\n人``);
- values join the current row.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from extract.document import Cell
from extract.labels import section_of, starts_row
from extract.values import is_blank, is_value

PIPE, LINE, SPACE = "pipe", "line", "space"
MAX_LABEL = 600  # longer runs are prose, not a wrapped label: start a new row
_PAGE_NO = re.compile(r"^\d{1,3}$")
_UNIT_GAP = re.compile(r"(\d)\s+(万元|元)(?=\s|$)")


@dataclass
class Frag:
    text: str
    boundary: str  # separator before this fragment: PIPE, LINE or SPACE
    blank: bool = False
    line: int | None = None


@dataclass
class _Row:
    labels: list[Frag] = field(default_factory=list)
    values: list[Frag] = field(default_factory=list)


def peel_values(cell: str) -> list[str]:
    """'1.属于国家秘密 0 0 1' -> ['1.属于国家秘密', '0', '0', '1']; a label keeps its inner spaces."""
    cell = _UNIT_GAP.sub(r"\1\2", cell.strip())
    if not cell or is_value(cell) or " " not in cell and "\u3000" not in cell:
        return [cell] if cell else []
    toks = cell.split()
    k = len(toks)
    while k > 0 and is_value(toks[k - 1]) and not is_blank(toks[k - 1]):
        k -= 1
    if k == len(toks):
        return [cell]
    head = " ".join(toks[:k])
    return ([head] if head else []) + toks[k:]


def split_row(texts: list[str]) -> tuple[list[int], list[int]]:
    """Indices of label cells and of value cells (blanks after the first value count as
    values; blanks among labels are dropped; in a row without any label, leading blanks are
    values too). Text after the values ends the row."""
    labels: list[int] = []
    values: list[int] = []
    lead: list[int] = []  # blanks before anything: values when the row has no label at all
    for i, t in enumerate(texts):
        if is_blank(t):
            if labels or values:
                values.append(i)
            else:
                lead.append(i)
            continue
        if is_value(t):
            values.append(i)
        elif values and any(not is_blank(texts[j]) for j in values):
            break  # a remark column after the numbers
        else:
            if values:  # only blanks so far: they were padding between labels
                values = []
            labels.append(i)
    if not labels and any(not is_blank(texts[j]) for j in values):
        values = lead + values  # a row of values only (table 四's figures): a leading blank is a null cell
    return labels, values


def regroup(frags: list[Frag]) -> list[list[Frag]]:
    rows: list[_Row] = []
    cur: _Row | None = None

    def close():
        nonlocal cur
        if cur is not None and (cur.labels or any(not v.blank for v in cur.values)):
            rows.append(cur)
        cur = None

    per_line: dict[int | None, int] = {}
    for f in frags:
        per_line[f.line] = per_line.get(f.line, 0) + 1
    for f in frags:
        if f.blank or is_value(f.text):
            if cur is None:
                cur = _Row()
            elif (f.boundary == LINE and f.line is not None and per_line.get(f.line) == 1 and cur.labels
                  and cur.values and cur.values[0].line == cur.labels[-1].line and _PAGE_NO.match(f.text.strip())):
                continue  # a bare page number under a row printed whole on one line
            cur.values.append(f)
            continue
        if cur is None:
            cur = _Row(labels=[f])
            continue
        if cur.values:
            close()
            cur = _Row(labels=[f])
            continue
        if not cur.labels:
            cur.labels.append(f)
            continue
        if len(cur.labels[-1].text) > MAX_LABEL or starts_row(f.text) or section_of(cur.labels[-1].text) is not None:
            close()
            cur = _Row(labels=[f])
        elif f.boundary == LINE:
            last = cur.labels[-1]
            cur.labels[-1] = Frag(last.text + f.text, last.boundary, line=last.line)
        else:
            cur.labels.append(f)
    close()
    return [r.labels + r.values for r in rows]


def frags_to_rows(grouped: list[list[Frag]]) -> list[list[Cell]]:
    out = []
    for i, row in enumerate(grouped):
        out.append([Cell(text="" if f.blank else f.text, row=i, col=j) for j, f in enumerate(row)])
    return out
