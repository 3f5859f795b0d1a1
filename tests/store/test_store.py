"""The store of collection rounds, the same tests on SQLite and on a real PostgreSQL server
(started by ``postgres_server`` in conftest; skipped with the reason when it cannot be)."""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import socket
import subprocess
import sys
import threading
from contextlib import redirect_stdout
from dataclasses import FrozenInstanceError
from datetime import date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError

from pipeline.core.constants import ReviewState, Sender
from pipeline.core.errors import Msg, PipelineError
from pipeline.store import AuditRecord, RoundRecord, Store, StoreError, SubmissionRecord, UnitRecord, schema
from pipeline.store.engine import SQLITE_FILE

UNITS = [("105", "Thành phố Lai Châu", "city"), ("03386", "Phường Quyết Thắng", "communes"), ("03389", "Phường Đoàn Kết", "communes")]
FINDINGS = [
    {"severity": "error", "rule": "not-a-number", "sheet": "Báo cáo", "cell": "E9", "message": "Ô E9: 'abc' không phải số."},
    {"severity": "warning", "rule": "R04", "sheet": "Báo cáo", "cell": "E31", "message": "Chênh lệch -118.491.896 đồng.", "extra": [1, 2]},
]
SAVED = datetime(2023, 11, 10, 8, 30, tzinfo=timezone.utc)


def _round(store: Store, **changes) -> RoundRecord:
    fields = {
        "form_dir": "pipeline/definitions",
        "form_id": "BC-MTTQ",
        "form_version": "3",
        "period": "2023",
        "deadline": date(2023, 11, 15),
        "units": UNITS,
    }
    return store.create_round(**{**fields, **changes})


def _submit(store: Store, round_id: str, data: bytes = b"return", **changes) -> int:
    fields = {
        "sha256": store.put_blob(data),
        "filename": "bao cao.xlsx",
        "sender": "unit",
        "link_unit": "03386",
        "unit_code": "03386",
        "accepted": True,
        "errors": 0,
        "warnings": 1,
        "findings": FINDINGS,
        "saved_at": SAVED,
    }
    return store.add_submission(round_id, **{**fields, **changes})


def test_round_create_list_get(store):
    before = datetime.now(timezone.utc)
    first = _round(store)
    second = _round(store, period="2024", deadline=None, units=[])
    assert re.fullmatch(r"[a-z0-9]{10}", first.id), "short and URL-safe"
    assert first.id != second.id
    assert (first.form_dir, first.form_id, first.form_version, first.period, first.deadline) == (
        "pipeline/definitions",
        "BC-MTTQ",
        "3",
        "2023",
        date(2023, 11, 15),
    )
    assert first.created_at.tzinfo is not None and first.created_at.utcoffset() == timedelta(0)
    assert before <= first.created_at <= datetime.now(timezone.utc)
    assert store.rounds() == [first, second]
    assert store.round(first.id) == first and store.round(second.id).deadline is None
    with pytest.raises(FrozenInstanceError):
        first.period = "2024"


def test_units_keep_their_order(store):
    units = [("9", "Chín", "communes"), ("1", "Một", "city"), ("5", "Năm", "communes")]
    r = _round(store, units=units)
    assert store.units(r.id) == [UnitRecord(*unit) for unit in units]
    assert store.units(_round(store, units=[]).id) == []


def test_one_unit_of_a_round_without_its_list(store):
    r = _round(store)
    assert store.unit(r.id, "03389") == UnitRecord("03389", "Phường Đoàn Kết", "communes")
    assert store.unit(r.id, "99999") is None and store.unit(_round(store, units=[]).id, "03389") is None


def test_duplicate_unit_code_is_refused(store):
    with pytest.raises(StoreError, match="03386"):
        _round(store, units=[*UNITS, ("03386", "Trùng", "communes")])
    assert store.rounds() == []


