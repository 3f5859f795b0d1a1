"""The web server as an office leaves it running for a round: links built on the one base URL
(never the Host header; forwarded headers trusted only behind a proxy), a login kept across
restarts that lapses when idle and ends with "Đăng xuất", scripts with a bearer token, one file
per upload through a link, the JSON verdict about the link's unit, uploads too large answered
in Vietnamese by a real waitress, and the favicon."""

from __future__ import annotations

import contextlib
import http.client
import io
import socket
import stat
import time

import itsdangerous.timed
import pytest
import segno
from click.testing import CliRunner
from markupsafe import escape

import pipeline.web.server as web_server
from pipeline import rounds
from pipeline.cli import cli
from pipeline.core.errors import Msg
from pipeline.rounds.settings import TOKEN_FILE
from pipeline.web import MAX_UPLOAD_BYTES, create_app
from pipeline.web.base import SESSION_IDLE
from tests import serving
from tests.web.test_web import ADMIN, DUE, JSON, QUYET_THANG, TAN_PHONG, _csrf, _file

BASE = "https://baocao.example.vn"


@pytest.fixture
def made(tmp_path):
    """make(**create_app options) → app over one data folder; every app closed at the end."""
    apps = []

    def make(**options):
        options.setdefault("admin_token", ADMIN)
        app = create_app(tmp_path / "data", **options)
        app.config["TESTING"] = True
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.extensions["tonghop_store"].close()


def _login(app):
    client = app.test_client()
    assert client.get(f"/?token={app.config['ADMIN_TOKEN']}").status_code == 302
    return client


def _round(app) -> str:
    return rounds.create_round(app.extensions["tonghop_store"], period="2023", deadline=DUE).id


def _unit_links(page: str) -> list[str]:
    return list(serving.unit_links(page).values())


# -- links: one setting, never the Host header ---------------------------------------------------


def test_links_and_qr_codes_come_from_the_base_url_whatever_the_host_header(made):
    app = made(base_url=BASE + "/")
    office, round_id = _login(app), _round(app)
    forged = {"Host": "evil.example", "Cookie": f"tonghop={office.get_cookie('tonghop').value}"}
    office = app.test_client(use_cookies=False)  # the login cookie sent by hand, to the forged host
    page = office.get(f"/rounds/{round_id}/links", headers=forged).get_data(as_text=True)
    links = _unit_links(page)
    assert links and all(link.startswith(f"{BASE}/u/") for link in links) and "evil.example" not in page
    assert segno.make(links[0], error="m").svg_inline(scale=3, omitsize=True) in page  # the QR code says the same link
    csv_text = office.get(f"/rounds/{round_id}/links.csv", headers=forged).data.decode("utf-8-sig")
    assert "evil.example" not in csv_text and csv_text.count(f",{BASE}/u/") == len(links)


def test_serve_keeps_the_base_url_for_round_links_and_warns_without_one(tmp_path, monkeypatch):
    class Server:
        def run(self):
            pass

    monkeypatch.setenv("TONGHOP_ADMIN_TOKEN", "tok123")
    monkeypatch.setattr(web_server, "create_server", lambda app, **kw: Server())
    data = str(tmp_path / "d")
    done = CliRunner().invoke(cli, ["serve", "--data", data, "--host", "0.0.0.0", "--no-browser"], catch_exceptions=False)
    assert Msg.CLI_051.render(where="--host 0.0.0.0", url="http://127.0.0.1:8000") in done.stderr  # links would point here
    bad = CliRunner().invoke(cli, ["serve", "--data", data, "--base-url", "baocao.example.vn", "--no-browser"])
    assert bad.exit_code == 2 and Msg.CLI_050.render(url="baocao.example.vn") in bad.stderr
    done = CliRunner().invoke(
        cli, ["serve", "--data", data, "--host", "0.0.0.0", "--base-url", BASE, "--no-browser"], catch_exceptions=False
    )
    assert done.exit_code == 0 and Msg.CLI_052.render(url=BASE) in done.stderr
    assert "Chú ý" not in done.stderr  # a https address kept: neither warning
    assert stat.S_IMODE((tmp_path / "d" / rounds.settings.BASE_URL_FILE).stat().st_mode) == 0o600
    created = CliRunner().invoke(cli, ["round", "create", "--data", data, "--period", "2023", "--deadline", DUE])
    round_id = created.stdout.strip()
    out = tmp_path / "links.csv"
    done = CliRunner().invoke(cli, ["round", "links", "--data", data, "--round", round_id, "--out", str(out)], catch_exceptions=False)
    rows = out.read_text(encoding="utf-8-sig").splitlines()[1:]
    assert done.exit_code == 0 and rows and all(f",{BASE}/u/" in row for row in rows)
    done = CliRunner().invoke(cli, ["serve", "--data", data, "--no-browser"], catch_exceptions=False)  # kept: no --base-url needed
    assert Msg.CLI_054.render(url=f"{BASE}/", where="biến môi trường TONGHOP_ADMIN_TOKEN") in done.stdout


