"""How much room text takes in a spreadsheet: lines of wrapped text and the row height they need.

XlsxWriter cannot autofit rows and LibreOffice keeps the stored height, so the templates and
the consolidated workbook both estimate heights here, for 12pt Times New Roman: a row of one
line keeps the workbook's default height (``ROW_PIXELS``), a taller one is set explicitly.
"""

from __future__ import annotations

import functools

LINE_HEIGHT = 15.75  # points per line of 12pt Times New Roman
ROW_PIXELS = 21  # the default row height: one line (LINE_HEIGHT points at 96 dpi)
# Lower-case characters of 12pt Times New Roman per unit of column width, measured on LibreOffice's
# print of Vietnamese text (a 44-wide column holds about 50); a little under, so a row never clips.
CHARS_PER_WIDTH = 1.12
WIDE_CHAR = 1.5  # an upper-case letter, digit or '_' counts as this many lower-case ones


def visual_len(value: str) -> float:
    """The length of ``value`` in lower-case characters: codes in capitals take more room."""
    return len(value) + (WIDE_CHAR - 1) * sum(1 for ch in value if ch.isupper() or ch.isdigit() or ch == "_")


@functools.lru_cache(maxsize=4096)
def lines_needed(value: str, width: float, bold: bool = False) -> int:
    """Lines ``value`` takes wrapped in a column of ``width`` (words are not split)."""
    per_line = max(1.0, width * CHARS_PER_WIDTH * (0.9 if bold else 1.0) - 2)
    if len(value) * WIDE_CHAR <= per_line and "\n" not in value:  # surely one line: skip the count
        return 1
    lines = 0
    for part in value.split("\n"):
        used, lines = 0.0, lines + 1
        for word in part.split(" "):
            size = visual_len(word)
            if used and used + 1 + size > per_line:
                lines, used = lines + 1, 0.0
            used += (1 if used else 0) + size
            while used > per_line:  # a word longer than the line is cut
                lines, used = lines + 1, used - per_line
    return lines


def row_height(*cells: tuple[str, float], bold: bool = False) -> float | None:
    """The height (points) fitting wrapped ``(text, width)`` cells; ``None`` for one line."""
    lines = max((lines_needed(t, w, bold) for t, w in cells if t), default=1)
    return lines * LINE_HEIGHT + 3 if lines > 1 else None


def set_height(ws, row: int, *cells: tuple[str, float], bold: bool = False) -> None:
    """Make ``row`` of worksheet ``ws`` as high as its wrapped ``(text, width)`` cells need."""
    height = row_height(*cells, bold=bold)
    if height:
        ws.set_row(row, height)
