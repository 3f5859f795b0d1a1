"""The round's audit log for the office: every action (round created, links issued, files
received, reviews, consolidations), newest first, in Vietnamese."""

from __future__ import annotations

import re

from flask import Blueprint, render_template

from pipeline.accounts import Action
from pipeline.core.constants import ReviewState
from pipeline.rounds.upward import ACTION_FORWARD
from pipeline.web.access import allowed, current_account
from pipeline.web.base import store
from pipeline.web.jobs import ACTORS

bp = Blueprint("audit", __name__)

# What the store's action names (``Store.audit``) are called on the page; an unknown one is shown as it is.
ACTIONS = {
    "create_round": "Tạo đợt",
    "issue_token": "Cấp đường dẫn",
    "upload": "Nhận tệp",
    **{state.action: state.verb for state in ReviewState},
    "consolidate": "Tổng hợp",
    ACTION_FORWARD: "Gửi lên cấp trên",
}
# " → /srv/tonghop/output/…" (or "C:\\…"): where the server wrote a consolidation, at the end of a detail
_SERVER_PATH = re.compile(r"\s*→\s*(?:/|[A-Za-z]:[\\/]).*$", re.S)


@bp.app_template_filter("shown_detail")
def shown_detail(detail: str | None) -> str:
    """An audit line's detail as the page shows it: to an account without the server's folders
    (they tell an office nothing it can open, and tell it how the server is laid out); the
    server's owner sees them whole."""
    if not detail or current_account() is None:
        return detail or ""
    return _SERVER_PATH.sub("", detail)


@bp.get("/rounds/<round_id>/audit")
@allowed(Action.VIEW_ROUND)
def show(round_id: str):
    rnd = store().round(round_id)
    names = {u.code: u.name for u in store().units(round_id)}
    lines = list(reversed(store().audit(round_id)))
    return render_template("audit.html", rnd=rnd, lines=lines, names=names, actions=ACTIONS, actors=ACTORS)
