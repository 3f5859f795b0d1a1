"""Rounds at every level: a committee's round (a commune's, of its residential areas)
consolidated and sent, in one step, into its parent committee's round for the same period as
the committee's return ("Gửi lên cấp trên").

It is ``tonghop forward`` done inside the server: the parent round's template of this committee
(as its link offers it) filled with the consolidation's totals over all levels (``forward.fill``:
the same checks of period and committee, the same findings of units missing and values left
out), then submitted into the parent round as the committee's own return through its link
(``Sender.UNIT``, ``Channel.FORWARD``) with, as its source, the round it came from and how many
units it covers. Forwarding again makes a new version, as a unit that sends again. A committee
that uploads its return by hand (no round of its own) is untouched by any of this.

The parent's round is the newest round of the parent committee for the same period (a round
has no closing: the newest is the one in use).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.core.constants import TOTALS_CSV, Channel, Sender
from pipeline.core.errors import Msg, PipelineError
from pipeline.core.findings import Problem
from pipeline.core.settings import SAVED_TIME_ZONE
from pipeline.core.vnformat import utc_now
from pipeline.form.period import period_label
from pipeline.forward.coverage import Coverage, coverage, missing_units, rejected_values
from pipeline.forward.fill import check_period, match, provenance, render
from pipeline.forward.identity import check_identity
from pipeline.forward.upper import upper_template_of
from pipeline.rounds.committee_form import committee_title
from pipeline.rounds.consolidation import consolidate_round
from pipeline.rounds.submit import Verdict, submit
from pipeline.rounds.typedbook import blank_template

if TYPE_CHECKING:
    from pipeline.store import RoundRecord, Store

ACTION_FORWARD = "forward"  # the audit's name of a forward, in the round it came from
FORWARD_SUFFIX = "_chuyen_len"
FORWARDED_DIR = "forwarded"  # under the data folder: <round>/<time>, each consolidation that was sent up  # the return's name: the parent's template name, with this before .xlsx


@dataclass(frozen=True)
class Parent:
    """Where a committee's round goes: the committee (code, unit name), the parent committee as
    it signs ("Ủy ban MTTQ Việt Nam tỉnh Lai Châu") and its round for the period."""

    committee_code: str
    committee_name: str
    parent_name: str
    round: RoundRecord


@dataclass(frozen=True)
class ForwardResult:
    """What ``forward_round`` sent: the parent's round, the verdict on the return there, what the
    totals cover, the forward's findings (units missing, values left out, indicators of either
    form the other lacks: warnings first) and the note written on the return."""

    parent_round: str
    parent_name: str
    verdict: Verdict
    coverage: Coverage
    source: str
    note: str
    out_dir: Path | None = None  # the consolidation sent up, kept (``FORWARDED_DIR``)
    problems: list[Problem] = field(default_factory=list)


def _committee_of(store: Store, rnd: RoundRecord):
    """The round's committee. :raises PipelineError: ``ROUND_150`` the round has none."""
    code = rnd.committee_code
    committee = store.committee(code) if code else None
    if committee is None:
        raise PipelineError(Msg.ROUND_150, round=rnd.id)
    return committee


def parent_round(store: Store, round_id: str) -> Parent:
    """The round a committee's round forwards to: the newest round of its parent committee for
    the same period, of which the committee is a unit.

    :raises PipelineError: the round has no committee (``ROUND_150``), the committee no parent
        (``ROUND_151``), the parent no round for the period (``ROUND_152``; ``ROUND_156`` naming the
        periods it has), or the committee is not a unit of it (``ROUND_153``).
    """
    rnd = store.round(round_id)
    committee = _committee_of(store, rnd)
    parent = store.committee(committee.parent_code) if committee.parent_code else None
    if parent is None:
        raise PipelineError(Msg.ROUND_151, committee=committee_title(committee.name))
    above = committee_title(parent.name)  # "Ủy ban MTTQ Việt Nam tỉnh Lai Châu"
    theirs = [r for r in store.rounds() if r.committee_code == parent.code]
    same = [r for r in theirs if r.period == rnd.period]
    if not same:
        periods = ", ".join(dict.fromkeys(period_label(r.period) for r in reversed(theirs)))
        msg = Msg.ROUND_156 if periods else Msg.ROUND_152
        raise PipelineError(msg, parent=above, period=period_label(rnd.period), periods=periods)
    target = same[-1]
    if store.unit(target.id, committee.code) is None:
        raise PipelineError(Msg.ROUND_153, committee=committee.name, code=committee.code, round=target.id, parent=above)
    return Parent(committee.code, committee.name, above, target)


def forward_round(store: Store, round_id: str, *, actor: str, now: datetime | None = None) -> ForwardResult:
    """Consolidate the committee's round (the version in use of each unit; its outputs kept under
    ``<data>/forwarded/<round>/<time>``) and submit the totals into its parent's round
    (``parent_round``) as the committee's return.

    :raises PipelineError: what ``parent_round`` raises; nothing to consolidate (``ROUND_107``);
        the parent's template is for another period (``FORWARD_002``) or committee (``FORWARD_020``).
    """
    now = now or utc_now()
    where = parent_round(store, round_id)
    out = store.data_dir / FORWARDED_DIR / round_id / now.strftime("%Y%m%dT%H%M%S%fZ")
    result, out_dir = consolidate_round(store, round_id, out, actor=actor)
    blank = blank_template(store, where.round, where.committee_code)
    name = Path(blank.name).stem + FORWARD_SUFFIX + ".xlsx"
    upper = upper_template_of(blank.data, Path(name))
    found = check_period(result, upper, False) + check_identity(result, upper, False)
    found += missing_units(result) + rejected_values(result)
    contents, _filled, matched = match(result, upper, Path(name), TOTALS_CSV)
    note = provenance(result, now.astimezone(SAVED_TIME_ZONE).date())
    data = render(upper, contents, note, now)
    cover = coverage(result)
    source = Msg.ROUND_154.render(round=round_id, committee=where.committee_name, count=f"{cover.received}/{cover.expected}")
    verdict = submit(
        store, where.round.id, data, name, link_unit=where.committee_code, sender=Sender.UNIT, channel=Channel.FORWARD, source=source
    )
    store.log(round_id, actor, ACTION_FORWARD, detail=f"→ đợt {where.round.id}: {source}")
    problems = sorted(found + matched, key=lambda p: p.severity.rank)
    return ForwardResult(where.round.id, where.parent_name, verdict, cover, source, note, out_dir, problems)
