"""Hostile and broken files sent through the web (a unit's link and the office's drop), the
admin pages' 401/404 answers, and serve's limits on slow or hostile clients (waitress). Each bad file is
answered (not accepted, a Vietnamese finding naming the reason), kept byte for byte, and the
server goes on answering: a normal return sent next is accepted."""

from __future__ import annotations

import html
import io
import re
import socket
import tempfile
import time
from pathlib import Path

import pytest
from markupsafe import escape

import pipeline.web.server as web_server
from pipeline import rounds
from pipeline.core.constants import WORKBOOK_XLSX
from pipeline.core.errors import Msg, PipelineError, StoreUnavailableError
from pipeline.store import Store
from pipeline.web import MAX_UPLOAD_BYTES, create_app
from tests import hostile, serving
from tests.conftest import message_fields
from tests.web import test_web as web
from tests.web.test_web import ADMIN, JSON, QUYET_THANG, _csrf, _links

app, office, round_id, data_dir = web.app, web.office, web.round_id, web.data_dir  # the web fixtures

# name sent → (what makes it from a good return, the catalogue entry of its finding)
HOSTILE = {
    "bom_giai_nen.xlsx": (lambda good, tmp: hostile.zip_bomb(tmp / "bom.xlsx").read_bytes(), Msg.FILE_008),
    "thuc_the_xml.xlsx": (lambda good, tmp: hostile.with_entities(good, tmp / "lol.xlsx").read_bytes(), Msg.FILE_011),
    "o_xa_vo_tan.xlsx": (lambda good, tmp: hostile.with_far_cell(good, tmp / "far.xlsx").read_bytes(), Msg.FILE_008),
    "tep_word_doi_ten.xlsx": (lambda good, tmp: _word(tmp), Msg.FILE_001),
    "tep_rong.xlsx": (lambda good, tmp: b"", Msg.FILE_001),
}


def _word(tmp) -> bytes:
    import docx

    docx.Document().save(tmp / "w.docx")
    return (tmp / "w.docx").read_bytes()


def _refused_with(finding: dict, name: str, msg: Msg) -> bool:
    fields = message_fields(msg, finding["message"])
    return finding["severity"] == "error" and fields is not None and fields["where"] == name


@pytest.fixture
def bad_files(make_return, tmp_path) -> dict[str, bytes]:
    good = make_return(QUYET_THANG, folder=tmp_path / "good")
    return {name: make(good, tmp_path) for name, (make, _) in HOSTILE.items()}


@pytest.mark.slow
@pytest.mark.parametrize("name", list(HOSTILE))
def test_a_hostile_file_through_a_unit_link_is_answered_kept_and_the_server_goes_on(app, office, round_id, make_return, bad_files, name):
    link = _links(office, round_id)[QUYET_THANG]
    unit = app.test_client()
    sent = unit.post(link, data={"file": (io.BytesIO(bad_files[name]), name)}, content_type="multipart/form-data")
    assert sent.status_code == 303
    page = unit.get(sent.headers["Location"]).get_data(as_text=True)
    assert "Báo cáo KHÔNG được nhận" in page
    (stored,) = app.extensions["tonghop_store"].submissions(round_id)
    assert stored.accepted is False and _refused_with(stored.findings[0], name, HOSTILE[name][1])
    assert escape(stored.findings[0]["plain"]) in page  # in plain words on the unit's page
    assert app.extensions["tonghop_store"].blob(stored.sha256) == bad_files[name]  # nothing sent is ever lost

    answer = unit.post(link, data={"file": (io.BytesIO(bad_files[name]), name)}, headers=JSON, content_type="multipart/form-data")
    assert answer.status_code == 200 and answer.get_json()["accepted"] is False
    good = make_return(QUYET_THANG).read_bytes()
    verdict = unit.post(link, data={"file": (io.BytesIO(good), "bao_cao.xlsx")}, headers=JSON, content_type="multipart/form-data")
    assert verdict.get_json()["accepted"] is True and verdict.get_json()["status"] == "on_time"


