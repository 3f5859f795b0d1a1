"""Cell and row checks of one return: who it is from, and whether each value is usable.

Every problem becomes a ``Problem`` with its place; nothing is raised. What a return is judged
against (form, unit list, period) is ``context.Context``; rule checks (relations between
indicators) live in ``reconcile.py``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from pipeline.core.constants import (
    META_FINGERPRINT,
    META_FORM_ID,
    META_FORM_VERSION,
    META_PERIOD,
    META_UNIT_CODE,
    META_UNIT_LEVEL,
    META_UNIT_NAME,
    TYPE_TEXT,
    WHOLE_TYPES,
    Severity,
)
from pipeline.core.errors import Msg
from pipeline.core.findings import Problem, problem
from pipeline.core.vnformat import format_number, format_typed
from pipeline.form.model import FormDefinition, Indicator, Unit
from pipeline.form.period import period_code, period_label
from pipeline.ingest.extract import RawReturn, RawValue
from pipeline.ingest.legacy_text import fix_legacy
from pipeline.ingest.recognise import recognise
from pipeline.ingest.values import Kind, ParsedValue, parse_value
from pipeline.validate.context import Context
from pipeline.validate.identity import identity_doubts

EMPTY_HEADER = "trống"  # how a header cell left blank is shown in a message


class Value(NamedTuple):
    """A usable value of a return and its place (a tuple: cheap to send between processes)."""

    code: str
    value: object
    sheet: str
    cell: str


@dataclass(frozen=True)
class FileOutcome:
    """What reading and checking one file gave: the unit it is from (``None`` when it cannot be
    used), its metadata (the file's own or recognised from its content), its usable values and
    every finding on it. A file that could not be read at all has only its finding."""

    file: str
    unit: Unit | None = None
    meta: Mapping[str, str] = field(default_factory=dict)
    values: tuple[Value, ...] = ()
    problems: tuple[Problem, ...] = ()
    modified: datetime | None = None  # the saved time (inside the file, else the file's own time)
    file_mtime: float = 0.0  # the file's modification time, when saved times tie
    readable: bool = True  # False: the file could not be read as a workbook at all
    identity_doubted: bool = False  # it names two units (heading or properties): never supersedes a consistent return
    rejected: tuple[Value, ...] = ()  # cells with something typed that could not be used (their value: as typed)
    forwarded: str = ""  # the provenance note of a consolidation forwarded with ``tonghop forward``

    @property
    def accepted(self) -> bool:
        """Recognised as a return of a known unit for this form (its values may still have errors)."""
        return self.unit is not None

    @property
    def period(self) -> str:
        return self.meta.get(META_PERIOD, "")


def identify(raw: RawReturn, ctx: Context, severity: str = Severity.WARNING) -> tuple[Unit | None, list[Problem]]:
    """The unit a return is for, or None with the finding that says why it is rejected."""
    meta, recognised = return_metadata(raw, ctx)
    unit, found = _judge(raw, meta, recognised, ctx, severity)
    return unit, found + identity_doubts(raw, unit, ctx.folded_names)


def return_metadata(raw: RawReturn, ctx: Context) -> tuple[dict[str, str], list[Problem]]:
    """The return's metadata: the file's own, else recognised from its content (with a warning)."""
    if raw.meta or not (raw.tables and ctx.units):
        return raw.meta, []
    meta = recognise(raw, ctx.form, list(ctx.units.values()), ctx.period) or {}
    if not meta:
        return {}, []
    return meta, [problem(Msg.META_009, Severity.WARNING, file=raw.file, period_label=period_label(meta.get(META_PERIOD)), **meta)]


def _judge(
    raw: RawReturn, meta: dict[str, str], recognised: list[Problem], ctx: Context, severity: str
) -> tuple[Unit | None, list[Problem]]:
    """Whether ``meta`` names this form, version and period, and a known unit."""
    form, file = ctx.form, raw.file
    if not meta:
        return None, [problem(Msg.META_001, severity, file=file)]
    code, name = meta.get(META_UNIT_CODE, ""), meta.get(META_UNIT_NAME, "")
    expected_title = ctx.form_for(ctx.period or meta.get(META_PERIOD)).title_for()
    if meta.get(META_FORM_ID) != form.id:
        return None, [
            problem(
                Msg.META_002,
                severity,
                file=file,
                unit_code=code,
                found=meta.get(META_FORM_ID),
                expected=form.id,
                expected_title=expected_title,
            )
        ]
    if meta.get(META_FORM_VERSION) != form.version:
        return None, [problem(Msg.META_003, severity, file=file, unit_code=code, found=meta.get(META_FORM_VERSION), expected=form.version)]
    if ctx.period and period_code(meta.get(META_PERIOD)) != ctx.period:
        found_label, expected = period_label(meta.get(META_PERIOD)), period_label(ctx.period)
        found_code = meta.get(META_PERIOD)  # the note: which period the file is for
        return None, [problem(Msg.META_004, severity, file=file, unit_code=code, found=found_label, expected=expected, note=found_code)]
    found: list[Problem] = recognised
    if ctx.units is not None:
        unit = ctx.unit_for(code, meta.get(META_UNIT_LEVEL, ""))
        if unit is None:
            return None, [problem(Msg.META_005, severity, file=file, unit_code=code, unit_name=name)]
        if meta.get(META_UNIT_LEVEL) and meta.get(META_UNIT_LEVEL) != unit.level:
            found.append(
                problem(Msg.META_007, Severity.WARNING, file=file, unit_code=code, found=meta.get(META_UNIT_LEVEL), expected=unit.level)
            )
    else:
        level = meta.get(META_UNIT_LEVEL, "")
        if level not in form.levels:
            return None, [problem(Msg.META_005, severity, file=file, unit_code=code, unit_name=name)]
        unit = Unit(code, name, level)
    if meta.get(META_FINGERPRINT) and meta.get(META_FINGERPRINT) != form.fingerprint:
        found.append(
            problem(Msg.META_006, Severity.INFO, file=file, unit_code=code, found=meta.get(META_FINGERPRINT), expected=form.fingerprint)
        )
    if not raw.tables:
        return None, [*found, _no_table(raw, severity, code)]
    return unit, found


def _no_table(raw: RawReturn, severity: str, code: str) -> Problem:
    """No table to read: at the cell where ``Số liệu`` was expected when the codes were found."""
    missing = raw.no_value_column
    if missing is None:
        return problem(Msg.META_008, severity, file=raw.file, unit_code=code)
    place = {"file": raw.file, "sheet": raw.no_value_sheet, "cell": missing.cell, "row": missing.header + 1}
    return problem(Msg.META_021, severity, unit_code=code, found=missing.found or EMPTY_HEADER, code_column=missing.code_column, **place)


def shown(raw: object) -> str:
    """A cell's content as the officer sees it: numbers the Vietnamese way with every digit
    Excel shows, dates as 15/11/2023, text as typed."""
    return format_typed(raw)


def _loc(item: RawValue, file: str, unit: Unit, form: FormDefinition | None = None) -> dict:
    """Where a value is, and the indicator's label for the message (``form`` given)."""
    ind = form.indicators.get(item.code) if form is not None else None
    loc = {"file": file, "sheet": item.sheet, "cell": item.cell, "row": item.row, "code": item.code, "unit_code": unit.code}
    return {**loc, "label": ind.display_label if ind is not None else item.code} if form is not None else loc


def _bounds_text(ind: Indicator) -> str:
    low, high = ind.bounds
    return f"{format_number(low)} – {format_number(high) if high is not None else '…'}"


def check_value(item: RawValue, ind: Indicator, file: str, unit: Unit) -> tuple[object, list[Problem]]:
    """The usable value of one cell (None when blank or unusable) and its findings."""
    raw = item.raw
    if type(raw) is float and raw >= 0 and ind.type in WHOLE_TYPES and raw.is_integer() and _within(raw, ind):  # the usual cell
        return int(raw), []
    loc = {**_loc(item, file, unit), "label": ind.display_label}
    if item.formula_without_value:
        return None, [problem(Msg.VALUE_007, Severity.ERROR, **loc)]
    found: list[Problem] = []
    if isinstance(raw, str):
        fixed, encoding = fix_legacy(raw, item.font)
        if encoding:
            found.append(problem(Msg.VALUE_014, Severity.INFO, value=raw, converted=fixed, encoding=encoding.upper(), **loc))
            raw = fixed
    parsed = _parse_with_unit(raw, ind)
    typed = shown(raw)
    if parsed.kind == Kind.BLANK:
        for stray_cell, stray in item.stray:
            if parse_value(stray, ind.type).kind in (Kind.NUMBER, Kind.INTERPRETED):
                return None, [problem(Msg.VALUE_013, Severity.ERROR, value=shown(stray), stray_cell=stray_cell, **loc)]
        found += [problem(Msg.VALUE_001, Severity.ERROR, **loc)] if ind.required else []
        return None, found
    if parsed.kind == Kind.ERROR:
        return None, [*found, _refused(parsed, typed, ind, loc)]
    if parsed.kind == Kind.INTERPRETED:
        found.append(problem(Msg.VALUE_006, Severity.INFO, value=typed, number=format_number(parsed.value), how=parsed.how, **loc))
    if ind.type != TYPE_TEXT and isinstance(parsed.value, (int, float)):
        low, high = ind.bounds
        if parsed.value < low or (high is not None and parsed.value > high):
            found.append(problem(Msg.VALUE_005, Severity.ERROR, value=format_number(parsed.value), bounds=_bounds_text(ind), **loc))
            return None, found
    return parsed.value, found


def _refused(parsed: ParsedValue, typed: str, ind: Indicator, loc: dict) -> Problem:
    """The finding on a value that is not used: an error, except money wording on a count (a
    warning: the text is readable, but probably money typed in the count's row)."""
    if parsed.msg is Msg.VALUE_020:
        number = format_number(parsed.reading)
        return problem(Msg.VALUE_020, Severity.WARNING, value=typed, unit=ind.unit, suffix=parsed.reason, number=number, **loc)
    msg = parsed.msg or Msg.VALUE_002
    return problem(msg, Severity.ERROR, value=typed, unit=ind.unit, reason=parsed.reason, **loc)


def _parse_with_unit(raw: object, ind: Indicator) -> ParsedValue:
    """``parse_value``, also reading a figure followed by the indicator's own unit ("23 đơn")."""
    parsed = parse_value(raw, ind.type)
    unit = " ".join(ind.unit.split()).casefold()
    if parsed.kind != Kind.ERROR or not isinstance(raw, str) or not unit or ind.type == TYPE_TEXT:
        return parsed
    text = " ".join(unicodedata.normalize("NFC", raw).split())
    head = text[: len(text) - len(unit)].rstrip() if text.casefold().endswith(unit) else ""
    if not head or not head[-1].isdigit():
        return parsed
    bare = parse_value(head, ind.type)
    if bare.kind not in (Kind.NUMBER, Kind.INTERPRETED):
        return parsed
    how = "; ".join(filter(None, [bare.how, f"bỏ đơn vị tính '{ind.unit}'"]))
    return ParsedValue(bare.value, Kind.INTERPRETED, how)


def _within(value: float, ind: Indicator) -> bool:
    low, high = ind.bounds
    return low <= value and (high is None or value <= high) and abs(value) < 2**53


_MONEY_ON_COUNT = Msg.VALUE_020.slug


def rejected_value(item: RawValue, issues: list[Problem]) -> Value | None:
    """The cell of a value refused (an error on it other than a blank required cell, or money
    words on a count, a warning that leaves the figure out), its value as typed: the rules it is an
    operand of are not evaluated (``reconcile``), never counted as 0."""
    if not any((p.severity == Severity.ERROR and p.type != Msg.VALUE_001.slug) or p.type == _MONEY_ON_COUNT for p in issues):
        return None
    if _blank(item.raw) and item.stray:  # a figure typed beside its cell: that cell is the one to name
        cell, typed = item.stray[0]
        return Value(item.code, shown(typed), item.sheet, cell)
    return Value(item.code, shown(item.raw), item.sheet, item.cell)


def check_cells(raw: RawReturn, unit: Unit, form: FormDefinition) -> tuple[list[Value], list[Problem], list[Value]]:
    """Parse every coded value of a recognised return; report missing, duplicate and stray codes;
    and the cells refused (``rejected_value``)."""
    expected = {ind.code for ind in form.indicators_for(unit.level)}
    level_label = form.level_label(unit.level).lower()
    values: list[Value] = []
    found: list[Problem] = []
    rejected: list[Value] = []
    first: dict[str, RawValue] = {}
    for item in raw.values:
        if item.code in first:
            found.append(problem(Msg.VALUE_009, Severity.ERROR, first=first[item.code].cell, **_loc(item, raw.file, unit, form)))
            continue
        first[item.code] = item
        if item.code not in expected:
            if item.raw not in (None, "") and str(item.raw).strip():
                loc = _loc(item, raw.file, unit, form)
                found.append(problem(Msg.VALUE_011, Severity.WARNING, value=shown(item.raw), level_name=level_label, **loc))
            continue
        value, issues = check_value(item, form.indicators[item.code], raw.file, unit)
        found.extend(issues)
        if value is not None:
            values.append(Value(item.code, value, item.sheet, item.cell))
        elif issues and (refused := rejected_value(item, issues)):
            rejected.append(refused)
    for ind in form.indicators_for(unit.level):
        if ind.code not in first and ind.required:
            found.append(problem(Msg.VALUE_012, Severity.ERROR, file=raw.file, code=ind.code, unit_code=unit.code, label=ind.display_label))
    for item in raw.unknown:
        found.append(problem(Msg.VALUE_010, Severity.WARNING, value=shown(item.raw), **_loc(item, raw.file, unit)))
    for item in raw.uncoded:
        found.append(problem(Msg.VALUE_015, Severity.WARNING, value=shown(item.raw), **_loc(item, raw.file, unit)))
    return values, found, rejected


def _unfilled(raw: RawReturn) -> bool:
    """Nothing typed anywhere in the table: no figure by a code, in another column or on an inserted row."""
    typed = (item for item in (*raw.values, *raw.unknown, *raw.uncoded) if not _blank(item.raw) or item.stray)
    return next(typed, None) is None


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def check_return(raw: RawReturn, ctx: Context, severity: str = Severity.WARNING) -> FileOutcome:
    """Identify a return and check its values (rules are checked in ``reconcile``).

    :param severity: the severity of a rejected return (``warning`` when consolidating a
        folder, ``error`` when an officer checks a return before sending it).
    """
    meta, recognised = return_metadata(raw, ctx)
    unit, found = _judge(raw, meta, recognised, ctx, severity)
    doubts = identity_doubts(raw, unit, ctx.folded_names)
    found.extend(doubts)
    values: list[Value] = []
    rejected: list[Value] = []
    if unit is not None and _unfilled(raw):  # a blank template sent by mistake, or kept beside the returns
        found.append(problem(Msg.VALUE_017, severity, file=raw.file, unit_code=unit.code, unit_name=unit.name))
        unit = None
    if unit is not None:
        values, issues, rejected = check_cells(raw, unit, ctx.form_for(meta.get(META_PERIOD)))
        found.extend(issues)
    code = unit.code if unit else meta.get(META_UNIT_CODE, "")
    if unit is not None and raw.renamed_header:
        sheet, cell, header = raw.renamed_header
        found.append(problem(Msg.META_020, Severity.INFO, file=raw.file, sheet=sheet, cell=cell, unit_code=code, header=header or EMPTY_HEADER,
                             column=cell.rstrip("0123456789")))  # fmt: skip
    found += [
        problem(Msg.META_013, Severity.WARNING, file=raw.file, sheet=name, unit_code=code, data_sheet=raw.data_sheet)
        for name in raw.unused_sheets
    ]
    return FileOutcome(
        raw.file, unit, meta, tuple(values), tuple(found), raw.modified, identity_doubted=bool(doubts), rejected=tuple(rejected),
        forwarded=raw.forwarded,
    )  # fmt: skip
