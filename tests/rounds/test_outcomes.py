"""A return checked when it arrives is not read again when its round is consolidated: its
outcome is remembered (``rounds.outcomes``, ``consolidate.remembered``), under a place that
changes with everything the outcome depends on; the outputs are the same either way."""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from pipeline import api, rounds
from pipeline.consolidate import remembered
from pipeline.consolidate.collect import Kept, process_file
from pipeline.core.constants import Severity
from pipeline.core.vnformat import vietnam_today
from pipeline.rounds import checking, outcomes
from pipeline.rounds.outcomes import OUTCOMES_DIR, SUFFIX, outcome_place
from pipeline.store import Store

DUE = vietnam_today() + timedelta(days=30)
SAME = ("totals.csv", "values.csv", "findings.csv", "submissions.csv", "files.csv", "relations.csv", "unit_comparison.csv")


@pytest.fixture
def store(tmp_path, db_url):
    opened = Store.open(tmp_path / "data", db_url)
    yield opened
    opened.close()


@pytest.fixture
def round_id(store):
    return rounds.create_round(store, period="2023", deadline=DUE.strftime("%d/%m/%Y")).id


def _remembered(store) -> list[tuple[str, bytes]]:
    """The keys and outcomes remembered in the store's data folder."""
    found = []
    for memory in sorted((store.data_dir / OUTCOMES_DIR).glob(f"*{SUFFIX}")):
        with contextlib.closing(sqlite3.connect(memory)) as conn:
            found += conn.execute("SELECT key, outcome FROM outcomes ORDER BY key").fetchall()
    return found


def _same_outputs(a: Path, b: Path) -> None:
    for name in SAME:
        assert (a / name).is_file() == (b / name).is_file(), name
        if (a / name).is_file():
            assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_a_return_checked_on_arrival_is_not_read_again(store, round_id, sample_dir, tmp_path, monkeypatch):
    verdicts = rounds.add_paths(store, round_id, [sample_dir])
    accepted = [v for v in verdicts if v.accepted]
    assert len(_remembered(store)) == len(accepted) == 8

    def unread(self):
        raise AssertionError(f"{self.label} read again")

    monkeypatch.setattr(Kept, "read", unread)
    result, out = rounds.consolidate_round(store, round_id, tmp_path / "round")
    monkeypatch.undo()
    copy = shutil.copytree(sample_dir, tmp_path / "returns")
    expected, direct = api.consolidate(copy, period="2023", out=tmp_path / "direct", deadline=DUE)
    assert result.received == expected.received == 8
    _same_outputs(out, direct)


def test_the_outputs_are_the_same_when_nothing_is_remembered(store, round_id, sample_dir, tmp_path):
    """A store restored from a backup (which leaves the outcomes out) or a new program reads
    every return again, and gives the same outputs; what it read is remembered for next time."""
    rounds.add_paths(store, round_id, [sample_dir])
    _, remembered = rounds.consolidate_round(store, round_id, tmp_path / "remembered", jobs=2)
    shutil.rmtree(store.data_dir / OUTCOMES_DIR)
    _, unread = rounds.consolidate_round(store, round_id, tmp_path / "unread", jobs=2)
    _same_outputs(remembered, unread)
    assert len(_remembered(store)) == 8


def test_an_outcome_that_cannot_be_read_back_means_the_file_is_read(store, round_id, sample_dir, tmp_path):
    rounds.add_paths(store, round_id, [sample_dir])
    _, first = rounds.consolidate_round(store, round_id, tmp_path / "first")
    (memory,) = (store.data_dir / OUTCOMES_DIR).glob(f"*{SUFFIX}")
    with contextlib.closing(sqlite3.connect(memory)) as conn, conn:
        for i, (key, outcome) in enumerate(_remembered(store)):  # cut short; the first one empty
            conn.execute("UPDATE outcomes SET outcome = ? WHERE key = ?", (outcome[: 10 * i], key))
    _, again = rounds.consolidate_round(store, round_id, tmp_path / "again")
    _same_outputs(first, again)


def test_a_rejected_return_is_not_remembered(store, round_id, make_return):
    wrong = make_return("03386", period="2022")  # last year's file
    verdict = rounds.submit(store, round_id, wrong.read_bytes(), wrong.name, link_unit="03386")
    assert not verdict.accepted
    assert _remembered(store) == []


def test_an_accepted_outcome_is_the_same_for_a_check_and_a_consolidation(store, round_id, sample_dir):
    """Why one remembered outcome serves both: only a rejected return's finding takes the severity."""
    context = checking.round_check(store, store.round(round_id)).context
    for path in sorted(sample_dir.iterdir())[:3]:
        kept = Kept(path, path.name, 1_700_000_000.0)
        checked = process_file(path, context, Severity.ERROR, kept=kept)
        consolidated = process_file(path, context, Severity.WARNING, kept=kept)
        assert checked.accepted and checked == consolidated


