"""``GET /healthz`` (issue 23), for the proxy and the monitoring: public, 200 "ok" when the
database answers at the newest schema and the disk has room; otherwise 503 with short fixed
words, never a path, an address or a version. (The database going down under a real server:
tests/web/test_serve_store_down.py.)"""

from __future__ import annotations

import shutil

import pytest
import sqlalchemy as sa

from pipeline.store import health
from pipeline.web import create_app


@pytest.fixture(params=["sqlite", "postgresql"])
def app(request, tmp_path):
    url = None if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    made = create_app(tmp_path / "data", url, admin_token="x" * 32)
    yield made
    made.extensions["tonghop_store"].close()


def _health(app):
    answer = app.test_client().get("/healthz")  # no login
    return answer.status_code, answer.get_data(as_text=True), answer.headers


def test_healthy(app):
    status, text, headers = _health(app)
    assert (status, text) == (200, "ok\n") and headers["Content-Type"].startswith("text/plain") and headers["Cache-Control"] == "no-store"


def test_low_disk_and_a_schema_behind_answer_503_without_details(app, monkeypatch, tmp_path):
    free = shutil.disk_usage(tmp_path).free
    monkeypatch.setenv(health.MIN_FREE_ENV, str(free // (1024 * 1024) + 1024))  # a threshold above what the disk has
    assert _health(app)[:2] == (503, "disk space low\n")
    monkeypatch.delenv(health.MIN_FREE_ENV)
    store = app.extensions["tonghop_store"]
    with store._write() as conn:  # a newer server's migration not applied here, or an old schema: not current
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '0005'"))
    status, text, _headers = _health(app)
    assert (status, text) == (503, "database schema not current\n")
    assert str(tmp_path) not in text and "0005" not in text
