"""The office accounts through the web: the set-password link (used once, expired, guessed; an
invitation outside the inviter's scope refused), the lockout through the login page (the clock
injected: no sleeping), a new password ending the other sessions, the account's own actions on
its page, and no password, token or set-password link in any log line."""

from __future__ import annotations

import html
import logging
import re
import time
from datetime import timedelta

import pytest

import pipeline.accounts.login as login_module
import pipeline.web.access as access
import pipeline.web.server  # noqa: F401 - its log filter on waitress's logger
from pipeline import rounds
from pipeline.accounts import init_from_units, invite
from pipeline.accounts.login import FAILURES, SESSION_HOURS
from pipeline.core.errors import Msg
from pipeline.web.base import safe_path
from tests.committees import PASSWORD, T0, TREE_CSV, make_account
from tests.conftest import message_fields
from tests.web.scope import ADMIN, OWN, csrf, log_in, tree_app
from tests.web.test_web_entry import _typed as entry_form_data

NEW_PASSWORD = "đồng lúa chín vàng 2027"


@pytest.fixture
def server(tmp_path):
    app, store, made = tree_app(tmp_path / "data", None, tmp_path)
    yield app, store, made
    store.close()


def _box(page: str) -> str:
    return html.unescape(re.search(r'<p class="box (?:bad|good)"[^>]*>(.*?)</p>', page, re.S).group(1))


def _invite(client, login: str, committee: str, role: str = "office", follow: bool = True):
    """Invite through the page; ``follow``: the page the browser lands on (its redirect followed)."""
    data = {"csrf_token": csrf(client, "/tai-khoan"), "login": login, "name": login.title(), "committee": committee, "role": role}
    return client.post("/tai-khoan/moi", data=data, follow_redirects=follow)


def _link(page: str) -> str:
    return "/mat-khau/" + re.search(r'value="https://tonghop\.example\.vn/mat-khau/([^"]+)"', page).group(1)


def _set(client, path: str, password: str = NEW_PASSWORD, again: str | None = None):
    return client.post(path, data={"csrf_token": csrf(client, path), "password": password, "again": password if again is None else again})


def test_an_office_invites_a_commune_office_whose_link_works_once(server, caplog):
    app, store, _ = server
    caplog.set_level(logging.DEBUG)
    office = log_in(app, "vp.laichau")
    answer = _invite(office, "vp.tanphong", "03386")
    assert answer.status_code == 200
    page = answer.get_data(as_text=True)
    link = _link(page)
    assert office.get("/tai-khoan").get_data(as_text=True).count(link) == 0  # shown once
    guest = app.test_client()
    assert _set(guest, link, again="khác").status_code == 400
    assert _set(guest, link).status_code == 200
    assert message_fields(Msg.ACCOUNT_011, _box(guest.get(link).get_data(as_text=True))) == {}
    assert guest.get(link).status_code == 409
    commune = log_in(app, "vp.tanphong", NEW_PASSWORD)
    assert "Phường Tân Phong" in commune.get("/tai-khoan").get_data(as_text=True)
    mine = office.get("/tai-khoan").get_data(as_text=True)
    assert "Mời tài khoản" in mine and "vp.tanphong" in mine  # its own action, on its page
    token = link.rsplit("/", 1)[1]
    assert not any(token in r.getMessage() or NEW_PASSWORD in r.getMessage() or PASSWORD in r.getMessage() for r in caplog.records)


