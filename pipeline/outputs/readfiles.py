"""One CSV of a consolidation read back, whatever Excel did to it: encoding and separator
(``form.csvread``), figures as a region writes them (``form.csvnumbers``), unit codes without
their leading zeros; a fault is named by its file and line, never a traceback.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.core.errors import Msg, PipelineError
from pipeline.form.csvnumbers import FigureError, decimal_mark, read_figure
from pipeline.form.csvread import Given, Table, decode, head, is_workbook, read_table
from pipeline.form.model import Unit
from pipeline.form.units import code_key
from pipeline.outputs.csvfiles import unguard_text

_PLAIN = r"|-?(?:0|[1-9]\d*)"  # blank, or a whole number as tonghop writes it
_PLAIN_DOT = _PLAIN + r"(?:\.\d*[1-9])?"  # or a decimal, where "." is surely the decimal mark


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


def read_output(path: Path, columns: Sequence[str], numeric: Sequence[str] = (), text_codes: frozenset[str] = frozenset()) -> OutputCsv:
    """Read ``path`` (a CSV ``write_frame`` wrote, maybe saved again by Excel).

    :param columns: the columns it must have; ``numeric``: its columns of figures, except on the
        rows whose ``code`` is one of ``text_codes`` (a text indicator's value stays as typed).
    :raises PipelineError: unreadable (``CSV_00x``, ``REPORT_010``), a column missing
        (``REPORT_011``), a figure that is not one or reads two ways (``REPORT_012``, ``REPORT_013``).
    """
    table, frame, lines = _frame(path)
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
    frame = frame[header]
    frame = frame.apply(unguard_text) if len(frame) else frame
    read = OutputCsv(path, frame, lines)
    rounded: list[Rounded] = []
    text_rows = frame["code"].isin(text_codes).to_numpy() if text_codes and "code" in header else None
    for column in (c for c in numeric if c in header):
        frame[column], found = _figures(read, column, table.dot_decimal, text_rows)
        rounded += found
    return OutputCsv(path, frame, read.lines, tuple(rounded))


def _frame(path: Path) -> tuple[Table, pd.DataFrame, tuple[int, ...]]:
    """The table of ``path`` (to say what was found), its rows as text, non-blank ones only, and
    the line of each. A CSV is parsed by pandas (a run's values.csv may hold 400,000 rows), one
    pandas refuses (a row longer than the header) and a workbook by ``read_table``."""
    where = str(path)
    try:
        data = path.read_bytes()
    except OSError as err:
        raise PipelineError(Msg.REPORT_010.render(where=where, reason=err.strerror or type(err).__name__)) from err
    if not is_workbook(data):
        text, encoding = decode(data, where)
        table = head(text, encoding, where)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", pd.errors.ParserWarning)  # a row longer than the header
                frame = pd.read_csv(
                    io.StringIO(text), sep=table.separator, dtype=str, keep_default_na=False, skip_blank_lines=False, index_col=False
                )
        except (pd.errors.ParserError, pd.errors.ParserWarning, ValueError):
            pass
        else:
            frame.columns = [str(c).strip() for c in frame.columns]
            kept = frame.ne("").any(axis=1)  # a blank row: an empty line, or Excel's ";;;"
            frame = frame[kept].reset_index(drop=True)
            return table, frame, tuple(int(i) + 2 for i in np.flatnonzero(kept.to_numpy()))
    table = read_table(Given(path.name, data), where=where)
    at = {name: table.header.index(name) for name in dict.fromkeys(table.header)}
    rows = [[record[at[c]] if at[c] < len(record) else "" for c in at] for _, record in table.rows]
    frame = pd.DataFrame(rows, columns=list(at), dtype=str) if rows else pd.DataFrame(columns=list(at), dtype=str)
    return table, frame, tuple(line for line, _ in table.rows)


def _figures(read: OutputCsv, column: str, dot_decimal: bool, text_rows: np.ndarray | None = None) -> tuple[list[str], list[Rounded]]:
    """The figures of ``column`` as plain text, and those that may have been rounded; the rows of
    ``text_rows`` (text indicators) are left as they are."""
    texts = read.frame[column]
    # Figures as tonghop writes them need no reading (most of a large values.csv).
    plain = texts.str.fullmatch(_PLAIN_DOT if dot_decimal else _PLAIN).to_numpy(dtype=bool)
    if text_rows is not None:
        plain = plain | text_rows
    out, rounded = texts.tolist(), []
    others = [(position, out[position]) for position in np.flatnonzero(~plain)]
    decimal = decimal_mark((text for _, text in others), dot_decimal)
    for position, text in others:
        try:
            figure = read_figure(text, decimal)
        except FigureError as err:
            where = f"{read.path} › dòng {read.lines[position]}"
            if not err.readings:
                raise PipelineError(Msg.REPORT_012.render(where=where, value=text, column=column)) from None
            raise PipelineError(Msg.REPORT_013.render(where=where, value=text, column=column, **err.two_ways(text))) from None
        out[position] = figure.text
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