# -- the office's login --------------------------------------------------------------------------


def test_the_login_token_is_kept_in_the_data_folder_until_new_token(made, tmp_path, monkeypatch):
    monkeypatch.delenv("TONGHOP_ADMIN_TOKEN", raising=False)
    first = made(admin_token=None)
    token = first.config["ADMIN_TOKEN"]
    kept = tmp_path / "data" / TOKEN_FILE
    assert kept.read_text().strip() == token and stat.S_IMODE(kept.stat().st_mode) == 0o600
    office = _login(first)
    cookie = office.get_cookie("tonghop")
    again = made(admin_token=None)  # a restart
    assert again.config["ADMIN_TOKEN"] == token
    client = again.test_client()
    client.set_cookie("tonghop", cookie.value)
    assert client.get("/").status_code == 200  # the open board survives the restart
    renewed = made(admin_token=None, new_token=True)
    assert renewed.config["ADMIN_TOKEN"] != token and kept.read_text().strip() == renewed.config["ADMIN_TOKEN"]
    client = renewed.test_client()
    client.set_cookie("tonghop", cookie.value)
    assert client.get("/").status_code == 401 and client.get(f"/?token={token}").status_code == 401


def test_sign_out_needs_the_csrf_token_and_ends_the_session(made):
    app = made()
    office = _login(app)
    page = office.get("/").get_data(as_text=True)
    assert 'action="/logout"' in page and "Đăng xuất" in page
    assert office.post("/logout").status_code == 400  # no CSRF token: a page elsewhere cannot sign the office out
    answer = office.post("/logout", data={"csrf_token": _csrf(office, "/")})
    assert answer.status_code == 200 and escape(Msg.WEB_005.render()) in answer.get_data(as_text=True)
    assert office.get("/").status_code == 401
    assert "Đăng xuất" not in app.test_client().get("/").get_data(as_text=True)


@pytest.mark.parametrize("base_url, secure", [(BASE, True), ("http://192.168.1.5:8000", False)])
def test_the_session_cookie_and_its_idle_limit(made, monkeypatch, base_url, secure):
    app = made(base_url=base_url)
    client = app.test_client()
    cookie = client.get(f"/?token={ADMIN}").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and ("; Secure" in cookie) is secure and ADMIN not in cookie
    now = time.time()

    class Clock:
        def __init__(self, at):
            self.at = at

        def time(self):
            return self.at

    monkeypatch.setattr(itsdangerous.timed, "time", Clock(now + SESSION_IDLE.total_seconds() - 60))
    assert client.get("/").status_code == 200  # still within a working day: the page renews the login
    monkeypatch.setattr(itsdangerous.timed, "time", Clock(now + 2 * SESSION_IDLE.total_seconds() - 90))
    assert client.get("/").status_code == 200
    monkeypatch.setattr(itsdangerous.timed, "time", Clock(now + 3 * SESSION_IDLE.total_seconds()))
    assert client.get("/").status_code == 401  # idle longer than a working day


def test_scripts_use_a_bearer_token_on_the_api(made):
    app = made()
    round_id = _round(app)
    script = app.test_client()
    path = f"/api/rounds/{round_id}/status"
    answer = script.get(path, headers={"Authorization": f"Bearer {ADMIN}"})
    assert answer.status_code == 200 and answer.get_json()["round"] == round_id and "Set-Cookie" not in answer.headers
    for headers in ({}, {"Authorization": f"Bearer {ADMIN}x"}, {"Authorization": f"Basic {ADMIN}"}):
        refused = script.get(path, headers=headers)
        assert refused.status_code == 401 and refused.get_json()["error"] == 401 and refused.headers["WWW-Authenticate"] == "Bearer"
    assert script.get("/", headers={"Authorization": f"Bearer {ADMIN}"}).status_code == 401  # the pages need the login


# -- uploads through a unit's link ---------------------------------------------------------------


def _link_of(app, round_id, code) -> str:
    ((_, _, url),) = rounds.links(app.extensions["tonghop_store"], round_id, units=[code])
    return url.removeprefix(app.config["BASE_URL"])


