"""The store's jobs: long work done outside a request (a round's consolidation), recorded so that
every page sees it: one running job of a kind per round (a unique index, so two presses at the
same moment start one), its progress and heartbeat, and how it ended. The one kind of row the
store updates in place: a job's progress is not a record of what happened, its end is."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa

from pipeline.core.errors import StoreError
from pipeline.store.records import JobRecord
from pipeline.store.rows import round_row
from pipeline.store.schema import jobs

RUNNING, DONE, FAILED, ABANDONED = "running", "done", "failed", "abandoned"


def _job(row: sa.Row) -> JobRecord:
    return JobRecord(**{column.name: getattr(row, column.name) for column in jobs.columns})


class JobStore:
    """The jobs' methods of ``Store`` (which provides ``_write`` and ``_read``)."""

    def start_job(
        self, round_id: str, kind: str, actor: str, *, stale_after: timedelta, now: datetime | None = None
    ) -> tuple[JobRecord, bool]:
        """A new running job of ``kind`` for the round, ``(job, True)``; or, when one is already
        running (its heartbeat newer than ``stale_after``), ``(that job, False)``. A running job
        with an older heartbeat was left by a stopped process: it is marked abandoned.

        :param now: the moment the job starts (default: now).
        """
        now = now or datetime.now(timezone.utc)
        try:
            with self._write() as conn:
                round_row(conn, round_id)
                running = _running(conn, round_id, kind)
                if running is not None and running.updated_at >= now - stale_after:
                    return _job(running), False
                if running is not None:
                    stale = jobs.c.updated_at < now - stale_after  # unless a runner claimed it meanwhile
                    left = conn.execute(
                        jobs.update().where(jobs.c.id == running.id, jobs.c.state == RUNNING, stale).values(state=ABANDONED)
                    )
                    if left.rowcount != 1:
                        return _job(_running(conn, round_id, kind)), False
                values = {"round_id": round_id, "kind": kind, "actor": actor, "state": RUNNING, "started_at": now, "updated_at": now,
                          "done": 0, "total": None, "result": "", "error": ""}  # fmt: skip
                job_id = conn.execute(jobs.insert().values(**values)).inserted_primary_key[0]
                return JobRecord(id=job_id, finished_at=None, **values), True
        except StoreError as err:
            if not isinstance(err.__cause__, sa.exc.IntegrityError):
                raise
        with self._read() as conn:  # another request started one between our read and our insert
            return _job(_running(conn, round_id, kind)), False

    def claim_stale_job(self, kind: str, *, stale_after: timedelta, now: datetime | None = None) -> JobRecord | None:
        """A running job of ``kind`` whose heartbeat is older than ``stale_after`` (its process
        stopped), claimed for this process by a fresh heartbeat; None when there is none. Two
        processes never claim the same job: PostgreSQL skips a row another one has locked
        (``FOR UPDATE SKIP LOCKED``), SQLite has one writer at a time, and the claim is an
        update that holds only while the heartbeat is still old."""
        now = now or datetime.now(timezone.utc)
        cutoff = now - stale_after
        query = jobs.select().where(jobs.c.kind == kind, jobs.c.state == RUNNING, jobs.c.updated_at < cutoff).order_by(jobs.c.id).limit(1)
        with self._write() as conn:
            if conn.dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True)
            row = conn.execute(query).first()
            if row is None:
                return None
            claim = jobs.update().where(jobs.c.id == row.id, jobs.c.state == RUNNING, jobs.c.updated_at < cutoff).values(updated_at=now)
            if conn.execute(claim).rowcount != 1:
                return None
        return replace(_job(row), updated_at=now)

    def job_progress(self, job_id: int, done: int | None = None, total: int | None = None) -> None:
        """The running job's heartbeat, with the files read so far and how many there are, if given."""
        values: dict = {"updated_at": datetime.now(timezone.utc)}
        values.update({k: v for k, v in (("done", done), ("total", total)) if v is not None})
        with self._write() as conn:
            conn.execute(jobs.update().where(jobs.c.id == job_id, jobs.c.state == RUNNING).values(**values))

    def finish_job(self, job_id: int, *, result: str = "", error: str = "") -> None:
        """The job ended: done with ``result``, or failed with ``error``."""
        now = datetime.now(timezone.utc)
        state = FAILED if error else DONE
        with self._write() as conn:
            conn.execute(
                jobs.update()
                .where(jobs.c.id == job_id, jobs.c.state == RUNNING)
                .values(state=state, updated_at=now, finished_at=now, result=result, error=error)
            )

    def latest_job(self, round_id: str, kind: str) -> JobRecord | None:
        """The round's newest job of ``kind``; None when it never had one."""
        with self._read() as conn:
            round_row(conn, round_id)
            row = conn.execute(jobs.select().where(jobs.c.round_id == round_id, jobs.c.kind == kind).order_by(jobs.c.id.desc())).first()
        return None if row is None else _job(row)


def _running(conn: sa.Connection, round_id: str, kind: str) -> sa.Row | None:
    return conn.execute(jobs.select().where(jobs.c.round_id == round_id, jobs.c.kind == kind, jobs.c.state == RUNNING)).first()