def test_unknown_round_is_a_store_error_in_vietnamese(store):
    message = Msg.STORE_001.render(round_id="khongco")
    for call in (
        lambda: store.round("khongco"),
        lambda: store.units("khongco"),
        lambda: store.unit("khongco", "105"),
        lambda: store.issue_token("khongco", "105"),
        lambda: store.submissions("khongco"),
        lambda: store.audit("khongco"),
        lambda: store.log("khongco", "office", "consolidate"),
        lambda: store.review("khongco", 1, "approve"),
        lambda: _submit(store, "khongco"),
    ):
        with pytest.raises(StoreError) as caught:
            call()
        assert str(caught.value) == message and "Không có đợt thu báo cáo" in message
        assert isinstance(caught.value, PipelineError)


def test_tokens_issue_replace_lookup(store):
    r = _round(store)
    token = store.issue_token(r.id, "03386")
    other = store.issue_token(r.id, "03389")
    assert len(token) >= 22 and token != other  # ≥ 128 bits, URL-safe base64
    assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    assert store.unit_for_token(token) == (r.id, "03386")
    assert store.unit_for_token(other) == (r.id, "03389")
    for wrong in ("", "x", token[:-1], token + "a", token.upper(), "a" * 10_000, None):
        assert store.unit_for_token(wrong) is None
    replacement = store.issue_token(r.id, "03386")
    assert store.unit_for_token(token) is None, "a new link replaces the old one"
    assert store.unit_for_token(replacement) == (r.id, "03386")
    assert store.unit_for_token(other) == (r.id, "03389")
    with pytest.raises(StoreError, match="không có đơn vị mã '99999'"):
        store.issue_token(r.id, "99999")


def test_set_token_registers_a_given_token_idempotently(store):
    r = _round(store)
    assert store.tokens_issued(r.id, "03386") == 0
    assert store.set_token(r.id, "03386", "derived-token-0") is True
    assert store.set_token(r.id, "03386", "derived-token-0") is False, "the current token again: nothing changes"
    assert (store.unit_for_token("derived-token-0"), store.tokens_issued(r.id, "03386")) == ((r.id, "03386"), 1)
    assert store.set_token(r.id, "03386", "derived-token-1") is True
    assert store.unit_for_token("derived-token-0") is None and store.unit_for_token("derived-token-1") == (r.id, "03386")
    assert store.tokens_issued(r.id, "03386") == 2 and store.tokens_issued(r.id, "03389") == 0
    for taken in ("derived-token-0", "derived-token-1"):  # an earlier token, or another unit's
        with pytest.raises(StoreError) as err:
            store.set_token(r.id, "03389" if taken.endswith("1") else "03386", taken)
        assert "trùng một đường dẫn đã cấp" in str(err.value)
    with pytest.raises(StoreError, match="không có đơn vị mã '99999'"):
        store.set_token(r.id, "99999", "x")
    with pytest.raises(ValueError):
        store.set_token(r.id, "03386", "")
    assert [a.action for a in store.audit(r.id)].count("issue_token") == 2


def test_tokens_are_kept_only_as_hashes(store, tmp_path, db_url):
    r = _round(store)
    token = store.issue_token(r.id, "105")
    engine = store._engine
    with engine.connect() as conn:
        stored = [tuple(row) for row in conn.execute(sa.select(schema.unit_tokens))]
        dumped = " ".join(str(value) for table in schema.metadata.sorted_tables for row in conn.execute(table.select()) for value in row)
    assert [row[3] for row in stored] == [hashlib.sha256(token.encode()).hexdigest()]
    assert token not in dumped
    if db_url is None:
        assert token.encode() not in (tmp_path / "data" / SQLITE_FILE).read_bytes()


def test_blob_round_trip_and_dedup(store, tmp_path):
    data = bytes(range(256)) * 1000 + b"\x00PK\x03\x04"
    sha = store.put_blob(data)
    assert sha == hashlib.sha256(data).hexdigest()
    assert store.blob(sha) == data
    path = store.blob_path(sha)
    kept = "blob_cache" if store.blobs_in_database else "blobs"  # PostgreSQL: a checked copy from the database
    assert path == tmp_path / "data" / kept / sha[:2] / sha[2:] and path.read_bytes() == data
    mtime = path.stat().st_mtime_ns
    assert store.put_blob(data) == sha and path.stat().st_mtime_ns == mtime, "the same bytes are kept once"
    assert store.put_blob(b"") == hashlib.sha256(b"").hexdigest() and store.blob(hashlib.sha256(b"").hexdigest()) == b""
    assert not [p for p in (tmp_path / "data").rglob("*") if p.name.endswith(".tmp")]
    with pytest.raises(ValueError):
        store.blob_path("../../etc/passwd")
    with pytest.raises(StoreError, match="Không tìm thấy tệp đã lưu"):
        store.blob("0" * 64)
    path.chmod(0o644)
    path.write_bytes(b"changed")
    if store.blobs_in_database:  # a cached copy: made again from the database, which holds the file
        assert store.blob(sha) == data and path.read_bytes() == data
        return
    with pytest.raises(StoreError, match="bị thay đổi hoặc hỏng"):
        store.blob(sha)


