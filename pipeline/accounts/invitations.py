"""One-time set-password links. An invitation creates the account (without a password) and a
link; the token in it (``secrets.token_urlsafe(32)``) is shown once and kept only as its sha256,
works once, for ``VALID_HOURS``; a newer link of the same account replaces an older one. Using
it sets the password (and ends every session of the account). A guessed, used or expired link
is refused, each with its own message, none of them saying whether an account exists."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta

import pipeline.accounts.passwords as passwords
from pipeline.accounts.model import Action, Role
from pipeline.accounts.scope import can
from pipeline.core.errors import Msg, PipelineError
from pipeline.core.vnformat import utc_now
from pipeline.store import AccountRecord, Store

VALID_HOURS = 72
TOKEN_BYTES = 32
MAX_TOKEN_CHARS = 256  # a longer "token" is not one of ours: not even hashed
SET_PASSWORD_PATH = "/mat-khau/"  # the set-password page: <base URL>/mat-khau/<token>
SERVER = "server"  # who created what the server's owner did on the command line
LOGIN = re.compile(r"[a-z0-9][a-z0-9._@-]{2,63}")


def token_sha256(token: str) -> str:
    """What the store keeps of an invitation's token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def invitation_url(base_url: str, token: str) -> str:
    """The link the invitee opens: ``<base URL>/mat-khau/<token>``."""
    return f"{base_url.rstrip('/')}{SET_PASSWORD_PATH}{token}"


def check_login(login: str) -> str:
    """``login`` as kept (case-folded), checked: 3 to 64 letters without diacritics, digits and ``. _ - @``.

    :raises PipelineError: anything else (``ACCOUNT_008``).
    """
    key = str(login).strip().casefold()
    if not LOGIN.fullmatch(key):
        raise PipelineError(Msg.ACCOUNT_008, login=login)
    return key


def _new_link(store: Store, account: AccountRecord, created_by: str, now: datetime) -> str:
    token = secrets.token_urlsafe(TOKEN_BYTES)
    store.add_invitation(account.id, token_sha256(token), created_by, now, now + timedelta(hours=VALID_HOURS))
    return token


def invite(
    store: Store,
    inviter: AccountRecord | None,
    login: str,
    display_name: str,
    committee_code: str,
    role: Role | str = Role.OFFICE,
    *,
    now: datetime | None = None,
) -> tuple[AccountRecord, str]:
    """Create the account ``login`` of the committee with ``role`` and its set-password link;
    returns the account and the link's token (show it once: it is not kept).

    :param inviter: the office inviting (``scope.can(…, INVITE, …)`` must allow it); ``None``:
        the server's owner on the command line, who may invite anyone anywhere.
    :raises PipelineError: a login not usable (``ACCOUNT_008``); outside the inviter's scope
        (``ACCOUNT_013``, 404, saying nothing of the committee).
    :raises StoreError: the login is taken (``ACCOUNT_002``), no such committee (``ACCOUNT_003``).
    """
    role = Role(role)
    key = check_login(login)
    if inviter is not None and not can(store, inviter, Action.INVITE, committee_code, invitee_role=role):
        raise PipelineError(Msg.ACCOUNT_013, code=committee_code)
    created_by = SERVER if inviter is None else inviter.login
    account = store.add_account(key, str(display_name).strip() or key, committee_code, role.value, created_by)
    return account, _new_link(store, account, created_by, now or utc_now())


def reset_link(store: Store, actor: AccountRecord | None, account: AccountRecord, *, now: datetime | None = None) -> str:
    """A new set-password link for ``account`` (an officer who forgot the password, or a new
    officer in the post); its earlier links stop working, its password works until the new one is set.

    :param actor: the office sending it (``MANAGE_ACCOUNTS`` on the account's committee), or
        ``None`` for the server's owner.
    :raises PipelineError: the account is outside the actor's scope (``ACCOUNT_014``, 404).
    """
    if actor is not None and not can(store, actor, Action.MANAGE_ACCOUNTS, account.committee_code):
        raise PipelineError(Msg.ACCOUNT_014, login=account.login)
    return _new_link(store, account, SERVER if actor is None else actor.login, now or utc_now())


def redeem(store: Store, token: str, password: str, *, now: datetime | None = None) -> AccountRecord:
    """Set the password of the account invited by ``token``; the link is used up.

    :raises PipelineError: no such link (``ACCOUNT_010``), used or replaced (``ACCOUNT_011``),
        expired (``ACCOUNT_012``), a password that breaks the rules (``passwords.check_rules``).
    """
    now = now or utc_now()
    found = store.invitation(token_sha256(token)) if isinstance(token, str) and 0 < len(token) <= MAX_TOKEN_CHARS else None
    account = store.account(found.account_id) if found else None
    if found is None or account is None or account.disabled_at is not None:
        raise PipelineError(Msg.ACCOUNT_010)
    if found.used_at is not None:
        raise PipelineError(Msg.ACCOUNT_011)
    if now >= found.expires_at:
        raise PipelineError(Msg.ACCOUNT_012, hours=VALID_HOURS)
    passwords.check_rules(password, account.login)
    if not store.use_invitation(found.id, passwords.hash_password(password), now):
        raise PipelineError(Msg.ACCOUNT_011)
    return store.account(account.id)
