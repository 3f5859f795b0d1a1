"""The dashboard: the rounds the login may see, and the form that creates one (period, deadline,
unit list). The server's owner sees every round; an office account its own committee's rounds
and, read only, the rounds of the committees under it with their progress. A round an account
creates is its committee's: its own form folder from its level's form (``committee_form``)."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for

from pipeline import rounds
from pipeline.accounts import Action
from pipeline.core import settings
from pipeline.core.errors import PipelineError
from pipeline.form.csvread import Given, uploaded_name
from pipeline.rounds.committee_form import create_committee_round
from pipeline.rounds.progress import rounds_progress
from pipeline.sample import COMMUNE_EXAMPLE, EXAMPLES
from pipeline.web.access import actor, allowed, current_account, may
from pipeline.web.base import store

bp = Blueprint("dashboard", __name__)

# A committee's level → the form its rounds use (any other level: the bundled form).
LEVEL_FORMS = {"commune": COMMUNE_EXAMPLE.form_dir, "province": EXAMPLES["tinh-lai-chau-2025"].form_dir}


def _page(error: str | None = None, form=None, status: int = 200):
    account = current_account()
    every = list(reversed(store().rounds()))
    if account is None:
        own, below, names = every, [], {}
    else:
        under = {c.code: c.name for c in store().committees_under(account.committee_code) if may(Action.VIEW_ROUND, c.code)}
        own = [r for r in every if r.committee_code == account.committee_code]
        theirs = [r for r in every if r.committee_code in under]
        progress = rounds_progress(store(), theirs)
        below = [(r, progress[r.id]) for r in theirs]
        names = under
    may_create = may(Action.ACT_ROUND, account.committee_code if account else None)
    needs_list = account is not None and not store().committee_children(account.committee_code)
    return render_template(
        "dashboard.html", rounds=own, below=below, names=names, may_create=may_create, needs_list=needs_list, error=error,
        form=form or {},
    ), status  # fmt: skip


@bp.get("/")
@allowed(Action.VIEW_ROUND)
def index():
    return _page()


def _create(period: str, deadline: str | None, units: Given | None):
    account = current_account()
    if account is None:
        return rounds.create_round(store(), units_path=units, period=period, deadline=deadline)
    committee = store().committee(account.committee_code)
    level_form = LEVEL_FORMS.get(committee.level)
    return create_committee_round(
        store(), committee.code, level_form=level_form or settings.DEFINITIONS_DIR, period=period, deadline=deadline,
        units_path=units, actor=actor(),
    )  # fmt: skip


@bp.post("/rounds")
@allowed(Action.ACT_ROUND)
def create():
    period = request.form.get("period", "").strip()
    deadline = request.form.get("deadline", "").strip()
    upload = request.files.get("units")
    # Read from memory under the name the office gave it: a message never shows a temporary path.
    units = Given(uploaded_name(upload.filename), upload.read()) if upload and upload.filename else None
    try:
        rnd = _create(period, deadline or None, units)
    except PipelineError as err:
        return _page(error=str(err), form=request.form, status=400)
    return redirect(url_for("board.show", round_id=rnd.id))
