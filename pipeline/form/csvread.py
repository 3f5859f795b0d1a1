"""Read a table the office gives, or gets back from Excel: a CSV however Excel saved it, or a workbook.

Excel on a Vietnamese Windows saves "CSV (Comma delimited)" in the ANSI code page, Windows-1258
(which writes many letters as a base letter and a combining tone mark), separated by the list
separator of the region settings (``;`` where the decimal mark is ``,``); "CSV UTF-8" with a
BOM; "Unicode Text" in UTF-16LE with a BOM, separated by tabs; a Mac, lone CRs. The encoding is
found from the bytes (a BOM; NUL bytes in every other place for UTF-16 without one; UTF-8 when
it decodes strictly; else Windows-1258, kept only when it gives Vietnamese text), the separator
from the header line (the one of ``,`` ``;`` tab that splits it into the most columns), and the
text normalised to NFC. A workbook (xlsx, xls, ods: recognised by its first bytes, whatever its
name) is read with python-calamine, from its first sheet with data. What cannot be read raises
a ``FormDefinitionError`` (``CSV_00x``) saying what was found, never a codec's text.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path

from pipeline.core import settings
from pipeline.core.errors import FormDefinitionError, Msg
from pipeline.core.vnformat import format_number

SEPARATORS = {",": "dấu phẩy", ";": "dấu chấm phẩy", "\t": "dấu tab"}
_KINDS = {
    "utf-8": "CSV UTF-8",
    "utf-8-sig": "CSV UTF-8",
    "utf-16": "CSV UTF-16",
    "utf-16-le": "CSV UTF-16",
    "utf-16-be": "CSV UTF-16",
    "cp1258": "CSV Windows-1258",
}
_ZIP, _OLE = b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_TONES = ("", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323")
_VOWELS = "aăâeêioôơuưyAĂÂEÊIOÔƠUƯY"
# Letters and marks a Vietnamese text holds beyond ASCII; anything else read as Windows-1258
# means the file is in another code page (TCVN3, VNI write Vietnamese with these bytes).
# Typographic marks of the code page are kept; the symbols that TCVN3 uses for letters (a soft
# hyphen for ư, ¨ ª ¬ ´ µ ¸ ¹ º ¿ …) are not.
_MARKS = "\u00a0€‚„…†‡‰‹›‘’“”•–—™§©®«»°±²³·¼½¾×÷£¥¢¶"
VIETNAMESE = {unicodedata.normalize("NFC", v + t) for v in _VOWELS for t in _TONES} | set("đĐ") | set(_MARKS)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# A text with a NUL, or with control characters as more than this share of it, is a binary file
# (a PDF, an image, an archive); a few controls pasted into cells of a text are kept for the
# reader of each file to clean (``core.text``), never a refusal of the whole file.
_BINARY_SHARE = 0.02


@dataclass(frozen=True)
class Given:
    """A file as the office gave it (an upload): the name it knows it by and its bytes."""

    name: str
    data: bytes


@dataclass(frozen=True)
class Table:
    """A table read: its header, its rows as ``(line, cells)`` numbered as Excel shows them
    (the header is row 1; blank rows are counted, not kept), and how the file was written."""

    name: str
    header: list[str]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)
    encoding: str = "utf-8"  # a codec name, or "" for a workbook
    separator: str = ","  # "" for a workbook
    as_written: bool = False  # UTF-8 without a BOM, commas, LF line ends: as tonghop writes a CSV
    sheet: str = ""  # the sheet read, for a workbook

    @property
    def dot_decimal(self) -> bool:
        """Whether its figures surely use ``.`` as the decimal mark: a workbook's number cells, or
        a CSV still as tonghop wrote it."""
        return not self.separator or self.as_written

    def found(self) -> str:
        """What the file is, in Vietnamese: ``tệp CSV Windows-1258, phân cách bằng dấu chấm phẩy``."""
        if not self.separator:
            return Msg.CSV_009.render(sheet=self.sheet)
        return Msg.CSV_008.render(kind=_KINDS.get(self.encoding, self.encoding), separator=SEPARATORS[self.separator])


def source_name(source: str | Path | Given) -> str:
    """The name a message gives ``source``: the file's name as the office knows it."""
    return source.name if isinstance(source, Given) else Path(source).name


def uploaded_name(filename: str) -> str:
    """The name of an uploaded file without the folders some browsers send with it."""
    return re.split(r"[\\/]", filename)[-1].strip() or filename