def test_submissions_round_trip_findings_and_order(store):
    r = _round(store)
    t0 = datetime(2023, 11, 14, 9, 0, tzinfo=timezone(timedelta(hours=7)))
    late = _submit(store, r.id, b"second", received_at=t0 + timedelta(hours=1))
    early = _submit(store, r.id, b"first", received_at=t0, accepted=False, errors=1, warnings=1, saved_at=None)
    office = _submit(
        store, r.id, b"office", sender="office", link_unit=None, unit_code="03389", findings=[], filename="Đoàn Kết.xlsx", received_at=t0
    )
    lost = _submit(store, r.id, b"unknown", link_unit="105", unit_code=None, findings=[], received_at=t0 + timedelta(hours=2))
    assert len({late, early, office, lost}) == 4
    every = store.submissions(r.id)
    assert [s.id for s in every] == [early, office, late, lost], "oldest first; the same time in the order received"
    first = every[0]
    assert isinstance(first, SubmissionRecord)
    assert first == SubmissionRecord(
        id=early,
        round_id=r.id,
        sha256=hashlib.sha256(b"first").hexdigest(),
        filename="bao cao.xlsx",
        sender="unit",
        link_unit="03386",
        unit_code="03386",
        accepted=False,
        errors=1,
        warnings=1,
        findings=FINDINGS,
        saved_at=None,
        received_at=t0,
        review=None,
        note="",
    )
    assert first.received_at.utcoffset() == timedelta(0) and first.received_at.hour == 2
    assert list(first.findings[1]) == ["severity", "rule", "sheet", "cell", "message", "extra"], "key order kept"
    assert every[2].saved_at == SAVED and every[2].accepted is True
    assert (every[1].sender, every[1].link_unit, every[1].filename) == ("office", None, "Đoàn Kết.xlsx")
    assert [s.id for s in store.submissions(r.id, "03386")] == [early, late]
    assert [s.id for s in store.submissions(r.id, "105")] == []
    assert [s.id for s in store.submissions(r.id, of_unit="105")] == [lost], "sent through its link, not recognised"
    assert [s.id for s in store.submissions(r.id, of_unit="03389")] == [office], "filed by the office as its return"
    assert store.blob(every[3].sha256) == b"unknown"
    now = datetime.now(timezone.utc)
    fresh = _submit(store, r.id, b"now", unit_code="03389", link_unit="03389")  # received now by default
    newest = store.submissions(r.id, "03389")
    assert [s.id for s in newest] == [office, fresh] and abs(newest[-1].received_at - now) < timedelta(minutes=1)


def test_submission_checks_its_references(store):
    r = _round(store)
    with pytest.raises(StoreError, match="không có đơn vị mã 'XX'"):
        _submit(store, r.id, unit_code="XX")
    with pytest.raises(StoreError, match="Không tìm thấy tệp đã lưu"):
        store.add_submission(
            r.id,
            sha256="a" * 64,
            filename="x",
            sender="unit",
            link_unit=None,
            unit_code=None,
            accepted=False,
            errors=0,
            warnings=0,
            findings=[],
            saved_at=None,
        )
    with pytest.raises(ValueError):
        _submit(store, r.id, sender="someone")
    with pytest.raises(ValueError):
        _submit(store, r.id, received_at=datetime(2023, 1, 1))  # naive: refused
    assert store.submissions(r.id) == []


