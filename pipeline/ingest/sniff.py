"""Know what a file is from its first bytes, and refuse it before any parser is at risk.

Every zip part is inflated once here, with a cap, so a zip bomb (declared or lying sizes),
an XML part declaring entities ("billion laughs") or a sheet whose cells lie a million
rows away is rejected whole, before python-calamine would allocate memory for it.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from pipeline.core import settings
from pipeline.core.errors import Msg, WorkbookReadError
from pipeline.ingest.flatods import as_ods, is_flat_ods
from pipeline.ingest.rarnames import rar_names
from pipeline.ingest.raw import ODS_NAMES_PART
from pipeline.ingest.zipnames import member_name, packed

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
# A cell whose first attribute is not its address (Excel, LibreOffice, openpyxl and XlsxWriter
# all write r= first): only then are the cells counted one by one.
_UNADDRESSED = re.compile(rb"<c(?:>| (?!r=))")
# Cell addresses that could break a limit: two letters or more, or five digits or more.
_FAR_CELL = re.compile(rb" r=\"([A-Z]{2,}(?=[0-9])|[A-Z](?=[0-9]{5}))([0-9]+)\"")
_ROW_REF = re.compile(rb"<(?:\w+:)?row\b[^>]*?\sr=\"([0-9]{1,8})\"")
_IMAGES = {
    b"\xff\xd8\xff": "ảnh JPEG",
    b"\x89PNG": "ảnh PNG",
    b"GIF8": "ảnh GIF",
    b"%PDF": "tệp PDF",
}
# Archives the program does not open (no new dependency): the sender is told to extract them.
_ARCHIVES = {b"Rar!\x1a\x07": "tệp nén RAR", b"7z\xbc\xaf\x27\x1c": "tệp nén 7z"}


# Zip parts no reader parses (so not inflated here; their declared sizes still count).
UNREAD_PARTS = ("xl/theme/", "xl/media/", "xl/printerSettings/", "docProps/app.xml", "docProps/thumbnail", "Thumbnails/", "Pictures/")
# Zip parts kept after the check, for the readers of metadata, formulas and error cells.
KEEP_PARTS = ("docProps/custom.xml", "docProps/core.xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml", "meta.xml",
              "content.xml")  # fmt: skip


@dataclass
class Sniffed:
    """The format of a file (xlsx, ods, xls, xml2003, html), its bytes (read once) and the
    small zip parts kept for the metadata and formula readers."""

    format: str
    data: bytes = b""
    parts: dict[str, bytes] = field(default_factory=dict)
    inflated: list[tuple[zipfile.ZipInfo, bytes]] = field(default_factory=list)  # every part a reader may parse, checked


def _limit(message: str) -> WorkbookReadError:
    return WorkbookReadError(Msg.FILE_008, reason=message)


def column_number(letters: bytes) -> int:
    """A column's number from its letters, counted from 1: ``b"A"`` -> 1, ``b"AA"`` -> 27."""
    number = 0
    for char in letters:
        number = number * 26 + char - 64
    return number


def _check_sheet_extent(name: str, data: bytes) -> None:
    """Refuse a worksheet whose cells reach past the row or column limit.

    Only addresses that could break a limit are collected (rows of five digits or more,
    columns of two letters or more), so an ordinary sheet costs three quick scans.
    """
    far = _FAR_CELL.findall(data)
    rows = [int(r) for _, r in far]
    cols = [column_number(c) for c, _ in far]
    if _UNADDRESSED.search(data) and data.count(b"<c ") + data.count(b"<c>") > data.count(b' r="') - data.count(
        b"<row "
    ):  # cells without an address take the next position: count them
        rows += [data.count(b"<row"), *map(int, _ROW_REF.findall(data))]
        cols += [max((part.count(b"<c") for part in data.split(b"<row")), default=0)]
    max_row, max_col = max(rows, default=0), max(cols, default=0)
    if max_row > settings.LIMIT_ROWS or max_col > settings.LIMIT_COLUMNS:
        raise _limit(
            f"trang tính '{name}' có ô ở dòng {max_row}, cột {max_col}, vượt giới hạn {settings.LIMIT_ROWS} dòng × {settings.LIMIT_COLUMNS} cột"
        )


