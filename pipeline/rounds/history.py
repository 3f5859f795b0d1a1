"""A unit's uploads counted on their own: "Lần gửi thứ 2" is the unit's second file, whatever
number the round's store gave it (a submission's id counts every file of every unit)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipeline.rounds.board import sent_by

if TYPE_CHECKING:
    from pipeline.store import Store, SubmissionRecord


def sender_of(sub: SubmissionRecord) -> str | None:
    """The unit that sent ``sub``: the unit of the link used, else the unit it was recognised as
    (a file the office dropped); None for a dropped file not recognised."""
    return sub.link_unit or sub.unit_code


def numbered(own: list[SubmissionRecord]) -> dict[int, int]:
    """Submission id → its place (1, 2, …) among ``own``, the files one unit sent, oldest first."""
    return {sub.id: place for place, sub in enumerate(own, start=1)}


def upload_numbers(store: Store, round_id: str, subs: list[SubmissionRecord]) -> dict[int, int]:
    """Submission id → its place among the uploads of the unit that sent it, for each of
    ``subs`` (one unit's page shows the files it sent and files of it another unit sent)."""
    numbers: dict[int, int] = {}
    for unit in dict.fromkeys(filter(None, map(sender_of, subs))):
        numbers |= numbered([s for s in store.submissions(round_id, of_unit=unit) if sent_by(s, unit)])
    return numbers
