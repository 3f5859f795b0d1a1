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
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.core import settings
from pipeline.core.errors import Msg
from pipeline.form.definition import load_levels
from pipeline.rounds.setup import form_path

if TYPE_CHECKING:
    from pipeline.store import RoundRecord, Store

_labels: dict[bytes, dict[str, str]] = {}  # a levels.csv's bytes → level → its short label
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
    """The short label of each level of the round's form: its ``levels.csv`` read, and parsed once
    per content (each committee's form folder is a copy of its level's form)."""
    folder = form_path(rnd)
    key = (Path(folder) if folder else settings.DEFINITIONS_DIR).joinpath("levels.csv").read_bytes()
    with _lock:
        found = _labels.get(key)
    if found is None:
        found = {code: level.short or level.label for code, level in load_levels(folder).items()}
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


def _progress(child: RoundRecord, levels: dict[str, tuple[int, int]]) -> Progress:
    """``child``'s progress from its units other than its committee, by level (``Store.units_sent``):
    the level with the most units named."""
    level = max(levels, key=lambda lv: levels[lv][0]) if levels else ""
    total, done = (sum(n for n, _ in levels.values()), sum(d for _, d in levels.values()))
    return Progress(child.id, _level_labels(child).get(level, level), done, total)


def children_progress(store: Store, round_id: str) -> dict[str, Progress]:
    """Unit code → the progress of its own round, for each unit of the round that has one (the
    units' sent returns counted in one query for all their rounds)."""
    rnd = store.round(round_id)
    children = own_rounds(store, rnd, {u.code for u in store.units(round_id)})
    counts = store.units_sent(child.id for child in children.values())
    return {code: _progress(child, counts.get(child.id, {})) for code, child in children.items()}


def rounds_progress(store: Store, rnds: list[RoundRecord]) -> dict[str, Progress]:
    """Round id → its progress, for the rounds ``rnds`` (a dashboard's rounds of the committees
    under an office's), counted in one query."""
    counts = store.units_sent(r.id for r in rnds)
    return {r.id: _progress(r, counts.get(r.id, {})) for r in rnds}
