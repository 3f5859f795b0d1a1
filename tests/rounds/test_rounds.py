"""The collection round as a library (``pipeline.rounds``): create a round, give each unit its
link, take in returns through a link or dropped by the office, the status board, the office's
review, and the consolidation of the versions in use, all kept in the store."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta, timezone

import pytest

from pipeline import api, rounds
from pipeline.core import settings
from pipeline.core.constants import WORKBOOK_XLSX, RoundStatus
from pipeline.core.errors import Msg, PipelineError
from pipeline.core.vnformat import vietnam_today
from pipeline.form.definition import load_form
from pipeline.ingest.recognise import fold
from pipeline.rounds import checking
from pipeline.rounds.board import unit_status
from pipeline.rounds.create import UNIT_PATH
from pipeline.rounds.figures import changes, figures_of, key_totals
from pipeline.rounds.setup import safe_name, unique_name
from pipeline.store import Store
from pipeline.store.schema import blob_chunks
from tests.conftest import message_fields

QUYET_THANG, TAN_PHONG, DOAN_KET = "03386", "03387", "03389"
BAD = {"MEDIATORS": "sáu mươi lăm"}  # a figure in words: an error at its cell
JSON_KEYS = {"unit_code", "unit_name", "accepted", "status", "errors", "warnings", "findings", "file_unit_code", "file_unit_name"}
FINDING_KEYS = {"severity", "rule", "sheet", "cell", "message", "plain"}
DUE = vietnam_today() + timedelta(days=30)


@pytest.fixture
def data_dir(tmp_path):
    return tmp_path / "data"


@pytest.fixture
def store(data_dir, db_url):
    opened = Store.open(data_dir, db_url)
    yield opened
    opened.close()


@pytest.fixture
def round_id(store):
    return rounds.create_round(store, period="2023", deadline=DUE.strftime("%d/%m/%Y")).id


def _token(url: str) -> str:
    return url.rsplit(UNIT_PATH, 1)[1]


def _send(store, round_id, path, **kwargs):
    return rounds.submit(store, round_id, path.read_bytes(), path.name, **kwargs)


def _row(store, round_id, code):
    return next(r for r in rounds.status(store, round_id) if r.unit_code == code)


def test_create_round_keeps_form_units_period_and_deadline(store, round_id, units):
    rnd = store.round(round_id)
    assert (rnd.period, rnd.deadline, rnd.form_id) == ("2023", DUE, load_form().id)
    assert [(u.code, u.name, u.level) for u in store.units(round_id)] == [(u.code, u.name, u.level) for u in units]
    assert {r.status for r in rounds.status(store, round_id)} == {RoundStatus.MISSING}


@pytest.mark.parametrize(("period", "deadline", "msg"), [("2023-Q5", "15/11/2023", Msg.PERIOD_001), ("2023", "31/02/2023", Msg.PERIOD_002)])
def test_create_round_checks_period_and_deadline(store, period, deadline, msg):
    with pytest.raises(PipelineError) as err:
        rounds.create_round(store, period=period, deadline=deadline)
    assert message_fields(msg, str(err.value)) is not None
    assert store.rounds() == []


def test_links_are_stable_and_reissuing_ends_only_that_units_old_link(store, round_id, units):
    rows = rounds.links(store, round_id, "https://bc.example.vn/")
    assert [(code, name) for code, name, _ in rows] == [(u.code, u.name) for u in units]
    for code, _, url in rows:
        assert url.startswith(f"https://bc.example.vn{UNIT_PATH}") and len(_token(url)) >= 22  # ≥ 128 bits
        assert store.unit_for_token(_token(url)) == (round_id, code)
    assert rounds.links(store, round_id, "https://bc.example.vn/") == rows  # printed again: the same links
    old = dict((code, url) for code, _, url in rows)
    (again,) = rounds.links(store, round_id, units=[QUYET_THANG], reissue=True)
    assert store.unit_for_token(_token(old[QUYET_THANG])) is None
    assert store.unit_for_token(_token(again[2])) == (round_id, QUYET_THANG)
    assert store.unit_for_token(_token(old[TAN_PHONG])) == (round_id, TAN_PHONG)  # the others still work
    assert dict((c, u) for c, _, u in rounds.links(store, round_id))[QUYET_THANG] == again[2]  # the new one is now stable
    with pytest.raises(PipelineError) as err:
        rounds.links(store, round_id, units=["99999"])
    assert message_fields(Msg.ROUND_102, str(err.value))["code"] == "99999"


def test_links_follow_the_secret_and_replace_an_older_random_link(store, round_id, monkeypatch):
    first = dict((c, u) for c, _, u in rounds.links(store, round_id))
    assert (store.data_dir / "secret.key").exists()
    monkeypatch.setenv("TONGHOP_SECRET", "another secret")
    other = dict((c, u) for c, _, u in rounds.links(store, round_id))
    assert other[QUYET_THANG] != first[QUYET_THANG] and store.unit_for_token(_token(first[QUYET_THANG])) is None
    assert dict((c, u) for c, _, u in rounds.links(store, round_id)) == other
    legacy = store.issue_token(round_id, TAN_PHONG)  # a random link from an older version
    (row,) = rounds.links(store, round_id, units=[TAN_PHONG])
    assert store.unit_for_token(legacy) is None and rounds.links(store, round_id, units=[TAN_PHONG]) == [row]


def test_links_csv_opens_in_excel():
    data = rounds.links_csv([("03386", "Phường Quyết Thắng", "http://127.0.0.1:8000/u/abc")])
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").splitlines() == ["unit_code,unit_name,url", "03386,Phường Quyết Thắng,http://127.0.0.1:8000/u/abc"]


def test_a_return_with_an_error_then_the_corrected_one(store, round_id, make_return, tmp_path):
    bad = make_return(QUYET_THANG, BAD, folder=tmp_path / "bad")
    verdict = _send(store, round_id, bad, link_unit=QUYET_THANG)
    answer = verdict.as_json()
    assert set(answer) == JSON_KEYS and all(set(f) == FINDING_KEYS for f in answer["findings"])
    assert (answer["unit_code"], answer["accepted"], answer["status"]) == (QUYET_THANG, True, "errors")
    assert answer["errors"] >= 1
    error = next(f for f in answer["findings"] if f["severity"] == "error")
    assert error["rule"] == "not-a-number" and error["sheet"] and error["cell"] and bad.name in error["message"]
    assert _row(store, round_id, QUYET_THANG).status is RoundStatus.ERRORS

    good = make_return(QUYET_THANG, folder=tmp_path / "good")
    verdict = _send(store, round_id, good, link_unit=QUYET_THANG)
    assert (verdict.accepted, verdict.errors, verdict.status) == (True, 0, RoundStatus.ON_TIME)
    row = _row(store, round_id, QUYET_THANG)
    assert (row.status, row.late, row.errors, row.versions) == (RoundStatus.ON_TIME, 0, 0, 2)
    assert row.received_at is not None and row.in_use == verdict.submission_id
    first, second = store.submissions(round_id, QUYET_THANG)
    assert (first.sender, first.link_unit, first.accepted, first.errors) == ("unit", QUYET_THANG, True, answer["errors"])
    assert first.findings == answer["findings"]
    assert store.blob(first.sha256) == bad.read_bytes() and store.blob(second.sha256) == good.read_bytes()


def test_a_late_return(store, make_return):
    due = vietnam_today() - timedelta(days=3)
    round_id = rounds.create_round(store, period="2023", deadline=due).id
    _send(store, round_id, make_return(QUYET_THANG), link_unit=QUYET_THANG)
    row = _row(store, round_id, QUYET_THANG)
    assert (row.status, row.late) == (RoundStatus.LATE, 3)


def test_another_units_file_through_a_link_is_kept_but_not_accepted(store, round_id, make_return):
    other = make_return(TAN_PHONG)
    verdict = _send(store, round_id, other, link_unit=QUYET_THANG)
    assert (verdict.accepted, verdict.unit_code, verdict.link_unit) == (False, TAN_PHONG, QUYET_THANG)
    first = verdict.findings[0]
    assert (first["severity"], first["rule"]) == ("error", Msg.ROUND_101.slug)
    named = message_fields(Msg.ROUND_101, first["message"])
    assert (named["unit_code"], named["link_code"]) == (TAN_PHONG, QUYET_THANG)
    assert named["unit_name"] == "Phường Tân Phong" and named["link_name"] == "Phường Quyết Thắng"
    (kept,) = store.submissions(round_id)
    assert (kept.link_unit, kept.unit_code, kept.accepted) == (QUYET_THANG, TAN_PHONG, False)
    assert store.blob(kept.sha256) == other.read_bytes()
    assert _row(store, round_id, TAN_PHONG).status is RoundStatus.MISSING  # Tân Phong sent nothing itself
    assert _row(store, round_id, QUYET_THANG).status is RoundStatus.ERRORS  # Quyết Thắng sent nothing usable


def test_a_file_not_a_return_is_kept(store, round_id):
    verdict = rounds.submit(store, round_id, b"%PDF-1.4 not a workbook", "../../etc/bao cao.pdf", link_unit=QUYET_THANG)
    assert (verdict.accepted, verdict.unit_code, verdict.filename) == (False, "", "bao cao.pdf")
    (kept,) = store.submissions(round_id)
    assert store.blob(kept.sha256) == b"%PDF-1.4 not a workbook" and kept.link_unit == QUYET_THANG


def test_office_drop_of_a_folder_files_each_under_its_unit(store, round_id, sample_dir):
    verdicts = rounds.add_paths(store, round_id, [sample_dir])
    files = sorted(p.name for p in sample_dir.iterdir())
    assert sorted(v.filename for v in verdicts) == files
    assert all(v.accepted and v.link_unit is None for v in verdicts)
    subs = store.submissions(round_id)
    assert {(s.sender, s.link_unit) for s in subs} == {("office", None)}
    assert len({s.unit_code for s in subs}) == len(files)
    assert next(s for s in subs if s.filename.startswith("BC MTTQ Tân Phong")).unit_code == TAN_PHONG
    board = {r.unit_code: r for r in rounds.status(store, round_id)}
    assert all(board[s.unit_code].status is not RoundStatus.MISSING for s in subs)


def test_return_for_correction_then_approve(store, round_id, make_return, tmp_path):
    verdict = _send(store, round_id, make_return(QUYET_THANG), link_unit=QUYET_THANG)
    with pytest.raises(PipelineError) as err:
        rounds.review(store, round_id, QUYET_THANG, "return", "  ")
    assert str(err.value) == Msg.ROUND_106.render()
    row = rounds.review(store, round_id, QUYET_THANG, "return", "Số hòa giải viên chưa khớp sổ theo dõi, hãy kiểm tra lại.")
    assert (row.status, row.note) == (RoundStatus.RETURNED, "Số hòa giải viên chưa khớp sổ theo dõi, hãy kiểm tra lại.")
    (sub,) = store.submissions(round_id, QUYET_THANG)
    assert (sub.id, sub.review, sub.note) == (verdict.submission_id, "returned", row.note)
    fixed = _send(store, round_id, make_return(QUYET_THANG, folder=tmp_path / "fixed"), link_unit=QUYET_THANG)
    assert fixed.status is RoundStatus.ON_TIME  # the corrected return is now in use
    assert rounds.review(store, round_id, QUYET_THANG, "approve").status is RoundStatus.APPROVED
    assert [a.action for a in store.audit(round_id) if a.unit_code == QUYET_THANG][-3:] == ["return", "upload", "approve"]


def test_an_approved_version_stays_in_use_until_a_newer_one_is_approved(store, round_id, make_return, tmp_path):
    approved = _send(store, round_id, make_return(QUYET_THANG, folder=tmp_path / "a"), link_unit=QUYET_THANG)
    rounds.review(store, round_id, QUYET_THANG, "approve")
    newer = _send(store, round_id, make_return(QUYET_THANG, {"MEDIATORS": 70}, folder=tmp_path / "b"), link_unit=QUYET_THANG)
    assert newer.accepted and newer.status is RoundStatus.APPROVED
    row = _row(store, round_id, QUYET_THANG)
    assert (row.in_use, row.pending, row.versions) == (approved.submission_id, 1, 2)
    row = rounds.review(store, round_id, QUYET_THANG, "approve", submission_id=newer.submission_id)
    assert (row.status, row.in_use, row.pending) == (RoundStatus.APPROVED, newer.submission_id, 0)


def test_review_refuses_what_cannot_be_reviewed(store, round_id, make_return):
    cases = [
        (lambda: rounds.review(store, round_id, QUYET_THANG, "delete"), Msg.ROUND_103),
        (lambda: rounds.review(store, round_id, "99999", "approve"), Msg.ROUND_102),
        (lambda: rounds.review(store, round_id, DOAN_KET, "approve"), Msg.ROUND_104),
    ]
    _send(store, round_id, make_return(TAN_PHONG), link_unit=QUYET_THANG)  # kept, not accepted
    (sub,) = store.submissions(round_id)
    cases.append((lambda: rounds.review(store, round_id, QUYET_THANG, "approve", submission_id=sub.id), Msg.ROUND_105))
    for call, msg in cases:
        with pytest.raises(PipelineError) as err:
            call()
        assert message_fields(msg, str(err.value)) is not None, msg


def test_the_board_gives_each_unit_the_row_of_its_own_status(store, round_id, make_return, tmp_path):
    """The board groups the round's submissions once: each row is what the unit's own status says."""
    _send(store, round_id, make_return(QUYET_THANG, BAD), link_unit=QUYET_THANG)
    _send(store, round_id, make_return(QUYET_THANG, folder=tmp_path / "fixed"), link_unit=QUYET_THANG)
    _send(store, round_id, make_return(TAN_PHONG), link_unit=DOAN_KET)  # another unit's file: rejected, Đoàn Kết's
    _send(store, round_id, make_return("105"), sender="office")
    _send(store, round_id, make_return("03388"), sender="office")
    rounds.review(store, round_id, QUYET_THANG, "approve")
    rounds.review(store, round_id, "03388", "return", "Sửa mục 2.")
    now = datetime.now(timezone.utc)
    board = rounds.status(store, round_id, now)
    assert board == [unit_status(store, round_id, u.code, now) for u in store.units(round_id)]
    shown = {r.unit_code: (r.status, r.versions) for r in board}
    assert shown[QUYET_THANG] == (RoundStatus.APPROVED, 2) and shown[DOAN_KET] == (RoundStatus.ERRORS, 1)
    assert shown[TAN_PHONG] == (RoundStatus.MISSING, 0) and shown["03388"] == (RoundStatus.RETURNED, 1)
    assert shown["105"] == (RoundStatus.ON_TIME, 1)


def test_a_round_whose_form_changed_version_takes_no_upload(store, make_return, tmp_path):
    """The round's form is loaded once for its uploads, and again when its files change."""
    folder = shutil.copytree(settings.DEFINITIONS_DIR, tmp_path / "form")
    round_id = rounds.create_round(store, form_path=folder, period="2023", deadline=DUE).id
    assert _send(store, round_id, make_return(QUYET_THANG), link_unit=QUYET_THANG).accepted
    meta = folder / "form.csv"
    meta.write_text(meta.read_text(encoding="utf-8").replace("version,2023.1", "version,2023.2"), encoding="utf-8")
    with pytest.raises(PipelineError) as err:
        _send(store, round_id, make_return(TAN_PHONG), link_unit=TAN_PHONG)
    assert message_fields(Msg.ROUND_108, str(err.value))["found"] == "2023.2"


