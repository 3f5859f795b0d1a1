"""The dashboard: every round, and the form that creates one (period, deadline, unit list)."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for

from pipeline import rounds
from pipeline.core.errors import PipelineError
from pipeline.form.csvread import Given, uploaded_name
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
    # Read from memory under the name the office gave it: a message never shows a temporary path.
    units = Given(uploaded_name(upload.filename), upload.read()) if upload and upload.filename else None
    try:
        rnd = rounds.create_round(store(), units_path=units, period=period, deadline=deadline or None)
    except PipelineError as err:
        return render_template("dashboard.html", rounds=list(reversed(store().rounds())), error=str(err), form=request.form), 400
    return redirect(url_for("board.show", round_id=rnd.id))
