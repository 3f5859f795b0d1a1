"""A server of the committees' tree of ``tests/committees.py`` for the web's access tests: one
round per committee, an office and a viewer of the province of Lai Châu (``12``), and clients
logged in through the login page."""

from __future__ import annotations

import re
from pathlib import Path

from pipeline import rounds
from pipeline.accounts import init_from_units
from pipeline.web import create_app
from tests.committees import PASSWORD, TREE_CSV, make_account

ADMIN = "admin-token-for-scope-tests"
OWN = "12"
# where each committee stands from the accounts' committee (Lai Châu)
RELATIONS = {"own": "12", "parent": "00", "child": "03386", "sibling": "01", "unrelated": "00004"}


def tree_app(data_dir: Path, db_url: str | None, tmp: Path):
    """The app, the store, and the round of each committee (committee code → round id)."""
    app = create_app(data_dir, db_url, admin_token=ADMIN, base_url="https://tonghop.example.vn")
    store = app.extensions["tonghop_store"]
    (tmp / "cay.csv").write_text(TREE_CSV, encoding="utf-8")
    init_from_units(store, tmp / "cay.csv")
    made = {code: rounds.create_round(store, period="2025", deadline=None, committee_code=code).id for code in RELATIONS.values()}
    make_account(store, "vp.laichau", OWN)
    make_account(store, "xem.laichau", OWN, "viewer")
    return app, store, made


def csrf(client, path: str = "/dang-nhap") -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def log_in(app, login: str, password: str = PASSWORD, address: str = "10.0.0.1"):
    """A client logged in through the login page (its answer: a 303 to the dashboard)."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    answer = client.post("/dang-nhap", data={"csrf_token": csrf(client), "login": login, "password": password})
    assert answer.status_code == 303, answer.get_data(as_text=True)
    return client
