"""The crosswalk of unit codes across a reorganisation: ``old_code,new_code``, one pair a row.

After the 2025 reform about three old communes make one new commune: its prior figures are the
sum of theirs. An old code paired with several new codes was split: none of its new units can be
compared with the prior period on its own (only the level totals are), and each is told so.

The file is one staff keep in Excel, so codes are matched as the unit list matches them
(``code_key``: ``03386`` and the ``3386`` Excel leaves are one code).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from pipeline.core.constants import Severity
from pipeline.core.errors import FormDefinitionError, Msg
from pipeline.core.findings import Problem, problem
from pipeline.form.csvrows import CSV_ERRORS, read_csv_rows
from pipeline.form.model import Unit
from pipeline.form.prior import PriorData
from pipeline.form.priorunits import figures_for_units, prior_file_name
from pipeline.form.units import code_key

CROSSWALK_COLUMNS = ("old_code", "new_code")
_WHAT = {"old_code": "mã đơn vị cũ", "new_code": "mã đơn vị mới"}


@dataclass(frozen=True)
class Link:
    """One row of the crosswalk: the old unit ``old`` went (wholly or partly) into ``new``."""

    old: str
    new: str
    line: int  # the row in the file, as Excel numbers it


@dataclass(frozen=True)
class Crosswalk:
    """The pairs of a crosswalk file, in file order, and the file as given."""

    links: tuple[Link, ...]
    source: str = ""
    _index: dict[str, list[Link]] = field(default_factory=dict, repr=False, compare=False)

    @property
    def name(self) -> str:
        return Path(self.source).name

    def split(self) -> dict[str, list[Link]]:
        """Old codes (``code_key``) paired with more than one new code: their links."""
        by_old: dict[str, list[Link]] = {}
        for link in self.links:
            by_old.setdefault(code_key(link.old), []).append(link)
        return {old: links for old, links in by_old.items() if len({code_key(k.new) for k in links}) > 1}

    def into(self, unit_code: str) -> list[Link]:
        """The links whose new code is ``unit_code``."""
        return self._by_new().get(code_key(unit_code), [])

    def _by_new(self) -> dict[str, list[Link]]:
        if not self._index:
            for link in self.links:
                self._index.setdefault(code_key(link.new), []).append(link)
        return self._index


def load_crosswalk(path: str | Path) -> Crosswalk:
    """Read and check a crosswalk file (a CSV with header ``old_code,new_code``, as Excel saves
    it, or a workbook: ``csvread``).

    :raises FormDefinitionError: naming the file and row: unreadable (``XWALK_001``), columns
        missing (``XWALK_002``), a blank code (``XWALK_003``), a pair given twice, even once
        Excel dropped a code's leading zeros (``XWALK_004``), no pair at all (``XWALK_005``).
    """
    file = Path(path)
    try:
        header, rows, _ = read_csv_rows(file, lower=True, columns=CROSSWALK_COLUMNS)
    except CSV_ERRORS as err:
        raise FormDefinitionError(Msg.XWALK_001, where=str(file), reason=str(err)) from err
    missing = [column for column in CROSSWALK_COLUMNS if column not in header]
    if missing:
        where = f"{file.name} › dòng 1"
        raise FormDefinitionError(Msg.XWALK_002, where=where, missing=", ".join(missing), header=",".join(header))
    links, first = [], {}
    for line, row in rows:
        where = f"{file.name} › dòng {line}"
        for column in CROSSWALK_COLUMNS:
            if not row[column]:
                raise FormDefinitionError(Msg.XWALK_003, where=where, what=_WHAT[column], column=column)
        key = (code_key(row["old_code"]), code_key(row["new_code"]))
        if first.setdefault(key, line) != line:
            raise FormDefinitionError(Msg.XWALK_004, where=where, old=row["old_code"], new=row["new_code"], first_row=first[key])
        links.append(Link(row["old_code"], row["new_code"], line))
    if not links:
        raise FormDefinitionError(Msg.XWALK_005, where=file.name)
    return Crosswalk(tuple(links), str(path))


def _old_figures(prior: PriorData) -> dict[str, dict[str, float]]:
    """The prior per-unit figures by old code (``code_key``): ``code -> value``."""
    own: dict[str, dict[str, float]] = {}
    keys: dict[str, str] = {}  # one code_key per unit, not per figure
    for (unit_code, code), value in prior.by_unit.items():
        key = keys.get(unit_code) or keys.setdefault(unit_code, code_key(unit_code))
        own.setdefault(key, {})[code] = value
    return own


def _summed(links: list[Link], own: dict[str, dict[str, float]]) -> dict[str, float]:
    """The figures of the old units of ``links`` added up, indicator by indicator."""
    total: dict[str, float] = {}
    for old in dict.fromkeys(code_key(link.old) for link in links):
        for code, value in own.get(old, {}).items():
            total[code] = total.get(code, 0.0) + value
    return total


def _split_note(unit: Unit, link: Link, parts: list[Link], crosswalk: Crosswalk, listed: dict[str, str]) -> Problem:
    """``XWALK_010``: ``unit`` has part of the split old unit of ``link``; ``listed``: the unit
    list's codes by ``code_key``, to name the new units as the list does."""
    news = ", ".join(dict.fromkeys(listed.get(code_key(part.new), part.new) for part in parts))
    return problem(
        Msg.XWALK_010, Severity.INFO, where=f"{crosswalk.name} › dòng {link.line}", file=crosswalk.name, row=link.line,
        unit_code=unit.code, unit=f"{unit.code} – {unit.name}", old=link.old, count=len({code_key(p.new) for p in parts}), news=news,
    )  # fmt: skip


