"""Logging in: the lockout (per account and per address, with back-off, lifting again), on a
clock the test sets (no sleeps); sessions ended by a new password."""

from __future__ import annotations

from datetime import timedelta

import pytest

from pipeline.accounts import authenticate, redeem, reset_link, session_valid
from pipeline.accounts.login import FAILURES, locked_until
from pipeline.core.errors import Msg, PipelineError
from tests.committees import PASSWORD, T0, make_account

WRONG = "không phải mật khẩu"


def _try(store, login, password, address, at):
    """The account on success, else the catalogue entry of the refusal."""
    try:
        return authenticate(store, login, password, address, now=at)
    except PipelineError as err:
        return err


def _fail_times(store, login, address, count, start, step=timedelta(seconds=5)):
    return [_try(store, login, WRONG, address, start + i * step) for i in range(count)]


def test_the_tenth_wrong_password_in_a_minute_locks_even_the_right_one_and_the_lock_lifts(tree_store_both):
    store = tree_store_both
    account = make_account(store, "xa.office", "03386")
    answers = _fail_times(store, "xa.office", "10.0.0.1", FAILURES, T0)
    assert [a.msg for a in answers[:-1]] == [Msg.ACCOUNT_015] * (FAILURES - 1)
    assert answers[-1].msg is Msg.ACCOUNT_016 and str(answers[-1]) == Msg.ACCOUNT_016.render(minutes=1)
    last = T0 + (FAILURES - 1) * timedelta(seconds=5)
    locked = _try(store, "xa.office", PASSWORD, "10.0.0.99", last + timedelta(seconds=30))  # another address too
    assert locked.msg is Msg.ACCOUNT_016
    assert _try(store, "xa.office", PASSWORD, "10.0.0.99", last + timedelta(seconds=61)).id == account.id


def test_the_lock_doubles_and_a_success_starts_the_count_again(tree_store):
    make_account(tree_store, "xa.office", "03386")
    _fail_times(tree_store, "xa.office", "10.0.0.1", FAILURES, T0)
    second = T0 + timedelta(minutes=2)  # after the first lock (1 minute) lifted
    answers = _fail_times(tree_store, "xa.office", "10.0.0.2", FAILURES, second, step=timedelta(seconds=1))
    assert str(answers[-1]) == Msg.ACCOUNT_016.render(minutes=2)
    end = second + (FAILURES - 1) * timedelta(seconds=1)
    assert _try(tree_store, "xa.office", PASSWORD, "10.0.0.3", end + timedelta(seconds=100)).msg is Msg.ACCOUNT_016
    assert _try(tree_store, "xa.office", PASSWORD, "10.0.0.3", end + timedelta(seconds=121)).login == "xa.office"
    # A success clears the account's count: nine more mistakes later lock nothing.
    answers = _fail_times(tree_store, "xa.office", "10.0.0.4", FAILURES - 1, end + timedelta(minutes=5))
    assert {a.msg for a in answers} == {Msg.ACCOUNT_015}


def test_failures_spread_over_more_than_a_minute_lock_nothing(tree_store):
    make_account(tree_store, "xa.office", "03386")
    answers = _fail_times(tree_store, "xa.office", "10.0.0.1", 2 * FAILURES, T0, step=timedelta(seconds=7))
    assert {a.msg for a in answers} == {Msg.ACCOUNT_015}


def test_one_address_trying_many_logins_is_locked(tree_store):
    make_account(tree_store, "xa.office", "03386")
    answers = [_try(tree_store, f"doan.{i}", WRONG, "203.0.113.9", T0 + timedelta(seconds=i)) for i in range(FAILURES)]
    assert answers[-1].msg is Msg.ACCOUNT_016
    assert _try(tree_store, "xa.office", PASSWORD, "203.0.113.9", T0 + timedelta(seconds=20)).msg is Msg.ACCOUNT_016
    assert _try(tree_store, "xa.office", PASSWORD, "198.51.100.1", T0 + timedelta(seconds=20)).login == "xa.office"


def test_unknown_login_no_password_and_disabled_read_as_a_wrong_password(tree_store):
    make_account(tree_store, "chua.dat", "03386", password=None)
    disabled = make_account(tree_store, "da.khoa", "03386")
    tree_store.disable_account(disabled.id)
    for login in ("khong.co", "chua.dat", "da.khoa"):
        assert _try(tree_store, login, PASSWORD, f"10.0.1.{len(login)}", T0).msg is Msg.ACCOUNT_015


def test_attempts_are_kept_and_logged_without_the_password(tree_store, tmp_path, caplog):
    account = make_account(tree_store, "xa.office", "03386")
    _try(tree_store, "xa.office", WRONG, "10.0.0.1", T0)
    _try(tree_store, WRONG, WRONG, "10.0.0.1", T0)  # the password typed into the login field
    assert [r.getMessage() for r in caplog.records] == [
        f"login failed: account {account.id}, address 10.0.0.1",
        "login failed: account None, address 10.0.0.1",
    ]
    _try(tree_store, "xa.office", PASSWORD, "10.0.0.1", T0 + timedelta(seconds=1))
    kept = tree_store.login_attempts(since=T0, account_id=account.id)
    assert [outcome for _, outcome in kept] == ["failure", "success"]  # the unknown login's attempt is the address's
    tree_store.close()
    assert WRONG.encode() not in (tmp_path / "data" / "tonghop.sqlite3").read_bytes()


def test_a_session_ends_when_the_password_is_set_again(tree_store):
    account = make_account(tree_store, "xa.office", "03386")
    assert session_valid(tree_store, account.id, account.session_epoch) == account
    token = reset_link(tree_store, None, account)
    assert session_valid(tree_store, account.id, account.session_epoch) == account  # a link sent ends nothing yet
    redeem(tree_store, token, "mật khẩu mới toanh 2027")
    assert session_valid(tree_store, account.id, account.session_epoch) is None
    again = authenticate(tree_store, "xa.office", "mật khẩu mới toanh 2027", "10.0.0.1")
    assert session_valid(tree_store, again.id, again.session_epoch) == again
    tree_store.disable_account(again.id)
    assert session_valid(tree_store, again.id, again.session_epoch) is None
    assert session_valid(tree_store, 999, 1) is None and session_valid(tree_store, "1", 1) is None


@pytest.mark.parametrize("seconds", [0, 59.9])
def test_locked_until_counts_within_the_window(seconds):
    times = [T0 + timedelta(seconds=seconds * i / (FAILURES - 1)) for i in range(FAILURES)]
    assert locked_until([(t, "failure") for t in times], cleared_by_success=True) == times[-1] + timedelta(minutes=1)
    assert locked_until([(t, "failure") for t in times[:-1]], cleared_by_success=True) is None
