"""The web pages of the collection round (``pipeline.web``) through Flask's test client, on a
SQLite store in a temporary data folder: every page, the office's login and CSRF, the unit's
link, uploads with their verdicts, review, consolidation, stable links and a restart."""

from __future__ import annotations

import importlib
import io
import re
import time
from datetime import timedelta

import pytest
from markupsafe import escape

from pipeline import rounds
from pipeline.core.constants import WORKBOOK_XLSX
from pipeline.core.errors import Msg
from pipeline.core.vnformat import format_number, vietnam_today
from pipeline.rounds.create import UNIT_PATH
from pipeline.store import Store
from pipeline.web import MAX_UPLOAD_BYTES, create_app

ADMIN = "admin-token-for-tests"
QUYET_THANG, TAN_PHONG, DOAN_KET = "03386", "03387", "03389"
BAD = {"MEDIATORS": "sáu mươi lăm"}  # a figure in words: an error at its cell
DUE = (vietnam_today() + timedelta(days=30)).strftime("%d/%m/%Y")
JSON = {"Accept": "application/json"}


@pytest.fixture
def data_dir(tmp_path):
    return tmp_path / "data"


@pytest.fixture
def app(data_dir):
    made = create_app(data_dir, admin_token=ADMIN)
    made.config["TESTING"] = True
    yield made
    made.extensions["tonghop_store"].close()


@pytest.fixture
def office(app):
    client = app.test_client()
    assert client.get(f"/?token={ADMIN}").status_code == 302  # logged in: the same page without the token
    return client


@pytest.fixture
def round_id(app):
    return rounds.create_round(app.extensions["tonghop_store"], period="2023", deadline=DUE).id


def _csrf(client, path):
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def _links(client, round_id) -> dict[str, str]:
    page = client.get(f"/rounds/{round_id}/links").get_data(as_text=True)
    return dict(re.findall(r'id="u(\d+)".*?<p class="url"><a href="https?://[^/"]+(/u/[^"]+)">', page, re.S))


def finished(client, round_id, timeout=120.0) -> str:
    """The board once the round's consolidation job has ended (it runs in a thread of its own)."""
    deadline = time.monotonic() + timeout
    while (client.get(f"/api/rounds/{round_id}/consolidation").get_json()["job"] or {}).get("state") == "running":
        assert time.monotonic() < deadline, "the consolidation job did not end"
        time.sleep(0.2)
    return client.get(f"/rounds/{round_id}").get_data(as_text=True)


def _file(path, name=None):
    return {"file": (io.BytesIO(path.read_bytes()), name or path.name)}


def test_every_office_page_renders_in_vietnamese(office, round_id):
    for path, text in [
        ("/", "Các đợt thu báo cáo"),
        ("/", "Tạo đợt thu báo cáo mới"),
        (f"/rounds/{round_id}", "Tình hình nộp báo cáo năm 2023"),
        (f"/rounds/{round_id}", "Lời nhắc gửi các đơn vị"),
        (f"/rounds/{round_id}?status=missing&sort=name", "Chưa nộp"),
        (f"/rounds/{round_id}/links", "Đường dẫn nộp báo cáo"),
        (f"/rounds/{round_id}/units/{QUYET_THANG}", "Đơn vị chưa gửi báo cáo nào."),
    ]:
        answer = office.get(path)
        assert answer.status_code == 200, path
        assert text in answer.get_data(as_text=True), (path, text)
        assert answer.headers["X-Content-Type-Options"] == "nosniff" and answer.headers["Referrer-Policy"] == "no-referrer"
    board = office.get(f"/rounds/{round_id}").get_data(as_text=True)
    assert "Phường Quyết Thắng: chưa nộp báo cáo." in board  # the reminder, ready to copy
    assert 'name="viewport"' in board
    api = office.get(f"/api/rounds/{round_id}/status").get_json()
    assert {u["unit_code"]: u["status"] for u in api["units"]}[QUYET_THANG] == "missing"
    assert set(api["units"][0]) >= {"unit_code", "status", "received_at", "late", "errors", "warnings", "versions"}
    archive = office.get(f"/rounds/{round_id}/templates.zip")
    assert archive.status_code == 200 and archive.data[:2] == b"PK"
    csv_file = office.get(f"/rounds/{round_id}/links.csv")
    assert csv_file.data.decode("utf-8-sig").splitlines()[0] == "unit_code,unit_name,url"


