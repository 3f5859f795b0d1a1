"""What ``tonghop serve`` logs of each request, and whose forwarded headers it believes: one line
per request (client, method, path cut, status, milliseconds) with no token, unit link or
set-password link; under journald no timestamp of its own and a syslog priority per line; with
``--behind-proxy``, X-Forwarded-* only from the proxy on this machine, behind a real waitress."""

from __future__ import annotations

import contextlib
import logging
import os
import re

import pytest

import pipeline.web.server as web_server
from pipeline.web import create_app
from pipeline.web.access_log import log_to
from tests import serving

ADMIN = "admin-token-of-the-access-log-tests"
FORGED = "203.0.113.7"


@contextlib.contextmanager
def logged_to(path, journal: bool):
    """The server's log into the file ``path``, as journald's stream (``JOURNAL_STREAM``) or not."""
    with open(path, "w", encoding="utf-8") as stream:
        st = os.fstat(stream.fileno())
        previous = os.environ.get("JOURNAL_STREAM")
        os.environ["JOURNAL_STREAM"] = f"{st.st_dev}:{st.st_ino}" if journal else "0:0"
        handler = log_to(stream)
        try:
            yield
        finally:
            logging.getLogger().removeHandler(handler)
            os.environ.pop("JOURNAL_STREAM") if previous is None else os.environ.__setitem__("JOURNAL_STREAM", previous)


@pytest.mark.parametrize("journal", [True, False])
def test_one_line_per_request_without_secrets_and_as_journald_wants_it(tmp_path, journal):
    app = create_app(tmp_path / "data", admin_token=ADMIN, base_url="https://baocao.example.vn")
    client = app.test_client()
    log = tmp_path / "serve.log"
    with logged_to(log, journal):
        client.get(f"/?token={ADMIN}")
        client.get("/u/a-private-unit-link-token/template.xlsx")
        client.get("/mat-khau/a-private-set-password-token")
    app.extensions["tonghop_store"].close()
    lines = log.read_text(encoding="utf-8").splitlines()
    stamp = "" if journal else r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} "
    prefix = "<6>" if journal else ""
    expected = [r"GET / 302", r"GET /u/…/template\.xlsx 404", r"GET /mat-khau/… 404"]
    assert [
        bool(re.fullmatch(rf"{prefix}{stamp}INFO tonghop\.web: 127\.0\.0\.1 {e} \d+ ms", line))
        for line, e in zip(lines, expected, strict=True)
    ] == [True] * 3, lines
    text = "\n".join(lines)
    assert ADMIN not in text and "a-private" not in text


def test_forwarded_headers_count_only_from_the_proxy_on_this_machine(tmp_path):
    """A request straight to the application's port from another address (127.0.0.2) cannot pass
    for HTTPS or for another client; the same headers from the proxy (127.0.0.1) are honoured."""
    app = create_app(tmp_path / "data", admin_token=ADMIN, base_url="http://baocao.example.vn", behind_proxy=True)
    forged = {"X-Forwarded-For": FORGED, "X-Forwarded-Proto": "https"}
    log = tmp_path / "serve.log"
    with logged_to(log, journal=True), serving.in_thread(web_server.make_server(app, "127.0.0.1", 0)) as port:
        _, direct, _ = serving.request(port, "GET", f"/?token={ADMIN}", forged, source="127.0.0.2")
        _, proxied, _ = serving.request(port, "GET", f"/?token={ADMIN}", forged, source="127.0.0.1")
    app.extensions["tonghop_store"].close()
    assert "; Secure" not in direct["Set-Cookie"] and "; Secure" in proxied["Set-Cookie"]
    clients = re.findall(r"tonghop\.web: (\S+) GET / 302", log.read_text(encoding="utf-8"))
    assert clients == ["127.0.0.2", FORGED]
