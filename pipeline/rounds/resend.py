"""A typed return sent again is the same return: the phone's send reached the server but its
answer was lost (the network fell as it came back), so the page offered "Gửi lại" and the same
figures come a second time; or a phone without the script posted twice on a double tap. Either
way one submission, answered twice, never a second version for the office to review.

A send repeats the unit's latest submission when that one came from the web form by the same
sender (link, source), is not reviewed since, and its workbook is byte for byte the one these
figures make at its saved time (same figures, same day's note). Sends of one unit's typed return
go one at a time in the server's process, so that the second of two at once finds the first.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from pipeline.core.constants import Channel, Sender
from pipeline.rounds.board import unit_status
from pipeline.rounds.submit import Verdict

if TYPE_CHECKING:
    from pipeline.store import Store, UnitRecord


@dataclass(frozen=True)
class Sent:
    """Who sends: the sender, the link used (None: the office), the office's note of the source."""

    sender: Sender
    link: str | None
    source: str


_locks: dict[tuple[str, str, str], threading.Lock] = {}
_locks_guard = threading.Lock()


def sending(store: Store, round_id: str, unit_code: str) -> threading.Lock:
    """The lock held while one of the unit's typed returns is sent (in this server's process)."""
    with _locks_guard:
        return _locks.setdefault((str(store.data_dir), round_id, unit_code), threading.Lock())


def sent_again(store: Store, round_id: str, unit: UnitRecord, who: Sent, workbook: Callable[[datetime], bytes]) -> Verdict | None:
    """The verdict of the unit's latest submission when this send repeats it, else None.

    :param workbook: the bytes of the workbook the figures make, saved at the given time.
    """
    sent = store.submissions(round_id, of_unit=unit.code)
    last = sent[-1] if sent else None
    if last is None or last.saved_at is None or last.review is not None:
        return None
    if (last.channel, last.sender, last.link_unit, last.source, last.unit_code) != (
        Channel.FORM,
        who.sender,
        who.link,
        who.source,
        unit.code,
    ):
        return None
    if hashlib.sha256(workbook(last.saved_at)).hexdigest() != last.sha256:
        return None
    return Verdict(
        submission_id=last.id, filename=last.filename, unit_code=unit.code, unit_name=unit.name, link_unit=who.link,
        accepted=last.accepted, status=unit_status(store, round_id, unit.code).status, errors=last.errors, warnings=last.warnings,
        findings=last.findings, link_name=unit.name if who.link else "",
    )  # fmt: skip
