"""What a consolidation folder read back must agree with, since a hand or Excel may have
changed its CSVs: ``all`` is the sum of the levels, ``totals.csv`` the sum of the units' figures
in ``values.csv``, and no figure was rounded to scientific notation. Each disagreement is a
warning naming the row and both figures (listed on the terminal and in the appendix's "Số liệu
cần xác minh"). Figures are compared exactly, as decimals of the text the files hold.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from pipeline.core.constants import LEVEL_ALL, TYPE_TEXT, Severity
from pipeline.core.errors import Msg
from pipeline.core.findings import Problem, problem
from pipeline.core.vnformat import format_number
from pipeline.form.model import FormDefinition, Unit
from pipeline.outputs.readfiles import OutputCsv

_TOLERANCE = Decimal("1e-9")  # relative, for sums of decimals written as floats


def _shown(number: Decimal) -> str:
    return format_number(int(number)) if number == number.to_integral_value() else format_number(float(number))


def _differ(a: Decimal, b: Decimal) -> bool:
    if a == a.to_integral_value() and b == b.to_integral_value():
        return a != b
    return abs(a - b) > _TOLERANCE * max(abs(a), abs(b), Decimal(1))


def _label(form: FormDefinition, code: str) -> str:
    return form.indicators[code].display_label if code in form.indicators else code


def check_read_back(form: FormDefinition, units: Sequence[Unit], totals: OutputCsv, values: OutputCsv) -> list[Problem]:
    """The warnings on figures read back: rounded (``REPORT_017``), ``all`` against the levels
    (``REPORT_015``), ``totals.csv`` against ``values.csv`` (``REPORT_016``)."""
    found = _rounded(form, units, totals, values)
    table = {}  # (code, level) -> (position, figure)
    for position, (code, level, text) in enumerate(zip(totals.frame["code"], totals.frame["level"], totals.frame["value"], strict=True)):
        if text:
            table[(code, level)] = (position, Decimal(text))
    found += _levels(form, totals, table)
    sums = _value_sums(form, units, values)
    for (code, level), (position, total) in table.items():
        summed = sums.get((code, level), Decimal(0))
        if _differ(total, summed):
            found.append(
                problem(
                    Msg.REPORT_016, Severity.WARNING, where=totals.where(position), file=totals.name, row=totals.lines[position],
                    code=code, label=_label(form, code), level_label=form.level_label(level), total=_shown(total),
                    values_sum=_shown(summed), difference=_shown(abs(total - summed)),
                )
            )  # fmt: skip
    return found


def _levels(form: FormDefinition, totals: OutputCsv, table: dict) -> list[Problem]:
    found = []
    for (code, level), (position, total) in table.items():
        if level != LEVEL_ALL:
            continue
        parts = [figure for (c, lv), (_, figure) in table.items() if c == code and lv != LEVEL_ALL]
        if parts and _differ(total, sum(parts, Decimal(0))):
            levels_sum = sum(parts, Decimal(0))
            found.append(
                problem(
                    Msg.REPORT_015, Severity.WARNING, where=totals.where(position), file=totals.name, row=totals.lines[position],
                    code=code, label=_label(form, code), total=_shown(total), levels_sum=_shown(levels_sum),
                    difference=_shown(abs(total - levels_sum)),
                )
            )  # fmt: skip
    return found


def _value_sums(form: FormDefinition, units: Sequence[Unit], values: OutputCsv) -> dict[tuple[str, str], Decimal]:
    """The units' figures summed by indicator and the unit's level, and over all levels (a text
    indicator's values are words, never summed)."""
    level_of = {u.code: u.level for u in units}
    texts = {code for code, ind in form.indicators.items() if ind.type == TYPE_TEXT}
    sums: dict[tuple[str, str], Decimal] = {}
    for unit_code, code, text in zip(values.frame["unit_code"], values.frame["code"], values.frame["value"], strict=True):
        if not text or code in texts:
            continue
        for level in (level_of.get(unit_code), LEVEL_ALL):
            if level:
                sums[(code, level)] = sums.get((code, level), Decimal(0)) + Decimal(text)
    return sums


def _rounded(form: FormDefinition, units: Sequence[Unit], totals: OutputCsv, values: OutputCsv) -> list[Problem]:
    names = {u.code: u.name for u in units}
    found = []
    for read in (totals, values):
        for item in read.rounded:
            row = read.frame.iloc[item.position]
            if read is totals:
                what = f"{_label(form, row['code'])} – {form.level_label(row['level'])}"
            else:
                what = f"{names.get(row['unit_code'], row['unit_code'])} – {_label(form, row['code'])}"
            value = format_number(int(Decimal(row[item.column])))
            found.append(
                problem(
                    Msg.REPORT_017, Severity.WARNING, where=read.where(item.position), file=read.name,
                    row=read.lines[item.position], code=row["code"], text=item.text, what=what, value=value,
                )
            )  # fmt: skip
    return found
