"""The prior-period column of a stamped template, filled on the data sheet's bytes.

With ``--prior`` every template differs: each shows its unit's figures of the prior period.
``batch`` builds each level's workbook once with that column blank (its cells styled, as a unit
without prior figures gets them), stamps every unit's copy from it and writes the unit's figures
into their cells here, as XlsxWriter writes a number (``<c r="F12" s="18"><v>2440</v></c>``,
the value as ``{:.16G}``): the data sheet is then, byte for byte, the one a direct build
writes. Everything else of the sheet (styles, validations, formulas, protection) is untouched.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

from pipeline.templates.zipparts import StampError

_BLANK_CELL = re.compile(rb'<c r="([A-Z]{1,3}[0-9]{1,7})"((?: s="[0-9]+")?)/>')  # as XlsxWriter writes a styled blank


def number_text(value: float) -> bytes:
    """A number as XlsxWriter writes it in a cell's ``<v>``.

    :raises StampError: not a finite number (XlsxWriter would not write it as one).
    """
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise StampError(f"not a finite number: {value!r}")
    return f"{value:.16G}".encode("ascii")


def fill_numbers(xml: bytes, numbers: Mapping[str, float]) -> bytes:
    """The sheet ``xml`` with each blank cell of ``numbers`` (A1 reference -> value) holding its
    number, the cell's style kept.

    :raises StampError: a cell of ``numbers`` is not a blank cell of ``xml``, or a value is not a finite number.
    """
    if not numbers:
        return xml
    texts = {ref.encode("ascii"): number_text(value) for ref, value in numbers.items()}
    found = 0

    def fill(match: re.Match) -> bytes:
        nonlocal found
        text = texts.get(match.group(1))
        if text is None:
            return match.group(0)
        found += 1
        return b'<c r="' + match.group(1) + b'"' + match.group(2) + b"><v>" + text + b"</v></c>"

    out = _BLANK_CELL.sub(fill, xml)
    if found != len(texts):
        raise StampError("a prior value's cell is not a blank cell of the data sheet")
    return out
