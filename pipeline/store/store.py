"""The store: ``Store.open`` a data folder (and a database URL), then rounds, unit links,
blobs, submissions, reviews and the audit log through its methods. Every change is one
transaction together with its audit line; nothing is ever updated in place or deleted (the
exceptions: the figures read from a file stored before they were kept, filled in once; the
progress of a job, ``jobs.py``; and drafts of typed figures, ``drafts.py``, work in progress)."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from pathlib import Path

import sqlalchemy as sa

from pipeline.core.constants import Channel, ReviewState, Sender
from pipeline.core.errors import Msg, StoreError, StoreUnavailableError
from pipeline.core.vnformat import utc_now
from pipeline.store.accounts import AccountStore
from pipeline.store.actions import ActionStore
from pipeline.store.blobstore import BlobStore
from pipeline.store.committees import CommitteeStore
from pipeline.store.drafts import DraftStore
from pipeline.store.engine import SQLITE_FILE, database_url, sqlite_engine
from pipeline.store.jobs import JobStore
from pipeline.store.progress import ProgressStore
from pipeline.store.records import AuditRecord, RoundRecord, SubmissionRecord, UnitRecord
from pipeline.store.rows import audit_line, check_unit, new_round_id, round_record, round_row, submission_record
from pipeline.store.schema import (
    alembic_config,
    audit_log,
    blobs,
    current_revision,
    head_revision,
    reviews,
    round_units,
    rounds,
    submissions,
    upgrade,
)
from pipeline.store.tokens import TokenStore

# What the audit log calls the store's own actions (``log`` adds others, such as "consolidate";
# a review is logged as the office's action, ``ReviewState.action``; a link, ``tokens.py``).
ACTION_CREATE_ROUND = "create_round"
ACTION_UPLOAD = "upload"


def _now() -> datetime:
    return utc_now()


def _aware(value: datetime | None, name: str) -> datetime | None:
    if value is not None and (value.tzinfo is None or value.utcoffset() is None):
        raise ValueError(f"{name} is a naive datetime ({value!r}): the store takes timezone-aware times")
    return value


class Store(BlobStore, TokenStore, JobStore, DraftStore, CommitteeStore, AccountStore, ActionStore, ProgressStore):
    """A data folder (blobs, and the SQLite database unless a URL is given) and its database;
    its unit links' methods in ``tokens.py``, its jobs' in ``jobs.py``, its drafts' in
    ``drafts.py``, its committees' in ``committees.py``, its office accounts' in ``accounts.py``,
    an account's own actions in ``actions.py``."""

    def __init__(self, data_dir: Path, engine: sa.Engine, where: str) -> None:
        self.data_dir = data_dir
        self._engine = engine
        self._where = where
        self.blobs_in_database = engine.dialect.name == "postgresql"  # else files in the data folder

    # -- opening and closing ------------------------------------------------------------------

    @classmethod
    def open(cls, data_dir: Path, url: str | None = None) -> Store:
        """Open the store in ``data_dir``: SQLite ``<data_dir>/tonghop.sqlite3`` when ``url`` is
        ``None``, else the PostgreSQL database at ``url`` (``postgresql://…``; the kept files
        in it too, ``blobstore.py``). The schema is created or upgraded to this version's migrations.

        :raises StoreError: the folder or database cannot be used, or a newer tonghop made it.
        """
        data_dir = Path(data_dir)
        db_url = database_url(data_dir, url)
        where = str(data_dir / SQLITE_FILE) if url is None else db_url.render_as_string(hide_password=True)
        try:
            data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise StoreError(Msg.STORE_006, where=data_dir, reason=err.strerror or err) from err
        if db_url.get_backend_name() == "sqlite":
            engine = sqlite_engine(db_url)
        else:
            engine = sa.create_engine(db_url, pool_pre_ping=True)
        store = cls(data_dir, engine, where)
        try:
            store._migrate()
        except BaseException:
            engine.dispose()
            raise
        return store

    def _migrate(self) -> None:
        with self._write(Msg.STORE_006) as conn:
            found = current_revision(conn)
            if found is not None and found != head_revision():
                from alembic.script import ScriptDirectory
                from alembic.util import CommandError

                try:
                    ScriptDirectory.from_config(alembic_config()).get_revision(found)
                except CommandError:
                    raise StoreError(Msg.STORE_007, where=self._where, revision=found) from None
            if found != head_revision():
                upgrade(conn, data_dir=self.data_dir)

    def close(self) -> None:
        """Release the database connections (the store can be opened again later)."""
        self._engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def _write(self, error: Msg = Msg.STORE_011) -> Iterator[sa.Connection]:
        """One writing transaction, committed at the end of the block, rolled back on error;
        a database error becomes a ``StoreError`` with the message ``error``."""
        with self._database_errors(error), self._engine.connect() as conn:
            conn.execution_options(tonghop_write=True)
            with conn.begin():
                yield conn

    @contextlib.contextmanager
    def _read(self) -> Iterator[sa.Connection]:
        with self._database_errors(), self._engine.connect() as conn, conn.begin():
            yield conn

    @contextlib.contextmanager
    def _database_errors(self, error: Msg = Msg.STORE_011) -> Iterator[None]:
        try:
            yield
        except sa.exc.DBAPIError as err:
            raise StoreUnavailableError(error, where=self._where, reason=_reason(err)) from err

    # -- rounds and units ---------------------------------------------------------------------

    def create_round(
        self,
        form_dir: str,
        form_id: str,
        form_version: str,
        period: str,
        deadline: date | None,
        units: Sequence[tuple[str, str, str]],
        actor: str = "office",
        committee_code: str | None = None,
    ) -> RoundRecord:
        """A new round of ``form_id`` for ``period`` with ``units`` (code, name, level) in their
        order; the round of the committee ``committee_code`` (None: of the server's owner)."""
        seen: set[str] = set()
        for code, _name, _level in units:
            if code in seen:
                raise StoreError(Msg.STORE_009, code=code)
            seen.add(code)
        created_at = _now()
        with self._write() as conn:
            round_id = new_round_id(conn)
            record = RoundRecord(round_id, str(form_dir), form_id, form_version, period, deadline, created_at, committee_code)
            conn.execute(
                rounds.insert().values(
                    id=round_id,
                    form_dir=record.form_dir,
                    form_id=form_id,
                    form_version=form_version,
                    period=period,
                    deadline=deadline,
                    created_at=created_at,
                    committee_code=committee_code,
                )
            )
            if units:
                conn.execute(
                    round_units.insert(),
                    [
                        {"round_id": round_id, "code": code, "position": position, "name": name, "level": level}
                        for position, (code, name, level) in enumerate(units)
                    ],
                )
            detail = f"Biểu mẫu {form_id} phiên bản {form_version}, kỳ {period}, {len(units)} đơn vị"
            audit_line(conn, round_id, actor, ACTION_CREATE_ROUND, None, detail, created_at)
        return record

    def rounds(self) -> list[RoundRecord]:
        """Every round, oldest first."""
        with self._read() as conn:
            rows = conn.execute(rounds.select().order_by(rounds.c.created_at, rounds.c.id)).all()
        return [round_record(row) for row in rows]

    def round(self, round_id: str) -> RoundRecord:
        """The round ``round_id``. :raises StoreError: no such round."""
        with self._read() as conn:
            return round_record(round_row(conn, round_id))

    def units(self, round_id: str) -> list[UnitRecord]:
        """The units of the round, in the order of its unit list."""
        with self._read() as conn:
            round_row(conn, round_id)
            rows = conn.execute(
                sa.select(round_units.c.code, round_units.c.name, round_units.c.level)
                .where(round_units.c.round_id == round_id)
                .order_by(round_units.c.position)
            ).all()
        return [UnitRecord(row.code, row.name, row.level) for row in rows]

    def unit(self, round_id: str, code: str) -> UnitRecord | None:
        """The unit ``code`` of the round; None when the round has no such unit.
        :raises StoreError: no such round."""
        with self._read() as conn:
            round_row(conn, round_id)
            row = conn.execute(
                sa.select(round_units.c.code, round_units.c.name, round_units.c.level).where(
                    round_units.c.round_id == round_id, round_units.c.code == str(code)
                )
            ).first()
        return None if row is None else UnitRecord(row.code, row.name, row.level)

    # -- submissions and reviews --------------------------------------------------------------

    def add_submission(
        self,
        round_id: str,
        *,
        sha256: str,
        filename: str,
        sender: Sender | str,
        link_unit: str | None,
        unit_code: str | None,
        accepted: bool,
        errors: int,
        warnings: int,
        findings: list[dict],
        saved_at: datetime | None,
        received_at: datetime | None = None,
        figures: dict[str, object] | None = None,
        channel: Channel | str = Channel.UPLOAD,
        source: str = "",
        actor: str | None = None,
    ) -> int:
        """Record a received file (already kept with ``put_blob``) and its check; returns its id.

        :param sender: ``Sender.UNIT`` (through ``link_unit``'s link) or ``Sender.OFFICE`` (dropped by the office).
        :param unit_code: the unit the file was recognised as; ``None`` if not recognised.
        :param figures: the values read from it, indicator code → number (or text, or None).
        :param channel: how it came: a file uploaded, figures typed on the web form, a lower round forwarded.
        :param source: where its figures came from, in words (the office typing what a unit phoned in).
        :param actor: the audit line's actor (an office account's login); default the sender.
        """
        sender = Sender(sender).value  # ValueError for anything else
        channel = Channel(channel).value
        self._blob_files().path(sha256)  # a sha256, or ValueError
        saved_at = _aware(saved_at, "saved_at")
        received_at = _aware(received_at, "received_at") or _now()
        findings_json = json.dumps(list(findings), ensure_ascii=False)
        with self._write() as conn:
            round_row(conn, round_id)
            for code in {link_unit, unit_code} - {None}:
                check_unit(conn, round_id, code)
            if conn.execute(sa.select(blobs.c.sha256).where(blobs.c.sha256 == sha256)).first() is None:
                raise StoreError(Msg.STORE_004, where=self._where, sha256=sha256)
            submission_id = conn.execute(
                submissions.insert().values(
                    round_id=round_id,
                    sha256=sha256,
                    filename=filename,
                    sender=sender,
                    link_unit=link_unit,
                    unit_code=unit_code,
                    accepted=bool(accepted),
                    errors=int(errors),
                    warnings=int(warnings),
                    findings=findings_json,
                    saved_at=saved_at,
                    received_at=received_at,
                    figures=None if figures is None else json.dumps(figures, ensure_ascii=False),
                    channel=channel,
                    source=str(source),
                )
            ).inserted_primary_key[0]
            verdict = "được nhận" if accepted else "không được nhận"
            detail = f"Bản nộp số {submission_id}: tệp '{filename}' ({verdict}; {errors} lỗi, {warnings} cảnh báo)"
            audit_line(conn, round_id, actor or sender, ACTION_UPLOAD, unit_code or link_unit, detail, received_at)
        return submission_id

    def submissions(self, round_id: str, unit_code: str | None = None, *, of_unit: str | None = None) -> list[SubmissionRecord]:
        """The round's submissions, oldest first, each with the office's latest review: only those
        recognised as ``unit_code``, if given; only those of unit ``of_unit``, if given: sent
        through its link or recognised as its return (one unit's page, without reading the round's)."""
        where = [submissions.c.round_id == round_id]
        if unit_code is not None:
            where.append(submissions.c.unit_code == unit_code)
        if of_unit is not None:
            where.append(sa.or_(submissions.c.unit_code == of_unit, submissions.c.link_unit == of_unit))
        query = submissions.select().where(*where)
        latest = (
            sa.select(reviews.c.submission_id, reviews.c.action, reviews.c.note)
            .join(submissions, submissions.c.id == reviews.c.submission_id)
            .where(*where)
            .order_by(reviews.c.id)
        )
        with self._read() as conn:
            round_row(conn, round_id)
            rows = conn.execute(query.order_by(submissions.c.received_at, submissions.c.id)).all()
            review_of = {row.submission_id: (ReviewState.of_action(row.action), row.note) for row in conn.execute(latest)}
        return [submission_record(row, *review_of.get(row.id, (None, ""))) for row in rows]

    def figures(self, round_id: str, submission_ids: Sequence[int]) -> dict[int, dict[str, object] | None]:
        """The figures kept with each of ``submission_ids`` of the round (None: none kept)."""
        wanted = sorted(set(submission_ids))
        if not wanted:
            return {}
        query = sa.select(submissions.c.id, submissions.c.figures).where(submissions.c.round_id == round_id, submissions.c.id.in_(wanted))
        with self._read() as conn:
            rows = conn.execute(query).all()
        return {row.id: None if row.figures is None else json.loads(row.figures) for row in rows}

    def fill_figures(self, round_id: str, figures: dict[int, dict[str, object]]) -> None:
        """Keep the figures read again from the files of submissions stored before figures were
        kept (revision 0002): only where none are kept. What the file says never changes, so this
        fills a blank once; no record of what happened is changed."""
        with self._write() as conn:
            for submission_id, values in figures.items():
                conn.execute(
                    submissions.update()
                    .where(submissions.c.id == submission_id, submissions.c.round_id == round_id, submissions.c.figures.is_(None))
                    .values(figures=json.dumps(values, ensure_ascii=False))
                )

    def review(self, round_id: str, submission_id: int, action: str, note: str = "", actor: str = "office") -> None:
        """The office approves a submission (``"approve"``) or returns it for correction
        (``"return"``, with ``note`` saying what to fix): ``ReviewState``'s actions. A later review
        supersedes an earlier one."""
        if ReviewState.of_action(action) is None:
            raise ValueError(f"action must be one of {[s.action for s in ReviewState]}, not {action!r}")
        at = _now()
        with self._write() as conn:
            round_row(conn, round_id)
            row = conn.execute(
                sa.select(submissions.c.unit_code, submissions.c.link_unit).where(
                    submissions.c.id == submission_id, submissions.c.round_id == round_id
                )
            ).first()
            if row is None:
                raise StoreError(Msg.STORE_003, round_id=round_id, submission_id=submission_id)
            conn.execute(reviews.insert().values(submission_id=submission_id, action=action, note=note, actor=actor, at=at))
            detail = f"Bản nộp số {submission_id}" + (f": {note}" if note else "")
            audit_line(conn, round_id, actor, action, row.unit_code or row.link_unit, detail, at)

    # -- audit log ----------------------------------------------------------------------------

    def audit(self, round_id: str) -> list[AuditRecord]:
        """The round's audit log, oldest first."""
        with self._read() as conn:
            round_row(conn, round_id)
            rows = conn.execute(
                sa.select(audit_log.c.at, audit_log.c.actor, audit_log.c.action, audit_log.c.unit_code, audit_log.c.detail)
                .where(audit_log.c.round_id == round_id)
                .order_by(audit_log.c.id)
            ).all()
        return [AuditRecord(row.at, row.actor, row.action, row.unit_code, row.detail) for row in rows]

    def log(self, round_id: str, actor: str, action: str, unit_code: str | None = None, detail: str = "") -> None:
        """Add a line to the round's audit log for an action done outside the store (``consolidate``)."""
        with self._write() as conn:
            round_row(conn, round_id)
            audit_line(conn, round_id, actor, action, unit_code, detail, _now())


def _reason(err: sa.exc.DBAPIError) -> str:
    return str(err.orig).strip().splitlines()[0] if err.orig is not None and str(err.orig).strip() else type(err).__name__
