"""The store's jobs (``Store.start_job`` …), on SQLite and PostgreSQL: one running job of a kind
per round, even when two requests start one at the same moment; progress and heartbeat; a job
whose heartbeat stopped is abandoned and a new one starts; how a job ended."""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta, timezone

import pytest

from pipeline.store import Store

STALE = timedelta(minutes=2)
KIND = "consolidate"


@pytest.fixture
def round_id(store):
    return store.create_round("", "BC-MTTQ", "3", "2023", date(2023, 11, 15), [("03386", "Phường Quyết Thắng", "communes")]).id


def test_one_running_job_its_progress_and_its_end(store, round_id):
    assert store.latest_job(round_id, KIND) is None
    job, started = store.start_job(round_id, KIND, "office", stale_after=STALE)
    assert started and (job.state, job.done, job.total, job.actor) == ("running", 0, None, "office")
    again, started = store.start_job(round_id, KIND, "office", stale_after=STALE)
    assert not started and again.id == job.id
    store.job_progress(job.id, 120, 3_321)
    store.job_progress(job.id)  # a heartbeat keeps the count
    seen = store.latest_job(round_id, KIND)
    assert (seen.done, seen.total) == (120, 3_321) and seen.updated_at > job.updated_at
    store.finish_job(job.id, result="Đã nhận 1/1 đơn vị.")
    done = store.latest_job(round_id, KIND)
    assert (done.state, done.result, done.error) == ("done", "Đã nhận 1/1 đơn vị.", "") and done.finished_at >= done.started_at
    store.job_progress(job.id, 1, 1)  # an ended job's record no longer moves
    assert store.latest_job(round_id, KIND) == done
    failed, started = store.start_job(round_id, KIND, "office", stale_after=STALE)
    store.finish_job(failed.id, error="Không ghi được.")
    assert started and store.latest_job(round_id, KIND).state == "failed"


def test_a_job_whose_heartbeat_stopped_is_abandoned_for_a_new_one(store, round_id):
    long_ago = datetime.now(timezone.utc) - STALE - timedelta(seconds=30)
    old, _ = store.start_job(round_id, KIND, "office", stale_after=STALE, now=long_ago)
    new, started = store.start_job(round_id, KIND, "office", stale_after=STALE)
    assert started and new.id != old.id and store.latest_job(round_id, KIND).id == new.id
    store.finish_job(old.id, result="late")  # the old job's process came back: its end is not recorded
    assert store.latest_job(round_id, KIND).state == "running"


def test_two_presses_at_the_same_moment_start_one_job(store, round_id):
    ready = threading.Barrier(6)
    answers = []

    def press():
        ready.wait()
        answers.append(store.start_job(round_id, KIND, "office", stale_after=STALE))

    threads = [threading.Thread(target=press) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(started for _, started in answers) == 1 and len({job.id for job, _ in answers}) == 1


def test_a_job_left_by_a_stopped_process_is_claimed_by_one_runner_only(store, round_id):
    long_ago = datetime.now(timezone.utc) - STALE - timedelta(seconds=30)
    assert store.claim_stale_job(KIND, stale_after=STALE) is None  # nothing to take over
    fresh, _ = store.start_job(round_id, KIND, "office", stale_after=STALE)
    assert store.claim_stale_job(KIND, stale_after=STALE) is None, "a job whose heartbeat is recent is its process's"
    store.finish_job(fresh.id, result="xong")
    left, _ = store.start_job(round_id, KIND, "office", stale_after=STALE, now=long_ago)
    claims, barrier = [], threading.Barrier(4)

    def claim():
        with Store.open(store.data_dir, None if store._engine.dialect.name == "sqlite" else store._engine.url) as other:
            barrier.wait()
            claims.append(other.claim_stale_job(KIND, stale_after=STALE))

    runners = [threading.Thread(target=claim) for _ in range(4)]
    for runner in runners:
        runner.start()
    for runner in runners:
        runner.join()
    taken = [job for job in claims if job is not None]
    assert len(taken) == 1 and taken[0].id == left.id and taken[0].actor == "office"
    again, started = store.start_job(round_id, KIND, "office", stale_after=STALE)
    assert not started and again.id == left.id, "claimed: running again, not abandoned for a new one"
    store.job_progress(left.id, 3, 8)
    assert store.latest_job(round_id, KIND).done == 3