def test_a_guessed_or_expired_link_says_so_and_outside_the_scope_is_refused(server):
    app, store, _ = server
    guest = app.test_client()
    guessed = guest.get("/mat-khau/" + "A" * 43)
    assert guessed.status_code == 404 and message_fields(Msg.ACCOUNT_010, _box(guessed.get_data(as_text=True))) == {}
    _account, token = invite(store, None, "cu.binhlu", "Cũ", "03408", now=T0 - timedelta(days=10))
    expired = guest.get(f"/mat-khau/{token}")
    assert message_fields(Msg.ACCOUNT_012, _box(expired.get_data(as_text=True))) is not None
    office = log_in(app, "vp.laichau")
    for committee, role in (("01", "office"), ("00", "office"), ("03386", "viewer")):  # a sibling, the parent, a child's viewer
        refused = _invite(office, f"x{committee}{role}", committee, role)
        assert refused.status_code == 404, (committee, role)
        assert message_fields(Msg.ACCOUNT_013, _box(refused.get_data(as_text=True))) == {"code": committee}
        assert store.account_by_login(f"x{committee}{role}") is None


def test_the_tenth_wrong_password_locks_the_login_page_until_the_lock_lifts(server, monkeypatch):
    app, store, _ = server
    clock = [T0]
    monkeypatch.setattr(login_module, "utc_now", lambda: clock[0])
    client = app.test_client()
    for attempt in range(FAILURES):
        clock[0] = T0 + timedelta(seconds=3 * attempt)
        answer = client.post("/dang-nhap", data={"csrf_token": csrf(client), "login": "vp.laichau", "password": "sai mật khẩu rồi"})
    assert message_fields(Msg.ACCOUNT_016, _box(answer.get_data(as_text=True))) == {"minutes": "1"}
    right = client.post("/dang-nhap", data={"csrf_token": csrf(client), "login": "vp.laichau", "password": PASSWORD})
    assert right.status_code == 409 and "thử lại" in _box(right.get_data(as_text=True))
    clock[0] += timedelta(minutes=2)
    assert log_in(app, "vp.laichau", address="10.0.0.9").get("/").status_code == 200


def test_a_new_password_ends_the_other_sessions(server):
    app, store, _ = server
    first, second = log_in(app, "vp.laichau"), log_in(app, "vp.laichau", address="10.0.0.2")
    owner_link = log_in(app, "vp.laichau")
    page = owner_link.post("/tai-khoan/1/dat-lai", data={"csrf_token": csrf(owner_link, "/tai-khoan")}, follow_redirects=True).get_data(
        as_text=True
    )  # an office may send itself a new link
    assert _set(app.test_client(), _link(page)).status_code == 200
    assert first.get("/").status_code == 401 and second.get("/tai-khoan").status_code == 401
    assert log_in(app, "vp.laichau", NEW_PASSWORD).get("/").status_code == 200


def test_the_audit_names_the_account(server, make_return, tmp_path):
    app, store, made = server
    office = log_in(app, "vp.laichau")
    good = make_return("03386", folder=tmp_path / "good", period="2025")
    with good.open("rb") as handle:
        sent = office.post(f"/rounds/{made['12']}/upload", data={"csrf_token": csrf(office, "/"), "files": (handle, good.name)})
    assert sent.status_code == 303
    office.post(f"/rounds/{made['12']}/units/03386/review", data={"csrf_token": csrf(office, "/"), "action": "approve"})
    office.post(f"/rounds/{made['12']}/consolidate", data={"csrf_token": csrf(office, "/")})
    deadline = time.monotonic() + 60
    while rounds.is_running(rounds.latest_consolidation(store, made["12"])) and time.monotonic() < deadline:
        time.sleep(0.1)
    office.post(f"/rounds/{made['12']}/units/03387/reissue", data={"csrf_token": csrf(office, "/")})
    phoned = entry_form_data("03387") | {"action": "gui", "nguon": "theo điện thoại", "csrf_token": csrf(office, "/")}
    assert office.post(f"/rounds/{made['12']}/units/03387/nhap", data=phoned).status_code in (200, 303)
    lines = store.audit(made["12"])
    assert any(
        line.action == "upload" and line.unit_code == "03387" and line.actor == "vp.laichau" for line in lines
    )  # typed by the office
    assert {line.action for line in lines if line.actor == "vp.laichau"} >= {"upload", "approve", "consolidate", "issue_token"}
    mine = office.get("/tai-khoan").get_data(as_text=True)
    assert "Nhận tệp" in mine and made["12"] in mine


