"""Two ``tonghop serve`` processes on one PostgreSQL (issue 23), each with a data folder of its own
(two machines): a unit's uploads alternated between them keep their order and their numbers;
a consolidation started on one is seen on the other; one killed (``kill -9``) during a
consolidation leaves the job, which the other takes over and finishes."""

from __future__ import annotations

import json
import re
import signal
import sys
import time
from urllib.parse import urlencode

import pytest

from pipeline import rounds
from pipeline.store import Store
from tests import serving
from tests.web.test_web import DUE, QUYET_THANG

HEARTBEAT_S = 0.5  # the servers' heartbeat: a killed one's job is stale after 4 s


@pytest.fixture
def two_servers(postgres_url, tmp_path, monkeypatch):
    """``start(name)`` → the port of a ``serve`` of the one database with its own data folder."""
    monkeypatch.setenv(rounds.jobs.HEARTBEAT_ENV, str(HEARTBEAT_S))
    started = []

    def start(name: str) -> tuple[int, object]:
        port = serving.free_port()
        command = [sys.executable, "-m", "pipeline", "serve", "--data", str(tmp_path / name), "--db", postgres_url,
                   "--port", str(port), "--no-browser", "--base-url", "http://127.0.0.1"]  # fmt: skip
        process = serving.start(command, port, tmp_path, tmp_path / f"{name}.log")
        started.append(process)
        return port, process

    yield start
    for process in started:
        if process.poll() is None:
            serving.stop(process)


def _upload(port, path, data):
    body, headers = serving.multipart("file", "bao_cao.xlsx", data)
    return serving.request(port, "POST", path, headers | {"Accept": "application/json"}, body)


def _press(port, office, round_id):
    _status, headers, page = serving.request(port, "GET", f"/rounds/{round_id}", office)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.decode()).group(1)
    cookie = headers["Set-Cookie"].split(";")[0] if headers["Set-Cookie"] else office["Cookie"]  # the session, with its CSRF token
    form = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
    return serving.request(port, "POST", f"/rounds/{round_id}/consolidate", form, urlencode({"csrf_token": csrf}).encode())


def _job(port, round_id):
    bearer = {"Authorization": f"Bearer {serving.TOKEN}"}
    return json.loads(serving.request(port, "GET", f"/api/rounds/{round_id}/consolidation", bearer)[2])["job"]


def _until_done(port, round_id, within_s=90):
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        job = _job(port, round_id)
        if job and job["state"] not in ("running", "abandoned"):
            return job
        time.sleep(0.3)
    raise AssertionError(f"the job did not end within {within_s} s: {_job(port, round_id)}")


def test_two_servers_one_database(two_servers, postgres_url, tmp_path, make_return, sample_dir):
    with Store.open(tmp_path / "setup", postgres_url) as store:
        round_id = rounds.create_round(store, period="2023", deadline=DUE).id
        ((_, _, link),) = rounds.links(store, round_id, "http://127.0.0.1", units=[QUYET_THANG])
        rounds.add_paths(store, round_id, [sample_dir])
    unit = link.removeprefix("http://127.0.0.1")
    (a, _), (b, killed) = two_servers("a"), two_servers("b")

    sent = [make_return(QUYET_THANG, {"MEDIATORS": 10 + n}, folder=tmp_path / f"r{n}").read_bytes() for n in range(6)]
    for n, data in enumerate(sent):
        status, _headers, body = _upload((a, b)[n % 2], unit, data)
        assert status == 200 and json.loads(body)["accepted"], body
    with Store.open(tmp_path / "setup", postgres_url) as store:
        mine = [s for s in store.submissions(round_id) if s.link_unit == QUYET_THANG]
        assert [store.blob(s.sha256) for s in mine] == sent, "in the order sent, each file whole"
        assert [s.id for s in mine] == list(range(mine[0].id, mine[0].id + 6)), "numbered one after the other"
        assert [s.received_at for s in mine] == sorted(s.received_at for s in mine)
        in_use = next(r for r in rounds.status(store, round_id) if r.unit_code == QUYET_THANG).in_use
        assert in_use == mine[-1].id

    office_a = serving.login(a)
    assert _press(a, office_a, round_id)[0] == 303
    seen = _job(b, round_id)  # the other server sees the job started on the first
    assert seen["state"] in ("running", "done") and seen["actor"] == _job(a, round_id)["actor"]
    assert _until_done(b, round_id)["state"] == "done"

    office_b = serving.login(b)
    assert _press(b, office_b, round_id)[0] == 303
    killed.send_signal(signal.SIGKILL)  # b dies during its consolidation
    killed.wait(timeout=10)
    with Store.open(tmp_path / "setup", postgres_url) as store:
        left = rounds.latest_consolidation(store, round_id)
    assert left.state == "running", "killed during the job"
    done = _until_done(a, round_id)  # a takes it over once its heartbeat is old
    with Store.open(tmp_path / "setup", postgres_url) as store:
        finished = rounds.latest_consolidation(store, round_id)
    assert done["state"] == "done" and finished.id == left.id and done["result"].startswith("Đã nhận")
    assert (tmp_path / "a" / "output" / round_id / "totals.csv").is_file()