def test_review_approve_and_return_with_note(store):
    r = _round(store)
    a = _submit(store, r.id, b"a")
    b = _submit(store, r.id, b"b", link_unit="03389", unit_code="03389")
    store.review(r.id, a, "approve")
    store.review(r.id, b, "return", note="Sửa ô E9: ghi số, không ghi chữ.")
    by_id = {s.id: s for s in store.submissions(r.id)}
    assert (by_id[a].review, by_id[a].note) == (ReviewState.APPROVED, "")
    assert (by_id[b].review, by_id[b].note) == (ReviewState.RETURNED, "Sửa ô E9: ghi số, không ghi chữ.")
    store.review(r.id, b, "approve", actor="lanh_dao")
    assert store.submissions(r.id, "03389")[0].review is ReviewState.APPROVED
    with pytest.raises(StoreError, match="không có bản nộp số 999"):
        store.review(r.id, 999, "approve")
    other = _round(store)
    with pytest.raises(StoreError, match="không có bản nộp số"):
        store.review(other.id, a, "approve")
    with pytest.raises(ValueError):
        store.review(r.id, a, "delete")


def test_reviews_and_senders_read_back_as_words_and_are_kept_as_the_same_text(store):
    """A review reads back as a ``ReviewState``, a sender as a ``Sender`` (labelled, for the pages);
    the database keeps the plain text it kept before they were words (a store made by an earlier
    version reads the same, no migration)."""
    r = _round(store)
    sub = _submit(store, r.id, sender=Sender.OFFICE, link_unit=None)
    store.review(r.id, sub, ReviewState.RETURNED.action, note="Sửa mục 2.")
    (got,) = store.submissions(r.id)
    assert (got.sender, got.review) == (Sender.OFFICE, ReviewState.RETURNED)
    assert got.sender is Sender.OFFICE and got.review is ReviewState.RETURNED
    with store._engine.connect() as conn:
        kept = conn.execute(sa.select(schema.submissions.c.sender, schema.reviews.c.action).join(schema.reviews)).one()
        actors = conn.execute(sa.select(schema.audit_log.c.actor, schema.audit_log.c.action).order_by(schema.audit_log.c.id)).all()
    assert tuple(kept) == ("office", "return") and all(type(value) is str for value in kept)
    assert [tuple(a) for a in actors[1:]] == [("office", "upload"), ("office", "return")]


def test_every_action_is_audited(store):
    r = _round(store, actor="can_bo")
    store.issue_token(r.id, "03386")
    sub = _submit(store, r.id)
    office = _submit(store, r.id, b"o", sender="office", link_unit=None, unit_code="105")
    store.review(r.id, sub, "return", note="Thiếu số liệu mục 2.")
    store.review(r.id, office, "approve")
    store.log(r.id, "office", "consolidate", detail="8/8 đơn vị")
    log = store.audit(r.id)
    assert all(isinstance(line, AuditRecord) and line.at.utcoffset() == timedelta(0) for line in log)
    assert [(line.actor, line.action, line.unit_code) for line in log] == [
        ("can_bo", "create_round", None),
        ("office", "issue_token", "03386"),
        ("unit", "upload", "03386"),
        ("office", "upload", "105"),
        ("office", "return", "03386"),
        ("office", "approve", "105"),
        ("office", "consolidate", None),
    ]
    assert "3 đơn vị" in log[0].detail and "bao cao.xlsx" in log[2].detail and "Thiếu số liệu mục 2." in log[4].detail
    assert log[-1].detail == "8/8 đơn vị"
    assert [line.at for line in log] == sorted(line.at for line in log)
    assert store.audit(_round(store).id)[0].action == "create_round", "each round has its own log"


def test_a_reopened_store_keeps_everything(tmp_path, db_url):
    data = tmp_path / "data"
    store = Store.open(data, db_url)
    r = _round(store)
    token = store.issue_token(r.id, "03389")
    sub = _submit(store, r.id, b"kept")
    store.review(r.id, sub, "return", note="Sửa lại.")
    before = (store.rounds(), store.units(r.id), store.submissions(r.id), store.audit(r.id))
    store.close()
    again = Store.open(data, db_url)
    try:
        assert (again.rounds(), again.units(r.id), again.submissions(r.id), again.audit(r.id)) == before
        assert again.unit_for_token(token) == (r.id, "03389")
        assert again.blob(before[2][0].sha256) == b"kept"
    finally:
        again.close()


