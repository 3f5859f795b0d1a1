"""The "Tài khoản" page: the account's committee and role, its own actions (newest first), and
for an office: inviting a colleague (its own committee, office or viewer) or the office of a
committee under it, the accounts of its committee and of those under it, and "Gửi liên kết đặt
mật khẩu mới" for each. A link made here is shown once (a copy button, a note to send it by
Zalo) and never logged. The server's owner (its token) sees every committee's accounts."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for

from pipeline.accounts import Action, Role, invitation_url, invite, reset_link
from pipeline.accounts.invitations import VALID_HOURS
from pipeline.core.errors import Msg, PipelineError
from pipeline.core.vnformat import utc_now
from pipeline.store.actions import INVITE, RESET
from pipeline.web.access import allowed, current_account, may
from pipeline.web.audit import ACTIONS
from pipeline.web.base import store

bp = Blueprint("account", __name__)
SHOWN = "shown_link"  # the session's key of a new link and its notice, kept for the next GET only

ACTION_WORDS = {**ACTIONS, INVITE: "Mời tài khoản", RESET: "Gửi liên kết đặt mật khẩu mới"}


def _committees() -> list:
    """The committees whose accounts the page lists (and where it may invite): the account's
    own and those under it; every committee for the server's owner."""
    account = current_account()
    if account is None:
        return store().committees()
    own = store().committee(account.committee_code)
    return [own, *store().committees_under(account.committee_code)] if own else []


def _states(listed: list) -> dict[int, str]:
    """What each listed account is at: locked, in use (its password set), or its invitation not
    used yet (and whether that link has expired: then it needs a new one)."""
    waiting, now = store().open_invitations(), utc_now()
    states = {}
    for a in listed:
        if a.disabled_at is not None:
            states[a.id] = "đã khóa"
        elif a.password_hash is not None:
            states[a.id] = "đang dùng"
        elif a.id in waiting and waiting[a.id] > now:
            states[a.id] = "chưa đặt mật khẩu"
        else:
            states[a.id] = "chưa đặt mật khẩu (liên kết đã hết hạn)"
    return states


def _show_once(token: str, notice: str):
    """Post, redirect, get: the new link kept in the signed session for exactly the next GET of
    the page (never in a URL), so reloading the page neither makes another link (the one sent
    would stop working) nor shows this one again."""
    session[SHOWN] = [invitation_url(current_app.config["BASE_URL"], token), notice]
    return redirect(url_for("account.show") + "#duong-dan", code=303)


def _page(error: str = "", link: str = "", notice: str = "", status: int = 200):
    account = current_account()
    committees = _committees()
    codes = {c.code for c in committees}
    names = {c.code: c.name for c in committees}
    listed = [a for a in store().accounts() if a.committee_code in codes] if may(Action.MANAGE_ACCOUNTS, _own()) else []
    page = render_template(
        "account.html", account=account, committee=store().committee(account.committee_code) if account else None,
        role=Role(account.role).label if account else "", actions=store().actions_of(account.login) if account else [],
        words=ACTION_WORDS, committees=committees, names=names, accounts=listed, states=_states(listed), error=error, link=link, notice=notice,
        may_invite=may(Action.INVITE, _own()), roles=list(Role), role_labels={r.value: r.label for r in Role}, form=request.form if error else {},
    )  # fmt: skip
    return page, status


def _own() -> str | None:
    account = current_account()
    return account.committee_code if account else None


@bp.get("/tai-khoan")
@allowed(Action.VIEW_ROUND)
def show():
    link, notice = session.pop(SHOWN, None) or ("", "")
    page, status = _page(link=link, notice=notice)
    return page, status, {"Cache-Control": "no-store"}


@bp.post("/tai-khoan/moi")
@allowed(Action.INVITE)
def invite_account():
    """Invite: the account made, its set-password link shown once."""
    form = request.form
    try:
        made, token = invite(
            store(), current_account(), form.get("login", ""), form.get("name", ""), form.get("committee", ""), form.get("role", "")
            or Role.OFFICE.value,
        )  # fmt: skip
    except (PipelineError, ValueError) as err:
        status = getattr(err, "status", 400)
        return _page(
            error=str(err) if isinstance(err, PipelineError) else Msg.ACCOUNT_013.render(code=form.get("committee", "")), status=status
        )
    committee = store().committee(made.committee_code)
    notice = Msg.WEB_163.render(login=made.login, role=Role(made.role).label, committee=committee.name, hours=VALID_HOURS)
    return _show_once(token, notice)


@bp.post("/tai-khoan/<int:account_id>/dat-lai")
@allowed(Action.MANAGE_ACCOUNTS)
def reset(account_id: int):
    """A new set-password link for an account of the committee or of one under it, shown once."""
    target = store().account(account_id)
    if target is None:
        abort(404)
    token = reset_link(store(), current_account(), target)  # outside the scope: ACCOUNT_014, 404
    notice = Msg.WEB_164.render(login=target.login, hours=VALID_HOURS)
    return _show_once(token, notice)
