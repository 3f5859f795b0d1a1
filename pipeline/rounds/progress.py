"""How far the units of a round that have a round of their own have got with it: for a
province's round, each commune that collects from its residential areas on the server
("khu dân cư: 9/12 đã nộp"), shown beside the commune's own status on the province's board.

A unit has a round of its own when it is a committee of the server with a round for the same
period (the newest, as ``upward.parent_round`` takes the newest of the parent). The units
counted are those of that round other than the committee itself; the level named is theirs,
as the child's form calls it (its ``short`` label).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pipeline.core.errors import Msg
from pipeline.form.definition import load_form
from pipeline.rounds.board import by_unit, in_use
from pipeline.rounds.checking import form_signature
from pipeline.rounds.setup import form_path

if TYPE_CHECKING:
    from pipeline.store import RoundRecord, Store

_labels: dict[tuple[str, str], dict[str, str]] = {}  # (form folder, its content's hash) → level → short label
_lock = threading.Lock()


@dataclass(frozen=True)
class Progress:
    """A unit's own round: its id, the level of its units (as its form names it), how many of
    them have a version in use, of how many."""

    round_id: str
    level: str
    submitted: int
    total: int

    @property
    def text(self) -> str:
        """``khu dân cư: 9/12 đã nộp``."""
        return Msg.ROUND_155.render(level=self.level, submitted=self.submitted, total=self.total)


def _level_labels(rnd: RoundRecord) -> dict[str, str]:
    """The short label of each level of the round's form, read once per form folder and content."""
    folder = form_path(rnd)
    key = (folder or "", form_signature(folder))
    with _lock:
        found = _labels.get(key)
    if found is None:
        found = {code: level.short or level.label for code, level in load_form(folder).levels.items()}
        with _lock:
            _labels[key] = found
    return found


def own_rounds(store: Store, rnd: RoundRecord, codes: set[str]) -> dict[str, RoundRecord]:
    """Unit code → the newest round of the committee of that code for ``rnd``'s period (``rnd`` excepted)."""
    found: dict[str, RoundRecord] = {}
    for other in store.rounds():  # oldest first: the newest wins
        code = other.committee_code
        if code in codes and other.period == rnd.period and other.id != rnd.id:
            found[code] = other
    return found


def round_progress(store: Store, child: RoundRecord) -> Progress:
    """How many units of ``child`` other than its committee have a version in use, of how many."""
    units = [u for u in store.units(child.id) if u.code != child.committee_code]
    _sent, usable = by_unit(store.submissions(child.id))
    submitted = sum(1 for u in units if in_use(usable.get(u.code, []), u.code) is not None)
    levels = [u.level for u in units]
    level = max(set(levels), key=levels.count) if levels else ""
    return Progress(child.id, _level_labels(child).get(level, level), submitted, len(units))


def children_progress(store: Store, round_id: str) -> dict[str, Progress]:
    """Unit code → the progress of its own round, for each unit of the round that has one."""
    rnd = store.round(round_id)
    codes = {u.code for u in store.units(round_id)}
    return {code: round_progress(store, child) for code, child in own_rounds(store, rnd, codes).items()}
