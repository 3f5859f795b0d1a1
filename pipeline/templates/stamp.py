"""Stamp copies of a built workbook: the same zip with a few placeholder strings replaced.

A template differs from unit to unit only in a few strings: the unit code and name in the
shared strings (heading, guide, hidden ``_tonghop`` sheet), in the custom document properties
and in the document's subject. ``batch.write_stamped`` builds each level's workbook once with
``build_template`` for a placeholder unit, and ``Stamp`` then copies that zip for every unit:
entries without a placeholder keep their compressed bytes, the few that hold one are rewritten
(the replacement escaped the way XlsxWriter escapes text), their fixed pieces deflated once and
the new text between them stored (``zipparts``), so a copy costs no compression. A unit whose text
cannot be stamped exactly as XlsxWriter would write it (blank, too long, equal to another string
of the workbook) is built directly instead.
"""

from __future__ import annotations

import io
import re
import secrets
import zipfile
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.core.atomic import atomic_path
from pipeline.core.errors import TemplateError
from pipeline.templates.zipparts import EntryHeaders, StampError, compress, deflate_piece, end_record, raw_data, stored_blocks

MAX_TEXT = 32767 // 2  # XlsxWriter truncates strings over 32767 UTF-16 units: leave long names to it

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]")
_ESCAPED_CONTROL = re.compile(r"(_x[0-9a-fA-F]{4}_)")
_EDGE_SPACE = re.compile(r"^\s|\s$")

__all__ = ["MAX_TEXT", "Stamp", "StampError", "escape_text", "placeholder", "write_bytes"]


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
    tokens: tuple[bytes, ...] = ()  # the placeholders ``body`` holds


@dataclass(frozen=True)
class _Entry:
    info: zipfile.ZipInfo
    headers: EntryHeaders
    local: bytes  # the local header and the compressed data as stored
    text: bytes | None  # the uncompressed part, kept only for parts that change
    pieces: tuple[bytes | _Slot, ...] = ()  # ``text`` cut around its placeholders: fixed text and slots in turn
    packed: tuple[bytes, ...] = ()  # the fixed pieces each deflated on its own (``zipparts.deflate_piece``), if deflated

    @property
    def fixed(self) -> tuple[bytes, ...]:
        return self.pieces[0::2]  # type: ignore[return-value]


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
                text, headers = book.read(info), EntryHeaders(info)
                local = headers.local(info.CRC, raw_data(data, info), info.file_size)
                if info.filename in edited or self._token_re.search(text):
                    pieces = self._cut(info.filename, text)
                    packed = () if info.filename in edited else _pack(info, pieces[0::2])
                    self.entries.append(_Entry(info, headers, local, text, pieces, packed))
                else:
                    self.entries.append(_Entry(info, headers, local, None))
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
            tag, attrs, body = match.groups()
            pieces += [text[pos : match.start()], _Slot(tag, attrs, body, tuple(t for t in self.tokens if t in body))]
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
            info = entry.info
            if entry.text is None:
                local, crc, compressed, size = entry.local, info.CRC, info.compress_size, info.file_size
            else:
                local, crc, compressed, size = self._render_part(entry, plain, escaped, (edits or {}).get(info.filename))
            out.append(local)
            central.append(entry.headers.central(crc, compressed, size, offset))
            offset += len(local)
        directory = b"".join(central)
        return b"".join([*out, directory, end_record(len(self.entries), len(directory), offset)])

    def _render_part(self, entry: _Entry, plain: dict[bytes, bytes], escaped: dict[bytes, bytes],
                     edit: Callable[[bytes], bytes] | None) -> tuple[bytes, int, int, int]:  # fmt: skip
        """A changing part's local header and data, its CRC, compressed and plain sizes: its
        prepared pieces with the new elements stored between them, or compressed afresh when
        ``edit`` rewrites it."""
        elements = self._replace(entry.info.filename, entry.pieces, plain, escaped)
        text = b"".join(_interleave(entry.fixed, elements))
        if edit is not None:
            text = edit(text)
        if entry.packed and edit is None:
            raw = b"".join(_interleave(entry.packed, [stored_blocks(element) for element in elements]))
        else:
            raw = compress(text, entry.info.compress_type)
        crc = zlib.crc32(text)
        return entry.headers.local(crc, raw, len(text)), crc, len(raw), len(text)

    def _replace(self, part: str, pieces: tuple[bytes | _Slot, ...], plain: dict[bytes, bytes], escaped: dict[bytes, bytes]) -> list[bytes]:
        """The elements of one part's slots with their placeholders replaced, each written as
        XlsxWriter would write its new text.

        :raises StampError: a new shared string equals another one (XlsxWriter would have shared it).
        """
        out: list[bytes] = []
        changed: list[bytes] = []
        for piece in pieces[1::2]:
            new, text, attrs = piece.body, piece.body, piece.attrs
            for token in piece.tokens:
                new, text = new.replace(token, escaped[token]), text.replace(token, plain[token])
            if piece.tag.rsplit(b":", 1)[-1] == b"t" and b"xml:space" not in attrs and _EDGE_SPACE.search(text.decode("utf-8")):
                attrs += b' xml:space="preserve"'
            changed.append(attrs + b">" + new)
            out.append(b"".join((b"<", piece.tag, attrs, b">", new, b"</", piece.tag, b">")))
        strings = self._strings.get(part)
        if strings is not None and (len(set(changed)) < len(changed) or strings.intersection(changed)):
            raise StampError(f"{part}: the new text equals another shared string")
        return out


def _pack(info: zipfile.ZipInfo, fixed: Sequence[bytes]) -> tuple[bytes, ...]:
    """The fixed pieces of a deflated part, each deflated on its own; none for a stored part."""
    if info.compress_type != zipfile.ZIP_DEFLATED:
        return ()
    return tuple(deflate_piece(piece, last=i == len(fixed) - 1) for i, piece in enumerate(fixed))


def _interleave(fixed: Sequence[bytes], between: Sequence[bytes]) -> list[bytes]:
    """``fixed[0], between[0], fixed[1], …, fixed[-1]``."""
    out = [piece for pair in zip(fixed, between, strict=False) for piece in pair]
    out.append(fixed[-1])
    return out


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