def test_a_session_ends_after_its_hours_and_logout_ends_it(server, monkeypatch):
    app, store, _ = server
    client = log_in(app, "vp.laichau")
    assert client.get("/").status_code == 200
    later = time.time() + SESSION_HOURS * 3600 + 60
    monkeypatch.setattr(access.time, "time", lambda: later)
    assert client.get("/").status_code == 401
    monkeypatch.undo()
    again = log_in(app, "vp.laichau")
    out = again.post("/logout", data={"csrf_token": csrf(again, "/")})
    assert out.status_code == 200 and Msg.WEB_165.render() in html.unescape(out.get_data(as_text=True))
    assert again.get("/").status_code == 401
    refused = app.test_client().get("/")
    assert refused.status_code == 401 and 'href="/dang-nhap"' in refused.get_data(as_text=True)


def test_the_owner_token_invites_anywhere_and_a_login_page_sends_a_logged_in_account_home(server):
    app, store, _ = server
    owner = app.test_client()
    assert owner.get(f"/tai-khoan?token={ADMIN}").status_code == 302
    made = _invite(owner, "vp.hanoi", "01")
    assert made.status_code == 200 and _link(made.get_data(as_text=True))
    assert store.account_by_login("vp.hanoi").committee_code == "01"
    assert "vp.hanoi" in owner.get("/tai-khoan").get_data(as_text=True)
    office = log_in(app, "vp.laichau")
    assert "vp.hanoi" not in office.get("/tai-khoan").get_data(as_text=True)  # another province's account
    assert (
        office.post(f"/tai-khoan/{store.account_by_login('vp.hanoi').id}/dat-lai", data={"csrf_token": csrf(office, "/")}).status_code
        == 404
    )
    assert office.get("/dang-nhap").status_code == 302


def test_no_set_password_link_in_a_log_line(server, caplog):
    app, store, _ = server
    token = "bí-mật-" + "x" * 30
    with app.test_request_context(f"/mat-khau/{token}?token={ADMIN}"):
        assert safe_path() == "/mat-khau/…"
    caplog.set_level(logging.INFO, logger="waitress")
    logging.getLogger("waitress").warning("client disconnected while serving /mat-khau/%s", token)
    logging.getLogger("waitress").warning("client disconnected while serving /u/%s?x=1", token)
    assert caplog.records and not any(token in r.getMessage() for r in caplog.records)


def test_no_server_folder_on_the_audit_or_the_account_page_of_an_account(server, make_return, tmp_path):
    """A consolidation's audit line keeps where the server wrote it; an office sees "2 báo cáo",
    never the server's folders (the owner, who runs the server, still does)."""
    app, store, made = server
    office = log_in(app, "vp.laichau")
    good = make_return("03386", folder=tmp_path / "good", period="2025")
    with good.open("rb") as handle:
        office.post(f"/rounds/{made['12']}/upload", data={"csrf_token": csrf(office, "/"), "files": (handle, good.name)})
    office.post(f"/rounds/{made['12']}/consolidate", data={"csrf_token": csrf(office, "/")})
    deadline = time.monotonic() + 60
    while rounds.is_running(rounds.latest_consolidation(store, made["12"])) and time.monotonic() < deadline:
        time.sleep(0.1)
    (line,) = [line for line in store.audit(made["12"]) if line.action == "consolidate"]
    folder = line.detail.split("→", 1)[1].strip()
    assert folder.startswith(str(tmp_path))
    for path in ("/tai-khoan", f"/rounds/{made['12']}/audit"):
        page = html.unescape(office.get(path).get_data(as_text=True))
        assert "1 báo cáo" in page and str(tmp_path) not in page and "→" not in page.split("1 báo cáo", 1)[1][:20], path
    owner = app.test_client()
    owner.get(f"/?token={ADMIN}")
    assert folder in html.unescape(owner.get(f"/rounds/{made['12']}/audit").get_data(as_text=True))


