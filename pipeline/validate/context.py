"""What returns are judged against: the form (its labels filled per period) and the unit list,
with a listed unit found by its code (leading zeros lost either side) and the listed units'
names folded for comparison."""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property

from pipeline.core.errors import PipelineError
from pipeline.form.model import FormDefinition, Unit
from pipeline.form.units import code_key
from pipeline.ingest.recognise import fold


@dataclass
class Context:
    """What returns are judged against. ``units`` is None when no unit list is given."""

    form: FormDefinition
    units: dict[str, Unit] | None = None
    period: str | None = None

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
