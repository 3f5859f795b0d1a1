"""Text as the user sees it. Every text written into xlsx or docx or printed on a terminal goes
through ``clean_text``; file names that are not UTF-8 are shown by ``shown_name``; what a
console's encoding cannot show is written the nearest way by ``for_console``.

Returns bring text the outputs cannot hold: a line break pasted from Word into a cell (stored
in xlsx as ``_x000B_``), a file name holding ``\\x01`` or an escape sequence, or one that is
raw bytes of Windows-1258 (a zip made on Windows, extracted with ``unzip``; Python holds
such names with "surrogate escapes").
"""

from __future__ import annotations

import codecs
import re
import sys
import unicodedata

# Characters XML 1.0 cannot hold (xlsx, docx), and lone surrogates (not even UTF-8).
_XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# On a terminal also every other control character (escape sequences start with ESC or the C1
# CSI), line breaks (a printed line stays one line) and the bidirectional overrides.
_TERMINAL_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_NOT_ESCAPE = re.compile("[\ud800-\udc7f\udd00-\udfff]")  # surrogates no file system name holds
REPLACEMENT = "\ufffd"
XML_BREAKS = "\x0b\x0c"  # vertical tab and form feed: the line and page breaks Word pastes
TERMINAL_SPACES = "\t\n\r\x0b\x0c\x85\u2028\u2029"

# The legacy encodings a name that is not UTF-8 is read in, in order, and their names.
LEGACY_ENCODINGS = (("cp1258", "Windows-1258"), ("cp1252", "Windows-1252"))


def clean_text(text: str, *, terminal: bool = False) -> str:
    """``text`` made safe to write: into xlsx and docx (the default), or onto a terminal line.

    A name that is not UTF-8 is shown as ``shown_name`` reads it. For xlsx and docx, the line
    and page breaks Word pastes become line breaks and every other character XML cannot hold
    becomes ``�``. On a terminal, breaks and tabs become spaces and every other control
    character (and so every escape sequence) and bidirectional override becomes ``�``.
    """
    unsafe = _TERMINAL_UNSAFE if terminal else _XML_UNSAFE
    if not unsafe.search(text):
        return text
    if _SURROGATE.search(text):
        text = shown_name(text)[0]
    return unsafe.sub(_terminal_char if terminal else _xml_char, text)


def _xml_char(match: re.Match) -> str:
    return "\n" if match[0] in XML_BREAKS else REPLACEMENT


def _terminal_char(match: re.Match) -> str:
    return " " if match[0] in TERMINAL_SPACES else REPLACEMENT


# Names that are not UTF-8 ------------------------------------------------------------------------


def _name_bytes(name: str) -> bytes:
    """The bytes a name stands for on disk (Python keeps undecodable bytes as surrogate escapes)."""
    return _NOT_ESCAPE.sub(REPLACEMENT, name).encode("utf-8", "surrogateescape")


def _utf8_runs(raw: bytes) -> list[tuple[bool, bytes]]:
    """``raw`` cut into ``(is_utf8, bytes)`` runs."""
    runs, pos = [], 0
    while pos < len(raw):
        try:
            raw[pos:].decode("utf-8")
        except UnicodeDecodeError as err:
            if err.start:
                runs.append((True, raw[pos : pos + err.start]))
            runs.append((False, raw[pos + err.start : pos + err.end]))
            pos += err.end
        else:
            runs.append((True, raw[pos:]))
            break
    return runs


def shown_name(name: str) -> tuple[str, str | None]:
    """A file name (or path) as the user is shown it, and how it was read.

    A UTF-8 name is shown as it is (``None``). In a name that is not, the bytes that are not
    UTF-8 are read as Windows-1258 or else Windows-1252 (that encoding's name is given), or
    else written as ``\\xNN`` (``""``). The name shown is never normalised, so two names on
    disk are never shown alike.
    """
    if not _SURROGATE.search(name):
        return name, None
    runs = _utf8_runs(_name_bytes(name))
    foreign = b"".join(chunk for is_utf8, chunk in runs if not is_utf8)
    for codec, label in LEGACY_ENCODINGS:
        try:
            foreign.decode(codec)
        except UnicodeDecodeError:
            continue
        return "".join(chunk.decode("utf-8" if is_utf8 else codec) for is_utf8, chunk in runs), label
    return escaped_name(name), ""


def escaped_name(name: str) -> str:
    """A name with every byte that is not UTF-8 written ``\\xNN``: one text per name on disk."""
    return _name_bytes(name).decode("utf-8", "backslashreplace")


# Consoles that are not UTF-8 ------------------------------------------------------------------

