"""The bytes of a zip copied entry by entry, and deflated text made of parts compressed ahead.

``Stamp`` writes thousands of copies of one workbook that differ in a few short strings. Most
entries keep their compressed bytes; an entry whose text changes need not be compressed again
either: its fixed pieces are deflated once, each on its own and ended on a byte boundary
(``deflate_piece``), and the changing strings between them go in as stored blocks
(``stored_blocks``, deflate's uncompressed block type). The result is one valid deflate stream
that inflates to exactly the text a direct build writes (RFC 1951 §3.2.4; zlib itself emits
such blocks on a flush), and a copy costs a join instead of a compression.
"""

from __future__ import annotations

import struct
import zipfile
import zlib

_LOCAL = struct.Struct("<4s5H3L2H")
_LOCAL_HEAD, _SIZES, _NAME = struct.Struct("<4s5H"), struct.Struct("<3L"), struct.Struct("<2H")  # the parts of ``_LOCAL``
_CENTRAL_HEAD, _CENTRAL_TAIL, _OFFSET = struct.Struct("<4s4B4H"), struct.Struct("<5HL"), struct.Struct("<L")  # a central record, in parts
_END = struct.Struct("<4s4H2LH")
_STORED = struct.Struct("<BHH")  # a stored block's header: BFINAL=0, BTYPE=00 (on a byte boundary), LEN, NLEN
MAX_STORED = 0xFFFF  # the largest stored block


class StampError(ValueError):
    """A copy cannot be made exactly as a direct build would write it (a replacement XlsxWriter
    would write otherwise, an unknown compression, a bad header, a zip too large)."""


def raw_data(data: bytes, info: zipfile.ZipInfo) -> bytes:
    """The compressed bytes of one entry, read past its local header."""
    head = _LOCAL.unpack_from(data, info.header_offset)
    if head[0] != b"PK\x03\x04":
        raise StampError(f"{info.filename}: bad local header")
    start = info.header_offset + _LOCAL.size + head[-2] + head[-1]
    return data[start : start + info.compress_size]


def compress(text: bytes, method: int) -> bytes:
    """``text`` compressed as zipfile compresses an entry of ``method``."""
    if method == zipfile.ZIP_STORED:
        return text
    if method != zipfile.ZIP_DEFLATED:
        raise StampError(f"compression method {method} not supported")
    packer = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)  # as zipfile does
    return packer.compress(text) + packer.flush()


def deflate_piece(piece: bytes, last: bool) -> bytes:
    """``piece`` deflated on its own (no reference to what comes before it): ended on a byte
    boundary with an empty stored block when more follows, else ending the stream."""
    if not piece and not last:
        return b""
    packer = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    return packer.compress(piece) + packer.flush(zlib.Z_FINISH if last else zlib.Z_SYNC_FLUSH)


def stored_blocks(text: bytes) -> bytes:
    """``text`` as deflate stored blocks (not the last of the stream), on a byte boundary."""
    out = []
    for start in range(0, len(text), MAX_STORED):
        chunk = text[start : start + MAX_STORED]
        out += [_STORED.pack(0, len(chunk), len(chunk) ^ 0xFFFF), chunk]
    return b"".join(out)


class EntryHeaders:
    """The local and central headers of one entry, for any content (CRC and sizes) and offset;
    what does not change from copy to copy is packed once."""

    def __init__(self, info: zipfile.ZipInfo) -> None:
        name = info.filename.encode("utf-8")
        flags = info.flag_bits & ~0x08  # sizes go in the local header: no data descriptor
        dostime = info.date_time[3] << 11 | info.date_time[4] << 5 | info.date_time[5] // 2
        dosdate = (info.date_time[0] - 1980) << 9 | info.date_time[1] << 5 | info.date_time[2]
        fields = (flags, info.compress_type, dostime, dosdate)
        self._local = (_LOCAL_HEAD.pack(b"PK\x03\x04", info.extract_version, *fields), _NAME.pack(len(name), 0) + name)
        head = _CENTRAL_HEAD.pack(b"PK\x01\x02", info.create_version, info.create_system, info.extract_version, info.reserved, *fields)
        self._central = (head, _CENTRAL_TAIL.pack(len(name), 0, 0, 0, info.internal_attr, info.external_attr), name)

    def local(self, crc: int, raw: bytes, size: int) -> bytes:
        """The local header followed by the entry's compressed bytes."""
        return b"".join((self._local[0], _SIZES.pack(crc, len(raw), size), self._local[1], raw))

    def central(self, crc: int, compressed: int, size: int, offset: int) -> bytes:
        """The entry's central directory record, its local header at ``offset``."""
        head, tail, name = self._central
        return b"".join((head, _SIZES.pack(crc, compressed, size), tail, _OFFSET.pack(offset), name))


def end_record(count: int, directory: int, offset: int) -> bytes:
    """The end of central directory record: ``count`` entries, a directory of ``directory``
    bytes starting at ``offset``."""
    if offset > 0xFFFFFFFF or count > 0xFFFF:
        raise StampError("zip too large to copy")
    return _END.pack(b"PK\x05\x06", 0, 0, count, count, directory, offset, 0)