def _check_ods_extent(data: bytes) -> None:
    """Refuse ODS content whose repeated rows or columns holding values reach past the limits.

    LibreOffice writes huge trailing repeats of empty rows and cells in every sheet; only
    a repeat that ends at or before a value counts.
    """
    from defusedxml.ElementTree import iterparse

    table_ns = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
    office_ns = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
    row_repeat, col_repeat = f"{{{table_ns}}}number-rows-repeated", f"{{{table_ns}}}number-columns-repeated"
    row = col = max_row = max_col = 0
    has_value = False
    for event, elem in iterparse(io.BytesIO(data), events=("start", "end")):
        tag = elem.tag.rsplit("}", 1)[-1]
        if event == "start" and tag == "table":
            row = 0
        elif event == "start" and tag == "table-row":
            col, has_value = 0, False
        elif event == "end" and tag in ("table-cell", "covered-table-cell"):
            col += int(elem.get(col_repeat, "1"))
            if elem.get(f"{{{office_ns}}}value-type") or len(elem):
                max_col, has_value = max(max_col, col), True
            elem.clear()
        elif event == "end" and tag == "table-row":
            row += int(elem.get(row_repeat, "1"))
            max_row = max(max_row, row) if has_value else max_row
            elem.clear()
        if max_row > settings.LIMIT_ROWS or max_col > settings.LIMIT_COLUMNS:
            raise _limit(
                f"bảng tính có dữ liệu ở dòng {max_row}, cột {max_col}, vượt giới hạn {settings.LIMIT_ROWS} dòng × {settings.LIMIT_COLUMNS} cột"
            )


def _corrupt(err: Exception | None = None) -> WorkbookReadError:
    return WorkbookReadError(Msg.FILE_001, reason="tệp nén bị hỏng hoặc không đầy đủ")


def local_data(source: BinaryIO, info: zipfile.ZipInfo) -> bytes:
    """The packed bytes of one zip part, found through its local header in ``source``."""
    source.seek(info.header_offset)
    header = source.read(30)
    if len(header) < 30 or header[:4] != ZIP_MAGIC:
        raise _corrupt()
    name_len, extra_len = struct.unpack("<HH", header[26:30])
    source.seek(info.header_offset + 30 + name_len + extra_len)
    return source.read(info.compress_size)


def unpack(packed: bytes, info: zipfile.ZipInfo) -> bytes:
    """Inflate one part's packed bytes, never past what its header declares; a part whose size
    or checksum disagrees with its header is refused."""
    try:
        if info.compress_type == zipfile.ZIP_STORED:
            data = packed
        elif info.compress_type == zipfile.ZIP_DEFLATED:
            data = zlib.decompressobj(-15).decompress(packed, info.file_size + 1)
        else:
            raise WorkbookReadError(Msg.FILE_001, reason="tệp nén dùng kiểu nén không được hỗ trợ")
    except zlib.error as err:
        raise _corrupt() from err
    if len(data) != info.file_size or zlib.crc32(data) != info.CRC:
        raise _corrupt()
    return data


def _inflate(blob: bytes, info: zipfile.ZipInfo, budget: int) -> bytes:
    """Inflate one part straight from the file's bytes (``unpack``), nor past ``budget``."""
    if info.file_size > budget:
        raise _limit(f"dữ liệu giải nén vượt giới hạn {settings.LIMIT_UNCOMPRESSED_BYTES // 1_048_576} MB")
    if info.flag_bits & 0x1:
        raise WorkbookReadError(Msg.FILE_007, reason="tệp nén được đặt mật khẩu")
    return unpack(local_data(io.BytesIO(blob), info), info)


def _zip_format(infos: list[zipfile.ZipInfo]) -> str:
    names = {info.filename for info in infos}
    if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
        return "xlsb" if "xl/workbook.bin" in names else "xlsx"
    if "content.xml" in names:
        return "ods"
    if "word/document.xml" in names:
        raise WorkbookReadError(Msg.FILE_001, reason="đây là tệp Word, không phải Excel")
    if "ppt/presentation.xml" in names:
        raise WorkbookReadError(Msg.FILE_001, reason="đây là tệp PowerPoint, không phải Excel")
    files = [member_name(info) for info in infos if not info.is_dir()]
    raise packed("tệp nén zip", files) if files else WorkbookReadError(Msg.FILE_001, reason="tệp nén không chứa tệp nào")


