"""Write CSV files the way Excel writes them on a Vietnamese Windows (made in the test).

- "CSV (Comma delimited)": the ANSI code page, Windows-1258, separated by the region's list
  separator (``;`` on a Vietnamese Windows, whose decimal mark is ``,``), CRLF line ends.
  Windows converts text to Windows-1258 with composite characters: a letter the code page
  lacks precomposed (``ờ``, ``ạ``) is written as a base letter it has (``ơ``, ``a``) and a
  combining tone mark (U+0300, U+0301, U+0303, U+0309, U+0323 are in the code page).
- "CSV UTF-8 (Comma delimited)": UTF-8 with a BOM, the same separator, CRLF.
- "Unicode Text": UTF-16LE with a BOM, tab-separated, CRLF.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


def cp1258(text: str) -> bytes:
    """``text`` in Windows-1258 as Windows writes it: precomposed where the code page has the
    letter, else the letter without its tone mark followed by the combining mark."""
    out = bytearray()
    for char in unicodedata.normalize("NFC", text):
        try:
            out += char.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(p for p in parts if p not in TONE_MARKS))
        out += base.encode("cp1258") + "".join(p for p in parts if p in TONE_MARKS).encode("cp1258")
    return bytes(out)


def _quoted(cell: str, sep: str) -> str:
    if any(ch in cell for ch in (sep, '"', "\n", "\r")):
        return '"' + cell.replace('"', '""') + '"'
    return cell


def excel_text(rows: list[list[str]], sep: str) -> str:
    """The rows as Excel joins them: ``sep`` between cells, quotes where needed, CRLF after each."""
    return "".join(sep.join(_quoted(str(c), sep) for c in row) + "\r\n" for row in rows)


def excel_csv(path: Path, rows: list[list[str]], kind: str) -> Path:
    """Write ``rows`` to ``path`` as Excel's ``kind`` does: ``ansi`` (Windows-1258, ``;``),
    ``utf8`` (UTF-8 with a BOM, ``;``), ``unicode`` (UTF-16LE with a BOM, tabs), ``utf16be``
    (UTF-16BE with a BOM, tabs), ``utf16-nobom`` (UTF-16LE without a BOM, tabs)."""
    if kind == "ansi":
        data = cp1258(excel_text(rows, ";"))
    elif kind == "utf8":
        data = excel_text(rows, ";").encode("utf-8-sig")
    elif kind == "unicode":
        data = b"\xff\xfe" + excel_text(rows, "\t").encode("utf-16-le")
    elif kind == "utf16be":
        data = b"\xfe\xff" + excel_text(rows, "\t").encode("utf-16-be")
    elif kind == "utf16-nobom":
        data = excel_text(rows, "\t").encode("utf-16-le")
    else:
        raise ValueError(kind)
    path.write_bytes(data)
    return path


EXCEL_KINDS = ("ansi", "utf8", "unicode", "utf16be", "utf16-nobom")
