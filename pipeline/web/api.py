"""The JSON API for scripts (office login required): the round's status board."""

from __future__ import annotations

from flask import Blueprint, jsonify

from pipeline import rounds
from pipeline.web.base import admin_required, store

bp = Blueprint("api", __name__)


@bp.get("/api/rounds/<round_id>/status")
@admin_required
def status(round_id: str):
    rnd = store().round(round_id)
    rows = rounds.status(store(), round_id)
    return jsonify({"round": rnd.id, "period": rnd.period, "units": [row.as_json() for row in rows]})