def test_round_consolidate_gives_the_outputs_of_consolidate(store, round_id, sample_dir, tmp_path):
    rounds.add_paths(store, round_id, [sample_dir])
    result, out = rounds.consolidate_round(store, round_id, tmp_path / "from_round")
    copy = shutil.copytree(sample_dir, tmp_path / "returns")
    expected, direct = api.consolidate(copy, period="2023", out=tmp_path / "direct", deadline=DUE)
    assert result.received == expected.received == 8
    for name in ("totals.csv", "values.csv", "findings.csv", "submissions.csv", "files.csv", "relations.csv"):
        assert (out / name).read_bytes() == (direct / name).read_bytes(), name
    assert (out / WORKBOOK_XLSX).is_file()
    assert store.audit(round_id)[-1].action == "consolidate"


def test_a_damaged_kept_file_stops_the_round_consolidation_before_any_output(store, round_id, sample_dir, tmp_path):
    rounds.add_paths(store, round_id, [sample_dir])
    used = [s for s in store.submissions(round_id) if s.accepted]
    sha = used[3].sha256
    if store.blobs_in_database:  # the file itself is in the database; the copy read is made again from it
        with store._write() as conn:
            conn.execute(blob_chunks.update().where(blob_chunks.c.sha256 == sha).values(data=b"x"))
        store.blob_path(sha).unlink()
        expected = Msg.STORE_101.render(where=store._where, sha256=sha)
    else:
        damaged = store.blob_path(sha)
        damaged.write_bytes(damaged.read_bytes()[:-1] + b"x")  # a byte lost on a failing disk
        expected = Msg.STORE_005.render(where=damaged)
    with pytest.raises(PipelineError) as err:
        rounds.consolidate_round(store, round_id, tmp_path / "out")
    assert str(err.value) == expected
    assert not (tmp_path / "out").exists()