def test_login_cookie_and_401_without_it(app, round_id):
    client = app.test_client()
    for path in ("/", f"/rounds/{round_id}", f"/rounds/{round_id}/links", f"/rounds/{round_id}/units/{QUYET_THANG}"):
        answer = client.get(path)
        assert answer.status_code == 401 and "Cần đăng nhập" in answer.get_data(as_text=True)
    answer = client.get(f"/api/rounds/{round_id}/status")
    assert answer.status_code == 401 and answer.get_json()["error"] == 401
    assert client.get("/?token=wrong").status_code == 401
    login = client.get(f"/?token={ADMIN}")
    cookie = login.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and ADMIN not in cookie
    assert client.get(f"/api/rounds/{round_id}/status").status_code == 200


def test_office_posts_without_the_csrf_token_are_refused(office, round_id):
    assert office.post("/rounds", data={"period": "2024", "deadline": "15/11/2024"}).status_code == 400
    assert office.post(f"/rounds/{round_id}/consolidate").status_code == 400
    assert office.post(f"/rounds/{round_id}/units/{QUYET_THANG}/review", data={"action": "approve", "csrf_token": "x"}).status_code == 400
    assert len(office.application.extensions["tonghop_store"].rounds()) == 1


def test_create_a_round_on_the_dashboard_with_a_unit_list(office, tmp_path):
    token = _csrf(office, "/")
    units = "code,name,level\n105,Thành phố Lai Châu,city\n03386,Phường Quyết Thắng,communes\n".encode()
    answer = office.post(
        "/rounds", data={"csrf_token": token, "period": "2024", "deadline": "15/11/2024", "units": (io.BytesIO(units), "ds.csv")},
        content_type="multipart/form-data",
    )  # fmt: skip
    assert answer.status_code == 302
    board = office.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Tình hình nộp báo cáo năm 2024" in board and "2 đơn vị" in board
    bad = office.post("/rounds", data={"csrf_token": token, "period": "2024-Q5", "deadline": "15/11/2024"})
    assert bad.status_code == 400 and "Kỳ báo cáo &#39;2024-Q5&#39; không hợp lệ" in bad.get_data(as_text=True)


def test_a_unit_link_page_template_and_404(app, office, round_id):
    link = _links(office, round_id)[QUYET_THANG]
    unit = app.test_client()
    page = unit.get(link)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Phường Quyết Thắng" in text and "năm 2023" in text and DUE in text and "Tải biểu mẫu Excel" in text
    template = unit.get(link + "/template.xlsx")
    assert template.status_code == 200 and template.data[:2] == b"PK"
    assert unit.get("/u/not-a-token").status_code == 404
    assert unit.get(link[:-2] + "xx").status_code == 404
    assert unit.post("/u/not-a-token", data={}, headers=JSON).status_code == 404


