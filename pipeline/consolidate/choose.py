"""Which of a unit's returns is used (README "Which return is used"), and the files that look
like a return of this committee but are its own consolidation, forwarded upwards and kept in the
returns folder (``own_forwards``)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timezone

from pipeline.core import settings
from pipeline.core.constants import META_UNIT_CODE, META_UNIT_NAME, Severity
from pipeline.core.errors import Msg, finding_label
from pipeline.core.findings import Problem, problem, split_place
from pipeline.core.vnformat import format_number, format_vn_time, strip_diacritics
from pipeline.form.model import FormDefinition, Unit
from pipeline.form.units import code_key
from pipeline.validate.checks import FileOutcome

# Findings about who a file is from, not about its figures: they stay as they are on a superseded
# return (a file naming another unit may be that unit's own return, filed under the wrong name).
IDENTITY_FINDINGS = (Msg.META_011.slug, Msg.META_012.slug)
_EARLIEST = datetime.min.replace(tzinfo=timezone.utc)


def _differences(a: FileOutcome, b: FileOutcome) -> list[tuple[str, str, str]]:
    """``(code, a's value, b's value)`` for every indicator whose figure differs (``trống``: blank)."""
    first = {v.code: v.value for v in a.values}
    second = {v.code: v.value for v in b.values}
    shown = lambda value: format_number(value) or "trống"  # noqa: E731
    return [
        (code, shown(first.get(code)), shown(second.get(code)))
        for code in dict.fromkeys([*first, *second])
        if first.get(code) != second.get(code)
    ]


def _changes(old: FileOutcome, new: FileOutcome) -> str:
    diffs = [f"{code} {before} → {after}" for code, before, after in _differences(old, new)]
    return "; ".join(diffs) if diffs else "không có"


def superseded_problems(old: FileOutcome, newest: FileOutcome, entry: Msg = Msg.FILE_015) -> list[Problem]:
    """The findings of a return that ``newest`` replaced, as information (``FILE_015``; for a copy
    of the same time, ``FILE_042``) at their own place (the old file and cell): they count as no
    error and mark none of the unit's cells. Findings about the file's identity
    (``IDENTITY_FINDINGS``) are kept as they are."""
    found = []
    for p in old.problems:
        if p.type in IDENTITY_FINDINGS:
            found.append(p)
            continue
        place, text = split_place(p)
        found.append(
            problem(
                entry, Severity.INFO, where=place, file=p.file, sheet=p.sheet, row=p.row, cell=p.cell, code=p.code,
                level=p.level, unit_code=old.unit.code, note=p.type, newer=newest.file, used=newest.file,
                was=f"{Severity(p.severity).in_sentence} “{finding_label(p.type) or p.rule}”", original=text,
            )
        )  # fmt: skip
    return found


def _newness(ret: FileOutcome, limit: datetime) -> tuple:
    """How a return ranks among its unit's, lowest first: a return naming two units below any
    other; then by saved time (the file's own time when the saved one is beyond ``limit``),
    the file's time, the file's name."""
    when = ret.modified or _EARLIEST
    if when > limit:
        when = datetime.fromtimestamp(ret.file_mtime, tz=timezone.utc)
        when = when if when <= limit else _EARLIEST
    return (not ret.identity_doubted, when, ret.file_mtime, ret.file)


def _future_time(ret: FileOutcome) -> Problem:
    return problem(Msg.FILE_013, Severity.WARNING, file=ret.file, unit_code=ret.unit.code, saved=format_vn_time(ret.modified))


def _named(diffs: list[tuple[str, str, str]], used: FileOutcome, other: FileOutcome, form: FormDefinition | None) -> tuple[str, str]:
    """The figures that differ, for the office (``label (CODE, ô E31): a / b``) and for the unit
    (``ô E31 – label: a / b``): each indicator by its label and its cell in the file used."""
    cells = {v.code: v.cell for v in (*other.values, *other.rejected, *used.rejected, *used.values)}
    label = lambda code: form.indicators[code].display_label if form and code in form.indicators else code  # noqa: E731
    office = "; ".join(f"{label(code)} ({code}, ô {cells.get(code, '?')}): {a} / {b}" for code, a, b in diffs)
    unit = "; ".join(f"ô {cells.get(code, '?')} – {label(code)}: {a} / {b}" for code, a, b in diffs)
    return office, unit


def _tied(other: FileOutcome, used: FileOutcome, form: FormDefinition | None = None) -> list[Problem]:
    """Two returns of one unit that nothing orders (same identity, saved time and file time):
    a plain duplicate is information; different figures are ``ambiguous-newest``, on the file
    used, naming both files and each figure that differs (by label and cell: the unit is asked
    which is right, in its notice, by the plain wording)."""
    unit = {"unit_code": used.unit.code, "unit_name": used.unit.name, "used": used.file}
    diffs = _differences(used, other)
    if not diffs:
        return [problem(Msg.FILE_041, Severity.INFO, file=other.file, **unit), *superseded_problems(other, used, Msg.FILE_042)]
    changes, figures = _named(diffs, used, other, form)
    saved = format_vn_time(used.modified) if used.modified else "không ghi"
    warning = problem(
        Msg.FILE_040, Severity.WARNING, file=used.file, other=other.file, saved=saved, count=format_number(len(diffs)), changes=changes,
        figures=figures, note=other.file, **unit,
    )  # fmt: skip
    return [warning, *superseded_problems(other, used, Msg.FILE_042)]


def select_latest(
    returns: Iterable[FileOutcome], now: datetime | None = None, form: FormDefinition | None = None
) -> tuple[dict[str, FileOutcome], dict[str, list[FileOutcome]], list[Problem]]:
    """The newest accepted return per unit; the others superseded.

    Newest by saved time, then the file's time, then its name. A saved time later than ``now``
    (default: the moment of consolidation) by more than ``settings.SAVED_TIME_SLACK`` is not
    trusted (a warning; the file's time stands in). A return whose identity is doubted (its
    heading or properties name another unit) never supersedes one that is not. Returns that
    only the name orders are not "newer" than one another: see ``_tied``.

    The findings returned say which returns were superseded, each followed by that return's own
    findings made information (``superseded_problems``). ``form`` gives the indicators' labels.
    """
    limit = (now or datetime.now(timezone.utc)) + settings.SAVED_TIME_SLACK
    by_unit: dict[str, list[FileOutcome]] = {}
    for ret in returns:
        if ret.accepted:
            by_unit.setdefault(ret.unit.code, []).append(ret)
    used, superseded, found = {}, {}, []
    found.extend(_future_time(ret) for group in by_unit.values() for ret in group if ret.modified and ret.modified > limit)
    for code, group in by_unit.items():
        group.sort(key=lambda r: _newness(r, limit))
        used[code] = newest = group[-1]
        superseded[code] = group[:-1]
        rank = _newness(newest, limit)[:-1]
        for old in group[:-1]:
            if _newness(old, limit)[:-1] == rank:
                found += _tied(old, newest, form)
                continue
            changes = _changes(old, newest)
            found.append(
                problem(
                    Msg.FILE_004, Severity.INFO, file=old.file, unit_code=code, unit_name=old.unit.name, newer=newest.file, changes=changes
                )
            )
            found += superseded_problems(old, newest)
    return used, superseded, found


def committee(units: list[Unit], levels: Iterable[str]) -> set[str]:
    """The codes of the committee that consolidates: the list's units of the form's first level
    (``levels.csv``'s first row), when the list has units of a level below it too; else none
    (a list of one level is the units below a committee that is not on it)."""
    present = {u.level for u in units}
    ordered = [level for level in levels if level in present]
    if len(ordered) < 2:
        return set()
    return {u.code for u in units if u.level == ordered[0]}


def _forwarding_committee(ret: FileOutcome, own: list[Unit]) -> Unit | None:
    """The committee of ``own`` a file carrying forward's provenance names: its unit, or for a
    file on another form (the province's own) its metadata's unit, by code or by name."""
    if not ret.forwarded:
        return None
    code, name = (ret.unit.code, ret.unit.name) if ret.accepted else (ret.meta.get(META_UNIT_CODE, ""), ret.meta.get(META_UNIT_NAME, ""))
    folded = lambda text: " ".join(strip_diacritics(text).casefold().split())  # noqa: E731
    by_code = next((u for u in own if code and code_key(u.code) == code_key(code.strip())), None)
    return by_code or next((u for u in own if name and folded(u.name) == folded(name)), None)


def own_forwards(returns: Iterable[FileOutcome], units: list[Unit], levels: Iterable[str]) -> dict[str, Problem]:
    """The files carrying ``tonghop forward``'s provenance that name the committee consolidating:
    its own consolidation sent up, never a return of its own (it would count every unit twice).
    Judged before the form: the file is on the upper committee's form, which may be its own
    (another form id) or the same. File name -> the ``own-forward`` warning (on no unit: no
    notice goes to the committee about it). A forwarded file of a unit below (a district's
    consolidation sent to the province) is a return like any other."""
    codes = committee(units, levels)
    own = [u for u in units if u.code in codes]
    found = {}
    for r in returns:
        if r.readable and (unit := _forwarding_committee(r, own)):
            found[r.file] = problem(
                Msg.META_022, Severity.WARNING, file=r.file, committee_code=unit.code, committee_name=unit.name, note=r.forwarded
            )
    return found
