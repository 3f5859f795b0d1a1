"""Who is asking, and may they: the office accounts' sessions and the one decorator on every
office page and API route (issue 22).

A session holds ``(account id, session_epoch, when it began)``; every request asks the library
(``accounts.session_valid``) whether it still stands (a new password, a reset used or a disabled
account ends it) and ends it after ``accounts.login.SESSION_HOURS`` whatever happens. The server
owner's token (``?token=``, bearer under ``/api``) stays: the owner may do everything.

``allowed(action)`` resolves the committee a route acts on (the round's, else the account's own)
and asks ``accounts.can``: outside the account's scope is the same 404 as an unknown round (the
account learns nothing); in scope but not allowed (a viewer, an office above the round's
committee) is a 403. Every POST carries the session's CSRF token."""

from __future__ import annotations

import functools
import time

from flask import abort, g, session

from pipeline.accounts import Action, can, session_valid
from pipeline.accounts.login import SESSION_HOURS
from pipeline.core.errors import Msg, StoreError
from pipeline.store import AccountRecord, RoundRecord
from pipeline.web.base import check_csrf, check_unit, is_admin, store

SESSION_KEY = "account"
OWNER_ACTOR = "office"  # the audit log's actor for what the server's owner does (as before accounts)
CLOCK_SKEW_S = 60  # a session that says it began later than this in the future is not ours


def start_session(account: AccountRecord) -> None:
    """The account logged in: a new session (a fresh CSRF token, nothing of an earlier one kept)."""
    session.clear()
    session[SESSION_KEY] = [account.id, account.session_epoch, int(time.time())]
    session.permanent = True


def load_account() -> None:
    """Before every request: ``g.account``, the session's account if the session still stands."""
    g.account = None
    kept = session.get(SESSION_KEY)
    if kept is None:
        return
    try:
        account_id, epoch, began = kept
        age = time.time() - float(began)
    except (TypeError, ValueError):
        age = None
    account = None
    if age is not None and -CLOCK_SKEW_S <= age <= SESSION_HOURS * 3600:
        account = session_valid(store(), account_id, epoch)
    if account is None:
        session.pop(SESSION_KEY, None)
    g.account = account


def current_account() -> AccountRecord | None:
    return g.get("account")


def signed_in() -> bool:
    """The owner's token or an account: someone the office pages may answer."""
    return is_admin() or current_account() is not None


def actor() -> str:
    """The audit log's actor of the request: the account's login, else the owner's ``office``."""
    account = current_account()
    return account.login if account is not None else OWNER_ACTOR


def may(action: Action, committee_code: str | None) -> bool:
    """May the request's owner or account do ``action`` on the committee (None: a round of the
    server's owner, which no account sees)?"""
    if is_admin():
        return True
    return committee_code is not None and can(store(), current_account(), action, committee_code)


def can_act(rnd: RoundRecord) -> bool:
    """The pages show a round's buttons only to whom may press them (``{% if can_act(rnd) %}``)."""
    return may(Action.ACT_ROUND, rnd.committee_code)


def _check_scope(action: Action, kwargs: dict) -> None:
    """404 outside the account's scope (as an unknown round), 403 in it but not allowed."""
    if is_admin():
        return
    account = current_account()
    if "round_id" in kwargs:
        code = store().round(kwargs["round_id"]).committee_code  # an unknown round: STORE_001, 404
        if not may(Action.VIEW_ROUND, code):
            raise StoreError(Msg.STORE_001, round_id=kwargs["round_id"])
    else:
        code = account.committee_code
    if not can(store(), account, action, code):
        abort(403)


def allowed(action: Action):
    """The decorator of every office page and API route: 401 without a login, the CSRF token of
    a POST checked, then the scope (``_check_scope``), then a unit of the round that does not
    exist is a 404. The view is marked with its action (``view.action``) for the access tests."""

    def decorate(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            if not signed_in():
                abort(401)
            check_csrf()
            _check_scope(Action(action), kwargs)
            check_unit(kwargs)
            return view(*args, **kwargs)

        wrapped.action = Action(action)
        return wrapped

    return decorate
