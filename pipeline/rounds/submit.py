"""Taking in a return: kept byte for byte, checked by the same library as ``tonghop check``,
filed under the unit it is from, and answered with a verdict.

A return comes through a unit's link (``Sender.UNIT``, ``link_unit`` its unit) or is dropped
by the office (``Sender.OFFICE``, no link: what arrived by Zalo or email), then recognised
by its metadata and filed under its unit exactly as if the unit had sent it. A return of
another unit sent through a unit's link is not accepted (``ROUND_101`` names both units), and
is still stored: nothing sent is ever lost.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline import api
from pipeline.consolidate.collect import Kept
from pipeline.core.constants import Channel, RoundStatus, Sender, Severity
from pipeline.core.errors import Msg, PipelineError
from pipeline.core.findings import Problem, problem
from pipeline.core.vnformat import utc_now
from pipeline.rounds.board import unit_status
from pipeline.rounds.checking import round_check
from pipeline.rounds.outcomes import outcome_place
from pipeline.rounds.setup import listed_unit, safe_name

if TYPE_CHECKING:
    from pipeline.consolidate.remembered import Remembered
    from pipeline.store import Store

FINDING_KEYS = ("severity", "rule", "sheet", "cell", "message", "plain")


@dataclass(frozen=True)
class Verdict:
    """The answer to one file sent to a round.

    ``unit_code``: the unit the file was recognised as ("" when not recognised); ``link_unit``:
    the unit whose link was used (None: dropped by the office), ``link_name`` its name;
    ``status``: where the unit that sent it (the link's, else the recognised one) now stands,
    None when there is none.
    """

    submission_id: int
    filename: str
    unit_code: str
    unit_name: str
    link_unit: str | None
    accepted: bool
    status: RoundStatus | None
    errors: int
    warnings: int
    findings: list[dict] = field(default_factory=list)
    link_name: str = ""

    def as_json(self) -> dict:
        """The answer of ``POST <link>`` with ``Accept: application/json``: every field is about
        the unit that sent the file (the link's, else the one it was filed under); the unit the
        file itself is from is ``file_unit_code``/``file_unit_name`` ("" when not recognised)."""
        return {
            "unit_code": self.link_unit or self.unit_code,
            "unit_name": self.link_name if self.link_unit else self.unit_name,
            "accepted": self.accepted,
            "status": self.status.value if self.status else None,
            "errors": self.errors,
            "warnings": self.warnings,
            "findings": [dict(f) for f in self.findings],
            "file_unit_code": self.unit_code,
            "file_unit_name": self.unit_name,
        }


def finding(p: Problem) -> dict:
    """A finding as the store keeps it and the JSON answer shows it: ``message`` for the office,
    ``plain`` in plain words for the unit's page (stored before it had one: ``""``)."""
    return {"severity": str(p.severity), "rule": p.rule, "sheet": p.sheet, "cell": p.cell, "message": p.message, "plain": p.plain}


def check_kept(context: api.Context, path: Path, name: str, received: datetime, remembered: Remembered | None = None) -> api.FileCheck:
    """Check a file sent to the round, read where the store keeps it (``path``: no copy made),
    as ``tonghop check`` checks a file called ``name`` (a ``safe_name``) received at ``received``,
    against the round's ``context`` (``checking.round_check``); its outcome remembered at
    ``remembered`` (``outcomes.outcome_place``), for the round's consolidation."""
    (check,) = api.check_files([Kept(path, name, received.timestamp(), remembered=remembered)], context=context)
    return check


def submit(
    store: Store,
    round_id: str,
    data: bytes,
    filename: str,
    *,
    link_unit: str | None = None,
    sender: Sender | str = Sender.UNIT,
    received_at: datetime | None = None,
    inside: str = "",
    channel: Channel = Channel.UPLOAD,
    source: str = "",
    actor: str | None = None,
) -> Verdict:
    """Keep ``data``, check it as the round's form, unit list and period say, file it, answer.

    :param filename: the name the sender gave the file; only its last part is kept
        (``setup.safe_name``), and findings name the file by it.
    :param link_unit: the unit whose link was used; None for a file the office drops.
    :param received_at: when the office got the file (the file's own time for one that came by
        Zalo or email; never later than now); default now. Lateness is judged from the later of
        this and the time saved inside the file (``consolidate.timeliness``).
    :param inside: the zip (and the folders in it) the file came in (``received``): the file is
        kept and shown as ``<inside>/<name>``.
    :param channel: how it came (a file, the web form, a lower round); ``source``: where its
        figures came from, in words (kept with it, shown beside its sender). ``actor``: who the
        audit log names (an office account's login); default the sender.
    :raises PipelineError: ``link_unit`` is not a unit of the round (``ROUND_102``).
    """
    sender = Sender(sender)  # ValueError for anything else
    rnd = store.round(round_id)
    checked = round_check(store, rnd)  # loaded once per round (the form still the round's version)
    units = checked.units
    link = None
    if link_unit is not None:
        link = next((u for u in units if u.code == link_unit), None)
        if link is None:
            raise PipelineError(Msg.ROUND_102, round=round_id, code=link_unit)
    now = utc_now()
    received = min(received_at, now) if received_at else now
    name = safe_name(filename)
    sha = store.put_blob(data)
    remembered = outcome_place(store, checked, sha, name, received.timestamp())
    check = check_kept(checked.context, store.blob_path(sha), name, received, remembered)
    name = f"{inside}/{name}" if inside else name
    unit = listed_unit(check.unit_code, units)
    accepted = check.accepted and unit is not None
    found = [finding(p) for p in check.problems]
    if accepted and link is not None and unit.code != link.code:
        other = problem(
            Msg.ROUND_101, Severity.ERROR, file=name, unit_code=unit.code, unit_name=unit.name, link_code=link.code, link_name=link.name
        )
        found.insert(0, finding(other))
        accepted = False
    counts = Counter(f["severity"] for f in found)
    sub_id = store.add_submission(
        round_id, sha256=sha, filename=name, sender=sender, link_unit=link.code if link else None,
        unit_code=unit.code if unit else None, accepted=accepted, errors=counts[Severity.ERROR.value],
        warnings=counts[Severity.WARNING.value], findings=found, saved_at=check.saved_at, received_at=received,
        figures=check.values if check.accepted else None, channel=channel, source=source, actor=actor,
    )  # fmt: skip
    who = link.code if link else unit.code if unit else None
    state = unit_status(store, round_id, who).status if who else None
    return Verdict(
        submission_id=sub_id,
        filename=name,
        unit_code=unit.code if unit else "",
        unit_name=unit.name if unit else "",
        link_unit=link.code if link else None,
        accepted=accepted,
        status=state,
        errors=counts[Severity.ERROR.value],
        warnings=counts[Severity.WARNING.value],
        findings=found,
        link_name=link.name if link else "",
    )
