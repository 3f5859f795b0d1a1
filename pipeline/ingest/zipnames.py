"""What a zip says about its members: their names, decoded as the tool that made the zip wrote
them, and their own times. Also the finding's reason for an archive we do not open.

A name is UTF-8 when the zip says so (flag bit 11, or an Info-ZIP Unicode Path field). Older
tools wrote the bytes of the computer's code page without saying which: Windows' "Send to →
Compressed folder" on a Vietnamese Windows writes Windows-1258, an old Western one cp437. The
bytes are read as UTF-8 when they are (7-Zip and macOS write UTF-8 without the flag), as cp437
when every byte beyond ASCII is one of cp437's accented Latin letters (``0x80``–``0xA5``: in
Windows-1258 those are punctuation, never a Vietnamese letter), else as Windows-1258.
"""

from __future__ import annotations

import struct
import unicodedata
import zipfile
import zlib
from datetime import datetime

from pipeline.core import settings
from pipeline.core.errors import Msg, WorkbookReadError

UTF8_FLAG = 0x800
_UNICODE_PATH = 0x7075  # Info-ZIP Unicode Path extra field
_EXTENDED_TIME = 0x5455  # Info-ZIP extended timestamp (UTC seconds)
_NTFS_TIME = 0x000A  # NTFS times (7-Zip, WinRAR): 100 ns since 1601, UTC
_FILETIME_EPOCH = 11_644_473_600  # seconds from 1601-01-01 to 1970-01-01
_CP437_LETTERS = range(0x80, 0xA6)
LISTED = 5  # names a finding lists; the rest are counted


def _extras(extra: bytes) -> dict[int, bytes]:
    fields, pos = {}, 0
    while pos + 4 <= len(extra):
        tag, size = struct.unpack_from("<HH", extra, pos)
        fields.setdefault(tag, extra[pos + 4 : pos + 4 + size])
        pos += 4 + size
    return fields


def raw_name(info: zipfile.ZipInfo) -> bytes:
    """The bytes the zip holds for a member's name."""
    if info.flag_bits & UTF8_FLAG:
        return info.orig_filename.encode("utf-8", "surrogateescape")
    return info.orig_filename.encode("cp437")  # how zipfile decoded them


def member_name(info: zipfile.ZipInfo) -> str:
    """A member's path inside its zip as the user named it (``Tân Phong/BC.xlsx``), NFC."""
    raw = raw_name(info)
    unicode = _extras(info.extra).get(_UNICODE_PATH, b"")
    if info.flag_bits & UTF8_FLAG:
        name = info.orig_filename
    elif len(unicode) > 5 and unicode[0] == 1 and struct.unpack_from("<I", unicode, 1)[0] == zlib.crc32(raw):
        name = unicode[5:].decode("utf-8", "replace")
    else:
        name = legacy_name(raw)
    return unicodedata.normalize("NFC", name.replace("\\", "/"))


def legacy_name(raw: bytes) -> str:
    """A name written in the computer's code page, not saying which (see the module's rule)."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if all(byte in _CP437_LETTERS for byte in raw if byte >= 0x80):
        return raw.decode("cp437")
    try:
        return raw.decode("cp1258")
    except UnicodeDecodeError:
        return raw.decode("cp437")


def member_time(info: zipfile.ZipInfo) -> float | None:
    """A member's own modification time (UTC timestamp): the exact one when the zip keeps it
    (extended or NTFS fields), else its date and time, Vietnam's local time; None when invalid."""
    fields = _extras(info.extra)
    extended, ntfs = fields.get(_EXTENDED_TIME, b""), fields.get(_NTFS_TIME, b"")
    if len(extended) >= 5 and extended[0] & 1:
        return float(struct.unpack_from("<i", extended, 1)[0])
    if len(ntfs) >= 32 and ntfs[4:8] == b"\x01\x00\x18\x00":
        return struct.unpack_from("<Q", ntfs, 8)[0] / 10_000_000 - _FILETIME_EPOCH
    try:
        return datetime(*info.date_time, tzinfo=settings.SAVED_TIME_ZONE).timestamp()
    except ValueError:
        return None


def contents(names: list[str]) -> str:
    """The names a finding lists: ``a.xlsx, b.xlsx và 3 tệp khác``."""
    shown = ", ".join(names[:LISTED])
    return shown + (f" và {len(names) - LISTED} tệp khác" if len(names) > LISTED else "")


def packed(what: str, names: list[str] | None = None) -> WorkbookReadError:
    """The failure of an archive the program does not open (``what``: ``tệp nén RAR``), naming
    the files inside when they could be listed."""
    inside = f" chứa {len(names)} tệp: {contents(names)}" if names else ""
    return WorkbookReadError(Msg.FILE_021, reason=f"{what}{inside}")
