"""The office's page of one unit: every version it sent (numbered among the unit's own uploads,
time, sender, accepted, findings with their rule ids and cells) and the two actions: approve
(a version with errors only once the office ticks that it saw them; never the approved one
again), or return for correction with a note the unit sees on its page. After either, the page
says what was done (post, redirect, get)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from pipeline import rounds
from pipeline.accounts import Action
from pipeline.core import settings
from pipeline.core.constants import ReviewState
from pipeline.core.errors import Msg, PipelineError
from pipeline.rounds.board import unit_status
from pipeline.rounds.figures import changes
from pipeline.rounds.history import sender_of, upload_numbers
from pipeline.web.access import actor, allowed
from pipeline.web.base import store
from pipeline.web.plain import unit_lines

bp = Blueprint("office_unit", __name__)
DONE = {ReviewState.APPROVED: Msg.WEB_050, ReviewState.RETURNED: Msg.WEB_051}  # what the page says after each review


def versions(round_id: str, code: str):
    """Every file the unit sent, or the office filed as its return, newest first."""
    return list(reversed(store().submissions(round_id, of_unit=code)))


def arranged(sent: list, code: str, in_use: int | None) -> list:
    """The versions as the office reads them: the version in use first, then the others newest
    first (``sent`` is), the files of this unit sent through another unit's link after its own."""
    rest = [s for s in sent if s.id != in_use]
    return [s for s in sent if s.id == in_use] + [s for s in rest if sender_of(s) == code] + [s for s in rest if sender_of(s) != code]


def _names(round_id: str, sent) -> dict[str, str]:
    """The names of the units that sent ``sent`` (a unit's page shows files of it another unit sent)."""
    units = (store().unit(round_id, code) for code in {sender_of(s) for s in sent} - {None})
    return {unit.code: unit.name for unit in units if unit is not None}


@bp.get("/rounds/<round_id>/units/<code>")
@allowed(Action.VIEW_ROUND)
def show(round_id: str, code: str, error: str = "", confirm: int | None = None):
    """The page; ``confirm``: the version whose approval waits for the office to tick that it saw its errors."""
    rnd = store().round(round_id)
    row = unit_status(store(), round_id, code)
    sent = arranged(versions(round_id, code), code, row.in_use)
    changed = changes(store(), round_id, [s for s in sent if s.unit_code == code])
    opened = {row.in_use or (sent[0].id if sent else None), confirm}  # the rest folded
    page = render_template(
        "office_unit.html", rnd=rnd, row=row, versions=sent, changed=changed, error=error, confirm=confirm, opened=opened,
        number=upload_numbers(store(), round_id, sent), sender_of=sender_of, names=_names(round_id, sent),
        note_limit=settings.LIMIT_NOTE_CHARS, unit_lines=unit_lines,
    )  # fmt: skip
    return page, 400 if error else 200


@bp.post("/rounds/<round_id>/units/<code>/review")
@allowed(Action.ACT_ROUND)
def review(round_id: str, code: str):
    submission = request.form.get("submission", "")
    chosen = int(submission) if submission.isdigit() else None
    action = request.form.get("action", "")
    try:
        row = rounds.review(
            store(), round_id, code, action, request.form.get("note", ""), submission_id=chosen,
            errors_seen=request.form.get("errors_seen") == "yes", actor=actor(),
        )  # fmt: skip
    except PipelineError as err:
        return show(round_id, code, error=str(err), confirm=chosen)
    reviewed = chosen or row.in_use
    number = upload_numbers(store(), round_id, [s for s in versions(round_id, code) if s.id == reviewed]).get(reviewed)
    flash(DONE[ReviewState.of_action(action)].render(number=number, unit_name=row.unit_name))
    return redirect(url_for("office_unit.show", round_id=round_id, code=code))
