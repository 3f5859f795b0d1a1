"""The JSON API for scripts (office login required): the round's status board, its consolidation job."""

from __future__ import annotations

from flask import Blueprint, jsonify

from pipeline import rounds
from pipeline.accounts import Action
from pipeline.web.access import allowed
from pipeline.web.base import store
from pipeline.web.jobs import job_view

bp = Blueprint("api", __name__)


@bp.get("/api/rounds/<round_id>/status")
@allowed(Action.VIEW_ROUND)
def status(round_id: str):
    rnd = store().round(round_id)
    rows = rounds.status(store(), round_id)
    return jsonify({"round": rnd.id, "period": rnd.period, "units": [row.as_json() for row in rows]})


@bp.get("/api/rounds/<round_id>/consolidation")
@allowed(Action.VIEW_ROUND)
def consolidation(round_id: str):
    """The round's latest consolidation job (``{"job": null}``: never started on the web): the
    board's script polls it to show the files read while the job runs."""
    return jsonify({"round": round_id, "job": job_view(rounds.latest_consolidation(store(), round_id))})