def test_upload_through_a_link_error_then_corrected_then_another_units_file(app, office, round_id, make_return, tmp_path):
    links = _links(office, round_id)
    unit = app.test_client()
    bad = make_return(QUYET_THANG, BAD, folder=tmp_path / "bad")
    answer = unit.post(links[QUYET_THANG], data=_file(bad), headers=JSON, content_type="multipart/form-data")
    verdict = answer.get_json()
    assert set(verdict) == {
        "unit_code",
        "unit_name",
        "accepted",
        "status",
        "errors",
        "warnings",
        "findings",
        "file_unit_code",
        "file_unit_name",
    }
    assert (verdict["unit_code"], verdict["status"]) == (QUYET_THANG, "errors") and verdict["errors"] >= 1
    error = next(f for f in verdict["findings"] if f["severity"] == "error")
    assert error["cell"] and set(error) == {"severity", "rule", "sheet", "cell", "message", "plain"}

    good = make_return(QUYET_THANG, folder=tmp_path / "good")
    sent = unit.post(links[QUYET_THANG], data=_file(good), content_type="multipart/form-data")
    assert sent.status_code == 303  # post, redirect, get: reloading the page never sends the file again
    page = unit.get(sent.headers["Location"])
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Báo cáo đã được nhận, không có lỗi." in text and "Đã nộp đúng hạn" in text
    assert f"<b>Ô {error['cell']}</b> – {escape(error['plain'])}" in text  # the first try stays in the history with its finding
    other_units = unit.get(sent.headers["Location"].replace(links[QUYET_THANG], links[TAN_PHONG]))
    assert "Kết quả kiểm tra tệp" not in other_units.get_data(as_text=True)  # an upload is shown on its own unit's page only

    other = make_return(TAN_PHONG, folder=tmp_path / "other")
    verdict = unit.post(links[QUYET_THANG], data=_file(other), headers=JSON, content_type="multipart/form-data").get_json()
    assert verdict["accepted"] is False and (verdict["unit_code"], verdict["file_unit_code"]) == (QUYET_THANG, TAN_PHONG)
    message = verdict["findings"][0]["message"]
    assert "Phường Tân Phong" in message and "Phường Quyết Thắng" in message
    stored = app.extensions["tonghop_store"].submissions(round_id)
    assert len(stored) == 3 and stored[-1].link_unit == QUYET_THANG and stored[-1].accepted is False
    board = office.get(f"/api/rounds/{round_id}/status").get_json()["units"]
    assert {u["unit_code"]: u["status"] for u in board}[QUYET_THANG] == "on_time"


def test_an_oversize_upload_is_refused_with_413(app, office, round_id):
    link = _links(office, round_id)[QUYET_THANG]
    big = {"file": (io.BytesIO(b"\0" * (MAX_UPLOAD_BYTES + 10)), "big.xlsx")}
    answer = app.test_client().post(link, data=big, content_type="multipart/form-data")
    assert answer.status_code == 413 and "Tệp quá lớn" in answer.get_data(as_text=True)
    assert app.extensions["tonghop_store"].submissions(round_id) == []


def test_office_drops_many_files_each_filed_under_its_unit(office, round_id, make_return, tmp_path):
    files = [(io.BytesIO(make_return(code, folder=tmp_path / code).read_bytes()), f"zalo {code}.xlsx") for code in (QUYET_THANG, DOAN_KET)]
    answer = office.post(
        f"/rounds/{round_id}/upload", data={"csrf_token": _csrf(office, f"/rounds/{round_id}"), "files": files},
        content_type="multipart/form-data",
    )  # fmt: skip
    assert answer.status_code == 303  # post, redirect, get: reloading the board never sends the files again
    subs = office.application.extensions["tonghop_store"].submissions(round_id)
    assert sorted((s.unit_code, s.sender, s.link_unit) for s in subs) == [(QUYET_THANG, "office", None), (DOAN_KET, "office", None)]
    where = answer.headers["Location"]
    board = office.get(where).get_data(as_text=True)
    assert "2/2 tệp được nhận" in board and "zalo 03386.xlsx" in board and "zalo 03389.xlsx" in board
    assert (
        office.get(where).get_data(as_text=True) == board and len(office.application.extensions["tonghop_store"].submissions(round_id)) == 2
    )
    assert "Các tệp vừa nhận" not in office.get(f"/rounds/{round_id}").get_data(as_text=True)