CONSOLE_ERRORS = "tonghop-console"  # prefix of the codec error handlers ``console_errors`` registers
# Characters without a letter's decomposition, as ASCII consoles get them.
_NEAREST = {
    "đ": "d", "Đ": "D", "–": "-", "—": "-", "‒": "-", "−": "-", "›": ">", "‹": "<", "…": "...", "“": '"', "”": '"',
    "„": '"', "‘": "'", "’": "'", "→": "->", "←": "<-", "≤": "<=", "≥": ">=", "≠": "!=", "×": "x", "•": "*",
    "\u00a0": " ", REPLACEMENT: "?",
}  # fmt: skip


def _encodes(text: str, encoding: str) -> bool:
    try:
        codecs.encode(text, encoding)
    except UnicodeEncodeError:
        return False
    return True


def _composed(ch: str, encoding: str) -> str:
    """``ch`` with as many of its marks composed as ``encoding`` has letters for, the rest as
    combining marks: cp1258 writes ``ệ`` as ``ê`` and a combining dot below."""
    base, *marks = unicodedata.normalize("NFD", ch)
    rest = []
    for mark in marks:
        joined = unicodedata.normalize("NFC", base + mark)
        if len(joined) == 1 and _encodes(joined, encoding):
            base = joined
        else:
            rest.append(mark)
    return base + "".join(rest)


def _nearest(ch: str, encoding: str) -> str:
    """The nearest text to ``ch`` that ``encoding`` can write: its marks partly composed, a
    plain form, the letter without its marks, else ``?``."""
    bare = "".join(_NEAREST.get(c, c) for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
    for candidate in (_composed(ch, encoding), _NEAREST.get(ch), bare):
        if candidate is not None and _encodes(candidate, encoding):
            return candidate
    return "?"


def console_errors(encoding: str) -> str:
    """The name of a codec error handler that writes what ``encoding`` lacks the nearest way
    (registered on first use: a charmap codec such as cp1258 does not tell a handler its name)."""
    name = f"{CONSOLE_ERRORS}-{codecs.lookup(encoding).name}"
    if name not in _REGISTERED:

        def handler(err: UnicodeError) -> tuple[str, int]:
            if not isinstance(err, UnicodeEncodeError):
                raise err
            return "".join(_nearest(ch, encoding) for ch in err.object[err.start : err.end]), err.end

        codecs.register_error(name, handler)
        _REGISTERED.add(name)
    return name


_REGISTERED: set[str] = set()


def for_console(text: str, encoding: str | None) -> str:
    """``text`` as a console of ``encoding`` can print it: cp1258 keeps every Vietnamese letter
    (tones as combining marks), ASCII drops the marks (``Phường`` → ``Phuong``)."""
    try:
        return text.encode(encoding, console_errors(encoding)).decode(encoding) if encoding else text
    except LookupError:  # an encoding Python does not know: leave it to the stream
        return text


def console_streams() -> None:
    """Make ``sys.stdout`` and ``sys.stderr`` write what their encoding lacks the nearest way
    (``for_console``), so no text ever fails to print, whoever prints it."""
    for stream in (sys.stdout, sys.stderr):
        encoding = getattr(stream, "encoding", None)
        if encoding and hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(errors=console_errors(encoding))
            except (LookupError, ValueError, OSError):  # an unknown encoding; a closed or detached stream
                pass


# Text people typed: names, notes, file names ----------------------------------------------------

# What a person never means to show: control characters (C0 but tab and line breaks, DEL, C1),
# the bidirectional controls (U+202A–U+202E, U+2066–U+2069: a U+202E turns the rest of a line
# around), zero-width and other invisible format characters (U+200B–U+200F, U+2060–U+2064,
# U+FEFF, the soft hyphen, the Arabic and Mongolian marks, the tag characters).
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb\U000e0000-\U000e007f]"
)
_BREAKS = re.compile("\r\n?|[\u2028\u2029\x85]")  # every way of breaking a line, as one "\n"
_TO_CHANGE = re.compile(_INVISIBLE.pattern[:-1] + "\t\r\u2028\u2029\ud800-\udfff]")  # what ``visible_text`` changes


def visible_text(text: str, *, lines: bool = False) -> str:
    """``text`` a person typed (a unit's name, an office's note, a file name, a cell's text),
    as it may be shown and kept: NFC, every invisible and bidirectional control character
    removed, a tab as a space; line breaks kept as ``\\n`` with ``lines``, else spaces. A name
    that is not UTF-8 is read as ``shown_name`` reads it.
    """
    if not _TO_CHANGE.search(text) and (lines or "\n" not in text) and unicodedata.is_normalized("NFC", text):
        return text  # most texts: as they are
    if _SURROGATE.search(text):
        text = shown_name(text)[0]
    text = _INVISIBLE.sub("", _BREAKS.sub("\n", text).replace("\t", " "))
    return unicodedata.normalize("NFC", text if lines else text.replace("\n", " "))