def test_opening_a_store_made_by_the_first_migration(tmp_path, db_url):
    """A store at the first revision (as the first release made it) opens, is brought to the
    head, keeps its rows, and opens again."""
    data = tmp_path / "data"
    data.mkdir()
    url = db_url or f"sqlite:///{data / SQLITE_FILE}"
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    first = ScriptDirectory.from_config(schema.alembic_config()).get_base()
    with engine.begin() as conn:
        schema.upgrade(conn, first)
        assert schema.current_revision(conn) == first
        conn.execute(
            sa.text(
                "INSERT INTO rounds (id, form_dir, form_id, form_version, period, created_at) VALUES ('old0000001', 'f', 'BC', '1', '2022', :at)"
            ),
            {"at": datetime(2022, 12, 1, 3, 0)},
        )
        conn.execute(
            sa.text("INSERT INTO round_units (round_id, code, position, name, level) VALUES ('old0000001', '105', 0, 'TP', 'city')")
        )
    engine.dispose()
    for _ in range(2):
        store = Store.open(data, db_url)
        try:
            assert [x.id for x in store.rounds()] == ["old0000001"] and store.units("old0000001") == [UnitRecord("105", "TP", "city")]
            with store._engine.connect() as conn:
                assert schema.current_revision(conn) == schema.head_revision()
        finally:
            store.close()


def test_migrations_build_the_tables_the_code_uses(store):
    with store._engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, schema.metadata) == []