def unit_figures(prior: PriorData, units: list[Unit], crosswalk: Crosswalk | None = None) -> tuple[PriorData, list[Problem]]:
    """``prior`` with every unit's own prior figures in ``by_unit`` under the unit list's codes,
    across a reorganisation: a unit the crosswalk names as new gets the sum of its old units'
    figures, none when one of them was split (``XWALK_010`` for each such old unit); any other unit
    its own (``figures_for_units``). Also the crosswalk rows that cannot be used: an old code
    the prior figures lack (``XWALK_011``, when they have figures per unit at all) and a new
    code not in ``units`` (``XWALK_012``).
    """
    filled = figures_for_units(prior, units)
    if crosswalk is None:
        return filled, []
    own, split, found = _old_figures(prior), crosswalk.split(), []
    listed = {code_key(u.code): u.code for u in units}
    into = {unit.code: crosswalk.into(unit.code) for unit in units}
    # A unit not named as new keeps its own figures, as without a crosswalk.
    by_unit = {key: value for key, value in filled.by_unit.items() if not into[key[0]]}
    for unit in units:
        links = into[unit.code]
        if not links:
            continue
        broken = [link for link in links if code_key(link.old) in split]
        if broken:
            found += [_split_note(unit, link, split[code_key(link.old)], crosswalk, listed) for link in broken]
            continue
        by_unit.update({(unit.code, code): value for code, value in _summed(links, own).items()})
    return replace(filled, by_unit=by_unit), found + _unusable_rows(prior, crosswalk, own, listed)


def _unusable_rows(prior: PriorData, crosswalk: Crosswalk, own: dict[str, dict[str, float]], listed: dict[str, str]) -> list[Problem]:
    """``XWALK_012`` for each new code the unit list lacks, else ``XWALK_011`` for each old code
    the per-unit prior figures lack; each once, at its first row."""
    found, said = [], set()
    for link in crosswalk.links:
        where = f"{crosswalk.name} › dòng {link.line}"
        old, new = ("old", code_key(link.old)), ("new", code_key(link.new))
        if new[1] not in listed:
            if new not in said:
                found.append(problem(Msg.XWALK_012, Severity.WARNING, where=where, file=crosswalk.name, row=link.line, new=link.new))
            said.add(new)
        elif own and old[1] not in own and old not in said:
            said.add(old)
            found.append(
                problem(Msg.XWALK_011, Severity.WARNING, where=where, file=crosswalk.name, row=link.line,
                        old=link.old, new=listed[new[1]], name=prior_file_name(prior))
            )  # fmt: skip
    return found
