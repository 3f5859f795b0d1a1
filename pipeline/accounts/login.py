"""Logging in, with a lockout that backs off, and the check of a session.

Lockout: ``FAILURES`` wrong passwords within ``WINDOW``, on one account or from one address,
lock it for ``FIRST_LOCK``; each further lock (within ``LOOKBACK``) lasts twice as long as the
one before, up to ``MAX_LOCK``. While locked, even the right password is refused, without being
looked at (and the attempt is kept as ``locked``, not counted again). A successful login clears
the account's count; an address's count only ages out (a success from it may be the attacker's
own account). Every attempt is kept with its time and address, never with the password.

Sessions: the web keeps ``(account id, session_epoch)`` in its signed cookie, for at most
``SESSION_HOURS``, and asks ``session_valid`` on each request: a new password, a reset used, or
a disabled account ends every earlier session.
"""

from __future__ import annotations

import logging
import math
from collections import deque
from collections.abc import Iterable
from datetime import datetime, timedelta

import pipeline.accounts.passwords as passwords
from pipeline.core.errors import Msg, PipelineError
from pipeline.core.vnformat import utc_now
from pipeline.store import AccountRecord, Store

FAILURES = 10
WINDOW = timedelta(minutes=1)
FIRST_LOCK = timedelta(minutes=1)
MAX_LOCK = timedelta(hours=1)
LOOKBACK = timedelta(hours=24)
SESSION_HOURS = 12

# A failed or locked attempt names the account by its id and the address: never the password,
# nor the login typed (an officer sometimes types the password into the login field).
log = logging.getLogger(__name__)


def locked_until(attempts: Iterable[tuple[datetime, str]], *, cleared_by_success: bool) -> datetime | None:
    """When the lock that ``attempts`` (``(at, outcome)``, oldest first) earned ends (it may be
    past); None when they earned none. ``cleared_by_success``: a success starts the count again."""
    window: deque[datetime] = deque()
    locks, until = 0, None
    for at, outcome in attempts:
        if outcome == "success" and cleared_by_success:
            window.clear()
            locks, until = 0, None
        if outcome != "failure" or (until is not None and at < until):
            continue
        window.append(at)
        while window[0] <= at - WINDOW:
            window.popleft()
        if len(window) >= FAILURES:
            locks += 1
            until = at + min(FIRST_LOCK * 2 ** (locks - 1), MAX_LOCK)
            window.clear()
    return until


def _lock(store: Store, account: AccountRecord | None, address: str, now: datetime) -> datetime | None:
    """The later end of the account's lock and the address's, if either is still on at ``now``."""
    since = now - LOOKBACK
    ends = [locked_until(store.login_attempts(since=since, address=address), cleared_by_success=False)]
    if account is not None:
        ends.append(locked_until(store.login_attempts(since=since, account_id=account.id), cleared_by_success=True))
    on = [end for end in ends if end is not None and end > now]
    return max(on) if on else None


def _refuse_locked(until: datetime, now: datetime) -> PipelineError:
    return PipelineError(Msg.ACCOUNT_016, minutes=max(1, math.ceil((until - now) / timedelta(minutes=1))))


def authenticate(store: Store, login: str, password: str, address: str, *, now: datetime | None = None) -> AccountRecord:
    """The account of ``login`` when ``password`` is its password and neither the account nor
    ``address`` (the client's) is locked; its hash is made again if the parameters changed.

    :param now: the moment of the attempt (default: now; tests pass their own clock).
    :raises PipelineError: locked, saying how many minutes to wait (``ACCOUNT_016``); a wrong
        login or password, or an account without a password or disabled: one message for all
        (``ACCOUNT_015``).
    """
    now = now or utc_now()
    account = store.account_by_login(login)
    account_id = account.id if account else None
    until = _lock(store, account, address, now)
    if until is not None:
        store.add_login_attempt(account_id, address, "locked", now)
        log.warning("login refused, locked until %s: account %s, address %s", until.isoformat(), account_id, address)
        raise _refuse_locked(until, now)
    usable = account is not None and account.disabled_at is None
    if not passwords.verify(account.password_hash if usable else None, password):
        store.add_login_attempt(account_id, address, "failure", now)
        log.warning("login failed: account %s, address %s", account_id, address)
        until = _lock(store, account, address, now)
        raise _refuse_locked(until, now) if until is not None else PipelineError(Msg.ACCOUNT_015)
    if passwords.needs_rehash(account.password_hash):
        store.set_password_hash(account.id, passwords.hash_password(password), new_password=False)
    store.add_login_attempt(account.id, address, "success", now)
    return store.account(account.id)


def session_valid(store: Store, account_id: int, epoch: int) -> AccountRecord | None:
    """The account of a session made under ``epoch``, if it still stands: the account exists, is
    not disabled, has a password, and its password has not changed since; None otherwise."""
    account = store.account(account_id) if isinstance(account_id, int) else None
    if account is None or not account.active or account.session_epoch != epoch:
        return None
    return account