def test_a_damaged_cached_copy_is_made_again_from_the_database(store, round_id, sample_dir, tmp_path):
    """Files kept in PostgreSQL: the copy on this machine is a cache; one damaged (a failing disk,
    a power cut before it was synced) is copied again and the round consolidates as before."""
    if not store.blobs_in_database:
        pytest.skip("SQLite keeps the files themselves on disk: a damaged one is an error (the test above)")
    rounds.add_paths(store, round_id, [sample_dir])
    rounds.consolidate_round(store, round_id, tmp_path / "first")
    damaged = store.blob_path([s for s in store.submissions(round_id) if s.accepted][3].sha256)
    damaged.write_bytes(damaged.read_bytes()[:-1] + b"x")
    rounds.consolidate_round(store, round_id, tmp_path / "again")
    assert (tmp_path / "again" / "totals.csv").read_bytes() == (tmp_path / "first" / "totals.csv").read_bytes()


def test_the_round_context_folds_unit_names_for_uploads_only(store, round_id, make_return, tmp_path):
    """Folding 3,000 names is work a consolidation does not need (it makes a context of its own);
    an upload in the same process gets them folded, once, under the cache's lock."""
    checking.clear()
    rnd = store.round(round_id)
    assert "folded_names" not in checking.round_check(store, rnd, fold=False).context.__dict__
    _send(store, round_id, make_return(QUYET_THANG), link_unit=QUYET_THANG)
    folded = checking.round_check(store, rnd, fold=False).context.__dict__["folded_names"]
    assert fold(store.unit(round_id, QUYET_THANG).name) in folded["communes"]


