"""Edits of a workbook's XML parts, made on the bytes: a cell's content, a custom document
property, the saved time. Everything else of the part (styles, validations, protection,
merged ranges, formulas) stays byte for byte as the template's author wrote it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import datetime, timezone

from pipeline.templates.stamp import escape_text

# A cell: its attributes, then nothing (``/>``) or its content up to ``</c>``.
_CELL = re.compile(rb"<c\s([^>]*?\br=\"([A-Z]{1,3}[0-9]{1,7})\"[^>]*?)(?:/>|>(.*?)</c>)", re.S)
_TYPE_ATTR = re.compile(rb"\s*\bt=\"[^\"]*\"")
_FORMULA = re.compile(rb"<f\b[^>]*?(?:/>|>.*?</f>)", re.S)
_PROPERTY = re.compile(rb"<property\b[^>]*\bname=\"([^\"]*)\"[^>]*>.*?</property>", re.S)
_PID = re.compile(rb"\bpid=\"(\d+)\"")
_MODIFIED = re.compile(rb"(<dcterms:modified\b[^>]*>)[^<]*(</dcterms:modified>)")
PROPERTY_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"  # the one format id of user-defined properties

CellContent = int | float | str | None  # a number, a text, or None for a blank cell


def formula_cells(xml: bytes) -> frozenset[str]:
    """The cells of a sheet that hold a formula (the live checks of a template)."""
    return frozenset(m.group(2).decode() for m in _CELL.finditer(xml) if m.group(3) and b"<f" in m.group(3))


def clear_results(xml: bytes) -> bytes:
    """The sheet ``xml`` with the saved result of every formula cleared (``<v></v>``, as XlsxWriter
    writes a formula it did not compute): LibreOffice, which keeps saved results on load,
    then computes them afresh from the values filled in; Excel recalculates on load anyway."""

    def clear(match: re.Match) -> bytes:
        body = match.group(3)
        if not body or b"<f" not in body:
            return match.group(0)
        formula = _FORMULA.search(body)
        attrs = _TYPE_ATTR.sub(b"", match.group(1))
        return b"<c " + attrs + b">" + (formula.group(0) if formula else b"") + b"<v></v></c>"

    return _CELL.sub(clear, xml)


def number_text(value: int | float) -> str:
    """A number as a cell's ``<v>`` holds it: whole numbers without ``.0``, others in the
    shortest form that reads back exactly."""
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"not a finite number: {value}")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value) if isinstance(value, int) else repr(float(value))


def _cell_xml(attrs: bytes, content: CellContent) -> bytes:
    """One ``<c>`` element with the cell's own attributes (its style) and new content."""
    attrs = _TYPE_ATTR.sub(b"", attrs).rstrip(b"/ ")
    if content is None:
        return b"<c " + attrs + b"/>"
    if isinstance(content, str):
        text = escape_text(content).encode("utf-8")
        return b"<c " + attrs + b' t="inlineStr"><is><t xml:space="preserve">' + text + b"</t></is></c>"
    return b"<c " + attrs + b"><v>" + number_text(content).encode("ascii") + b"</v></c>"


def set_cells(xml: bytes, contents: Mapping[str, CellContent]) -> bytes:
    """The sheet ``xml`` with each cell of ``contents`` (A1 reference) holding its new content,
    keeping the cell's style; a number is stored as a number, a text inline.

    :raises KeyError: a cell the sheet does not hold (the template always writes its input cells).
    """
    left = dict(contents)

    def replace(match: re.Match) -> bytes:
        ref = match.group(2).decode()
        if ref not in left:
            return match.group(0)
        return _cell_xml(match.group(1), left.pop(ref))

    out = _CELL.sub(replace, xml)
    if left:
        raise KeyError(", ".join(sorted(left)))
    return out


def set_custom_property(xml: bytes, name: str, value: str) -> bytes:
    """docProps/custom.xml with the text property ``name`` set to ``value`` (added after the others)."""
    kept = _PROPERTY.sub(lambda m: b"" if m.group(1).decode("utf-8") == name else m.group(0), xml)
    pid = max((int(p) for p in _PID.findall(kept)), default=1) + 1
    prop = (
        f'<property fmtid="{PROPERTY_FMTID}" pid="{pid}" name="{escape_text(name)}"><vt:lpwstr>{escape_text(value)}</vt:lpwstr></property>'
    ).encode()
    return kept.replace(b"</Properties>", prop + b"</Properties>", 1)


def set_modified(xml: bytes, when: datetime) -> bytes:
    """docProps/core.xml saying the workbook was last saved at ``when`` (as any save does)."""
    stamp = when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ").encode("ascii")
    return _MODIFIED.sub(lambda m: m.group(1) + stamp + m.group(2), xml, count=1)