def test_behind_a_proxy_only_the_proxy_on_this_machine_may_say_who_the_client_is(tmp_path):
    """``serve --host 0.0.0.0 --behind-proxy`` (the README's setup): a client that reaches the
    port directly and writes a new X-Forwarded-For on each try must still be locked out by its
    own address; the proxy on this machine (loopback) still names each client."""
    from pipeline.web import create_app

    app = create_app(tmp_path / "data", None, admin_token=ADMIN, base_url="https://tonghop.example.vn", behind_proxy=True)
    store = app.extensions["tonghop_store"]
    (tmp_path / "cay.csv").write_text(TREE_CSV, encoding="utf-8")
    init_from_units(store, tmp_path / "cay.csv")
    make_account(store, "vp.laichau", "12")

    def attempt(peer: str, forwarded: str, login: str, password: str):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = peer
        headers = {"X-Forwarded-For": forwarded}
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/dang-nhap", headers=headers).get_data(as_text=True))
        return client.post("/dang-nhap", data={"csrf_token": token.group(1), "login": login, "password": password}, headers=headers)

    for i in range(FAILURES):  # a spray: one wrong guess on each of ten logins, each from a "new" address
        attempt("198.51.100.7", f"10.1.{i}.1", f"vp.xa{i:02d}", "đoán bừa mật khẩu")
    assert attempt("198.51.100.7", "10.9.9.9", "vp.laichau", PASSWORD).status_code == 409
    for i in range(FAILURES):  # through the proxy: one client's failures lock that client only
        attempt("127.0.0.1", "203.0.113.1", f"vp.xa{i:02d}", "đoán bừa mật khẩu")
    assert attempt("127.0.0.1", "203.0.113.1", "vp.laichau", PASSWORD).status_code == 409
    assert attempt("127.0.0.1", "203.0.113.2", "vp.laichau", PASSWORD).status_code == 303
    store.close()


def test_a_commune_office_is_asked_for_its_list_of_areas_and_told_when_it_forgot_it(server):
    app, store, _ = server
    make_account(store, "vp.binhlu", "03408")  # a commune with no committee under it
    office = log_in(app, "vp.binhlu")
    page = office.get("/").get_data(as_text=True)
    assert re.search(r'<input type="file" name="units"[^>]*required', page) and "không bắt buộc" not in page
    before = len(store.rounds())
    answer = office.post("/rounds", data={"csrf_token": csrf(office, "/"), "period": "2025", "deadline": ""})
    assert answer.status_code == 400 and len(store.rounds()) == before
    assert message_fields(Msg.ROUND_161, _box(answer.get_data(as_text=True)))["code"] == "03408"
    assert "không bắt buộc" in log_in(app, "vp.laichau").get("/").get_data(as_text=True)  # a province's units: its communes


def test_an_account_made_without_a_name_is_not_shown_with_its_login_as_its_name(server):
    """``tonghop admin user add vp.xa --committee …`` without --name kept the login as the name:
    the pages read "vp.binhlu (vp.binhlu)", as if it were a person's name."""
    app, store, _ = server
    account, token = invite(store, None, "vp.binhlu", "", "03408")
    page = html.unescape(app.test_client().get(f"/mat-khau/{token}").get_data(as_text=True))
    assert "vp.binhlu" in page and "(vp.binhlu)" not in page
    _set(app.test_client(), f"/mat-khau/{token}")
    mine = html.unescape(log_in(app, "vp.binhlu", NEW_PASSWORD).get("/tai-khoan").get_data(as_text=True))
    assert "vp.binhlu" in mine and "(vp.binhlu)" not in mine
    listed = html.unescape(log_in(app, "vp.laichau").get("/tai-khoan").get_data(as_text=True))
    row = re.search(r"<tr><td data-label=\"Tên đăng nhập\">vp.binhlu</td><td data-label=\"Họ tên\">([^<]*)</td>", listed)
    assert row and row.group(1) == ""