def test_the_place_changes_with_what_the_outcome_depends_on(store, round_id):
    other = rounds.create_round(store, period="2023", deadline=DUE.strftime("%d/%m/%Y")).id
    checked = checking.round_check(store, store.round(round_id))
    place = outcome_place(store, checked, "a" * 64, "bc.xlsx", 1.5)
    assert place == outcome_place(store, checking.round_check(store, store.round(round_id)), "a" * 64, "bc.xlsx", 1.5)
    assert place.memory == store.data_dir / OUTCOMES_DIR / f"{outcomes.program_signature()}{SUFFIX}"
    changed = [
        outcome_place(store, checked, "b" * 64, "bc.xlsx", 1.5),  # another file
        outcome_place(store, checked, "a" * 64, "bc (2).xlsx", 1.5),  # shown by another name
        outcome_place(store, checked, "a" * 64, "bc.xlsx", 2.5),  # received at another time
        outcome_place(store, checking.round_check(store, store.round(other)), "a" * 64, "bc.xlsx", 1.5),  # another round
    ]
    assert len({place, *changed}) == 5


def test_the_signature_follows_the_rounds_units(store, round_id, monkeypatch):
    """A round's units never change once it is made; were a list edited in the database, its
    returns would be read again, not judged against the old list."""
    rnd = store.round(round_id)
    checking.clear()
    before = checking.round_check(store, rnd).signature
    listed = store.units(round_id)
    monkeypatch.setattr(store, "units", lambda _: [listed[0], *listed[2:]])
    checking.clear()
    assert checking.round_check(store, rnd).signature != before


def test_another_programs_outcomes_are_removed(store, round_id, make_return, monkeypatch):
    old = store.data_dir / OUTCOMES_DIR / f"an-older-program{SUFFIX}"
    old.parent.mkdir(parents=True)
    old.write_bytes(b"old")
    monkeypatch.setattr(outcomes, "_memory", outcomes._memory.__wrapped__)  # as in a fresh process
    rounds.submit(store, round_id, make_return("03386").read_bytes(), "bc.xlsx", link_unit="03386")
    assert not old.exists()
    assert len(_remembered(store)) == 1


def test_the_program_signature_follows_its_source(monkeypatch):
    signature = outcomes.program_signature()
    assert signature == outcomes.program_signature.__wrapped__()
    monkeypatch.setattr(outcomes, "READERS", ("python-calamine", "openpyxl", "xlsxwriter"))
    assert outcomes.program_signature.__wrapped__() != signature


def test_outcomes_that_cannot_be_kept_do_not_stop_a_check(store, round_id, make_return, tmp_path, monkeypatch):
    """The outcomes cannot be written (a full disk, a read-only folder): the return is still
    checked and filed, and read again when the round is consolidated."""
    (store.data_dir / OUTCOMES_DIR).write_text("not a folder")  # nothing can be made under it
    monkeypatch.setattr(outcomes, "_memory", outcomes._memory.__wrapped__)
    verdict = rounds.submit(store, round_id, make_return("03386").read_bytes(), "bc.xlsx", link_unit="03386")
    assert verdict.accepted
    result, _ = rounds.consolidate_round(store, round_id, tmp_path / "out")
    assert result.received == 1


def test_a_damaged_memory_is_begun_again(store, round_id, make_return, tmp_path, monkeypatch):
    """The outcomes' file overwritten (a disk error): the next upload finds it so, begins it
    again with its own outcome; the outcome lost with it is read again when consolidating."""
    monkeypatch.setattr(outcomes, "_memory", outcomes._memory.__wrapped__)
    first = rounds.submit(store, round_id, make_return("03386").read_bytes(), "a.xlsx", link_unit="03386")
    (memory,) = (store.data_dir / OUTCOMES_DIR).glob(f"*{SUFFIX}")
    remembered.close_all()
    memory.write_bytes(b"\0" * 4096)
    (memory.parent / f"{memory.name}-wal").unlink(missing_ok=True)
    second = rounds.submit(store, round_id, make_return("03387").read_bytes(), "b.xlsx", link_unit="03387")
    third = rounds.submit(store, round_id, make_return("03389").read_bytes(), "c.xlsx", link_unit="03389")
    assert first.accepted and second.accepted and third.accepted
    assert len(_remembered(store)) == 2  # the second's and the third's
    result, _ = rounds.consolidate_round(store, round_id, tmp_path / "out")
    assert result.received == 3