def test_round_consolidate_of_nothing(store, round_id, tmp_path):
    with pytest.raises(PipelineError) as err:
        rounds.consolidate_round(store, round_id, tmp_path / "out")
    assert message_fields(Msg.ROUND_107, str(err.value))["round"] == round_id


def test_a_store_opened_again_keeps_the_round(data_dir, db_url, make_return):
    store = Store.open(data_dir, db_url)
    round_id = rounds.create_round(store, period="2023", deadline=DUE).id
    (_, _, url) = rounds.links(store, round_id, units=[QUYET_THANG])[0]
    _send(store, round_id, make_return(QUYET_THANG), link_unit=QUYET_THANG)
    before = rounds.status(store, round_id)
    store.close()
    again = Store.open(data_dir, db_url)
    try:
        assert [r.id for r in again.rounds()] == [round_id]
        assert again.unit_for_token(_token(url)) == (round_id, QUYET_THANG)
        assert rounds.status(again, round_id) == before
    finally:
        again.close()


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("../../x.xlsx", "x.xlsx"),
        ("C:\\Users\\a\\Báo cáo.xlsx", "Báo cáo.xlsx"),
        ("~$bc.xlsx", "bc.xlsx"),
        (".hidden.xlsx", "hidden.xlsx"),
        ('a<b>:"c|?*.xlsx', "a_b___c___.xlsx"),
        ("", "bao_cao.xlsx"),
        ("..", "bao_cao.xlsx"),
        ("x" * 300 + ".xlsx", "x" * 195 + ".xlsx"),
    ],
)
def test_a_senders_name_never_becomes_a_path(given, kept):
    assert safe_name(given) == kept