def test_a_store_from_a_newer_version_is_refused(tmp_path, db_url):
    data = tmp_path / "data"
    Store.open(data, db_url).close()
    engine = sa.create_engine((db_url or f"sqlite:///{data / SQLITE_FILE}").replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    with pytest.raises(StoreError, match="phiên bản mới hơn của tonghop") as caught:
        Store.open(data, db_url)
    assert "9999" in str(caught.value)


def test_alembic_history_starts_with_one_initial_revision():
    config = schema.alembic_config()
    scripts = ScriptDirectory.from_config(config)
    revisions = list(scripts.walk_revisions())
    assert len(scripts.get_bases()) == 1 and len(scripts.get_heads()) == 1, "one line of migrations"
    initial = scripts.get_revision(scripts.get_base())
    assert initial.down_revision is None and initial.revision == "0001" and revisions[-1] is initial
    assert initial.doc and initial.path.endswith("0001_initial.py")
    assert schema.head_revision() == revisions[0].revision
    printed = io.StringIO()
    config.print_stdout = lambda text, *arg: printed.write((text % arg if arg else text) + "\n")
    with redirect_stdout(printed):
        command.history(config)
    assert "<base> -> 0001" in printed.getvalue() and "(head)" in printed.getvalue()


def test_unsupported_database_url(tmp_path):
    with pytest.raises(StoreError, match="chỉ nhận postgresql://"):
        Store.open(tmp_path, "mysql://user:secret@host/db")
    with pytest.raises(StoreError) as caught:
        Store.open(tmp_path, "oracle://user:secret@host/db")
    assert "secret" not in str(caught.value)


def test_an_unusable_sqlite_file_is_a_store_error(tmp_path):
    (tmp_path / SQLITE_FILE).write_bytes(b"not a database, " * 100)
    with pytest.raises(StoreError, match="Không mở được kho dữ liệu") as caught:
        Store.open(tmp_path)
    assert SQLITE_FILE in str(caught.value)


def test_an_unreachable_postgresql_is_a_store_error(tmp_path, postgres_server):
    socket_dir, port = postgres_server
    with pytest.raises(StoreError, match="Không mở được kho dữ liệu"):
        Store.open(tmp_path / "pg", f"postgresql://tonghop:secret@/khong_co?host={socket_dir}&port={port}")
    with pytest.raises(StoreError, match="Không mở được kho dữ liệu") as caught:
        Store.open(tmp_path / "pg", f"postgresql://tonghop:secret@/postgres?host={socket_dir}&port={_unused_port()}")
    assert "secret" not in str(caught.value)


def _unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_sqlite_store_is_wal_with_foreign_keys(tmp_path):
    store = Store.open(tmp_path)
    try:
        with store._engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
        assert (tmp_path / SQLITE_FILE).is_file()
    finally:
        store.close()


def test_concurrent_submissions_lose_nothing(tmp_path):
    """8 threads, each with its own store on the same SQLite file (as 8 server workers would),
    add 10 submissions each at once: every one is kept, with its audit line."""
    setup = Store.open(tmp_path)
    r = _round(setup)
    setup.close()
    barrier = threading.Barrier(8)
    failures: list[BaseException] = []
    ids: list[int] = []

    def worker(n: int) -> None:
        store = Store.open(tmp_path)
        try:
            barrier.wait()
            for i in range(10):
                ids.append(_submit(store, r.id, f"{n}-{i}".encode(), filename=f"{n}-{i}.xlsx"))
        except BaseException as err:  # noqa: BLE001 - reported below
            failures.append(err)
        finally:
            store.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, failures
    store = Store.open(tmp_path)
    try:
        kept = store.submissions(r.id)
        assert len(kept) == 80 and sorted(s.id for s in kept) == sorted(ids)
        assert {s.filename for s in kept} == {f"{n}-{i}.xlsx" for n in range(8) for i in range(10)}
        assert all(store.blob(s.sha256) == s.filename.removesuffix(".xlsx").encode() for s in kept)
        assert sum(line.action == "upload" for line in store.audit(r.id)) == 80
    finally:
        store.close()


def test_concurrent_submissions_through_one_store(store):
    """One store shared by 8 threads (one server process): nothing lost either, on both databases."""
    r = _round(store)
    failures: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            for i in range(5):
                _submit(store, r.id, f"{n}/{i}".encode())
        except BaseException as err:  # noqa: BLE001
            failures.append(err)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, failures
    assert len(store.submissions(r.id)) == 40


def test_blob_folder_not_writable_is_a_store_error(tmp_path):
    store = Store.open(tmp_path)
    try:
        (tmp_path / "blobs").write_bytes(b"a file where the blob folder should be")
        with pytest.raises(StoreError, match="Không lưu được tệp vào thư mục dữ liệu"):
            store.put_blob(b"x")
    finally:
        store.close()


def test_a_store_up_to_date_opens_without_loading_alembic(tmp_path, db_url):
    """Alembic and the dialects it loads take about 80 ms of every command that opens a store."""
    Store.open(tmp_path / "data", db_url).close()  # made and migrated
    code = "import sys; from pipeline.store import Store; Store.open(sys.argv[1], sys.argv[2] or None).close(); print(sorted(m for m in sys.modules if m.startswith('alembic')))"
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "data"), db_url or ""], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_the_newest_migration_is_the_one_alembic_would_run_last(tmp_path, monkeypatch):
    """The newest migration a store is compared with is Alembic's, however the next migration is
    written; two newest are refused as Alembic refuses them."""
    head = ScriptDirectory.from_config(schema.alembic_config()).get_current_head()
    folder = shutil.copytree(schema.MIGRATIONS, tmp_path / "migrations", ignore=shutil.ignore_patterns("__pycache__"))
    script = 'from typing import Union\n\nrevision: str = "{rev}"\ndown_revision: Union[str, None] = "{down}"\n\n\ndef upgrade() -> None:\n    pass\n'
    (folder / "versions" / "9001_next.py").write_text(script.format(rev="9001", down=head), encoding="utf-8")
    monkeypatch.setattr(schema, "MIGRATIONS", folder)
    try:
        schema.head_revision.cache_clear()
        assert schema.head_revision() == "9001" == ScriptDirectory.from_config(schema.alembic_config()).get_current_head()
        (folder / "versions" / "9002_other.py").write_text(script.format(rev="9002", down=head), encoding="utf-8")
        schema.head_revision.cache_clear()
        with pytest.raises(CommandError, match="multiple heads"):
            schema.head_revision()
    finally:
        schema.head_revision.cache_clear()
