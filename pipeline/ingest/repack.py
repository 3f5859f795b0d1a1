"""An xlsx's parts, already inflated and checked by ``sniff.py``, packed again without
compression, for the values reader.

``sniff`` inflates every part of a return once (to refuse zip bombs and hostile XML) and
python-calamine would inflate the same parts again from the original file: a quarter of its
time on a return. Handing it a stored (uncompressed) zip of the parts it may read spares that
second inflate; each part's bytes and checksum are the ones ``sniff`` verified. Parts no reader
parses (the theme, pictures, printer settings: ``sniff.UNREAD_PARTS``) are left out, and so are
the worksheets' formula elements (``<f>…</f>``): the values reader reads each cell's saved result
(``<v>``), never its formula, and a template's hidden check formulas are half of its data sheet.
The parts ``sniff`` keeps still hold the formulas, for the readers of formulas without a saved
result and of error cells (``raw.py``, ``cellerrors.py``).
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib

_LOCAL = struct.Struct("<IHHHHHIIIHH")
_CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHII")
_END = struct.Struct("<IHHHHIIH")
_UTF8_NAME = 0x800  # general purpose flag bit 11: the name is UTF-8
_VERSION = 20  # "version needed to extract": 2.0, plain stored entries
_ZIP64_LIMIT = 0xFFFF  # entries a plain end record can count (sniff caps a return's parts far below)
# A formula element, its attributes one by one (a value may hold ">" or "/>"); its text holds no
# "<" (XML escapes it), so it ends at the first "</f>". One written otherwise is left as it is.
_FORMULA = re.compile(rb"""<f(?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*(?:/>|>[^<]*</f>)""")
_SHEETS = "xl/worksheets/"


def without_formulas(info: zipfile.ZipInfo, data: bytes) -> tuple[zipfile.ZipInfo, bytes]:
    """A worksheet part without its formula elements (its checksum made anew); any other part as it is."""
    if not info.filename.startswith(_SHEETS) or b"<f" not in data:
        return info, data
    stripped = _FORMULA.sub(b"", data)
    bare = zipfile.ZipInfo(info.filename, info.date_time)
    bare.CRC, bare.file_size = zlib.crc32(stripped), len(stripped)
    return bare, stripped


def stored_zip(parts: list[tuple[zipfile.ZipInfo, bytes]]) -> bytes | None:
    """A zip holding ``parts`` (each the part's header and its inflated, checked bytes) stored,
    in the same order; ``None`` when they need what this writer does not do (zip64)."""
    if len(parts) >= _ZIP64_LIMIT:
        return None
    pieces: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for info, data in (without_formulas(*part) for part in parts):
        name = info.filename.encode("utf-8")
        flag = 0 if info.filename.isascii() else _UTF8_NAME
        size = len(data)
        if size >= 0xFFFFFFFF or offset >= 0xFFFFFFFF:
            return None
        pieces += [_LOCAL.pack(0x04034B50, _VERSION, flag, 0, 0, 0, info.CRC, size, size, len(name), 0), name, data]
        central += [
            _CENTRAL.pack(0x02014B50, _VERSION, _VERSION, flag, 0, 0, 0, info.CRC, size, size, len(name), 0, 0, 0, 0, 0, offset),
            name,
        ]
        offset += _LOCAL.size + len(name) + size
    directory = b"".join(central)
    end = _END.pack(0x06054B50, 0, 0, len(parts), len(parts), len(directory), offset, 0)
    return b"".join([*pieces, directory, end])
