"""A workbook given where a CSV is expected (a unit list kept as .xlsx): its table, read with
python-calamine as the returns are.

Codes keep their leading zeros where the cell is text; a number cell gives the number as Excel
shows it in General format (``3386``, not ``3386.0``): a code that lost its zeros is matched as
the unit list matches such codes (``units.code_key``).
"""

from __future__ import annotations

import io
import unicodedata
import zipfile
from datetime import date, datetime, time

import python_calamine

from pipeline.core import settings
from pipeline.core.errors import FormDefinitionError, Msg
from pipeline.core.vnformat import format_number

HEADER_ROWS = 10  # how far down a workbook's header row is looked for


def cell_text(value: object) -> str:
    """A workbook cell as the text a CSV would hold: a whole number without ``.0``, a day as
    ``DD/MM/YYYY``, blank as ``""``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M:%S") if value.time() != time() else value.strftime("%d/%m/%Y")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return unicodedata.normalize("NFC", str(value))


def _declared_size(data: bytes) -> int:
    """What a zip-based workbook declares it inflates to (0 for the older binary format)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError):
        return 0


def _sheets(data: bytes, where: str) -> list[tuple[str, list[list[object]]]]:
    """The visible worksheets of the workbook and their rows, within the limits of a return."""
    size = _declared_size(data) if data.startswith(b"PK") else 0
    if size > settings.LIMIT_UNCOMPRESSED_BYTES:
        raise FormDefinitionError(Msg.CSV_005, where=where, size=_mib(size), limit=_mib(settings.LIMIT_UNCOMPRESSED_BYTES))
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = []
        for meta in book.sheets_metadata:
            if str(meta.typ) != str(python_calamine.SheetTypeEnum.WorkSheet):
                continue
            if str(meta.visible) != str(python_calamine.SheetVisibleEnum.Visible):
                continue
            sheet = book.get_sheet_by_name(meta.name)
            if sheet.total_height > settings.LIMIT_ROWS or sheet.total_width > settings.LIMIT_COLUMNS:
                raise FormDefinitionError(
                    Msg.CSV_011,
                    where=f"{where} › {meta.name}", rows=sheet.total_height, columns=sheet.total_width,
                    max_rows=settings.LIMIT_ROWS, max_columns=settings.LIMIT_COLUMNS,
                )  # fmt: skip
            sheets.append((meta.name, sheet.to_python(skip_empty_area=False)))
    except (python_calamine.CalamineError, ValueError, TypeError, OSError) as err:
        raise FormDefinitionError(Msg.CSV_004, where=where) from err
    return sheets


def _header_at(rows: list[list[object]], columns: tuple[str, ...]) -> int | None:
    """The index of the first of the first rows holding every name of ``columns``."""
    wanted = {c.lower() for c in columns}
    for index, row in enumerate(rows[:HEADER_ROWS]):
        if wanted <= {cell_text(v).strip().lower() for v in row}:
            return index
    return None


def read_book(data: bytes, where: str, columns: tuple[str, ...] = ()) -> tuple[str, list[str], list[tuple[int, list[str]]]]:
    """The sheet read, its header and its rows as ``(Excel row, cells)``, blank rows left out:
    the first sheet whose header row (among the first ten) holds ``columns``, else row 1 of the
    first sheet with data.

    :raises FormDefinitionError: ``CSV_004`` unreadable (a password, damage), ``CSV_005`` too
        large, ``CSV_007`` no sheet with data.
    """
    sheets = [(name, rows) for name, rows in _sheets(data, where) if any(cell_text(v).strip() for row in rows for v in row)]
    if not sheets:
        raise FormDefinitionError(Msg.CSV_007, where=where)
    chosen = next(((name, rows, at) for name, rows in sheets if columns and (at := _header_at(rows, columns)) is not None), None)
    name, rows, at = chosen or (*sheets[0], 0)
    header = [cell_text(v).strip() for v in rows[at]]
    body = []
    for number, row in enumerate(rows[at + 1 :], start=at + 2):
        cells = [cell_text(v) for v in row]
        if any(c.strip() for c in cells):
            body.append((number, cells))
    return name, header, body


def _mib(size: int) -> str:
    return f"{format_number(size / 2**20, 1)} MiB"
