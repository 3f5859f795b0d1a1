"""Read the CSV files staff keep in Excel: the form definition, the unit list, prior figures.

Any file ``csvread`` reads (UTF-8 with or without a BOM, Windows-1258, UTF-16; commas,
semicolons or tabs; a workbook); header names and values stripped and NFC-normalised (a file
typed on a Mac or a Windows keyboard compares equal); blank rows dropped, but every row keeps
its line number so a message can point at it.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import NamedTuple

from pipeline.form.csvread import Given, Table, read_table

# What reading a CSV may raise besides a FormDefinitionError that says it all; each caller
# turns it into its own message.
CSV_ERRORS = (OSError,)

Row = tuple[int, dict[str, str]]  # (line number in the file, column -> value)


class Rows(NamedTuple):
    """The header of a file, its rows, and the table as read (to say what was found)."""

    header: list[str]
    rows: list[Row]
    table: Table


def _clean(text: str | None) -> str:
    return unicodedata.normalize("NFC", (text or "").strip())


def read_csv_rows(source: str | Path | Given, *, lower: bool = False, columns: tuple[str, ...] = ()) -> Rows:
    """The header of ``source`` and its non-blank rows as ``(line number, row)``, numbered as
    Excel shows them (the header is row 1; empty lines count). Cells past the header are ignored.

    :param lower: lower-case the header names.
    :param columns: the header names expected (to find the header row of a workbook).
    :raises OSError: (``CSV_ERRORS``) the file cannot be opened.
    :raises FormDefinitionError: the file cannot be read as a table (``csvread``).
    """
    table = read_table(source, columns=columns)
    header = [_clean(h.lower() if lower else h) for h in table.header]
    named = [(i, name) for i, name in enumerate(header) if name]
    rows = []
    for line, record in table.rows:
        row = {name: _clean(record[i]) if i < len(record) else "" for i, name in named}
        if any(row.values()):
            rows.append((line, row))
    return Rows(header, rows, table)
