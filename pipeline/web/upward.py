"""Rounds at every level on the board (``rounds.upward``): a committee's round offers "Gửi lên cấp
trên" (what will be sent, where, then what came of it), and a parent's round shows, beside each
unit that has a round of its own, that round's progress. The route is the board's
(``board.forward``); every decision is the library's."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.core.errors import PipelineError
from pipeline.rounds.progress import Progress, children_progress
from pipeline.rounds.upward import ForwardResult, Parent, parent_round
from pipeline.web.base import store


@dataclass(frozen=True)
class Upward:
    """What the board shows of the levels: where the round goes (``parent``, else ``refusal``
    saying why it cannot; neither for a round of no committee with a parent), how many units'
    versions would be sent (``ready``/``total``), the progress of the units' own rounds, and the
    result of a forward just made (where a unit's version in use came from is the board's
    ``typed``, through ``plain.sent_how``)."""

    parent: Parent | None = None
    refusal: str = ""
    ready: int = 0
    total: int = 0
    progress: dict[str, Progress] | None = None
    result: ForwardResult | None = None


def _goes_up(round_id: str) -> bool:
    """Whether the round is a committee's round and that committee has a parent on the server."""
    code = store().round(round_id).committee_code
    committee = store().committee(code) if code else None
    return bool(committee and committee.parent_code)


def board_upward(round_id: str, rows, result: ForwardResult | None = None) -> Upward:
    """The board's section on the levels for the round whose status is ``rows``."""
    ready = sum(1 for r in rows if r.in_use is not None)
    common = {"ready": ready, "total": len(rows), "progress": children_progress(store(), round_id)}
    if not _goes_up(round_id):
        return Upward(result=result, **common)
    try:
        return Upward(parent=parent_round(store(), round_id), result=result, **common)
    except PipelineError as err:
        return Upward(refusal=str(err), result=result, **common)
