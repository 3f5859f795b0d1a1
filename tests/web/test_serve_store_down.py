"""The database goes down in the middle of a round: ``tonghop serve`` (a real waitress, in its own
process) on a real PostgreSQL that is stopped mid-run and started again. Every page answers a
Vietnamese 503 that names no address, user or path; an upload says plainly it was not stored
(JSON too); the details go to the server's log, which holds no token and no unit link; once the
database is back, uploads are taken again."""

from __future__ import annotations

import html
import json
import re
import sys

import pytest

from pipeline import rounds
from pipeline.core.errors import Msg
from pipeline.store import Store
from tests import serving
from tests.conftest import Postgres
from tests.web.test_web import DUE, QUYET_THANG

pytestmark = pytest.mark.postgres  # starts its own server (on TCP), not the session's

SECURITY_HEADERS = ("X-Content-Type-Options", "X-Frame-Options", "Content-Security-Policy", "Referrer-Policy")


@pytest.fixture
def database():
    """A PostgreSQL server of this test alone (it is stopped mid-run), listening on 127.0.0.1."""
    import psycopg

    server = Postgres(tcp=True)
    server.start()
    try:
        with psycopg.connect(host="127.0.0.1", port=server.port, user="tonghop", dbname="postgres", autocommit=True) as conn:
            conn.execute('CREATE DATABASE "tonghop"')
        yield server
    finally:
        server.stop()
        server.remove()


def _upload(port, path, data, as_json=False):
    body, headers = serving.multipart("file", "bao_cao.xlsx", data)
    return serving.request(port, "POST", path, headers | ({"Accept": "application/json"} if as_json else {}), body)


def _busy(answer, msg: Msg, secrets: list[str]) -> None:
    status, headers, body = answer
    is_json = headers["Content-Type"].startswith("application/json")
    text = json.dumps(json.loads(body), ensure_ascii=False) if is_json else html.unescape(body.decode())
    assert status == 503 and headers["Retry-After"] and all(headers[h] for h in SECURITY_HEADERS)
    assert msg.render() in text
    for private in ["127.0.0.1", "tonghop@", "postgresql", "psycopg", "connection", *secrets]:
        assert private not in text, private


def test_a_database_down_mid_run(database, tmp_path, make_return):
    url = f"postgresql://tonghop@127.0.0.1:{database.port}/tonghop"
    data, port = tmp_path / "data", serving.free_port()
    with Store.open(data, url) as store:
        round_id = rounds.create_round(store, period="2023", deadline=DUE).id
        ((_, _, link),) = rounds.links(store, round_id, f"http://127.0.0.1:{port}", units=[QUYET_THANG])
    unit = link.removeprefix(f"http://127.0.0.1:{port}")
    log = tmp_path / "serve.log"
    command = [sys.executable, "-m", "pipeline", "serve", "--data", str(data), "--db", url, "--port", str(port), "--no-browser"]
    process = serving.start(command, port, tmp_path, log)
    good = make_return(QUYET_THANG).read_bytes()
    private = [str(data), str(tmp_path), unit.removeprefix("/u/"), serving.TOKEN]
    try:
        office = serving.login(port)
        assert _upload(port, unit, good)[0] == 303
        assert serving.request(port, "GET", "/healthz")[::2] == (200, b"ok\n")
        database.stop()
        assert serving.request(port, "GET", "/healthz")[::2] == (503, b"database unreachable\n")  # for the monitor: nothing more
        _busy(serving.request(port, "GET", unit), Msg.WEB_002, private)
        _busy(serving.request(port, "GET", "/u/abc"), Msg.WEB_002, private)  # even a link that does not exist
        _busy(serving.request(port, "GET", f"/rounds/{round_id}", office), Msg.WEB_002, private)
        _busy(_upload(port, unit, good), Msg.WEB_001, private)
        answer = _upload(port, unit, good, as_json=True)
        _busy(answer, Msg.WEB_001, private)
        assert json.loads(answer[2]) == {"error": 503, "message": Msg.WEB_001.render(), "stored": False}
        database.start()
        assert _upload(port, unit, good)[0] == 303  # back: the same upload is taken
        assert serving.request(port, "GET", "/healthz")[0] == 200
        assert serving.request(port, "GET", f"/rounds/{round_id}", office)[0] == 200
    finally:
        serving.stop(process)
    text = log.read_text(errors="replace")
    assert f"tonghop@127.0.0.1:{database.port}/tonghop" in text and "POST /u/…" in text  # the details, for whoever runs the server
    assert serving.TOKEN not in text and unit.removeprefix("/u/") not in text
    assert not re.search(r"/u/[A-Za-z0-9_-]{20,}", text)
    with Store.open(data, url) as store:
        assert len(store.submissions(round_id)) == 2  # the two uploads taken, none of those refused