def test_the_board_shows_only_this_rounds_files_of_a_drop(app, office, round_id, make_return, tmp_path):
    other = rounds.create_round(app.extensions["tonghop_store"], period="2024", deadline=DUE).id
    files = {
        "csrf_token": _csrf(office, f"/rounds/{round_id}"),
        "files": [(io.BytesIO(make_return(QUYET_THANG, period="2024").read_bytes()), "a.xlsx")],
    }
    office.post(f"/rounds/{other}/upload", data=files, content_type="multipart/form-data")
    (theirs,) = app.extensions["tonghop_store"].submissions(other)
    board = office.get(f"/rounds/{round_id}?gui={theirs.id},x,-1").get_data(as_text=True)
    assert "Các tệp vừa nhận" not in board and "a.xlsx" not in board
    assert "1/1 tệp được nhận" in office.get(f"/rounds/{other}?gui={theirs.id}").get_data(as_text=True)
    empty = office.post(f"/rounds/{round_id}/upload", data={"csrf_token": files["csrf_token"]}, content_type="multipart/form-data")
    assert empty.status_code == 400 and "Chưa chọn tệp nào." in empty.get_data(as_text=True)


def test_return_for_correction_shows_the_note_then_consolidate(app, office, round_id, make_return, tmp_path):
    links = _links(office, round_id)
    unit = app.test_client()
    unit.post(links[TAN_PHONG], data=_file(make_return(TAN_PHONG)), content_type="multipart/form-data")
    path = f"/rounds/{round_id}/units/{TAN_PHONG}"
    page = office.get(path).get_data(as_text=True)
    assert "Lần gửi thứ 1" in page and "Duyệt bản này" in page and "Trả lại để sửa" in page
    note = "Ô số hòa giải viên cần ghi đúng số người."
    empty = office.post(path + "/review", data={"csrf_token": _csrf(office, path), "action": "return", "note": " "})
    assert empty.status_code == 400 and "ghi chú không được để trống" in empty.get_data(as_text=True)
    done = office.post(path + "/review", data={"csrf_token": _csrf(office, path), "action": "return", "note": note, "submission": "1"})
    assert done.status_code == 302
    seen = unit.get(links[TAN_PHONG]).get_data(as_text=True)
    assert note in seen and "Cần sửa" in seen
    assert note in office.get(f"/rounds/{round_id}").get_data(as_text=True)  # in the reminder too

    answer = office.post(f"/rounds/{round_id}/consolidate", data={"csrf_token": _csrf(office, path)})
    assert answer.status_code == 303
    board = finished(office, round_id)
    assert WORKBOOK_XLSX in board
    workbook = office.get(f"/rounds/{round_id}/output/{WORKBOOK_XLSX}")
    assert workbook.status_code == 200 and workbook.data[:2] == b"PK"
    assert office.get(f"/rounds/{round_id}/output/..%2Fsecret.key").status_code == 404


def test_links_page_twice_gives_the_same_links_and_a_restart_keeps_everything(app, office, round_id, data_dir, make_return):
    first = _links(office, round_id)
    assert first and _links(office, round_id) == first
    assert all(len(url.rsplit(UNIT_PATH, 1)[1]) >= 22 for url in first.values())
    app.test_client().post(first[QUYET_THANG], data=_file(make_return(QUYET_THANG)), content_type="multipart/form-data")
    app.extensions["tonghop_store"].close()

    again = create_app(data_dir, admin_token=ADMIN)
    try:
        client = again.test_client()
        assert client.get(first[QUYET_THANG]).status_code == 200, "the links already sent still work"
        client.get(f"/?token={ADMIN}")
        assert _links(client, round_id) == first
        units = {u["unit_code"]: u for u in client.get(f"/api/rounds/{round_id}/status").get_json()["units"]}
        assert (units[QUYET_THANG]["status"], units[QUYET_THANG]["versions"]) == ("on_time", 1)
        with Store.open(data_dir) as store:  # the CLI's links are the web's
            assert dict((c, u.replace("http://127.0.0.1:8000", "")) for c, _, u in rounds.links(store, round_id)) == first
    finally:
        again.extensions["tonghop_store"].close()