def test_two_files_in_one_upload_are_refused_and_none_is_stored(made, make_return, tmp_path):
    app = made()
    round_id = _round(app)
    link = _link_of(app, round_id, QUYET_THANG)
    good = make_return(QUYET_THANG, folder=tmp_path / "a")
    other = make_return(QUYET_THANG, {"MEDIATORS": 70}, name="ban_2.xlsx", folder=tmp_path / "b")
    expected = Msg.WEB_003.render(count=2, names=f"{good.name}, {other.name}")
    files = {"file": [(io.BytesIO(good.read_bytes()), good.name), (io.BytesIO(other.read_bytes()), other.name)]}
    unit = app.test_client()
    page = unit.post(link, data=files, content_type="multipart/form-data")
    assert page.status_code == 400 and expected in page.get_data(as_text=True)
    files = {"file": [(io.BytesIO(good.read_bytes()), good.name), (io.BytesIO(other.read_bytes()), other.name)]}
    answer = unit.post(link, data=files, content_type="multipart/form-data", headers=JSON)
    assert answer.status_code == 400 and answer.get_json() == {"error": 400, "message": expected, "stored": False}
    assert app.extensions["tonghop_store"].submissions(round_id) == []
    assert unit.post(link, data=_file(good), content_type="multipart/form-data").status_code == 303  # one file: taken


def test_the_json_verdict_is_about_the_links_unit(made, make_return, tmp_path):
    app = made()
    store = app.extensions["tonghop_store"]
    round_id = _round(app)
    for code in (TAN_PHONG, QUYET_THANG):
        sent = make_return(code, folder=tmp_path / code)
        assert rounds.submit(store, round_id, sent.read_bytes(), sent.name, link_unit=code).accepted
    rounds.review(store, round_id, TAN_PHONG, "approve")
    rounds.review(store, round_id, QUYET_THANG, "return", "Sửa số hòa giải viên")
    names = {u.code: u.name for u in store.units(round_id)}
    wrong = make_return(TAN_PHONG, folder=tmp_path / "wrong")
    answer = (
        app.test_client()
        .post(_link_of(app, round_id, QUYET_THANG), data=_file(wrong), content_type="multipart/form-data", headers=JSON)
        .get_json()
    )
    assert (answer["unit_code"], answer["unit_name"], answer["status"], answer["accepted"]) == (
        QUYET_THANG,
        names[QUYET_THANG],
        "returned",
        False,
    )
    assert (answer["file_unit_code"], answer["file_unit_name"]) == (TAN_PHONG, names[TAN_PHONG])


def test_the_favicon_is_served_with_caching_and_linked_from_every_page(made):
    app = made()
    icon = app.test_client().get("/favicon.ico")
    assert (
        icon.status_code == 200 and icon.data[:4] == b"\x00\x00\x01\x00" and icon.mimetype in ("image/x-icon", "image/vnd.microsoft.icon")
    )
    assert "max-age=604800" in icon.headers["Cache-Control"] and icon.headers["X-Content-Type-Options"] == "nosniff"
    assert '<link rel="icon" href="/favicon.ico">' in app.test_client().get("/u/nothing").get_data(as_text=True)


# -- a real waitress -----------------------------------------------------------------------------


@pytest.fixture
def served(made):
    """serve(app) → the port of ``app`` behind a real waitress (as ``tonghop serve`` runs it)."""
    with contextlib.ExitStack() as servers:
        yield lambda app: servers.enter_context(serving.in_thread(web_server.make_server(app, "127.0.0.1", 0)))


def test_with_waitress_host_and_forwarded_headers_change_no_link_and_proto_counts_only_behind_a_proxy(made, served):
    for behind_proxy in (False, True):
        app = made(base_url="http://baocao.example.vn", behind_proxy=behind_proxy)
        round_id = _round(app)
        port = served(app)
        forged = {"Host": "evil.example", "X-Forwarded-Host": "evil2.example", "X-Forwarded-Proto": "https"}
        status, headers, _ = serving.request(port, "GET", f"/?token={ADMIN}", forged)
        assert status == 302 and ("; Secure" in headers["Set-Cookie"]) is behind_proxy, behind_proxy
        cookie = headers["Set-Cookie"].split(";")[0]
        status, _, body = serving.request(port, "GET", f"/rounds/{round_id}/links", forged | {"Cookie": cookie})
        page = body.decode()
        assert status == 200 and "evil" not in page
        assert all(link.startswith("http://baocao.example.vn/u/") for link in _unit_links(page))


