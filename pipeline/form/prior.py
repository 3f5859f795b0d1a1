"""Figures of the prior period, shown next to this year's inputs and used for outlier checks.

Three CSV shapes are accepted (as Excel saves a CSV, or a workbook: ``csvread``), recognised
by their header:

* a previous run's ``totals.csv``: ``code,level,value``;
* a hand-made file of prior-year figures: ``code,level,period,value[,source]``;
* a previous run's ``values.csv``: ``unit_code,code,value,file,sheet,cell`` (one value per unit).

A previous run's output folder itself is read too: its ``totals.csv`` (per level) and
``values.csv`` (per unit) together, and its period from ``run.json``. A ``totals.csv`` or
``values.csv`` that still sits beside its run's ``run.json`` takes its period from there.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.core.constants import RUN_JSON, TOTALS_COLUMNS, TOTALS_CSV, VALUES_COLUMNS, VALUES_CSV
from pipeline.core.errors import FormDefinitionError, Msg, PipelineError
from pipeline.form.csvnumbers import FigureError, decimal_mark, read_figure
from pipeline.form.csvrows import CSV_ERRORS, Row, read_csv_rows
from pipeline.form.period import Period

SHAPE_TOTALS = "totals"
SHAPE_PRIOR = "prior"
SHAPE_VALUES = "values"
# Header columns that identify each shape, most specific first.
SHAPES = (
    (SHAPE_VALUES, ("unit_code", "code", "value")),
    (SHAPE_PRIOR, ("code", "level", "period", "value")),
    (SHAPE_TOTALS, ("code", "level", "value")),
)
_EXPECTED = " | ".join((",".join(VALUES_COLUMNS), "code,level,period,value[,source]", ",".join(TOTALS_COLUMNS)))


@dataclass
class PriorData:
    """Prior-period figures by level (totals) and by unit (returns)."""

    period: str | None = None
    by_level: dict[tuple[str, str], float] = field(default_factory=dict)  # (code, level) -> value
    by_unit: dict[tuple[str, str], float] = field(default_factory=dict)  # (unit_code, code) -> value
    source: str = ""  # the file or folder read, as given

    def unit_value(self, unit_code: str, code: str) -> float | None:
        """The prior value a unit reported for ``code``, or ``None``."""
        return self.by_unit.get((unit_code, code))


def _shape(header: list[str], where: str) -> str:
    for shape, columns in SHAPES:
        if all(column in header for column in columns):
            return shape
    raise FormDefinitionError(Msg.PRIOR_001, where=where, header=",".join(header), expected=_EXPECTED)


def _read_rows(path: Path) -> tuple[str, list[Row], str]:
    """The shape of the file, its non-blank rows as (line number, row), and the decimal mark of
    its figures (``csvnumbers.decimal_mark``: ``.`` for a previous run's CSV as tonghop wrote it)."""
    try:
        header, rows, table = read_csv_rows(path, lower=True, columns=SHAPES[-1][1])
    except CSV_ERRORS as err:
        raise FormDefinitionError(Msg.PRIOR_004, where=str(path), reason=str(err)) from err
    shape = _shape(header, f"{path.name} › dòng 1")
    mark = decimal_mark((row.get("value", "") for _, row in rows), not table.separator or (table.as_written and shape != SHAPE_PRIOR))
    return shape, rows, mark


def _figure(text: str, mark: str, where: str, code: str) -> float:
    """A prior figure: ``1250000``, ``1.250.000``, ``1,5``, ``8,63E+08`` (``csvnumbers``)."""
    try:
        figure = read_figure(text, mark)
    except FigureError as err:
        if not err.readings:
            raise FormDefinitionError(Msg.PRIOR_002, where=where, value=text, code=code) from None
        raise FormDefinitionError(Msg.CSV_010, where=where, value=text, column="value", **err.two_ways(text)) from None
    value = float(figure.text)
    if not math.isfinite(value):  # 1e400: no figure
        raise FormDefinitionError(Msg.PRIOR_002, where=where, value=text, code=code)
    return value


def _put(target: dict, key: tuple[str, str], value: float, first: dict, where: str, code: str, line: int) -> None:
    if key in first:
        raise FormDefinitionError(Msg.PRIOR_003, where=where, code=code, key=" / ".join(key), first_row=first[key])
    first[key] = line
    target[key] = value


def load_prior(path: str | Path) -> PriorData:
    """Load prior-period figures from a previous run's output folder or one of the three CSV shapes.

    :param path: a previous run's output folder (``output/2023/``), its ``totals.csv`` or
        ``values.csv``, or a ``code,level,period,value`` file.
    :raises FormDefinitionError: naming the file and line of the first fault, or the files a
        folder lacks (``PRIOR_007``).
    """
    path = Path(path)
    data = _load_folder(path) if path.is_dir() else _load_file(path)
    data.source = str(path)
    return data


def _load_folder(folder: Path) -> PriorData:
    """A previous run's ``totals.csv`` and ``values.csv`` together, its period from ``run.json``."""
    missing = [name for name in (TOTALS_CSV, VALUES_CSV) if not (folder / name).is_file()]
    if missing:
        raise FormDefinitionError(Msg.PRIOR_007, where=str(folder), missing=", ".join(missing))
    totals, values = _load_file(folder / TOTALS_CSV), _load_file(folder / VALUES_CSV)
    return PriorData(totals.period or values.period, {**values.by_level, **totals.by_level}, {**totals.by_unit, **values.by_unit})


def run_period(folder: Path) -> str | None:
    """The period recorded in a previous run's ``run.json`` in ``folder``; None when there is none."""
    try:
        run = json.loads((folder / RUN_JSON).read_text(encoding="utf-8"))
        return Period.parse(run["period"]).code
    except (OSError, ValueError, KeyError, TypeError, PipelineError):
        return None


def _load_file(file: Path) -> PriorData:
    shape, rows, mark = _read_rows(file)
    data = PriorData()
    first: dict[tuple[str, str], int] = {}
    periods: dict[str, None] = {}
    for line, row in rows:
        where = f"{file.name} › dòng {line}"
        keys = ("unit_code", "code") if shape == SHAPE_VALUES else ("code", "level")
        for column in keys:
            if not row.get(column):
                raise FormDefinitionError(Msg.PRIOR_006, where=where, column=column)
        if not row.get("value"):
            continue
        value = _figure(row["value"], mark, where, row["code"])
        if shape == SHAPE_VALUES:
            _put(data.by_unit, (row["unit_code"], row["code"]), value, first, where, row["code"], line)
        else:
            _put(data.by_level, (row["code"], row["level"]), value, first, where, row["code"], line)
        if row.get("period"):
            periods.setdefault(row["period"], None)
    if len(periods) > 1:
        raise FormDefinitionError(Msg.PRIOR_005, where=file.name, periods=", ".join(periods))
    data.period = next(iter(periods), None)
    if data.period is None and shape != SHAPE_PRIOR:  # a previous run's CSV, maybe still beside its run.json
        data.period = run_period(file.parent)
    return data


def period_mismatch(prior: PriorData, period: Period | None) -> dict[str, str] | None:
    """The fields of ``PRIOR_008`` when ``prior`` holds figures of a known period other than the
    one a year before ``period`` (2024 compared with 2022, 2024-H1 with the year 2023); else None."""
    if period is None or not prior.period:
        return None
    try:
        before = Period.parse(prior.period)
    except PipelineError:
        return None
    if before.code == period.prior.code:
        return None
    return {"where": prior.source or "--prior", "prior_period": before.label, "expected": period.prior.label, "period": period.label}
