"""One CSV of a consolidation read back, whatever Excel did to it: encoding and separator
(``form.csvread``), figures as a region writes them (``form.csvnumbers``), unit codes without
their leading zeros; a fault is named by its file and line, never a traceback.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipeline.core.errors import Msg, PipelineError
from pipeline.form.csvnumbers import FigureError, decimal_mark, read_figure
from pipeline.form.csvread import read_table
from pipeline.form.model import Unit
from pipeline.form.units import code_key
from pipeline.outputs.csvfiles import unguard_text


@dataclass(frozen=True)
class Rounded:
    """A figure written in scientific notation with fewer digits than its whole part."""

    position: int  # the row of the frame
    column: str
    text: str  # as found in the file


@dataclass(frozen=True)
class OutputCsv:
    """A CSV read back: its rows as text (figures as plain numbers, blanks ``""``), the line of
    each row in the file, and the figures that may have been rounded."""

    path: Path
    frame: pd.DataFrame
    lines: tuple[int, ...]
    rounded: tuple[Rounded, ...] = ()

    @property
    def name(self) -> str:
        return self.path.name

    def where(self, position: int) -> str:
        return f"{self.name} › dòng {self.lines[position]}"


def read_output(path: Path, columns: Sequence[str], numeric: Sequence[str] = ()) -> OutputCsv:
    """Read ``path`` (a CSV ``write_frame`` wrote, maybe saved again by Excel).

    :param columns: the columns it must have; ``numeric``: its columns of figures.
    :raises PipelineError: unreadable (``CSV_00x``, ``REPORT_010``), a column missing
        (``REPORT_011``), a figure that is not one or reads two ways (``REPORT_012``, ``REPORT_013``).
    """
    try:
        table = read_table(path, where=str(path))
    except OSError as err:
        raise PipelineError(Msg.REPORT_010.render(where=str(path), reason=err.strerror or type(err).__name__)) from err
    header = list(dict.fromkeys(h for h in table.header if h))
    missing = [c for c in columns if c not in header]
    if missing:
        raise PipelineError(
            Msg.REPORT_011.render(
                where=f"{path} › dòng 1",
                missing=", ".join(missing),
                header=(table.separator or ", ").join(table.header),
                found=table.found(),
            )
        )
    at = {name: table.header.index(name) for name in header}
    rows = [[record[at[c]] if at[c] < len(record) else "" for c in header] for _, record in table.rows]
    frame = pd.DataFrame(rows, columns=header, dtype=str) if rows else pd.DataFrame(columns=header, dtype=str)
    frame = frame.apply(unguard_text) if len(frame) else frame
    read = OutputCsv(path, frame, tuple(line for line, _ in table.rows))
    rounded: list[Rounded] = []
    for column in (c for c in numeric if c in header):
        frame[column], found = _figures(read, column, table.dot_decimal)
        rounded += found
    return OutputCsv(path, frame, read.lines, tuple(rounded))


def _figures(read: OutputCsv, column: str, dot_decimal: bool) -> tuple[list[str], list[Rounded]]:
    texts = read.frame[column].tolist()
    decimal = decimal_mark(texts, dot_decimal)
    out, rounded = [], []
    for position, text in enumerate(texts):
        try:
            figure = read_figure(text, decimal)
        except FigureError as err:
            where = f"{read.path} › dòng {read.lines[position]}"
            if not err.readings:
                raise PipelineError(Msg.REPORT_012.render(where=where, value=text, column=column)) from None
            raise PipelineError(Msg.REPORT_013.render(where=where, value=text, column=column, **err.two_ways(text))) from None
        out.append(figure.text)
        if figure.rounded:
            rounded.append(Rounded(position, column, text))
    return out, rounded


def listed_codes(frame: pd.DataFrame, units: Sequence[Unit]) -> pd.DataFrame:
    """``frame`` with each ``unit_code`` as the unit list writes it, where Excel dropped its
    leading zeros (``3386`` for ``03386``)."""
    if "unit_code" not in frame.columns or not len(frame):
        return frame
    by_key = {code_key(u.code): u.code for u in units}
    known = {u.code for u in units}
    codes = frame["unit_code"].map(lambda code: code if code in known else by_key.get(code_key(code), code))
    return frame.assign(unit_code=codes)
