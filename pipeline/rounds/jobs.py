"""A round's consolidation as a job done outside the request that starts it: recorded in the
store (who started it, when, files read n/N, how it ended), so that a second press finds the job
running instead of starting another, and a job left by a stopped server (its heartbeat old) is
seen as abandoned and can be started again. The job writes what the command line writes:
``tonghop round consolidate`` (workbook, CSVs, notices in ``thong_bao/``) and ``tonghop report``
(the Word appendix)."""

from __future__ import annotations

import logging
import os
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline import api
from pipeline.core.errors import Msg, PipelineError
from pipeline.core.vnformat import format_number
from pipeline.rounds.consolidation import consolidate_round
from pipeline.store.jobs import ABANDONED, RUNNING

if TYPE_CHECKING:
    from pipeline.consolidate.result import ConsolidationResult
    from pipeline.store import JobRecord, Store

CONSOLIDATE = "consolidate"
HEARTBEAT_ENV = "TONGHOP_JOB_HEARTBEAT_S"  # the heartbeat, for tests that kill a server mid-job
HEARTBEAT_S = float(os.environ.get(HEARTBEAT_ENV) or 15)  # a running job tells the store it is alive this often
STALE_AFTER = timedelta(seconds=8 * HEARTBEAT_S)  # a running job silent this long was left by a stopped process
POLL_S = 2 * HEARTBEAT_S  # how often ``serve`` looks for such a job to take over
PROGRESS_EVERY_S = 0.5  # the files read are written to the store at most this often
OUTPUT_DIR = "output"

log = logging.getLogger(__name__)


def begin_consolidation(store: Store, round_id: str, actor: str = "office") -> tuple[JobRecord, bool]:
    """Record a new consolidation job of the round, ``(job, True)``; or the one already running,
    ``(job, False)``. Run it with ``run_consolidation``."""
    return store.start_job(round_id, CONSOLIDATE, actor, stale_after=STALE_AFTER)


def output_folder(data_dir: Path, round_id: str) -> Path:
    """Where the web's consolidation of the round writes (``<data>/output/<round>``)."""
    return Path(data_dir) / OUTPUT_DIR / round_id


def latest_consolidation(store: Store, round_id: str) -> JobRecord | None:
    """The round's newest consolidation job (None: never consolidated on the web)."""
    return store.latest_job(round_id, CONSOLIDATE)


def is_running(job: JobRecord | None, now: datetime | None = None) -> bool:
    """The job is running and alive (its heartbeat is recent)."""
    return job is not None and job.state == RUNNING and not is_abandoned(job, now)


def is_abandoned(job: JobRecord | None, now: datetime | None = None) -> bool:
    """The job was left by a stopped process: marked so, or running with an old heartbeat."""
    if job is None:
        return False
    stale = job.state == RUNNING and job.updated_at < (now or datetime.now(timezone.utc)) - STALE_AFTER
    return job.state == ABANDONED or stale


class _Progress:
    """The job's progress and heartbeat: the files read (written at most every
    ``PROGRESS_EVERY_S``), and a thread that writes the heartbeat every ``HEARTBEAT_S`` while
    the outputs are written too (a long step that reads no file)."""

    def __init__(self, store: Store, job_id: int) -> None:
        self.store, self.job_id = store, job_id
        self.done, self.total, self.written = 0, None, 0.0
        self.stop = threading.Event()
        self.beat = threading.Thread(target=self._beat, name=f"tonghop-job-{job_id}", daemon=True)

    def found(self, total: int) -> None:
        self.total = total
        self.store.job_progress(self.job_id, 0, total)

    def read(self, count: int) -> None:
        self.done += count
        now = time.monotonic()
        if now - self.written >= PROGRESS_EVERY_S or self.done == self.total:
            self.written = now
            self.store.job_progress(self.job_id, self.done, self.total)

    def _beat(self) -> None:
        while not self.stop.wait(HEARTBEAT_S):
            try:
                self.store.job_progress(self.job_id)
            except PipelineError:  # the database away for a moment: the next beat may reach it
                log.warning("job %s: heartbeat not written", self.job_id)

    def __enter__(self) -> _Progress:
        self.beat.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.beat.join()


def run_consolidation(store: Store, job_id: int, round_id: str, out: str | Path, *, actor: str = "office") -> None:
    """Do the job ``begin_consolidation`` recorded: the round consolidated into ``out`` with the
    Word appendix, its progress in the store, and its end (a summary, or the Vietnamese message
    of what stopped it). Never raises: it runs where no one would see an exception."""
    try:
        with _Progress(store, job_id) as progress:
            result, out_dir = consolidate_round(store, round_id, out, actor=actor, progress=progress.read, on_files=progress.found)
            api.write_report(out_dir)
        ended = {"result": summary(result)}
    except PipelineError as err:
        ended = {"error": str(err)}
    except Exception as err:  # noqa: BLE001 - the job's end must be recorded whatever happened
        log.exception("consolidation job %s of round %s failed", job_id, round_id)
        ended = {"error": Msg.ROUND_122.render(round=round_id, reason=type(err).__name__)}
    try:
        store.finish_job(job_id, **ended)
    except PipelineError:
        log.exception("consolidation job %s: its end could not be recorded (it will be seen as abandoned)", job_id)


def summary(result: ConsolidationResult) -> str:
    """One line on what the consolidation found, as the board shows it."""
    counts = result.findings.to_summary()
    found = ", ".join(f"{format_number(counts[s])} {s.in_sentence}" for s in counts)
    return f"Đã nhận {format_number(result.received)}/{format_number(len(result.units))} đơn vị; phát hiện {found}."


def resume_stale(store: Store, data_dir: Path) -> bool:
    """Claim one consolidation left by a stopped process (its heartbeat old) and run it to its
    end here, as its starter asked; whether there was one."""
    job = store.claim_stale_job(CONSOLIDATE, stale_after=STALE_AFTER)
    if job is None:
        return False
    log.info("job %s: consolidation of round %s taken over from a stopped process", job.id, job.round_id)
    run_consolidation(store, job.id, job.round_id, output_folder(data_dir, job.round_id), actor=job.actor)
    return True


class JobPoller:
    """A thread of ``serve`` that, every ``POLL_S``, takes over the jobs left by stopped
    processes (another ``serve`` of the same database killed mid-job); ``stop()`` at the end."""

    def __init__(self, store: Store, data_dir: Path) -> None:
        self.store, self.data_dir = store, Path(data_dir)
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._poll, name="tonghop-job-poller", daemon=True)

    def start(self) -> JobPoller:
        self.thread.start()
        return self

    def _poll(self) -> None:
        while not self.stopped.wait(POLL_S):
            try:
                while not self.stopped.is_set() and resume_stale(self.store, self.data_dir):
                    pass
            except PipelineError:  # the database away for a moment: the next round of polling
                log.warning("job poller: the store did not answer")

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join(timeout=5)
