"""The round's consolidation as a job on the web (Flask's test client, SQLite store): it runs
outside the request, the board shows its progress and who started it when (Vietnam time), a
second press shows the running job, a job left by a stopped server is abandoned and can be
started again; the outputs with the Word appendix and the notices, people's files first, each
with what it is for, downloads only of those; the links page in pages at 3,321 units."""

from __future__ import annotations

import io
import re
import time
import zipfile
from datetime import datetime, timedelta, timezone

import pytest

from pipeline import rounds
from pipeline.appendix.document import DOCX_NAME
from pipeline.appendix.notice_files import NOTICES_DIR, NOTICES_DOCX, REMINDER_TXT
from pipeline.core.constants import RUN_JSON, TOTALS_CSV, WORKBOOK_XLSX
from pipeline.core.errors import Msg
from pipeline.core.vnformat import format_number, format_vn_time
from pipeline.rounds.jobs import CONSOLIDATE, STALE_AFTER
from pipeline.rounds.outputs import KNOWN, NOTICES_ZIP
from pipeline.web import create_app
from pipeline.web.linkpages import PAGE_SIZE

ADMIN = "admin-token-for-job-tests"
QUYET_THANG, TAN_PHONG = "03386", "03387"
DUE = "15/11/2099"
DESCRIPTIONS = {name: what for name, what, _people in KNOWN}


@pytest.fixture
def app(tmp_path):
    made = create_app(tmp_path / "data", admin_token=ADMIN)
    made.config["TESTING"] = True
    yield made
    made.extensions["tonghop_store"].close()


@pytest.fixture
def store(app):
    return app.extensions["tonghop_store"]


@pytest.fixture
def office(app):
    client = app.test_client()
    client.get(f"/?token={ADMIN}")
    return client


def _csrf(client, path: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True)).group(1)


def _press(office, round_id: str):
    return office.post(f"/rounds/{round_id}/consolidate", data={"csrf_token": _csrf(office, f"/rounds/{round_id}")})


def _job(office, round_id: str) -> dict | None:
    return office.get(f"/api/rounds/{round_id}/consolidation").get_json()["job"]


def _wait(office, round_id: str, timeout: float = 120.0) -> dict:
    deadline = time.monotonic() + timeout
    while (job := _job(office, round_id)) and job["state"] == "running":
        assert time.monotonic() < deadline, "the consolidation job did not end"
        time.sleep(0.2)
    return job


def _send(store, round_id, path, unit):
    assert rounds.submit(store, round_id, path.read_bytes(), path.name, link_unit=unit).accepted


def test_the_job_runs_outside_the_request_and_writes_what_the_command_line_writes(app, store, office, make_return, tmp_path):
    round_id = rounds.create_round(store, period="2023", deadline=DUE).id
    _send(store, round_id, make_return(QUYET_THANG, folder=tmp_path / "a"), QUYET_THANG)
    _send(store, round_id, make_return(TAN_PHONG, {"MEDIATORS": -3}, folder=tmp_path / "b"), TAN_PHONG)  # a finding: a notice
    start = time.monotonic()
    pressed = _press(office, round_id)
    assert pressed.status_code == 303 and pressed.headers["Location"].endswith(f"/rounds/{round_id}#ket-qua")
    assert time.monotonic() - start < 5, "the request does not wait for the consolidation"
    job = _wait(office, round_id)
    assert job["state"] == "done" and (job["done"], job["total"]) == (2, 2)
    recorded = rounds.latest_consolidation(store, round_id)
    board = office.get(f"/rounds/{round_id}").get_data(as_text=True)
    assert f"Tổng hợp xong lúc {format_vn_time(recorded.finished_at)}" in board
    assert f"Văn phòng bắt đầu lúc {format_vn_time(recorded.started_at)}" in board and recorded.actor == "office"
    assert f"Đã nhận {format_number(2)}/{format_number(len(store.units(round_id)))} đơn vị" in board

    listed = re.findall(r'<li><a href="/rounds/\w+/output/([^"]+)">[^<]+</a>(?: \(\d+ tệp\))?: ([^<]+)</li>', board)
    names = [name for name, _ in listed]
    people = [WORKBOOK_XLSX, DOCX_NAME, f"{NOTICES_DIR}/{NOTICES_DOCX}", NOTICES_ZIP, f"{NOTICES_DIR}/{REMINDER_TXT}"]
    assert names[: len(people)] == people, "the files for people first: workbook, appendix, notices"
    assert {TOTALS_CSV, RUN_JSON} <= set(names[len(people) :]) and all(n.endswith((".csv", ".json")) for n in names[len(people) :])
    assert all(what == DESCRIPTIONS[name] for name, what in listed), "each file with its line on what it is for"

    appendix = office.get(f"/rounds/{round_id}/output/{DOCX_NAME}")
    assert appendix.status_code == 200 and appendix.data[:2] == b"PK"
    with zipfile.ZipFile(io.BytesIO(appendix.data)) as docx:
        assert "PHỤ LỤC SỐ LIỆU" in docx.read("word/document.xml").decode()
    notices = office.get(f"/rounds/{round_id}/output/{NOTICES_ZIP}")
    with zipfile.ZipFile(io.BytesIO(notices.data)) as archive:
        (notice,) = archive.namelist()
        assert notice.startswith(f"{NOTICES_DIR}/{TAN_PHONG}_") and "Phường Tân Phong" in archive.read(notice).decode("utf-8-sig")
    reminder = office.get(f"/rounds/{round_id}/output/{NOTICES_DIR}/{REMINDER_TXT}")
    assert reminder.status_code == 200 and "Phường Quyết Tiến" in reminder.data.decode("utf-8-sig")
    assert [a.action for a in store.audit(round_id)].count("consolidate") == 1


