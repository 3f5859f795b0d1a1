"""The names of the files in a RAR archive, read from its block headers (RAR 5, and RAR 1.5–4
with their own Unicode name packing), so the finding that asks to extract it can name what is
inside. Nothing is unpacked and no third-party library is used; an archive whose headers are
encrypted, or that this reading does not follow, is simply not listed (``None``).
"""

from __future__ import annotations

import struct

from pipeline.core import settings
from pipeline.ingest.zipnames import legacy_name

RAR5_MAGIC = b"Rar!\x1a\x07\x01\x00"
RAR4_MAGIC = b"Rar!\x1a\x07\x00"
_RAR5_FILE, _RAR5_CRYPT = 2, 4
_RAR4_MAIN, _RAR4_FILE = 0x73, 0x74
_RAR4_HEADERS_ENCRYPTED = 0x80  # main header flag: names cannot be read without the password
_RAR4_DIRECTORY = 0xE0
NAME_CHARS = 1024  # a longer unpacked name is cut: no file system keeps one


def rar_names(data: bytes) -> list[str] | None:
    """The files in a RAR archive (folders left out), in its order; None when not listable."""
    try:
        if data.startswith(RAR5_MAGIC):
            return _rar5(data)
        if data.startswith(RAR4_MAGIC):
            return _rar4(data)
    except (IndexError, ValueError, struct.error):
        return None
    return None


def _vint(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[pos]
        value |= (byte & 0x7F) << shift
        pos += 1
        if not byte & 0x80:
            return value, pos
        shift += 7
        if shift > 63:
            raise ValueError("vint too long")


def _rar5(data: bytes) -> list[str] | None:
    names, pos = [], len(RAR5_MAGIC)
    for _ in range(settings.LIMIT_ZIP_ENTRIES * 2):
        if pos + 4 >= len(data):
            break
        size, start = _vint(data, pos + 4)
        kind, at = _vint(data, start)
        flags, at = _vint(data, at)
        if kind == _RAR5_CRYPT:
            return None
        if flags & 0x1:
            _, at = _vint(data, at)  # extra area size
        packed, at = _vint(data, at) if flags & 0x2 else (0, at)
        if kind == _RAR5_FILE:
            file_flags, at = _vint(data, at)
            for _ in range(2):  # unpacked size, attributes
                _, at = _vint(data, at)
            at += 4 * bool(file_flags & 0x2) + 4 * bool(file_flags & 0x4)  # time, checksum
            for _ in range(2):  # compression, host system
                _, at = _vint(data, at)
            length, at = _vint(data, at)
            if not file_flags & 0x1:
                names.append(data[at : at + length].decode("utf-8", "replace"))
        pos = start + size + packed
    return names


def _rar4(data: bytes) -> list[str] | None:
    names, pos = [], len(RAR4_MAGIC)
    for _ in range(settings.LIMIT_ZIP_ENTRIES * 2):
        if pos + 7 > len(data):
            break
        _crc, kind, flags, size = struct.unpack_from("<HBHH", data, pos)
        if size < 7:
            return None
        if kind == _RAR4_MAIN and flags & _RAR4_HEADERS_ENCRYPTED:
            return None
        packed = struct.unpack_from("<I", data, pos + 7)[0] if flags & 0x8000 else 0
        if kind == _RAR4_FILE:
            high = struct.unpack_from("<I", data, pos + 32)[0] if flags & 0x100 else 0
            packed += high << 32
            length = struct.unpack_from("<H", data, pos + 26)[0]
            start = pos + 32 + 8 * bool(flags & 0x100)
            raw = data[start : start + length]
            if flags & _RAR4_DIRECTORY != _RAR4_DIRECTORY:
                names.append(_rar4_name(raw, bool(flags & 0x200)).replace("\\", "/"))
        pos += size + packed
    return names


def _rar4_name(raw: bytes, unicode: bool) -> str:
    """A RAR 1.5–4 name: the computer's code page, or (``unicode``) an ASCII form, a zero byte,
    then the Unicode name packed against it."""
    if not unicode:
        return legacy_name(raw)
    plain, _, packed = raw.partition(b"\x00")
    return _unpack_unicode(plain, packed) if packed else plain.decode("utf-8", "replace")


def _unpack_unicode(plain: bytes, packed: bytes) -> str:
    out, pos, at = bytearray(), 0, 1
    high, flags, bits = packed[0], 0, 0

    def take() -> int:
        nonlocal at
        at += 1
        return packed[at - 1] if at - 1 < len(packed) else 0

    while at < len(packed) and len(out) < 2 * NAME_CHARS:
        if bits == 0:
            flags, bits = take(), 8
        bits -= 2
        mode = (flags >> bits) & 3
        if mode == 0:
            pairs = [(take(), 0)]
        elif mode == 1:
            pairs = [(take(), high)]
        elif mode == 2:
            pairs = [(take(), take())]
        else:
            count = take()
            step = take() if count & 0x80 else 0
            pairs = [
                ((plain[pos + i] if pos + i < len(plain) else 0x3F) + step & 0xFF, high if count & 0x80 else 0)
                for i in range((count & 0x7F) + 2)
            ]
        for low, hi in pairs:
            out += bytes((low, hi))
        pos += len(pairs)
    return out.decode("utf-16-le", "replace")