@pytest.mark.parametrize("db", ["sqlite", "postgresql"])
def test_a_nul_character_in_a_request_is_refused_not_taken_for_the_database_down(db, tmp_path, request):
    """PostgreSQL refuses text with NUL: a login, a name or a link with one answered 503
    "Hãy thử lại sau ít phút", as if the database were down."""
    url = None if db == "sqlite" else request.getfixturevalue("postgres_url")
    app, store, made = tree_app(tmp_path / "data", url, tmp_path)
    client = app.test_client()
    answers = [client.post("/dang-nhap", data={"csrf_token": csrf(client), "login": "vp.lai\x00chau", "password": NEW_PASSWORD})]
    office = log_in(app, "vp.laichau")
    invited = {"csrf_token": csrf(office, "/tai-khoan"), "login": "vp.moi", "name": "Văn\x00phòng", "committee": "12", "role": "office"}
    answers += [office.post("/tai-khoan/moi", data=invited), office.get(f"/rounds/{made['12']}?q=a&q=a\x00b"), client.get("/u/ab%00cd")]
    for answer in answers:
        assert answer.status_code == 400 and Msg.WEB_170.render() in html.unescape(answer.get_data(as_text=True))
    assert store.account_by_login("vp.moi") is None and log_in(app, "vp.laichau").get("/").status_code == 200
    store.close()


def _state_of(page: str, login: str) -> str:
    row = re.search(rf"<tr><td[^>]*>{re.escape(login)}</td>.*?</tr>", page, re.S).group(0)
    return html.unescape(re.search(r'data-label="Trạng thái">([^<]*)</td>', row).group(1))


def test_the_accounts_list_says_which_invitation_is_used_waiting_expired_or_locked(server):
    app, store, _ = server
    make_account(store, "vp.tanphong", "03386", password=None)  # invited, link not used yet
    invite(store, None, "vp.binhlu", "Bình Lư", "03408", now=T0 - timedelta(days=10))  # its link expired
    locked = make_account(store, "cu.laichau", OWN)
    store.disable_account(locked.id)
    page = log_in(app, "vp.laichau").get("/tai-khoan").get_data(as_text=True)
    assert _state_of(page, "vp.laichau") == "đang dùng"
    assert _state_of(page, "vp.tanphong") == "chưa đặt mật khẩu"
    assert _state_of(page, "vp.binhlu") == "chưa đặt mật khẩu (liên kết đã hết hạn)"
    assert _state_of(page, "cu.laichau") == "đã khóa"


def test_a_new_link_shows_on_the_next_page_only_and_a_reload_makes_no_other(server):
    """Post, redirect, get: reloading the page after an invitation or a new link neither makes
    another link (the one sent by Zalo would stop working) nor shows this one again."""
    app, store, _ = server
    office = log_in(app, "vp.laichau")
    invited = _invite(office, "vp.tanphong", "03386", follow=False)
    assert invited.status_code == 303 and "mat-khau" not in invited.headers["Location"]
    link = _link(office.get("/tai-khoan").get_data(as_text=True))
    assert "/mat-khau/" not in office.get("/tai-khoan").get_data(as_text=True)  # shown once
    target = store.account_by_login("vp.tanphong")
    sent = office.post(f"/tai-khoan/{target.id}/dat-lai", data={"csrf_token": csrf(office, "/tai-khoan")})
    assert sent.status_code == 303 and "mat-khau" not in sent.headers["Location"]
    shown = office.get("/tai-khoan")
    new_link = _link(shown.get_data(as_text=True))
    assert new_link != link and "no-store" in shown.headers["Cache-Control"]
    for _reload in range(2):
        assert "/mat-khau/" not in office.get("/tai-khoan").get_data(as_text=True)
    assert _set(app.test_client(), new_link).status_code == 200  # the link sent still works