def test_unique_names_in_one_folder():
    taken: set[str] = set()
    assert [unique_name(n, taken) for n in ("a.xlsx", "A.xlsx", "a.xlsx")] == ["a.xlsx", "A (2).xlsx", "a (3).xlsx"]


def test_default_data_dir_is_the_users():
    assert rounds.default_data_dir().name == "tonghop"


def _total(totals, code):
    return next(t for t in totals if t.code == code)


def test_key_totals_add_up_the_versions_in_use(store, round_id, make_return, tmp_path):
    _send(store, round_id, make_return(QUYET_THANG, {"POOR_FUND_TOTAL": 1_000_000}, folder=tmp_path / "a"), link_unit=QUYET_THANG)
    _send(store, round_id, make_return(TAN_PHONG, {"POOR_FUND_TOTAL": 7_000_000}, folder=tmp_path / "b"), link_unit=TAN_PHONG)
    newer = make_return(TAN_PHONG, {"POOR_FUND_TOTAL": 2_500_000}, folder=tmp_path / "c")
    _send(store, round_id, newer, link_unit=TAN_PHONG)  # the newer version replaces the older in the total
    totals = key_totals(store, round_id, rounds.status(store, round_id))
    fund = _total(totals, "POOR_FUND_TOTAL")
    assert (fund.total, fund.units, fund.unit) == (3_500_000, 2, "đồng")
    assert [t.code for t in totals] == ["POOR_FUND_TOTAL", "PETITIONS_TOTAL", "PETITIONS_RESOLVED", "TET_GIFTS_VALUE"]