def test_serve_prints_the_dashboard_url_with_the_login_token(tmp_path, monkeypatch):
    from click.testing import CliRunner

    import pipeline.web.server as web_server
    from pipeline.cli import cli

    serve = importlib.import_module("pipeline.cli.serve")  # the module, not the command of that name

    class Server:
        def run(self):
            pass

    served, opened = {}, []
    monkeypatch.setenv("TONGHOP_ADMIN_TOKEN", "tok123")
    monkeypatch.setattr(web_server, "create_server", lambda app, **kw: served.update(kw, app=app) or Server())
    monkeypatch.setattr("webbrowser.open", opened.append)
    monkeypatch.setattr(serve, "on_terminal", lambda: True)
    done = CliRunner().invoke(cli, ["serve", "--data", str(tmp_path / "d"), "--port", "8123", "--no-browser"], catch_exceptions=False)
    assert done.exit_code == 0, done.output
    assert "http://127.0.0.1:8123/?token=tok123" in done.output and opened == []
    assert Msg.CLI_057.render(url="http://127.0.0.1:8123/dang-nhap") in done.output  # the offices' own login
    assert (served["host"], served["port"]) == ("127.0.0.1", 8123)
    monkeypatch.setattr(serve, "on_terminal", lambda: False)  # a service's output, kept in a log: no token
    done = CliRunner().invoke(cli, ["serve", "--data", str(tmp_path / "d"), "--port", "8123", "--no-browser"], catch_exceptions=False)
    assert "tok123" not in done.output
    assert Msg.CLI_054.render(url="http://127.0.0.1:8123/", where="biến môi trường TONGHOP_ADMIN_TOKEN") in done.output


def test_serve_on_a_port_already_in_use_says_so_in_one_line(tmp_path):
    import errno
    import os
    import socket

    from click.testing import CliRunner

    from pipeline.cli import cli

    with socket.socket() as taken:  # another program listens on the port
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = CliRunner().invoke(cli, ["serve", "--data", str(tmp_path / "d"), "--port", str(port), "--no-browser"])
    expected = Msg.CLI_055.render(where=f"127.0.0.1:{port}", reason=os.strerror(errno.EADDRINUSE))
    assert (done.exit_code, done.output) == (2, f"Lỗi: {expected}\n")


def test_the_board_shows_key_totals_and_the_unit_page_the_changes(app, office, make_return, tmp_path):
    store_ = app.extensions["tonghop_store"]
    rid = rounds.create_round(store_, period="2023", deadline=DUE).id
    for folder, amount in (("a", 862_796_456), ("b", 1_000)):
        path = make_return(QUYET_THANG, {"POOR_FUND_TOTAL": amount}, folder=tmp_path / folder)
        assert rounds.submit(store_, rid, path.read_bytes(), path.name, link_unit=QUYET_THANG).accepted
    board = office.get(f"/rounds/{rid}").get_data(as_text=True)
    assert f"{format_number(1_000)} <small>đồng</small>" in board and f"1/{len(store_.units(rid))} đơn vị" in board
    page = office.get(f"/rounds/{rid}/units/{QUYET_THANG}").get_data(as_text=True)
    assert "số liệu thay đổi so với bản trước" in page
    assert format_number(862_796_456) in page and "Quỹ" in page


def test_a_newer_upload_after_approval_waits_for_the_office(app, office, round_id, make_return, tmp_path):
    links = _links(office, round_id)
    unit = app.test_client()
    unit.post(links[QUYET_THANG], data=_file(make_return(QUYET_THANG, folder=tmp_path / "a")), content_type="multipart/form-data")
    rounds.review(app.extensions["tonghop_store"], round_id, QUYET_THANG, "approve")
    newer = make_return(QUYET_THANG, {"MEDIATORS": 70}, folder=tmp_path / "b")
    sent = unit.post(links[QUYET_THANG], data=_file(newer), content_type="multipart/form-data")
    assert "sẽ được dùng khi văn phòng duyệt lại" in unit.get(sent.headers["Location"]).get_data(as_text=True)
    assert "+1 bản mới chờ duyệt" in office.get(f"/rounds/{round_id}").get_data(as_text=True)
    assert "Bản đã duyệt vẫn được dùng" in office.get(f"/rounds/{round_id}/units/{QUYET_THANG}").get_data(as_text=True)
    assert {u["unit_code"]: u["pending"] for u in office.get(f"/api/rounds/{round_id}/status").get_json()["units"]}[QUYET_THANG] == 1


