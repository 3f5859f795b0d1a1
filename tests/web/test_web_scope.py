"""The scope matrix of issue 22: every route of the app (read from its URL map: a route added
later is covered) × each role (an office, a viewer, the owner's token, nobody) × each committee
as it stands from the accounts' (own, parent, child, sibling, unrelated), GET and POST, on SQLite
and PostgreSQL. Outside the scope the answer is the very page of an unknown round (404, nothing
learnt); in the scope but read only a 403; else the page, and never a round or a committee the
account may not see in its body, never a 500."""

from __future__ import annotations

import html
import re
import time

import pytest

from pipeline import rounds
from pipeline.core.constants import WORKBOOK_XLSX
from pipeline.core.errors import Msg
from pipeline.rounds.progress import rounds_progress
from tests.conftest import message_fields
from tests.web.scope import ADMIN, RELATIONS, csrf, log_in, tree_app
from tests.web.test_web_hostile import PUBLIC_ENDPOINTS

UNIT = "03386"  # Quyết Thắng, a unit of the bundled list every round has
HIDDEN_NAMES = ("Thành phố Hà Nội", "Phường Ba Đình")  # a sibling's and an unrelated committee's
# role → relation → may it see the committee's rounds, may it act on them
SCOPE = {
    "office": {"own": (True, True), "child": (True, False)},
    "viewer": {"own": (True, False)},
}
ACTING_GETS = {"board.links", "board.links_csv", "entry.office_page"}  # pages that act (the units' links, the typing form)


@pytest.fixture
def server(tmp_path, db_url):
    app, store, made = tree_app(tmp_path / "data", db_url, tmp_path)
    yield app, store, made
    for round_id in made.values():  # a consolidation started by the matrix ends before the store closes
        deadline = time.monotonic() + 60
        while rounds.is_running(rounds.latest_consolidation(store, round_id)) and time.monotonic() < deadline:
            time.sleep(0.1)
    store.close()


def round_routes(app) -> list[tuple[str, str, str]]:
    """(endpoint, method, path with ``{round}`` for the round) of every office route of a round."""
    values = {"code": UNIT, "name": WORKBOOK_XLSX}
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_ENDPOINTS or "round_id" not in rule.arguments:
            continue
        path = rule.rule.replace("<round_id>", "{round}")
        for argument in rule.arguments - {"round_id"}:
            path = re.sub(rf"<(?:[a-z]+:)?{argument}>", values[argument], path)
        found += [(rule.endpoint, method, path) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return found


def clients(app) -> dict:
    owner = app.test_client()
    assert owner.get(f"/?token={ADMIN}").status_code == 302
    return {"office": log_in(app, "vp.laichau"), "viewer": log_in(app, "xem.laichau"), "owner": owner, "anonymous": app.test_client()}


def _open(client, method: str, path: str, token: str):
    return client.open(path, method=method, data={"csrf_token": token} if method == "POST" else None)


def _main(body: str) -> str:
    """A page without its header (the login shown, the logout's CSRF token); JSON as it is."""
    return body.split("<main>", 1)[-1]


def _expected(role: str, relation: str, endpoint: str, method: str) -> int | None:
    """The status expected, or None for "the page" (anything but 401, 403, 404 and 5xx)."""
    if role == "anonymous":
        return 401
    if role == "owner":
        return None
    sees, acts = SCOPE[role].get(relation, (False, False))
    if not sees:
        return 404
    acting = method == "POST" or endpoint in ACTING_GETS
    return 403 if acting and not acts else None


def test_every_route_answers_each_role_on_each_committee_as_its_scope_says(server):
    app, store, made = server
    who = clients(app)
    tokens = {role: csrf(client, "/") if role != "anonymous" else "" for role, client in who.items()}
    unknown = {}
    for endpoint, method, path in round_routes(app):
        unknown[(method, path)] = _open(who["owner"], method, path.format(round="khongco"), tokens["owner"])
        for role, client in who.items():
            visible = {made[RELATIONS[r]] for r in SCOPE.get(role, {})} if role in SCOPE else set(made.values())
            if role == "office":  # "Gửi lên cấp trên" names the parent's round its own round goes to
                visible.add(made[RELATIONS["parent"]])
            for relation, code in RELATIONS.items():
                round_id = made[code]
                answer = _open(client, method, path.format(round=round_id), tokens[role])
                body = answer.get_data().decode("utf-8", "replace")  # a zip or a workbook: its bytes, as text
                where = (role, relation, method, path)
                want = _expected(role, relation, endpoint, method)
                assert answer.status_code < 500, where
                if want is None:
                    assert answer.status_code not in (401, 403) and (answer.status_code != 404 or endpoint == "board.output"), where
                else:
                    assert answer.status_code == want, where
                if want == 404:  # the page of an unknown round, word for word but the round's id
                    same = unknown[(method, path)]
                    assert _main(body).replace(round_id, "?") == _main(same.get_data(as_text=True)).replace("khongco", "?"), where
                if role in SCOPE:
                    assert not any(other in body for other in set(made.values()) - visible - {round_id}), where
                    assert not any(name in body for name in HIDDEN_NAMES), where


def test_the_pages_of_no_round_by_role(server):
    app, store, made = server
    who = clients(app)
    office, viewer = who["office"], who["viewer"]
    page = office.get("/").get_data(as_text=True)
    assert made["12"] in page and made["03386"] in page  # its own round, and its child's (read only)
    assert not any(made[code] in page for code in ("00", "01", "00004"))
    assert (
        "Tạo đợt thu báo cáo mới" in page and html.escape(rounds_progress(store, [store.round(made["03386"])])[made["03386"]].text) in page
    )
    seen = viewer.get("/").get_data(as_text=True)
    assert made["12"] in seen and made["03386"] not in seen and "Tạo đợt thu báo cáo mới" not in seen
    for path in ("/rounds", "/tai-khoan/moi", "/tai-khoan/1/dat-lai"):
        assert viewer.post(path, data={"csrf_token": csrf(viewer, "/")}).status_code == 403, path
        assert who["anonymous"].post(path, data={}).status_code == 401, path
    assert viewer.get("/tai-khoan").status_code == 200 and office.get("/tai-khoan").status_code == 200
    board = viewer.get(f"/rounds/{made['12']}").get_data(as_text=True)
    assert 'method="post"' not in board.split("</header>", 1)[1]  # no button but the logout
    assert message_fields(Msg.WEB_166, re.search(r'<p class="box">(.*?)</p>', board).group(1).replace("&#39;", "'"))
    child = office.get(f"/rounds/{made['03386']}").get_data(as_text=True)
    assert 'method="post"' not in child.split("</header>", 1)[1]