def _multipart(size: int) -> tuple[bytes, str]:
    boundary = "tonghopboundary"
    head = f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="bao_cao.xlsx"\r\nContent-Type: application/octet-stream\r\n\r\n'
    return head.encode() + b"\0" * size + f"\r\n--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def _too_large(status, headers, body, json: bool) -> None:
    assert status == 413 and headers["X-Content-Type-Options"] == "nosniff" and headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY" and headers["Referrer-Policy"] == "no-referrer"
    text = body.decode("utf-8")
    if json:
        assert headers["Content-Type"].startswith("application/json") and '"error":413' in text.replace(" ", "")
    else:
        assert headers["Content-Type"].startswith("text/html") and "Tệp quá lớn" in text and "Request Entity" not in text


def test_with_waitress_an_upload_too_large_is_answered_in_vietnamese_whatever_its_size(made, served):
    app = made()
    round_id = _round(app)
    link = _link_of(app, round_id, QUYET_THANG)
    port = served(app)
    body, kind = _multipart(MAX_UPLOAD_BYTES + 100 * 1024)  # just over the app's limit: the app answers
    for accept, json in (("text/html", False), ("application/json", True)):
        _too_large(*serving.request(port, "POST", link, {"Content-Type": kind, "Accept": accept}, body), json=json)
    far = 200 * 1024 * 1024  # far over: waitress answers, before reading the body, with the app's page
    for accept, json in (("text/html", False), ("application/json", True)):
        head = f"POST {link} HTTP/1.1\r\nHost: x\r\nAccept: {accept}\r\nContent-Type: {kind}\r\nContent-Length: {far}\r\n\r\n"
        with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
            sock.sendall(head.encode())
            answer = http.client.HTTPResponse(sock)
            answer.begin()
            _too_large(answer.status, answer.headers, answer.read(), json=json)
    assert app.extensions["tonghop_store"].submissions(round_id) == []


def test_an_unexpected_fault_is_a_vietnamese_500_logged_without_the_unit_link(made, caplog):
    app = made()
    app.config["TESTING"] = False  # as served: the fault becomes the error page, not an exception in the test

    def broken(token):
        raise RuntimeError("a bug")

    app.add_url_rule("/u/<token>/broken", "broken", broken)
    link = "/u/a-unit-link-token-that-must-stay-private/broken"
    with caplog.at_level("ERROR"):
        answer = app.test_client().get(f"{link}?gui=1")
    assert answer.status_code == 500 and "Lỗi máy chủ" in answer.get_data(as_text=True) and "a bug" not in answer.get_data(as_text=True)
    assert "GET /u/…/broken" in caplog.text and "RuntimeError: a bug" in caplog.text
    assert "must-stay-private" not in caplog.text and "gui=" not in caplog.text


def test_serve_on_a_port_in_use_and_a_new_token_asked_with_the_token_in_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("TONGHOP_ADMIN_TOKEN", "tok123")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = CliRunner().invoke(cli, ["serve", "--data", str(tmp_path / "d"), "--port", str(port), "--new-token", "--no-browser"])
    said = Msg.CLI_055.render(where=f"127.0.0.1:{port}", reason="REASON").split("REASON")
    assert done.exit_code == 2 and said[0] in done.stderr and said[1] in done.stderr and "Traceback" not in done.output
    assert not (tmp_path / "d" / TOKEN_FILE).exists()  # the environment's token is the one in use

    class Server:
        def run(self):
            pass

    monkeypatch.setattr(web_server, "create_server", lambda app, **kw: Server())
    done = CliRunner().invoke(cli, ["serve", "--data", str(tmp_path / "d"), "--new-token", "--no-browser"], catch_exceptions=False)
    assert done.exit_code == 0 and Msg.CLI_056.render() in done.stderr and Msg.CLI_053.render() not in done.stderr


def test_waitress_log_lines_show_no_unit_link_or_token(caplog):
    import logging

    waitress_log = logging.getLogger("waitress")  # what waitress's channels log to
    with caplog.at_level("INFO", logger="waitress"):
        waitress_log.info("Client disconnected while serving %s", "/u/a-private-unit-link-token/template.xlsx")
        waitress_log.error("Exception while serving %s", f"/rounds/abc?token={ADMIN}")
    assert "Client disconnected while serving /u/…/template.xlsx" in caplog.text and "Exception while serving /rounds/abc" in caplog.text
    assert "a-private-unit-link-token" not in caplog.text and ADMIN not in caplog.text