def read_table(source: str | Path | Given, *, where: str | None = None, columns: tuple[str, ...] = ()) -> Table:
    """Read ``source`` (a path, or a ``Given`` upload) as a table.

    :param where: the place messages name (default: the file's name).
    :param columns: header names that mark the header row of a workbook (case-insensitive):
        the first sheet and row (of the first ten) holding them all; else row 1 of the first sheet.
    :raises OSError: the file cannot be opened.
    :raises FormDefinitionError: ``CSV_001`` … ``CSV_007``: what was found and how to save it.
    """
    where = where or source_name(source)
    data = source.data if isinstance(source, Given) else Path(source).read_bytes()
    if is_workbook(data):
        if len(data) > settings.LIMIT_FILE_BYTES:  # as a return: a CSV has no limit (a run's values.csv can be large)
            raise FormDefinitionError(Msg.CSV_005.render(where=where, size=_mib(len(data)), limit=_mib(settings.LIMIT_FILE_BYTES)))
        from pipeline.form.csvbook import read_book  # python-calamine, loaded only for a workbook

        sheet, header, rows = read_book(data, where, columns)
        return Table(where, header, rows, encoding="", separator="", sheet=sheet)
    text, encoding = decode(data, where)
    return _parse(text, head(text, encoding, where))


def is_workbook(data: bytes) -> bool:
    """Whether ``data`` is a workbook (a zip: xlsx, ods; or the older binary format: xls)."""
    return data.startswith((_ZIP, _OLE))


def head(text: str, encoding: str, where: str) -> Table:
    """The table of a CSV's ``text`` without its rows: its header, separator and encoding."""
    separator = _separator(text)
    header = [cell.strip() for cell in next(csv.reader([_first_line(text)], delimiter=separator), [])]
    as_written = encoding == "utf-8" and separator == "," and "\r" not in text
    return Table(where, header, [], encoding, separator, as_written=as_written)


def decode(data: bytes, where: str) -> tuple[str, str]:
    """The text of ``data`` (NFC) and the codec it was written in.

    :raises FormDefinitionError: ``CSV_001`` not text, ``CSV_002`` no Vietnamese code page,
        ``CSV_003`` broken after its BOM.
    """
    if data.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        encoding = _utf16_without_bom(data) or "utf-8"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as err:
        if encoding != "utf-8":
            line = data[: err.start].decode(encoding, errors="ignore").count("\n") + 1
            raise FormDefinitionError(Msg.CSV_003.render(where=f"{where} › dòng {line}", encoding=_KINDS[encoding][4:])) from None
        text, encoding = _windows_1258(data, where), "cp1258"
    text = unicodedata.normalize("NFC", text)
    controls = _CONTROL.findall(text)
    if controls:
        if "\x00" in controls or (len(controls) > 1 and len(controls) > len(text) * _BINARY_SHARE):
            control = _CONTROL.search(text)
            raise FormDefinitionError(Msg.CSV_001.render(where=f"{where} › dòng {text.count(chr(10), 0, control.start()) + 1}"))
    return text, encoding


def _utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le`` or ``utf-16-be`` when NULs fill every other byte (text mostly ASCII)."""
    head = data[:4096]
    if len(head) < 4 or b"\x00" not in head:
        return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) > len(odd) * 0.6 and even.count(0) == 0:
        return "utf-16-le"
    if even.count(0) > len(even) * 0.6 and odd.count(0) == 0:
        return "utf-16-be"
    return None


def _windows_1258(data: bytes, where: str) -> str:
    """``data`` read as Windows-1258, when that gives Vietnamese text."""
    if b"\x00" in data:
        raise FormDefinitionError(Msg.CSV_001.render(where=where))
    text = data.decode("cp1258", errors="replace")
    composed = unicodedata.normalize("NFC", text)
    for number, line in enumerate(composed.splitlines(), start=1):
        odd = [ch for ch in line if not ch.isascii() and ch not in VIETNAMESE]
        if odd:
            start = max(line.index(odd[0]) - 15, 0)
            # An invisible character (TCVN3's ư is a soft hyphen here) is shown as one.
            sample = "".join("�" if unicodedata.category(ch) in ("Cf", "Cc") else ch for ch in line[start : start + 40])
            raise FormDefinitionError(Msg.CSV_002.render(where=f"{where} › dòng {number}", sample=sample))
    return text


def _first_line(text: str) -> str:
    return text[: min((i for i in (text.find("\n"), text.find("\r")) if i >= 0), default=len(text))]


def _separator(text: str) -> str:
    """The separator of the header line: of ``,`` ``;`` tab, the one giving the most columns
    (a comma when none splits it)."""
    first = _first_line(text)
    counts = {sep: len(next(csv.reader([first], delimiter=sep), [])) for sep in SEPARATORS}
    return max(SEPARATORS, key=lambda sep: counts[sep])


def _parse(text: str, table: Table) -> Table:
    """``table`` (its ``head``) with the rows of ``text``."""
    records = csv.reader(io.StringIO(text, newline=""), delimiter=table.separator)
    line, rows = 0, []
    try:
        next(records, None)
        line = 1
        for line, record in enumerate(records, start=2):  # noqa: B007 (line names a broken row)
            if "".join(record).strip():
                rows.append((line, record))
    except csv.Error:
        raise FormDefinitionError(Msg.CSV_006.render(where=f"{table.name} › dòng {line + 1}", limit=csv.field_size_limit())) from None
    return replace(table, rows=rows)


def _mib(size: int) -> str:
    return f"{format_number(size / 2**20, 1)} MiB"
