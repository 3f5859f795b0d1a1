"""Read the CSV files staff keep in Excel: the form definition, the unit list, prior figures.

UTF-8 with or without a BOM (Excel's "CSV UTF-8"); header names and values stripped and
NFC-normalised (a file typed on a Mac or a Windows keyboard compares equal); blank rows
dropped, but every row keeps its line number so a message can point at it.
"""

from __future__ import annotations

import csv
import unicodedata
from pathlib import Path

# What reading a CSV may raise; each caller turns it into its own message.
CSV_ERRORS = (OSError, UnicodeDecodeError, csv.Error)

Row = tuple[int, dict[str, str]]  # (line number in the file, column -> value)


def _clean(text: str | None) -> str:
    return unicodedata.normalize("NFC", (text or "").strip())


def read_csv_rows(path: Path, *, lower: bool = False) -> tuple[list[str], list[Row]]:
    """The header of ``path`` and its non-blank rows as ``(line number, row)``, numbered as Excel
    shows them (the header is row 1; empty lines count). Cells past the header are ignored.

    :param lower: lower-case the header names.
    :raises OSError, UnicodeDecodeError, csv.Error: (``CSV_ERRORS``) the file cannot be read.
    """
    with path.open(encoding="utf-8-sig", newline="") as handle:
        records = csv.reader(handle)
        header = [_clean(h.lower() if lower else h) for h in next(records, [])]
        named = [(i, name) for i, name in enumerate(header) if name]
        rows = []
        # An empty line is a record too (an empty row in Excel): enumerate every one.
        for line, record in enumerate(records, start=2):
            row = {name: _clean(record[i]) if i < len(record) else "" for i, name in named}
            if any(row.values()):
                rows.append((line, row))
    return header, rows