def test_hostile_files_in_the_office_drop_each_answered_and_the_good_one_filed(office, round_id, make_return, bad_files):
    good = make_return(QUYET_THANG).read_bytes()
    files = [(io.BytesIO(data), name) for name, data in bad_files.items()] + [(io.BytesIO(good), "zalo.xlsx")]
    sent = office.post(
        f"/rounds/{round_id}/upload", data={"csrf_token": _csrf(office, f"/rounds/{round_id}"), "files": files},
        content_type="multipart/form-data",
    )  # fmt: skip
    assert sent.status_code == 303
    board = office.get(sent.headers["Location"]).get_data(as_text=True)
    assert f"1/{len(files)} tệp được nhận" in board
    stored = {s.filename: s for s in office.application.extensions["tonghop_store"].submissions(round_id)}
    assert set(stored) == set(bad_files) | {"zalo.xlsx"} and stored["zalo.xlsx"].accepted
    for name, (_, msg) in HOSTILE.items():
        assert not stored[name].accepted and _refused_with(stored[name].findings[0], name, msg), name
        assert escape(stored[name].findings[0]["message"]) in board
    assert office.get(f"/api/rounds/{round_id}/status").status_code == 200


# The routes anyone may open: the app's own files and a unit's pages behind its link (its token
# is its key). Every other route is the office's: a new route is one of these only by name here.
PUBLIC_ENDPOINTS = {
    "static", "favicon", "unit_link.show", "unit_link.upload", "unit_link.template", "unit_link.sent_workbook",
    "entry.unit_page", "entry.unit_post", "entry.unit_check", "healthz",
    "login.form", "login.submit", "login.password", "login.set_password",
}  # fmt: skip


