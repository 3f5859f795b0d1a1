"""What every sheet of the consolidated workbook shares: Vietnamese labels, safe writing of
text taken from returns, column widths, comments and A4 page setup (row heights: ``core.sheetlayout``)."""

from __future__ import annotations

import heapq
import math
import numbers
from dataclasses import dataclass

from pipeline.core.constants import HEADER_CODE, HEADER_LABEL, HEADER_STT, HEADER_UNIT, Severity
from pipeline.core.errors import finding_label
from pipeline.core.sheetlayout import CHARS_PER_WIDTH, set_height, visual_len
from pipeline.core.text import clean_text
from pipeline.workbook.formats import COMMENT_AUTHOR, COMMENT_FONT
from pipeline.workbook.rowxml import put

# Comparison operators as printed (severities, statuses and scopes have their ``.label``).
OP_LABELS = {"==": "=", "<=": "≤", ">=": "≥", "<": "<", ">": ">"}

FIT_SAMPLE = 200  # a column's width is fitted to its this many longest texts
COMMENT_LIMIT = 2000  # comments per sheet: xlsxwriter writes each as a VML shape (slow)
COMMENT_WIDTH = 420  # pixels
COMMENT_CHARS_PER_LINE = 62
LANDSCAPE_WIDTH = 110  # a sheet wider than this (in column-width units) prints landscape


def is_blank(value) -> bool:
    """``None``, ``""``, NaN or ``pd.NA``."""
    if value is None or (isinstance(value, str) and not value):
        return True
    try:
        return bool(value != value)  # NaN
    except TypeError:  # pd.NA
        return True


def text(value) -> str:
    """A value as display text: blanks (None, NaN) as ``""``; cleaned by ``clean_text`` (no
    control characters, names that are not UTF-8 readable)."""
    return "" if is_blank(value) else clean_text(str(value))


def write_text(ws, row: int, col: int, value, fmt=None) -> None:
    """Always a string cell of cleaned text: text from a return starting with ``=`` never
    becomes a formula, a control character never reaches the file."""
    ws.write_string(row, col, text(value), fmt)


def write_value(ws, row: int, col: int, value, num_fmt=None, dec_fmt=None, text_fmt=None) -> None:
    """A number as a number (whole or decimal format), anything else as text, blanks blank."""
    put(ws, row, col, *value_cell(value, num_fmt, dec_fmt, text_fmt))


def value_cell(value, num_fmt=None, dec_fmt=None, text_fmt=None) -> tuple:
    """What ``write_value`` writes for ``value``: ``(value, format)``, the value a ``str`` (text),
    a number or ``None`` (blank), as ``rowxml.put`` and ``RowWriter`` take them."""
    if type(value) is str:  # most cells: no number checks
        return (clean_text(value), text_fmt) if value else (None, text_fmt)
    if isinstance(value, bool) or is_blank(value):
        return None, text_fmt
    if isinstance(value, numbers.Real) and math.isfinite(value):
        return value, num_fmt if float(value).is_integer() else dec_fmt or num_fmt
    return text(value), text_fmt


@dataclass(frozen=True)
class Col:
    """A table column: its header, width (in characters) and body style name."""

    header: str
    width: float
    style: str = "cell"


def fit(header: str, texts=(), lo: float = 6, hi: float = 60) -> float:
    """A width fitting ``texts`` (one line each) and the longest word of ``header``, within bounds."""
    # visual_len lies between len and WIDE_CHAR * len: the widest is among the longest texts
    longest = max(map(visual_len, heapq.nlargest(FIT_SAMPLE, map(text, texts), key=len)), default=0)
    word = max((visual_len(w) for w in header.split()), default=0)
    return float(min(hi, max(lo, longest / CHARS_PER_WIDTH + 2, word / CHARS_PER_WIDTH * 1.1 + 2)))


def write_header(ws, fmt: dict, row: int, cols: list[Col], style: str = "th") -> None:
    """The header row of a table, high enough for its wrapped headers."""
    set_height(ws, row, *((c.header, c.width) for c in cols), bold=True)
    for i, col in enumerate(cols):
        write_text(ws, row, i, col.header, fmt[style])


def setup_sheet(
    ws, cols: list[Col], header_row: int, *, freeze_cols: int = 0, fit_width: bool = True, col_formats: dict | None = None
) -> None:
    """Widths, frozen header, and A4 printing with the header repeated on every page."""
    col_formats = col_formats or {}
    for i, col in enumerate(cols):
        ws.set_column(i, i, col.width, col_formats.get(i))
    ws.freeze_panes(header_row + 1, freeze_cols)
    ws.set_paper(9)
    if sum(c.width for c in cols) > LANDSCAPE_WIDTH:
        ws.set_landscape()
    if fit_width:
        ws.fit_to_pages(1, 0)
    elif freeze_cols:
        ws.repeat_columns(0, freeze_cols - 1)
    ws.repeat_rows(header_row)
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.set_footer('&C&"Times New Roman"&11Trang &P/&N')
    ws.center_horizontally()


def comment_box(value: str) -> dict:
    """Comment options: Times New Roman, a box as high as the text needs."""
    lines = sum(max(1, math.ceil(len(part) / COMMENT_CHARS_PER_LINE)) for part in value.split("\n"))
    return {**COMMENT_FONT, "author": COMMENT_AUTHOR, "width": COMMENT_WIDTH, "height": min(600, 16 * lines + 12)}


class Comments:
    """At most ``limit`` comments on one sheet; later ones are counted, not written."""

    def __init__(self, ws, limit: int = COMMENT_LIMIT) -> None:
        self.ws, self.limit, self.written, self.skipped = ws, limit, 0, 0

    def add(self, row: int, col: int, value: str) -> None:
        if not value:
            return
        if self.written >= self.limit:
            self.skipped += 1
            return
        value = text(value)
        self.ws.write_comment(row, col, value[:32000], comment_box(value))
        self.written += 1


def worst(severities) -> Severity | None:
    """The gravest of ``severities`` (error > warning > info), or ``None``."""
    found = set(severities)
    return next((s for s in Severity if s in found), None)


def rule_text(rule: str) -> str:
    """A rule id (``R04``) as it is; a finding type's slug by its Vietnamese label."""
    return finding_label(rule) or rule


def level_text(form, level: str) -> str:
    """A level's label; blank for no level. ``all`` is ``Tổng cộng``."""
    return form.level_label(level) if level else ""


def form_columns(form) -> list[Col]:
    """STT, Nội dung, Đơn vị tính and Mã: the columns that describe an indicator row."""
    code_width = max((len(c) for c in form.indicators), default=4) * 0.9 + 2  # 9pt capitals; shrinks if longer
    return [
        Col(HEADER_STT, 6, "stt"),
        Col(HEADER_LABEL, 48, "label"),
        Col(HEADER_UNIT, 12, "measure"),
        Col(HEADER_CODE, code_width, "code"),
    ]


def write_title(ws, fmt: dict, title: str, note: str, cols: list[Col]) -> None:
    """Rows 0 and 1 of a table sheet: its title and a short explanation."""
    last = max(len(cols) - 1, 1)
    ws.set_row(0, 22)
    ws.merge_range(0, 0, 0, last, text(title), fmt["chart_title"])
    if note:
        set_height(ws, 1, (note, sum(c.width for c in cols)))
        ws.merge_range(1, 0, 1, last, text(note), fmt["hint"])