@pytest.mark.slow
def test_the_audit_log_page_every_action_newest_first_in_vietnamese(app, office, round_id, make_return, tmp_path):
    from pipeline.core.vnformat import format_vn_time
    from pipeline.web.audit import ACTIONS

    links = _links(office, round_id)
    app.test_client().post(links[QUYET_THANG], data=_file(make_return(QUYET_THANG)), content_type="multipart/form-data")
    path = f"/rounds/{round_id}/units/{QUYET_THANG}"
    token = _csrf(office, path)
    office.post(path + "/review", data={"csrf_token": token, "action": "return", "note": "Sửa ô hòa giải viên.", "submission": "1"})
    office.post(path + "/review", data={"csrf_token": token, "action": "approve", "submission": "1"})
    office.post(f"/rounds/{round_id}/consolidate", data={"csrf_token": token})
    finished(office, round_id)
    office.post(f"/rounds/{round_id}/units/{TAN_PHONG}/reissue", data={"csrf_token": token})
    assert f'href="/rounds/{round_id}/audit"' in office.get(f"/rounds/{round_id}").get_data(as_text=True)

    page = office.get(f"/rounds/{round_id}/audit")
    assert page.status_code == 200
    rows = re.findall(
        r"<tr><td class=\"nowrap\"[^>]*>(.*?)</td><td[^>]*>(.*?)</td><td class=\"nowrap\"[^>]*>(.*?)</td>\s*<td[^>]*>(.*?)</td>",
        page.get_data(as_text=True),
    )
    log = app.extensions["tonghop_store"].audit(round_id)
    # every action a round without a committee above it has (its forward: tests/web/test_web_upward.py)
    assert len(rows) == len(log) and {a.action for a in log} == set(ACTIONS) - {"forward"}
    assert [r[2] for r in rows] == [ACTIONS[a.action] for a in reversed(log)]  # newest first, each action in Vietnamese
    assert rows[0][0] == format_vn_time(log[-1].at) and rows[0][1] == "Văn phòng" and "Phường Tân Phong" in rows[0][3]
    assert any("Phường Quyết Thắng" in r[3] and r[1] == "Đơn vị (qua đường dẫn)" for r in rows)
    assert "Sửa ô hòa giải viên." in page.get_data(as_text=True)


def test_upload_forms_carry_the_drop_script_as_a_file_under_the_security_policy(app, office, round_id):
    for client, path in [(app.test_client(), _links(office, round_id)[QUYET_THANG]), (office, f"/rounds/{round_id}")]:
        answer = client.get(path)
        page = answer.get_data(as_text=True)
        assert (
            "script-src" not in answer.headers["Content-Security-Policy"]
            and "default-src 'self'" in answer.headers["Content-Security-Policy"]
        )
        assert re.findall(r"<script[^>]*>", page) == ['<script src="/static/upload.js" defer>']  # no inline script
        assert 'class="drop"' in page and "data-upload" in page and f'data-max="{MAX_UPLOAD_BYTES}"' in page
    board = office.get(f"/rounds/{round_id}").get_data(as_text=True)
    assert re.search(r'action="/rounds/\w+/consolidate" data-busy="Đang tổng hợp', board)  # the long task says it is working
    script = office.get("/static/upload.js")
    assert script.status_code == 200 and "javascript" in script.headers["Content-Type"]
    assert not re.search(r"\b(let|const|class)\s|=>|`", script.get_data(as_text=True))  # plain ES5, for old phone browsers