def _admin_pages(round_id: str) -> list[tuple[str, str]]:
    """Every office route and method of the app, read from its own URL map (a route added later
    cannot be left out), with the round ``round_id``, Quyết Thắng as the unit and the workbook
    as the output asked for."""
    app = create_app(Path(tempfile.mkdtemp()) / "data", admin_token=ADMIN)
    values = {"round_id": round_id, "code": QUYET_THANG, "name": WORKBOOK_XLSX, "account_id": "1"}
    pages = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        path = rule.rule
        for argument in rule.arguments:
            path = re.sub(rf"<(?:[a-z]+:)?{argument}>", values[argument], path)
        pages += [(method, path) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    app.extensions["tonghop_store"].close()
    return pages


def test_only_the_files_and_the_units_links_are_public(app):
    assert {rule.endpoint for rule in app.url_map.iter_rules()} >= PUBLIC_ENDPOINTS
    assert {rule.rule for rule in app.url_map.iter_rules() if rule.endpoint in PUBLIC_ENDPOINTS} == {
        "/static/<path:filename>", "/favicon.ico", "/u/<token>", "/u/<token>/template.xlsx",
        "/u/<token>/ban-nop/<int:submission_id>.xlsx", "/u/<token>/nhap", "/u/<token>/nhap/kiem-tra", "/healthz",
        "/dang-nhap", "/mat-khau/<token>",
    }  # fmt: skip


def test_every_admin_page_and_the_api_answer_401_without_the_login(app, office, round_id):
    stranger = app.test_client()
    assert stranger.get(_links(office, round_id)[QUYET_THANG]).status_code == 200  # a unit's link opens its own page only
    for method, path in _admin_pages(round_id):
        answer = stranger.open(path, method=method, data={})
        assert answer.status_code == 401, (method, path)
        if path.startswith("/api/"):
            assert answer.get_json()["error"] == 401
        else:
            assert "Cần đăng nhập" in answer.get_data(as_text=True)
    assert stranger.get(f"/?token={ADMIN}x").status_code == 401


def _box(page: str) -> str:
    return html.unescape(re.search(r'<p class="box bad">(.*?)</p>', page, re.S).group(1))


def test_every_admin_page_of_an_unknown_round_or_unit_is_404_in_vietnamese(office, round_id):
    token = _csrf(office, "/")
    for method, path in _admin_pages("khongco"):
        if "khongco" not in path:  # the pages of no round: the dashboard, logout, the account's pages
            continue
        answer = office.open(path, method=method, data={"csrf_token": token})
        assert answer.status_code == 404, (method, path)
        text = answer.get_json()["message"] if path.startswith("/api/") else _box(answer.get_data(as_text=True))
        assert message_fields(Msg.STORE_001, text) == {"round_id": "khongco"}, path
    for method, path in [("GET", f"/rounds/{round_id}/units/99999"), ("POST", f"/rounds/{round_id}/units/99999/review")]:
        answer = office.open(path, method=method, data={"csrf_token": token, "action": "approve"})
        assert answer.status_code == 404 and message_fields(Msg.STORE_002, _box(answer.get_data(as_text=True))), path
    assert office.get(f"/rounds/{round_id}/output/tong_hop.xlsx").status_code == 404  # nothing consolidated yet


def test_an_unknown_round_or_unit_is_one_look_up_never_a_listing(office, round_id, monkeypatch):
    def listed(*args, **kwargs):
        raise AssertionError("every round or unit listed to answer a 404")

    monkeypatch.setattr(Store, "rounds", listed)
    monkeypatch.setattr(Store, "units", listed)
    answer = office.get("/api/rounds/khongco/status")
    assert answer.status_code == 404 and answer.get_json() == {"error": 404, "message": Msg.STORE_001.render(round_id="khongco")}
    answer = office.get(f"/rounds/{round_id}/units/99999")
    assert answer.status_code == 404 and _box(answer.get_data(as_text=True)) == Msg.STORE_002.render(round_id=round_id, code="99999")


@pytest.mark.parametrize(("msg", "status"), [(Msg.ROUND_107, 409), (Msg.ROUND_102, 404), (Msg.ROUND_103, 400), (Msg.STORE_011, 503)])
def test_an_error_of_the_library_is_answered_with_its_entrys_status(office, round_id, monkeypatch, msg, status):
    def failing(*args, **kwargs):
        raise (StoreUnavailableError if status == 503 else PipelineError)(msg, round=round_id, code="99999", action="x", reason="down")

    monkeypatch.setattr(rounds, "status", failing)
    answer = office.get(f"/api/rounds/{round_id}/status")
    expected = Msg.WEB_002.render() if status == 503 else msg.render(round=round_id, code="99999", action="x")
    assert (answer.status_code, answer.get_json()["error"], answer.get_json()["message"]) == (status, status, expected)


def test_serve_warns_about_https_when_it_listens_on_the_network_and_sets_waitress_limits(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from pipeline.cli import cli

    served = {}

    class Server:  # what make_server returns: run() serves until Ctrl+C
        def run(self):
            pass

    monkeypatch.setenv("TONGHOP_ADMIN_TOKEN", "tok123")
    monkeypatch.setattr(web_server, "create_server", lambda app, **kw: served.update(kw, app=app) or Server())
    for host, warned in [("0.0.0.0", True), ("192.168.1.5", True), ("127.0.0.1", False), ("localhost", False)]:
        done = CliRunner().invoke(cli, ["serve", "--data", str(tmp_path / "d"), "--host", host, "--no-browser"], catch_exceptions=False)
        assert done.exit_code == 0 and (Msg.CLI_030.render(where=f"--host {host}") in done.stderr) is warned, (host, done.output)
        assert (Msg.CLI_051.render(where=f"--host {host}", url="http://127.0.0.1:8000") in done.stderr) is (host == "0.0.0.0")
    assert MAX_UPLOAD_BYTES <= served["max_request_body_size"] <= MAX_UPLOAD_BYTES + 1024 * 1024
    assert served["channel_timeout"] <= 120 and served["connection_limit"] >= 50 and served["max_request_header_size"] <= 256 * 1024
    assert served["inbuf_overflow"] <= 1024 * 1024 and served["outbuf_overflow"] <= 4 * 1024 * 1024


@pytest.fixture
def waitress_server(app):
    """The app behind waitress with serve's limits (silent connections closed after 2 s here)."""
    with serving.in_thread(web_server.make_server(app, "127.0.0.1", 0, channel_timeout=2, cleanup_interval=1)) as port:
        yield port


def _status(port: int, request: bytes) -> int:
    """The status code of the server's answer to a raw ``request``."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        return int(sock.recv(200).split(b" ", 2)[1])


@pytest.mark.slow
def test_a_slow_client_is_dropped_and_others_are_answered_meanwhile(waitress_server):
    port = waitress_server
    slow = socket.create_connection(("127.0.0.1", port), timeout=15)
    slow.sendall(b"POST /u/abc HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n" + b"x" * 10)  # then nothing more
    started = time.monotonic()
    assert _status(port, b"GET /static/style.css HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n") == 200
    assert slow.recv(100) == b"" and time.monotonic() - started < 10  # closed by the server, never answered
    slow.close()
    assert _status(port, b"GET /u/nothing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n") == 404


def test_oversize_bodies_and_headers_are_refused_before_they_are_read(waitress_server):
    port = waitress_server
    huge = MAX_UPLOAD_BYTES + 2 * 1024 * 1024
    head = f"POST /u/abc HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: {huge}\r\n\r\n"
    assert _status(port, head.encode()) == 413  # answered without sending the body
    long_header = b"GET / HTTP/1.1\r\nHost: x\r\nX-Junk: " + b"a" * (128 * 1024) + b"\r\n\r\n"
    assert _status(port, long_header) == 431  # waitress's default would read 256 KiB of headers
