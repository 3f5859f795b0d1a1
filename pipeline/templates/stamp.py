"""Stamp copies of a built workbook: the same zip with a few placeholder strings replaced.

A template differs from unit to unit only in a few strings: the unit code and name in the
shared strings (heading, guide, hidden ``_tonghop`` sheet), in the custom document properties
and in the document's subject. ``batch.write_stamped`` builds each level's workbook once with
``build_template`` for a placeholder unit, and ``Stamp`` then copies that zip for every unit:
entries without a placeholder keep their compressed bytes, the few that hold one are rewritten
(the replacement escaped the way XlsxWriter escapes text) and deflated again. A unit whose text
cannot be stamped exactly as XlsxWriter would write it (blank, too long, equal to another string
of the workbook) is built directly instead.
"""

from __future__ import annotations

import io
import re
import secrets
import struct
import zipfile
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.core.atomic import atomic_path
from pipeline.core.errors import TemplateError

MAX_TEXT = 32767 // 2  # XlsxWriter truncates strings over 32767 UTF-16 units: leave long names to it

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]")
_ESCAPED_CONTROL = re.compile(r"(_x[0-9a-fA-F]{4}_)")
_EDGE_SPACE = re.compile(r"^\s|\s$")
_LOCAL = struct.Struct("<4s5H3L2H")
_CENTRAL = struct.Struct("<4s4B4H3L5H2L")
_END = struct.Struct("<4s4H2LH")


class StampError(ValueError):
    """The replacement cannot be made exactly as a direct build would write it."""


def placeholder(kind: str) -> str:
    """A token no real text holds; letters and digits only, so escaping leaves it as is."""
    return f"TONGHOP{kind.upper()}{secrets.token_hex(10).upper()}"


def escape_text(text: str) -> str:
    """Text as XlsxWriter writes it in an element: control characters as ``_xHHHH_``, ``&<>`` as entities."""
    text = _ESCAPED_CONTROL.sub(r"_x005F\1", text)
    text = _CONTROL.sub(lambda m: f"_x{ord(m.group()):04X}_", text)
    text = text.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@dataclass(frozen=True)
class _Slot:
    """An element whose text holds a placeholder: ``<tag attrs>body</tag>``."""

    tag: bytes
    attrs: bytes
    body: bytes


@dataclass(frozen=True)
class _Entry:
    info: zipfile.ZipInfo
    raw: bytes  # the compressed data as stored
    text: bytes | None  # the uncompressed part, kept only for parts that change
    pieces: tuple[bytes | _Slot, ...] = ()  # ``text`` cut around its placeholders


