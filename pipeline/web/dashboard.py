"""The dashboard: every round, and the form that creates one (period, deadline, unit list)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from flask import Blueprint, redirect, render_template, request, url_for

from pipeline import rounds
from pipeline.core.errors import PipelineError
from pipeline.web.base import admin_required, store

bp = Blueprint("dashboard", __name__)


@bp.get("/")
@admin_required
def index():
    return render_template("dashboard.html", rounds=list(reversed(store().rounds())), error=None, form={})


@bp.post("/rounds")
@admin_required
def create():
    period = request.form.get("period", "").strip()
    deadline = request.form.get("deadline", "").strip()
    upload = request.files.get("units")
    try:
        with tempfile.TemporaryDirectory(prefix="tonghop-") as tmp:
            units_path = None
            if upload and upload.filename:
                units_path = Path(tmp) / "units.csv"  # never the sender's name
                upload.save(units_path)
            rnd = rounds.create_round(store(), units_path=units_path, period=period, deadline=deadline or None)
    except PipelineError as err:
        return render_template("dashboard.html", rounds=list(reversed(store().rounds())), error=str(err), form=request.form), 400
    return redirect(url_for("board.show", round_id=rnd.id))
