"""Passwords: hashed with argon2id through ``argon2-cffi`` (a well-kept binding of the reference
implementation; a memory-hard hash, not hand-written), checked against the minimum rules, and
hashed again when the parameters change.

The parameters suit a server of 2 cores shared with other work (docs/accounts.md has the
measurements): one hash takes about 0.1 s and 46 MiB. At most ``HASH_SLOTS`` hashes run at once
(the others wait their turn), so 50 logins at once need at most ``HASH_SLOTS`` × 46 MiB of memory
and are answered in a few seconds; a burst cannot exhaust the server's memory.
"""

from __future__ import annotations

import os
import threading
import unicodedata

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

from pipeline.core.errors import Msg, PipelineError

TIME_COST = 2  # passes over the memory
MEMORY_KIB = 47104  # 46 MiB (OWASP's argon2id setting, with a second pass)
PARALLELISM = 1  # one lane: a login uses one core, the other stays for the rest of the server
HASH_SLOTS = max(2, os.cpu_count() or 2)  # hashes running at once
MIN_CHARS = 10
MAX_CHARS = 1024  # a longer "password" is refused before it is hashed

HASHER = PasswordHasher(time_cost=TIME_COST, memory_cost=MEMORY_KIB, parallelism=PARALLELISM, type=Type.ID)
_SLOTS = threading.BoundedSemaphore(HASH_SLOTS)
# Verified when the login is unknown, so that a wrong login takes as long as a wrong password.
_DUMMY = HASHER.hash("tonghop: no such account")


def check_rules(password: str, login: str = "") -> None:
    """The minimum rules for a new password: at least ``MIN_CHARS`` characters (at most
    ``MAX_CHARS``), not the login, not one character repeated.

    :raises PipelineError: the rule it breaks, in Vietnamese (``ACCOUNT_004`` to ``ACCOUNT_007``).
    """
    text = _nfc(password)  # characters as the officer sees them: "ư" is one
    if len(text) < MIN_CHARS:
        raise PipelineError(Msg.ACCOUNT_004, min=MIN_CHARS, length=len(text))
    if len(text) > MAX_CHARS:
        raise PipelineError(Msg.ACCOUNT_007, max=MAX_CHARS)
    if login and text.strip().casefold() == str(login).strip().casefold():
        raise PipelineError(Msg.ACCOUNT_005)
    if len(set(text)) == 1:
        raise PipelineError(Msg.ACCOUNT_006)


def _nfc(password: str) -> str:
    """The password as hashed: NFC, so that one typed with combining marks (some Vietnamese
    keyboards) and one with precomposed letters are the same password."""
    return unicodedata.normalize("NFC", str(password))


def hash_password(password: str) -> str:
    """The argon2id hash of ``password`` (with its salt and parameters), as the store keeps it."""
    with _SLOTS:
        return HASHER.hash(_nfc(password))


def verify(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` is the one hashed in ``password_hash``. ``None`` (no password set)
    never matches, after the same work as a real check (the time tells nothing)."""
    if len(str(password)) > MAX_CHARS:
        return False
    usable = password_hash is not None and password_hash.isascii()
    with _SLOTS:
        try:
            return HASHER.verify(password_hash if usable else _DUMMY, _nfc(password)) and usable
        except (VerificationError, InvalidHashError):
            return False


def needs_rehash(password_hash: str) -> bool:
    """The hash was made with other parameters than today's: hash the password again at its next login."""
    try:
        return not password_hash.isascii() or HASHER.check_needs_rehash(password_hash)
    except (InvalidHashError, ValueError):
        return True
