"""The office's page of one unit: every version it sent (time, sender, accepted, findings) and
the two actions: approve, or return for correction with a note the unit sees on its page."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for

from pipeline import rounds
from pipeline.core.errors import PipelineError
from pipeline.rounds.board import unit_status
from pipeline.rounds.figures import changes
from pipeline.web.base import admin_required, store

bp = Blueprint("office_unit", __name__)


def versions(round_id: str, code: str):
    """Every file the unit sent, or the office filed as its return, newest first."""
    return list(reversed(store().submissions(round_id, of_unit=code)))


@bp.get("/rounds/<round_id>/units/<code>")
@admin_required
def show(round_id: str, code: str, error: str = ""):
    rnd = store().round(round_id)
    row = unit_status(store(), round_id, code)
    sent = versions(round_id, code)
    changed = changes(store(), round_id, [s for s in sent if s.unit_code == code])
    page = render_template("office_unit.html", rnd=rnd, row=row, versions=sent, changed=changed, error=error)
    return page, 400 if error else 200


@bp.post("/rounds/<round_id>/units/<code>/review")
@admin_required
def review(round_id: str, code: str):
    submission = request.form.get("submission", "")
    try:
        rounds.review(
            store(), round_id, code, request.form.get("action", ""), request.form.get("note", ""),
            submission_id=int(submission) if submission.isdigit() else None,
        )  # fmt: skip
    except PipelineError as err:
        return show(round_id, code, error=str(err))
    return redirect(url_for("office_unit.show", round_id=round_id, code=code))