def test_downloads_are_only_the_rounds_listed_outputs(app, store, office, make_return, tmp_path):
    round_id = rounds.create_round(store, period="2023", deadline=DUE).id
    _send(store, round_id, make_return(TAN_PHONG, {"MEDIATORS": -3}), TAN_PHONG)
    _press(office, round_id)
    assert _wait(office, round_id)["state"] == "done"
    out = app.config["DATA_DIR"] / "output" / round_id
    (out / "ghi_chu.txt").write_text("not an output", encoding="utf-8")
    (out / NOTICES_DIR / "link.txt").symlink_to(app.config["DATA_DIR"] / "secret.key")
    for name in ("..%2F..%2Fsecret.key", "../../secret.key", f"{NOTICES_DIR}/../../../secret.key", ".tonghop.lock", "ghi_chu.txt",
                 f"{NOTICES_DIR}/link.txt", "%2Fetc%2Fpasswd"):  # fmt: skip
        assert office.get(f"/rounds/{round_id}/output/{name}", follow_redirects=True).status_code == 404, name
    with zipfile.ZipFile(io.BytesIO(office.get(f"/rounds/{round_id}/output/{NOTICES_ZIP}").data)) as archive:
        assert [n.split("/")[1][:5] for n in archive.namelist()] == [TAN_PHONG]  # not the link beside it
    other = rounds.create_round(store, period="2023", deadline=DUE).id
    assert office.get(f"/rounds/{other}/output/{WORKBOOK_XLSX}").status_code == 404  # another round's outputs are not its
    assert app.test_client().get(f"/rounds/{round_id}/output/{WORKBOOK_XLSX}").status_code == 401


def test_a_second_press_shows_the_running_job_and_starts_none(store, office):
    round_id = rounds.create_round(store, period="2023", deadline=DUE).id
    job, started = rounds.begin_consolidation(store, round_id)  # a press a moment ago: its job reading the files
    store.job_progress(job.id, 1_234, 3_321)
    assert started
    again = _press(office, round_id)
    assert again.status_code == 303 and "dang_chay=1" in again.headers["Location"]
    assert rounds.latest_consolidation(store, round_id).id == job.id, "no second job"
    board = office.get(again.headers["Location"]).get_data(as_text=True)
    since = format_vn_time(job.started_at)
    expected = Msg.ROUND_120.render(round=round_id, actor="Văn phòng", since=since, done=format_number(1_234), total=format_number(3_321))
    assert expected in board
    assert "--out" not in board and "UTC" not in board
    assert f"Đã đọc {format_number(1_234)}/{format_number(3_321)} tệp" in board and 'value="1234"' in board and 'max="3321"' in board
    assert "Tổng hợp các báo cáo đang dùng</button>" not in board  # no button while it runs
    assert '<script src="/static/job.js" defer></script>' in board and '<noscript><meta http-equiv="refresh"' in board  # works without JS
    assert office.get("/static/job.js").status_code == 200
    polled = _job(office, round_id)
    assert (polled["state"], polled["done"], polled["total"], polled["started"]) == ("running", 1_234, 3_321, since)


def test_a_job_left_by_a_stopped_server_is_abandoned_and_can_be_started_again(store, office, make_return):
    round_id = rounds.create_round(store, period="2023", deadline=DUE).id
    _send(store, round_id, make_return(QUYET_THANG), QUYET_THANG)
    killed = datetime.now(timezone.utc) - STALE_AFTER - timedelta(minutes=1)  # its heartbeat stopped with the server
    old, _ = store.start_job(round_id, CONSOLIDATE, "office", stale_after=STALE_AFTER, now=killed)
    board = office.get(f"/rounds/{round_id}").get_data(as_text=True)
    since = format_vn_time(killed)
    expected = Msg.ROUND_121.render(round=round_id, since=since, done=format_number(0), total=format_number(0))
    assert expected in board
    assert "Tổng hợp các báo cáo đang dùng</button>" in board
    pressed = _press(office, round_id)
    assert "dang_chay" not in pressed.headers["Location"]
    assert _wait(office, round_id)["state"] == "done"
    new = rounds.latest_consolidation(store, round_id)
    assert new.id != old.id and new.state == "done"


