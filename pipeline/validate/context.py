"""What returns are judged against, as one value loaded once: the form (its labels filled per
period), the unit list and its tree, the prior period's figures and crosswalk, and the options
of a consolidation (deadline, days to fix, outlier factor, processes). A listed unit is found
by its code (leading zeros lost either side) and the listed units' names are folded for
comparison. The command line loads it from paths (``api.load_context``), a round from its store
(``rounds.checking``): checking a return, consolidating and writing templates all take it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property

from pipeline.core import settings
from pipeline.core.errors import PipelineError
from pipeline.form.crosswalk import Crosswalk
from pipeline.form.model import FormDefinition, Unit
from pipeline.form.prior import PriorData
from pipeline.form.tree import UnitTree
from pipeline.form.units import code_key
from pipeline.ingest.recognise import fold


@dataclass(frozen=True)
class Options:
    """How a consolidation judges what it reads.

    :ivar deadline: the round's deadline (None: the one most returns carry in their metadata).
    :ivar fix_days: days given to send a corrected return (``timeliness.fix_deadline``).
    :ivar factor: a change from the prior period beyond this many times is a warning.
    :ivar jobs: processes reading the returns (templates: writing them).
    """

    deadline: date | None = None
    fix_days: int = settings.FIX_DAYS
    factor: float = settings.OUTLIER_FACTOR
    jobs: int = 1


@dataclass(frozen=True)
class Context:
    """What returns are judged against. ``units`` is None when no unit list is given (a check
    then accepts any unit), else the listed units by code, in the list's order.

    :ivar period: the period asked for (None: the one most returns are for).
    :ivar tree: the tree of units (the list's ``parent`` column): each parent is totalled too.
    :ivar prior: the prior period's figures the totals (and each unit's) are compared with.
    :ivar crosswalk: old and new unit codes: a unit's prior figures are those of its old units.
    """

    form: FormDefinition
    units: dict[str, Unit] | None = None
    period: str | None = None
    tree: UnitTree | None = None
    prior: PriorData | None = None
    crosswalk: Crosswalk | None = None
    options: Options = field(default_factory=Options)

    @classmethod
    def of(
        cls,
        form: FormDefinition,
        units: Iterable[Unit] | None,
        period: str | None = None,
        *,
        tree: UnitTree | None = None,
        prior: PriorData | None = None,
        crosswalk: Crosswalk | None = None,
        options: Options | None = None,
    ) -> Context:
        """The context of ``units`` given as a list (its order kept)."""
        listed = {u.code: u for u in units} if units is not None else None
        return cls(form, listed, str(period) if period else None, tree, prior, crosswalk, options or Options())

    @property
    def listed(self) -> list[Unit]:
        """The listed units, in the list's order."""
        return list((self.units or {}).values())

    def reading(self) -> Context:
        """What reading and checking a return needs (sent to each worker process): no prior figures."""
        return replace(self, tree=None, prior=None, crosswalk=None) if self.prior or self.tree or self.crosswalk else self

    def unit_for(self, code: str, level: str = "") -> Unit | None:
        """The listed unit that a return's ``code`` names, or None.

        A numeric code matches whatever leading zeros either side lost (Excel drops them when it
        re-saves units.csv); official codes are fixed-width, so the unit keeps the longer of the
        two codes. Where two levels share the digits, the return's ``level`` decides.
        """
        if not self.units or code in self.units:
            return (self.units or {}).get(code)
        hits = self._by_key.get(code_key(code), [])
        if len(hits) > 1:
            hits = [u for u in hits if u.level == level]
        if len(hits) != 1:
            return None
        return replace(hits[0], code=code) if len(code) > len(hits[0].code) else hits[0]

    def form_for(self, period: str | None) -> FormDefinition:
        """The form with its labels filled for a return's ``period`` (the form as given when the
        period is not one: the return is rejected for it anyway)."""
        if not period:
            return self.form
        if period not in self._forms:
            try:
                self._forms[period] = self.form.for_period(period)
            except PipelineError:
                self._forms[period] = self.form
        return self._forms[period]

    @cached_property
    def _forms(self) -> dict[str, FormDefinition]:
        return {}

    @cached_property
    def _by_key(self) -> dict[str, list[Unit]]:
        by_key: dict[str, list[Unit]] = {}
        for unit in (self.units or {}).values():
            by_key.setdefault(code_key(unit.code), []).append(unit)
        return by_key

    @cached_property
    def folded_names(self) -> dict[str, frozenset[str]]:
        """Level -> the listed units' names, folded (see ``recognise.fold``)."""
        names: dict[str, set[str]] = {}
        for unit in (self.units or {}).values():
            names.setdefault(unit.level, set()).add(fold(unit.name))
        return {level: frozenset(found - {""}) for level, found in names.items()}
