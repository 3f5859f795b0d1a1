"""Passwords: argon2id hashes, the minimum rules in Vietnamese, and a hash made again at login
when the parameters changed (without ending the account's sessions)."""

from __future__ import annotations

import unicodedata

import pytest
from argon2 import PasswordHasher, Type

from pipeline.accounts import authenticate, check_rules, hash_password, needs_rehash, verify
from pipeline.accounts.passwords import MAX_CHARS, MEMORY_KIB, MIN_CHARS, TIME_COST
from pipeline.core.errors import Msg, PipelineError
from tests.committees import PASSWORD, make_account


def test_a_hash_is_argon2id_salted_and_checks_the_password():
    first, second = hash_password(PASSWORD), hash_password(PASSWORD)
    assert first.startswith(f"$argon2id$v=19$m={MEMORY_KIB},t={TIME_COST},p=") and first != second
    assert verify(first, PASSWORD) and verify(second, PASSWORD)
    assert not verify(first, PASSWORD.upper()) and not verify(first, "") and not verify(None, PASSWORD)
    assert not verify("không phải một mã băm", PASSWORD) and not verify(first, "x" * (MAX_CHARS + 1))
    assert not needs_rehash(first)
    assert verify(hash_password(unicodedata.normalize("NFD", PASSWORD)), PASSWORD)  # typed with combining marks


def test_a_hash_with_older_parameters_is_made_again_at_login_and_sessions_go_on(tree_store):
    account = make_account(tree_store, "xa.office", "03386")
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1, type=Type.ID).hash(PASSWORD)
    tree_store.set_password_hash(account.id, weak, new_password=False)
    assert needs_rehash(weak) and needs_rehash("$bcrypt$không phải argon2")
    again = authenticate(tree_store, "xa.office", PASSWORD, "10.0.0.1")
    assert again.password_hash != weak and not needs_rehash(again.password_hash) and verify(again.password_hash, PASSWORD)
    assert again.session_epoch == account.session_epoch


@pytest.mark.parametrize(
    ("password", "login", "msg", "fields"),
    [
        ("ngắn quá", "", Msg.ACCOUNT_004, {"min": MIN_CHARS, "length": 8}),
        ("nguyen.van.an", "Nguyen.Van.An", Msg.ACCOUNT_005, {}),
        ("aaaaaaaaaaaa", "", Msg.ACCOUNT_006, {}),
        ("x" * (MAX_CHARS + 1) + "y", "", Msg.ACCOUNT_007, {"max": MAX_CHARS}),
    ],
    ids=["short", "login", "one-character", "long"],
)
def test_the_minimum_rules_say_what_is_wrong(password, login, msg, fields):
    with pytest.raises(PipelineError) as caught:
        check_rules(password, login)
    assert caught.value.msg is msg and str(caught.value) == msg.render(**fields)


def test_a_letter_typed_with_combining_marks_counts_once():
    with pytest.raises(PipelineError) as caught:
        check_rules(unicodedata.normalize("NFD", "nước mắm!"))  # 13 code points as typed, 9 characters
    assert str(caught.value) == Msg.ACCOUNT_004.render(min=MIN_CHARS, length=9)


def test_a_good_password_passes_the_rules():
    check_rules(PASSWORD, "nguyen.van.an")
    check_rules("0123456789", "")
