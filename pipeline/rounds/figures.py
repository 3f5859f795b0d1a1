"""The figures of a round as they come in: the key totals so far (the form's ``key_figures``
summed over each unit's version in use) and, for the office, the values that changed from a
unit's previous version to the next.

Each submission keeps the figures read from it (``Store.figures``); one stored by an older
tonghop has none kept: its figures are read again from its kept file, once, and kept."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pipeline.rounds.checking import round_check
from pipeline.rounds.submit import check_kept

if TYPE_CHECKING:
    from pipeline.form.model import FormDefinition
    from pipeline.rounds.board import UnitStatus
    from pipeline.store import Store, SubmissionRecord

Figures = dict[str, object]


@dataclass(frozen=True)
class KeyTotal:
    """A key figure summed over the versions in use: ``units`` of them gave it a number."""

    code: str
    label: str
    unit: str
    total: int | float
    units: int


@dataclass(frozen=True)
class Change:
    """A value of a unit's version that differs from its previous accepted version (None: blank)."""

    code: str
    label: str
    unit: str
    before: object
    after: object


def figures_of(store: Store, round_id: str, ids: list[int]) -> dict[int, Figures]:
    """The figures of each of the round's accepted submissions ``ids``, by submission id."""
    kept = store.figures(round_id, ids)
    missing = [i for i, values in kept.items() if values is None]
    if missing:
        context = round_check(store, store.round(round_id)).context
        subs = {s.id: s for s in store.submissions(round_id)}
        for i in missing:
            sub = subs[i]
            store.blob(sub.sha256)  # whole and undamaged (STORE_004, STORE_005), before it is read
            kept[i] = check_kept(context, store.blob_path(sub.sha256), sub.filename, sub.received_at).values
        store.fill_figures(round_id, {i: kept[i] for i in missing})  # read once, not at every page
    return kept


def _number(value: object) -> int | float | None:
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _form(store: Store, round_id: str) -> FormDefinition:
    """The round's form for its period, as its uploads are checked (loaded once per round)."""
    return round_check(store, store.round(round_id)).context.form


def key_totals(store: Store, round_id: str, rows: list[UnitStatus]) -> list[KeyTotal]:
    """The form's key figures summed over the units' versions in use (``rows``: the board)."""
    form = _form(store, round_id)
    codes = [c.strip() for c in form.settings.get("key_figures", "").split(";") if c.strip() in form.indicators]
    values = figures_of(store, round_id, [row.in_use for row in rows if row.in_use is not None]).values()
    totals = []
    for code in codes:
        numbers = [n for n in (_number(v.get(code)) for v in values) if n is not None]
        ind = form.indicators[code]
        totals.append(KeyTotal(code, ind.display_label, ind.unit, sum(numbers), len(numbers)))
    return totals


def changes(store: Store, round_id: str, versions: list[SubmissionRecord]) -> dict[int, list[Change]]:
    """For each accepted version of one unit (``versions``, in any order), what changed from
    the accepted version before it, in the form's order of indicators. The first has none."""
    form = _form(store, round_id)
    ordered = sorted((s for s in versions if s.accepted), key=lambda s: (s.received_at, s.id))
    figures = figures_of(store, round_id, [s.id for s in ordered])
    found: dict[int, list[Change]] = {}
    for before, after in itertools.pairwise(ordered):
        old, new = figures[before.id], figures[after.id]
        found[after.id] = [
            Change(code, ind.display_label, ind.unit, old.get(code), new.get(code))
            for code, ind in form.indicators.items()
            if old.get(code) != new.get(code)
        ]
    return found