def test_a_failed_job_says_why_on_the_board(store, office, caplog):
    caplog.set_level("INFO", logger="pipeline.rounds.jobs")
    round_id = rounds.create_round(store, period="2023", deadline=DUE).id
    _press(office, round_id)
    job = _wait(office, round_id)
    assert job["state"] == "failed" and job["error"] == Msg.ROUND_107.render(round=round_id)
    logged = [r.getMessage() for r in caplog.records if r.name == "pipeline.rounds.jobs"]  # serve's log: one line at each end
    assert len(logged) == 2 and logged[0].endswith(f"of round {round_id} started")
    assert re.fullmatch(rf"consolidation job \d+ of round {round_id} failed in \d+ ms", logged[1]), logged
    board = office.get(f"/rounds/{round_id}").get_data(as_text=True)
    assert Msg.ROUND_107.render(round=round_id).replace("'", "&#39;") in board
    assert "Tổng hợp các báo cáo đang dùng</button>" in board


NATIONAL = 3_321


@pytest.fixture
def national(store, tmp_path):
    units = tmp_path / "units.csv"
    rows = "".join(f"B{i:05d},Phường Thử nghiệm {i:05d},communes\n" for i in range(2, NATIONAL + 1))
    units.write_text("code,name,level\nB00001,Thành phố Thử nghiệm,city\n" + rows + "B09999,Xã Đắk Ơ,communes\n", encoding="utf-8")
    return rounds.create_round(store, units_path=units, period="2023", deadline=DUE).id


def _cards(page: str) -> list[tuple[str, str]]:
    return re.findall(r'<section class="card" id="u(\w+)">.*?<p class="url"><a href="([^"]+)">\2</a></p>', page, re.S)


def test_the_links_page_at_3321_units_comes_in_pages_with_a_search(store, office, national):
    total = NATIONAL + 1
    pages = -(-total // PAGE_SIZE)
    first = office.get(f"/rounds/{national}/links")
    text = first.get_data(as_text=True)
    assert first.status_code == 200 and len(first.data) < 400_000, "a page of links stays small whatever the round's size"
    cards = _cards(text)
    assert [code for code, _ in cards] == [f"B{i:05d}" for i in range(1, PAGE_SIZE + 1)]
    assert text.count("<svg") == PAGE_SIZE and all(
        url.startswith(office.application.config["BASE_URL"] + "/u/") for _, url in cards
    )  # clickable
    assert f'href="/rounds/{national}/links?page={pages}"' in text and f"trang 1/{pages}" in text
    last = _cards(office.get(f"/rounds/{national}/links?page={pages}").get_data(as_text=True))
    assert len(last) == total - (pages - 1) * PAGE_SIZE and last[-1][0] == "B09999"
    assert _cards(office.get(f"/rounds/{national}/links?page=999").get_data(as_text=True)) == last  # beyond: the last page
    assert _cards(office.get(f"/rounds/{national}/links?page=x").get_data(as_text=True)) == cards
    found = office.get(f"/rounds/{national}/links?q=dak+o").get_data(as_text=True)  # without marks
    assert [c for c, _ in _cards(found)] == ["B09999"] and "1 đơn vị có" in found
    assert [c for c, _ in _cards(office.get(f"/rounds/{national}/links?q=B0300").get_data(as_text=True))] == [
        f"B{i:05d}" for i in range(3000, 3010)
    ]
    assert "Không có đơn vị nào có" in office.get(f"/rounds/{national}/links?q=zzz").get_data(as_text=True)
    token = _csrf(office, f"/rounds/{national}/links")
    moved = office.post(f"/rounds/{national}/units/B01234/reissue", data={"csrf_token": token})
    assert moved.headers["Location"].endswith(f"/rounds/{national}/links?page=13#uB01234")  # the page showing that unit


@pytest.mark.slow
def test_links_csv_is_streamed_with_every_units_link(store, office, national):
    answer = office.get(f"/rounds/{national}/links.csv", buffered=False)
    assert answer.status_code == 200 and answer.is_streamed
    text = b"".join(answer.response).decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == "unit_code,unit_name,url" and len(lines) == NATIONAL + 2 and text.count("unit_code") == 1
    page = dict(_cards(office.get(f"/rounds/{national}/links?page=2").get_data(as_text=True)))
    in_csv = {line.split(",")[0]: line.rsplit(",", 1)[1] for line in lines[1:]}
    assert all(in_csv[code] == url for code, url in page.items()), "the page's links are the file's"