def test_changes_between_versions_name_each_changed_figure(store, round_id, make_return, tmp_path):
    first = _send(store, round_id, make_return(QUYET_THANG, folder=tmp_path / "a"), link_unit=QUYET_THANG)
    second = _send(
        store,
        round_id,
        make_return(QUYET_THANG, {"POOR_FUND_TOTAL": 123_456, "MEDIATORS": None}, folder=tmp_path / "b"),
        link_unit=QUYET_THANG,
    )
    third = _send(
        store,
        round_id,
        make_return(QUYET_THANG, {"POOR_FUND_TOTAL": 123_456, "MEDIATORS": None}, folder=tmp_path / "c"),
        link_unit=QUYET_THANG,
    )
    found = changes(store, round_id, store.submissions(round_id, QUYET_THANG))
    assert first.submission_id not in found and found[third.submission_id] == []
    changed = {c.code: (c.before, c.after) for c in found[second.submission_id]}
    before = figures_of(store, round_id, [first.submission_id])[first.submission_id]
    assert changed == {"POOR_FUND_TOTAL": (before["POOR_FUND_TOTAL"], 123_456), "MEDIATORS": (before["MEDIATORS"], None)}


def test_figures_of_a_submission_kept_without_them_are_read_from_its_file(store, round_id, make_return):
    path = make_return(QUYET_THANG, {"POOR_FUND_TOTAL": 4_321_000})
    sha = store.put_blob(path.read_bytes())
    old = store.add_submission(
        round_id, sha256=sha, filename=path.name, sender="unit", link_unit=QUYET_THANG, unit_code=QUYET_THANG,
        accepted=True, errors=0, warnings=0, findings=[], saved_at=None,
    )  # fmt: skip  # as a store made before figures were kept has it
    assert store.figures(round_id, [old]) == {old: None}
    assert figures_of(store, round_id, [old])[old]["POOR_FUND_TOTAL"] == 4_321_000
    assert store.figures(round_id, [old])[old]["POOR_FUND_TOTAL"] == 4_321_000  # kept: read once


def test_a_figure_typed_as_text_is_kept_as_the_number_it_reads_as(store, round_id, make_return):
    sent = _send(store, round_id, make_return(QUYET_THANG, {"POOR_FUND_TOTAL": "120.341.560"}), link_unit=QUYET_THANG)
    assert figures_of(store, round_id, [sent.submission_id])[sent.submission_id]["POOR_FUND_TOTAL"] == 120_341_560
