"""The deployment of deploy/: ``tonghop serve --behind-proxy --base-url https://…`` in a process
of its own behind Caddy (the README's Caddyfile, ``tls internal`` on loopback), as a province
server runs it. Chromium (through Playwright) opens a unit's link over HTTPS and sends a return;
the links and the office's address are https, the session cookie ``Secure``, HSTS set once with
the application's own headers not doubled; the client's address reaches the application through
the proxy, while a forged X-Forwarded-For sent straight to the application's port is ignored;
neither Caddy's access log nor the application's has a token or a unit link.

Skipped, with the reason, without caddy (Debian: apt-get install caddy), playwright or chromium."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from datetime import timedelta

import pytest

from tests import serving
from tests.deploy import caddy

if not caddy.CADDY:
    pytest.skip("no caddy (/usr/bin/caddy; Debian: apt-get install caddy)", allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402

from pipeline.core.errors import Msg  # noqa: E402
from pipeline.core.vnformat import vietnam_today  # noqa: E402
from pipeline.web import MAX_UPLOAD_BYTES  # noqa: E402
from pipeline.web.base import ERROR_TEXTS  # noqa: E402
from tests.web.test_browser import browser  # noqa: E402, F401 - one chromium (Debian's), skipped as there without one

QUYET_THANG = "03386"
FORGED = "203.0.113.7"  # an address no test machine has
PHONE = {"width": 390, "height": 844}


class Stack:
    """``tonghop serve`` behind Caddy, as the fixture runs them; ``restart`` stops serve and starts
    it again ``after`` seconds later, in the background (systemd's ``Restart=``)."""

    def __init__(self, tmp_path):
        self.app_port, self.https_port = serving.free_port(), serving.free_port()
        self.site, self.folder, self.serve_log = f"https://localhost:{self.https_port}", tmp_path / "caddy", tmp_path / "serve.log"
        self.command = [sys.executable, "-m", "pipeline", "serve", "--data", str(tmp_path / "data"), "--host", "127.0.0.1",
                        "--port", str(self.app_port), "--base-url", self.site, "--behind-proxy", "--no-browser"]  # fmt: skip
        self.tmp, self.apps, self.restarting = tmp_path, [serving.start(self.command, self.app_port, tmp_path, self.serve_log)], None

    def restart(self, after: float) -> None:
        serving.stop(self.apps[-1])

        def again():
            time.sleep(after)
            self.apps.append(serving.start(self.command, self.app_port, self.tmp, self.tmp / "serve-again.log"))

        self.restarting = threading.Thread(target=again)
        self.restarting.start()

    def stop(self) -> None:
        if self.restarting:
            self.restarting.join(timeout=90)
        for app in self.apps:
            serving.stop(app)


@contextmanager
def _stack(tmp_path, retry: str = "30s"):
    stack = Stack(tmp_path)
    try:
        try:
            proxy = caddy.start(stack.folder, stack.site, stack.https_port, stack.app_port, retry=retry)
        except RuntimeError as err:
            pytest.skip(f"caddy could not start here: {err}")
        try:
            yield stack
        finally:
            caddy.stop(proxy)
    finally:
        stack.stop()


@pytest.fixture
def caddy_stack(tmp_path):
    """``tonghop serve`` in a process of its own behind Caddy: a ``Stack``."""
    with _stack(tmp_path) as stack:
        yield stack


@pytest.fixture
def short_wait_stack(tmp_path):
    """The same, a request waiting only 2 s for serve (TONGHOP_RETRY) instead of 30 s."""
    with _stack(tmp_path, retry="2s") as stack:
        yield stack


def _office_creates_a_round(page, site: str) -> dict[str, str]:
    """The office logs in over HTTPS and creates a round: the units' links by code."""
    page.goto(f"{site}/?token={serving.TOKEN}")
    expect(page.get_by_role("heading", name="Các đợt thu báo cáo")).to_be_visible()
    page.get_by_label("Kỳ báo cáo").fill("2023")
    page.get_by_label("Hạn nộp").fill((vietnam_today() + timedelta(days=30)).strftime("%d/%m/%Y"))
    page.get_by_role("button", name="Tạo đợt").click()
    page.get_by_role("link", name="Đường dẫn nộp báo cáo của các đơn vị").click()
    return serving.unit_links(page.content())


def test_an_upload_over_https_through_caddy(caddy_stack, browser, make_return, tmp_path):  # noqa: F811
    site, https_port, app_port, folder, serve_log = (
        caddy_stack.site,
        caddy_stack.https_port,
        caddy_stack.app_port,
        caddy_stack.folder,
        caddy_stack.serve_log,
    )
    office_context = browser.new_context(ignore_https_errors=True)  # the test's own certificate authority
    office = office_context.new_page()
    office.set_default_timeout(30_000)
    links = _office_creates_a_round(office, site)
    assert links and all(link.startswith(f"{site}/u/") for link in links.values()), links
    cookie = next(c for c in office_context.cookies() if c["name"] == "tonghop")
    assert cookie["secure"] and cookie["httpOnly"]

    unit = browser.new_context(viewport=PHONE, is_mobile=True, ignore_https_errors=True).new_page()
    unit.set_default_timeout(30_000)
    opened = unit.goto(links[QUYET_THANG])
    assert opened.status == 200 and opened.headers["strict-transport-security"].startswith("max-age=")
    unit.get_by_label("Chọn tệp báo cáo Excel đã điền").set_input_files(str(make_return(QUYET_THANG, folder=tmp_path / "r")))
    unit.get_by_role("button", name="Gửi báo cáo").click()
    expect(unit.get_by_text("Báo cáo đã được nhận, không có lỗi.")).to_be_visible()
    assert unit.url.startswith(f"{site}/u/")

    # The application's headers once each, HSTS added, compressed, the server not named.
    status, headers, _ = caddy.request(https_port, folder, "GET", "/", {"Accept-Encoding": "zstd, gzip"})
    assert status == 401 and headers.get_all("X-Content-Type-Options") == ["nosniff"]
    assert headers.get_all("Content-Security-Policy") and len(headers.get_all("Content-Security-Policy")) == 1
    assert headers.get_all("Strict-Transport-Security") == ["max-age=31536000"] and "Server" not in headers
    status, headers, _ = caddy.request(https_port, folder, "GET", "/static/style.css", {"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Encoding"] == "gzip"

    # A body over the limit passes Caddy's (the application's and waitress's margin) to be refused
    # by the application, with its Vietnamese page.
    body, form = serving.multipart("file", "bao_cao.xlsx", b"\0" * (MAX_UPLOAD_BYTES + 512 * 1024))
    status, _, answer = caddy.request(https_port, folder, "POST", "/u/" + links[QUYET_THANG].rsplit("/u/", 1)[1], form, body=body)
    assert status == 413 and ERROR_TEXTS[413][0] in answer.decode()

    # Through Caddy the application sees the client (not the proxy, not a forged header); straight
    # to its port a forged header counts for nothing.
    caddy.request(https_port, folder, "GET", "/favicon.ico?via=proxy", {"X-Forwarded-For": FORGED}, source="127.0.0.3")
    serving.request(app_port, "GET", "/favicon.ico?direct", {"X-Forwarded-For": FORGED, "X-Forwarded-Proto": "https"}, source="127.0.0.2")
    lines = serve_log.read_text(encoding="utf-8").splitlines()
    favicon = [line for line in lines if " GET /favicon.ico " in line]
    assert [line.split()[line.split().index("GET") - 1] for line in favicon[-2:]] == ["127.0.0.3", "127.0.0.2"], favicon
    assert f"{site}/" in serve_log.read_text(encoding="utf-8")  # the office's address, printed by serve, is https

    # Neither log keeps a token or a unit's link; both show the unit's requests, cut.
    secrets = [serving.TOKEN, *(link.rsplit("/u/", 1)[1].split("/")[0] for link in links.values())]
    access = (folder / "access.log").read_text(encoding="utf-8")
    uris = [json.loads(line)["request"]["uri"] for line in access.splitlines()]
    assert "/u/…" in uris and "/…" in uris, uris
    for text in (access, serve_log.read_text(encoding="utf-8")):
        assert not [s for s in secrets if s in text]
    assert any(re.search(r" POST /u/… 30\d \d+ ms$", line) for line in lines), lines[-20:]


def test_a_request_waits_while_serve_restarts(caddy_stack):
    """tonghop stopped (an update; a crash, restarted by systemd 5 s later): a request through
    Caddy waits for it instead of failing, and Caddy's own log keeps no link of it."""
    caddy_stack.restart(after=3)
    started = time.monotonic()
    status, _, _ = caddy.request(caddy_stack.https_port, caddy_stack.folder, "GET", "/u/a-unit-link-token-while-restarting")
    assert status == 404 and time.monotonic() - started >= 2  # answered by the restarted serve
    assert "a-unit-link-token" not in (caddy_stack.folder / "caddy.log").read_text(encoding="utf-8")


def test_serve_down_longer_than_the_wait_answers_a_vietnamese_page(short_wait_stack):
    """tonghop down for longer than Caddy waits: not Caddy's blank 502 but deploy/loi_may_chu.html,
    a 503 with Retry-After, not kept by a browser's cache."""
    serving.stop(short_wait_stack.apps[-1])
    started = time.monotonic()
    status, headers, body = caddy.request(short_wait_stack.https_port, short_wait_stack.folder, "GET", "/u/a-unit-link")
    assert status == 503 and time.monotonic() - started >= 1.5  # after the wait
    assert Msg.WEB_180.render() in body.decode("utf-8") and headers["Content-Type"].startswith("text/html")
    assert int(headers["Retry-After"]) > 0 and headers["Cache-Control"] == "no-store"
    assert headers["Strict-Transport-Security"] == "max-age=31536000" and headers["X-Content-Type-Options"] == "nosniff"


def test_the_caddyfile_is_as_caddy_fmt_writes_it():
    """Caddy warns at every start about a Caddyfile not in its own format (the officer's journal)."""
    formatted = subprocess.run([caddy.CADDY, "fmt", str(caddy.CADDYFILE)], capture_output=True, text=True, timeout=60)
    assert formatted.returncode == 0 and formatted.stdout == caddy.CADDYFILE.read_text(encoding="utf-8")
