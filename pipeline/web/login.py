"""The public pages of the office accounts: "Đăng nhập" (``/dang-nhap``: login and password,
the library's lockout) and the set-password page an invitation or a reset link opens
(``/mat-khau/<token>``: the token never reaches a log line, ``base.safe_path`` cuts it). The
blueprint also loads the session's account before every request (``access.load_account``)."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for

from pipeline.accounts import authenticate, redeem
from pipeline.accounts.invitations import MAX_TOKEN_CHARS, SET_PASSWORD_PATH, VALID_HOURS, token_sha256
from pipeline.accounts.passwords import MIN_CHARS
from pipeline.core.errors import Msg, PipelineError
from pipeline.core.vnformat import utc_now
from pipeline.web.access import can_act, current_account, load_account, signed_in, start_session
from pipeline.web.base import check_csrf, store

bp = Blueprint("login", __name__)
bp.before_app_request(load_account)


@bp.app_context_processor
def _globals() -> dict:
    return {"current_account": current_account, "signed_in": signed_in, "can_act": can_act, "read_only_text": _read_only}


def _read_only(rnd) -> str:
    """What a board says to whom may only read it."""
    committee = store().committee(rnd.committee_code) if rnd.committee_code else None
    return Msg.WEB_166.render(committee=committee.name if committee else rnd.committee_code)


def _address() -> str:
    """The client's address as the lockout counts it (behind a proxy: as ProxyFix gives it)."""
    return request.remote_addr or "?"


@bp.get("/dang-nhap")
def form():
    if current_account() is not None:
        return redirect(url_for("dashboard.index"))
    return render_template("login.html", error="", login="")


@bp.post("/dang-nhap")
def submit():
    check_csrf()
    login = request.form.get("login", "").strip()
    password = request.form.get("password", "")
    if not login or not password:
        return render_template("login.html", error=Msg.WEB_167.render(), login=login), 400
    try:
        account = authenticate(store(), login, password, _address())
    except PipelineError as err:
        return render_template("login.html", error=str(err), login=login), err.status
    start_session(account)
    return redirect(url_for("dashboard.index"), code=303)


def _link_problem(token: str) -> PipelineError | None:
    """What is wrong with a set-password link before a password is typed (guessed, used,
    expired: each says so, as ``accounts.redeem`` would), None when it can be used."""
    found = store().invitation(token_sha256(token)) if 0 < len(token) <= MAX_TOKEN_CHARS else None
    account = store().account(found.account_id) if found else None
    if found is None or account is None or account.disabled_at is not None:
        return PipelineError(Msg.ACCOUNT_010)
    if found.used_at is not None:
        return PipelineError(Msg.ACCOUNT_011)
    if utc_now() >= found.expires_at:
        return PipelineError(Msg.ACCOUNT_012, hours=VALID_HOURS)
    return None


def _password_page(token: str, error: str = "", status: int = 200, done: str = ""):
    account = None if done else store().account(store().invitation(token_sha256(token)).account_id)
    rules = Msg.WEB_160.render(min=MIN_CHARS)
    return render_template("password.html", account=account, rules=rules, error=error, done=done), status


@bp.get(SET_PASSWORD_PATH + "<token>")
def password(token: str):
    problem = _link_problem(token)
    if problem is not None:
        return render_template("error.html", code=problem.status, title="Đường dẫn không dùng được", text=str(problem)), problem.status
    return _password_page(token)


@bp.post(SET_PASSWORD_PATH + "<token>")
def set_password(token: str):
    check_csrf()
    problem = _link_problem(token)
    if problem is not None:
        return render_template("error.html", code=problem.status, title="Đường dẫn không dùng được", text=str(problem)), problem.status
    new, again = request.form.get("password", ""), request.form.get("again", "")
    if new != again:
        return _password_page(token, Msg.WEB_161.render(), 400)
    try:
        account = redeem(store(), token, new)
    except PipelineError as err:
        return _password_page(token, str(err), err.status)
    return _password_page(token, done=Msg.WEB_162.render(login=account.login))