def check_zip(blob: bytes) -> Sniffed:
    """Inflate and check every part of a zip-based workbook; keep the small parts we read."""
    try:
        with zipfile.ZipFile(io.BytesIO(blob)) as archive:
            infos = archive.infolist()
            if len(infos) > settings.LIMIT_ZIP_ENTRIES:
                raise _limit(f"tệp nén có {len(infos)} thành phần, vượt giới hạn {settings.LIMIT_ZIP_ENTRIES}")
            fmt = _zip_format(infos)
            if fmt == "xlsb":
                raise WorkbookReadError(Msg.FILE_010, reason="định dạng Excel nhị phân (.xlsb) không được hỗ trợ")
            budget = settings.LIMIT_UNCOMPRESSED_BYTES
            found = Sniffed(fmt, blob)
            for info in infos:
                if info.filename.startswith(UNREAD_PARTS):  # nobody parses these: the size check is enough
                    if info.file_size > budget:
                        raise _limit(f"dữ liệu giải nén vượt giới hạn {settings.LIMIT_UNCOMPRESSED_BYTES // 1_048_576} MB")
                    budget -= info.file_size
                    continue
                data = _inflate(blob, info, budget)
                budget -= len(data)
                _check_part(fmt, info.filename, data)
                found.inflated.append((info, data))
                if info.filename in KEEP_PARTS or info.filename.startswith("xl/worksheets/"):
                    found.parts[info.filename] = data
                if fmt == "ods" and info.filename == "content.xml":  # the named ranges after the last sheet, on their own
                    last = data.rfind(b"</table:table>")
                    found.parts[ODS_NAMES_PART] = data[last:] if last != -1 else b""
            return found
    except zipfile.BadZipFile as err:
        raise WorkbookReadError(Msg.FILE_001, reason="tệp nén bị hỏng hoặc không đầy đủ") from err


def _check_part(fmt: str, name: str, data: bytes) -> None:
    if name.endswith((".xml", ".rels")) and (b"<!ENTITY" in data[:4096] or b"<!DOCTYPE" in data[:4096]):
        raise WorkbookReadError(Msg.FILE_011, reason=f"phần '{name}' khai báo thực thể XML (có thể là tệp độc hại)")
    if fmt == "xlsx" and name.startswith("xl/worksheets/") and name.endswith(".xml"):
        _check_sheet_extent(name.rsplit("/", 1)[-1], data)
    elif fmt == "ods" and name == "content.xml":
        _check_ods_extent(data)


def _text_format(head: bytes) -> str:
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if head.startswith(bom):
            head = head[len(bom) :].decode(codec, "ignore").encode("utf-8")
            break
    text = head.decode("utf-8", "ignore").lstrip().lower()
    if text.startswith("<?xml") and "urn:schemas-microsoft-com:office:spreadsheet" in text:
        return "xml2003"
    if text.startswith("<?xml") and is_flat_ods(text):
        return "fods"
    if text.startswith(("<!doctype html", "<html", "<table", "<meta", "<?xml")) and ("<table" in text or "<html" in text):
        return "html"
    if "\x00" in text:
        raise WorkbookReadError(Msg.FILE_001, reason="không phải tệp Excel hay LibreOffice")
    raise WorkbookReadError(Msg.FILE_001, reason="đây là tệp văn bản (CSV/TXT), không phải Excel")


def _ole_format(data: bytes) -> str:
    if "EncryptedPackage".encode("utf-16-le") in data:
        raise WorkbookReadError(Msg.FILE_007, reason="tệp được đặt mật khẩu")
    if "WordDocument".encode("utf-16-le") in data:
        raise WorkbookReadError(Msg.FILE_001, reason="đây là tệp Word (.doc), không phải Excel")
    return "xls"


def check_size(size: int) -> None:
    """Refuse an empty file, or one over ``settings.LIMIT_FILE_BYTES``."""
    if size == 0:
        raise WorkbookReadError(Msg.FILE_001, reason="tệp rỗng, không có dữ liệu")
    if size > settings.LIMIT_FILE_BYTES:
        raise _limit(f"tệp lớn {size / 1_048_576:.0f} MB, vượt giới hạn {settings.LIMIT_FILE_BYTES // 1_048_576} MB")


def sniff(path: Path) -> Sniffed:
    """Recognise the file by its bytes and run the safety checks its format needs."""
    check_size(path.stat().st_size)
    return sniff_data(path.read_bytes())


def sniff_data(data: bytes) -> Sniffed:
    """``sniff`` for a file's bytes already in memory (a member of a zip)."""
    check_size(len(data))
    if data.startswith(ZIP_MAGIC):
        return check_zip(data)
    if data.startswith(OLE_MAGIC):
        return Sniffed(_ole_format(data), data)
    for magic, what in _ARCHIVES.items():
        if data.startswith(magic):
            raise packed(what, rar_names(data))
    for magic, what in _IMAGES.items():
        if data.startswith(magic):
            raise WorkbookReadError(Msg.FILE_001, reason=f"đây là {what}, không phải Excel")
    fmt = _text_format(data[:4096])
    return check_zip(as_ods(data)) if fmt == "fods" else Sniffed(fmt, data)
