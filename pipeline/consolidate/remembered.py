"""The outcome of reading and checking a kept file, remembered so that the file is not read
again: a round checks each return when it arrives, and its consolidation, minutes or weeks
later, takes that outcome instead of reading the file again.

Only an accepted outcome (a return of a known unit) is remembered: it is the same whatever
severity a rejection would be given (``checks.check_return``), so a check before sending
(``error``) and a consolidation (``warning``) share it. Which key, the caller decides
(``rounds.outcomes``): the key names everything the outcome depends on, so a changed file,
name, time, form, unit list or program is a new key, never a stale outcome.

Outcomes are kept in one SQLite file (a cache, not the store: made here when missing, never
migrated): one small file per return would cost a file creation each, three times the time of
checking it. Several processes share it (write-ahead log; a writer waits for another). An
outcome that cannot be read back (a file cut short, classes changed) is as if none were
remembered, and a memory that is not a database any more is removed and begun again.
"""

from __future__ import annotations

import os
import pickle
import sqlite3
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.validate.checks import FileOutcome

BUSY_MS = 5_000  # how long a writer waits for another process's write
OPEN_TRIES, OPEN_PAUSE_S = 20, 0.05  # making the file: tries, and the pause between them
BATCH = 500  # keys asked for in one query (SQLite allows 999 parameters in older versions)
_SCHEMA = "CREATE TABLE IF NOT EXISTS outcomes (key TEXT PRIMARY KEY, outcome BLOB NOT NULL)"


@dataclass(frozen=True)
class Remembered:
    """Where one file's outcome is remembered: the SQLite file ``memory``, under ``key``."""

    memory: Path
    key: str


_local = threading.local()  # each thread (and each process: a forked worker opens its own) has its connections


def _connection(memory: Path) -> sqlite3.Connection:
    """This thread's connection to ``memory``, made (and the file with it) when there is none,
    or when the file it was made to has been removed since (space freed by hand)."""
    opened: dict[tuple[int, Path], sqlite3.Connection] = _local.__dict__.setdefault("opened", {})
    key = (os.getpid(), memory)
    if key in opened and not memory.is_file():
        opened.pop(key).close()
    if key not in opened:
        memory.parent.mkdir(parents=True, exist_ok=True)
        opened[key] = _open(memory)
    return opened[key]


def _open(memory: Path) -> sqlite3.Connection:
    """A connection to ``memory``, in write-ahead mode. Two processes making the file at once:
    one of them is told the database is locked, without waiting; it tries again."""
    for attempt in range(OPEN_TRIES):
        conn = sqlite3.connect(memory, timeout=BUSY_MS / 1000, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")  # a cache: a power cut may lose the last outcomes, never corrupt them
            conn.execute(_SCHEMA)
            return conn
        except sqlite3.OperationalError:
            conn.close()
            if attempt == OPEN_TRIES - 1:
                raise
            time.sleep(OPEN_PAUSE_S)
    raise AssertionError("unreachable")


def close_all() -> None:
    """Close this thread's connections (tests; a process about to remove a data folder)."""
    for conn in _local.__dict__.pop("opened", {}).values():
        conn.close()


def _forget(memory: Path, err: sqlite3.Error) -> bool:
    """This thread's connection to ``memory`` closed; a memory that is not a database (damaged)
    removed, to be begun again (True); a busy or unwritable one left as it is (False)."""
    conn = _local.__dict__.get("opened", {}).pop((os.getpid(), memory), None)
    if conn is not None:
        conn.close()
    if isinstance(err, sqlite3.OperationalError) or not isinstance(err, sqlite3.DatabaseError):
        return False
    for path in (memory, memory.with_name(memory.name + "-wal"), memory.with_name(memory.name + "-shm")):
        path.unlink(missing_ok=True)
    return True


def _outcome(data: bytes) -> FileOutcome | None:
    try:
        outcome = pickle.loads(data)  # noqa: S301 - written by this program into its own data folder
    except Exception:  # noqa: BLE001 - classes changed: read the file instead
        return None
    return outcome if isinstance(outcome, FileOutcome) and outcome.accepted else None


def recall_all(places: Sequence[Remembered | None]) -> list[FileOutcome | None]:
    """The outcome remembered at each place (None: none there, unreadable, or no place), a
    few queries for all of them."""
    found: dict[Remembered, FileOutcome | None] = {}
    by_memory: dict[Path, list[str]] = {}
    for place in places:
        if place is not None and place.memory.is_file():
            by_memory.setdefault(place.memory, []).append(place.key)
    for memory, keys in by_memory.items():
        try:
            conn = _connection(memory)
            for start in range(0, len(keys), BATCH):
                part = keys[start : start + BATCH]
                rows = conn.execute(f"SELECT key, outcome FROM outcomes WHERE key IN ({','.join('?' * len(part))})", part)
                found.update((Remembered(memory, key), _outcome(data)) for key, data in rows)
        except sqlite3.Error as err:
            _forget(memory, err)
        except OSError:
            continue
    return [found.get(place) if place is not None else None for place in places]


def remember(place: Remembered, outcome: FileOutcome) -> None:
    """Keep an accepted ``outcome`` at ``place`` (anything else is not kept)."""
    if outcome.accepted:
        remember_pickled([(place, pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL))])


def remember_pickled(found: Sequence[tuple[Remembered, bytes]]) -> None:
    """Keep each outcome, pickled, at its place: one transaction per memory. A memory that
    cannot be written is skipped: its files are read again next time, nothing else is lost."""
    by_memory: dict[Path, list[tuple[str, bytes]]] = {}
    for place, data in found:
        by_memory.setdefault(place.memory, []).append((place.key, data))
    for memory, rows in by_memory.items():
        for _ in range(2):  # a damaged memory is removed, then begun again with these outcomes
            try:
                with _connection(memory) as conn:  # one transaction
                    conn.execute("BEGIN")
                    conn.executemany("INSERT OR REPLACE INTO outcomes (key, outcome) VALUES (?, ?)", rows)
                break
            except sqlite3.Error as err:
                if not _forget(memory, err):
                    break
            except OSError:
                break