class Stamp:
    """A workbook zip prepared for stamping: ``render`` gives a copy with the tokens replaced.

    :param data: the workbook's bytes (as written by XlsxWriter or openpyxl).
    :param tokens: the placeholder tokens to replace; they must occur in element text only.
    :param edited: parts (zip entry names) that callers rewrite with ``edits`` in ``render``.
    :raises StampError: a placeholder outside element text (in an attribute, say).
    """

    def __init__(self, data: bytes, tokens: Sequence[str], edited: Sequence[str] = ()) -> None:
        self.tokens = tuple(token.encode() for token in tokens)
        self._token_re = re.compile(b"|".join(map(re.escape, self.tokens)) or rb"(?!)")  # no tokens: only ``edited`` parts change
        self._element_re = re.compile(rb"<([A-Za-z_][\w:.-]*)([^<>]*)>([^<]*?(?:" + self._token_re.pattern + rb")[^<]*)</\1>")
        self.entries: list[_Entry] = []
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            for info in book.infolist():
                text = book.read(info)
                if info.filename in edited or self._token_re.search(text):
                    self.entries.append(_Entry(info, _raw_data(data, info), text, self._cut(info.filename, text)))
                else:
                    self.entries.append(_Entry(info, _raw_data(data, info), None))
        self._strings = {name: _shared_strings(e.text) for name, e in self.parts.items() if name.endswith("sharedStrings.xml")}

    @classmethod
    def from_file(cls, path: str | Path, tokens: Sequence[str], edited: Sequence[str] = ()) -> Stamp:
        return cls(Path(path).read_bytes(), tokens, edited)

    @property
    def parts(self) -> dict[str, _Entry]:
        """The parts that change from copy to copy."""
        return {e.info.filename: e for e in self.entries if e.text is not None}

    def _cut(self, part: str, text: bytes) -> tuple[bytes | _Slot, ...]:
        pieces: list[bytes | _Slot] = []
        pos = 0
        for match in self._element_re.finditer(text):
            pieces += [text[pos : match.start()], _Slot(*match.groups())]
            pos = match.end()
        pieces.append(text[pos:])
        if any(self._token_re.search(piece) for piece in pieces if isinstance(piece, bytes)):
            raise StampError(f"{part}: a placeholder outside element text")
        return tuple(pieces)

    def render(self, values: Mapping[str, str], edits: Mapping[str, Callable[[bytes], bytes]] | None = None) -> bytes:
        """The workbook with each token replaced by ``values[token]`` and ``edits`` applied to their parts.

        :raises StampError: the result would differ from a direct build (see ``_replace``).
        """
        plain = {token: str(values[token.decode()]).encode("utf-8") for token in self.tokens}
        escaped = {token: escape_text(text.decode("utf-8")).encode("utf-8") for token, text in plain.items()}
        out, central = [], []
        offset = 0
        for entry in self.entries:
            info, raw = entry.info, entry.raw
            crc, size = info.CRC, info.file_size
            if entry.text is not None:
                text = self._replace(info.filename, entry.pieces, plain, escaped)
                if edits and info.filename in edits:
                    text = edits[info.filename](text)
                raw, crc, size = _compress(text, info.compress_type), zlib.crc32(text), len(text)
            name = info.filename.encode("utf-8")
            flags = info.flag_bits & ~0x08  # sizes go in the local header: no data descriptor
            dostime = info.date_time[3] << 11 | info.date_time[4] << 5 | info.date_time[5] // 2
            dosdate = (info.date_time[0] - 1980) << 9 | info.date_time[1] << 5 | info.date_time[2]
            fields = (flags, info.compress_type, dostime, dosdate, crc, len(raw), size)
            out += [_LOCAL.pack(b"PK\x03\x04", info.extract_version, *fields, len(name), 0), name, raw]
            central += [
                _CENTRAL.pack(b"PK\x01\x02", info.create_version, info.create_system, info.extract_version, info.reserved,
                              *fields, len(name), 0, 0, 0, info.internal_attr, info.external_attr, offset),
                name,
            ]  # fmt: skip
            offset += _LOCAL.size + len(name) + len(raw)
        if offset > 0xFFFFFFFF:
            raise StampError("workbook too large to stamp")
        directory = b"".join(central)
        count = len(self.entries)
        return b"".join([*out, directory, _END.pack(b"PK\x05\x06", 0, 0, count, count, len(directory), offset, 0)])

    def _replace(self, part: str, pieces: tuple[bytes | _Slot, ...], plain: dict[bytes, bytes], escaped: dict[bytes, bytes]) -> bytes:
        """One part with its placeholders replaced, each element written as XlsxWriter would write its new text.

        :raises StampError: a new shared string equals another one (XlsxWriter would have shared it).
        """
        out: list[bytes] = []
        changed: list[bytes] = []
        for piece in pieces:
            if isinstance(piece, bytes):
                out.append(piece)
                continue
            new, text, attrs = piece.body, piece.body, piece.attrs
            for token in self.tokens:
                new, text = new.replace(token, escaped[token]), text.replace(token, plain[token])
            if piece.tag.rsplit(b":", 1)[-1] == b"t" and b"xml:space" not in attrs and _EDGE_SPACE.search(text.decode("utf-8")):
                attrs += b' xml:space="preserve"'
            changed.append(attrs + b">" + new)
            out += [b"<", piece.tag, attrs, b">", new, b"</", piece.tag, b">"]
        strings = self._strings.get(part)
        if strings is not None and (len(set(changed)) < len(changed) or strings.intersection(changed)):
            raise StampError(f"{part}: the new text equals another shared string")
        return b"".join(out)


def _raw_data(data: bytes, info: zipfile.ZipInfo) -> bytes:
    """The compressed bytes of one entry, read past its local header."""
    head = _LOCAL.unpack_from(data, info.header_offset)
    if head[0] != b"PK\x03\x04":
        raise StampError(f"{info.filename}: bad local header")
    start = info.header_offset + _LOCAL.size + head[-2] + head[-1]
    return data[start : start + info.compress_size]


def _compress(text: bytes, method: int) -> bytes:
    if method == zipfile.ZIP_STORED:
        return text
    if method != zipfile.ZIP_DEFLATED:
        raise StampError(f"compression method {method} not supported")
    packer = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)  # as zipfile does
    return packer.compress(text) + packer.flush()


def _shared_strings(text: bytes | None) -> set[bytes]:
    """Every ``<si>`` of a shared string table, as ``attrs>text`` (how ``_replace`` notes changes)."""
    return set(re.findall(rb"<si><t\b([^<>]*>[^<]*)</t></si>", text or b""))


def write_bytes(data: bytes, path: Path) -> Path:
    """Write ``data`` to ``path`` atomically (temp file beside it, then rename).

    :raises TemplateError: the file cannot be written; ``path`` is then left as it was.
    """
    with atomic_path(path, error=TemplateError.not_written, make_folder=False) as tmp:
        tmp.write_bytes(data)
    return path
