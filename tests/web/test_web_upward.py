"""Rounds at every level through the web (``board.forward``, the board's levels): residential
areas send their returns through their links, each commune's office presses "Gửi lên cấp trên",
a third commune sends its own return by hand through its link, and the province's board shows
each commune's own round and where its return came from; the province's consolidation holds the
sum of every return. On SQLite and PostgreSQL."""

from __future__ import annotations

import io
import re
from collections import Counter

import pytest
from markupsafe import escape

from pipeline import rounds
from pipeline.core.constants import Channel
from pipeline.core.errors import Msg
from pipeline.form.period import period_label
from pipeline.rounds.committee_form import committee_title, create_committee_round
from pipeline.rounds.create import UNIT_PATH
from pipeline.sample import COMMUNE_EXAMPLE, area_values, fill_return
from pipeline.web import create_app
from tests.rounds.chain import COMMUNES, PERIOD, PROVINCE, PROVINCE_FORM, add_committees, all_totals, area_list, own_figures
from tests.web.test_web import finished

ADMIN = "admin-token-for-upward"


@pytest.fixture(params=["sqlite", "postgresql"])
def app(request, tmp_path):
    url = None if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    made = create_app(tmp_path / "data", url, admin_token=ADMIN)
    made.config["TESTING"] = True
    add_committees(made.extensions["tonghop_store"])
    yield made
    made.extensions["tonghop_store"].close()


@pytest.fixture
def office(app):
    client = app.test_client()
    assert client.get(f"/?token={ADMIN}").status_code == 302
    return client


def _csrf(client, path):
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True)).group(1)


def _send_through_links(client, store, round_id, figures, tmp_path):
    """Each unit of ``figures`` (code → its figures) fills its template and sends it through its link."""
    links = {code: url.rsplit(UNIT_PATH, 1)[1] for code, _name, url in rounds.links(store, round_id)}
    for path in rounds.round_templates(store, round_id, tmp_path / round_id, units=list(figures)):
        code = next(c for c in sorted(figures, key=len, reverse=True) if c in path.name)  # a village code holds its commune's
        filled = fill_return(path, tmp_path / f"{round_id}-{path.name}", figures[code])
        answer = client.post(
            f"{UNIT_PATH}{links[code]}",
            data={"file": (io.BytesIO(filled.read_bytes()), filled.name)},
            headers={"Accept": "application/json"},
        )
        assert answer.get_json()["accepted"], answer.get_json()


def test_villages_to_communes_to_the_province_through_the_board(app, office, tmp_path):
    store = app.extensions["tonghop_store"]
    province = create_committee_round(store, PROVINCE[0], level_form=PROVINCE_FORM, period=PERIOD, deadline=None)
    expected = Counter(own_figures(PROVINCE_FORM, "province"))
    _send_through_links(office, store, province.id, {PROVINCE[0]: own_figures(PROVINCE_FORM, "province")}, tmp_path)
    communes = {}
    for (code, name), areas in zip(COMMUNES[:2], (3, 2), strict=True):
        rnd = create_committee_round(
            store, code, level_form=COMMUNE_EXAMPLE.form_dir, period=PERIOD, deadline=None, units_path=area_list(code, name, areas)
        )
        communes[code] = rnd.id
        figures = {code: own_figures(COMMUNE_EXAMPLE.form_dir, "commune")} | {f"{code}{i:03d}": area_values(i) for i in range(1, areas + 1)}
        _send_through_links(office, store, rnd.id, figures, tmp_path)
        for values in figures.values():
            expected.update({k: v for k, v in values.items() if k != "HOUSEHOLDS"})
    hand, hand_name = COMMUNES[2]
    _send_through_links(office, store, province.id, {hand: own_figures(PROVINCE_FORM, "communes")}, tmp_path)
    expected.update(own_figures(PROVINCE_FORM, "communes"))

    first = communes[COMMUNES[0][0]]
    board = office.get(f"/rounds/{first}").get_data(as_text=True)
    assert "Gửi lên cấp trên" in board and province.id in board and "<b>4/4</b>" in board
    for code, rnd_id in communes.items():
        page = office.post(f"/rounds/{rnd_id}/forward", data={"csrf_token": _csrf(office, f"/rounds/{rnd_id}")})
        assert page.status_code == 200 and "Đã gửi lên" in page.get_data(as_text=True)
        last = store.submissions(province.id)[-1]
        assert (last.channel, last.link_unit) == (Channel.FORWARD, code)

    assert "Gửi lên cấp trên" in office.get(f"/rounds/{first}/audit").get_data(as_text=True)  # the action, by its name
    board = office.get(f"/rounds/{province.id}").get_data(as_text=True)
    assert escape(Msg.ROUND_155.render(level="khu dân cư", submitted=3, total=3)) in board
    source = Msg.ROUND_154.render(round=first, committee=COMMUNES[0][1], count="4/4")
    assert str(escape(source)) in board
    assert "Gửi lên cấp trên" not in board  # the province has no committee above it on this server
    unit_page = office.get(f"/rounds/{province.id}/units/{COMMUNES[0][0]}").get_data(as_text=True)
    assert str(escape(source[:1].upper() + source[1:])) in unit_page  # the version's sender: where it came from

    office.post(f"/rounds/{province.id}/consolidate", data={"csrf_token": _csrf(office, f"/rounds/{province.id}")})
    finished(office, province.id)
    result, _ = rounds.consolidate_round(store, province.id, tmp_path / "tinh")
    assert result.received == 4 and all_totals(result) == dict(expected)


def test_a_forward_refused_says_why_on_the_board(app, office):
    store = app.extensions["tonghop_store"]
    code, name = COMMUNES[0]
    rnd = create_committee_round(
        store, code, level_form=COMMUNE_EXAMPLE.form_dir, period=PERIOD, deadline=None, units_path=area_list(code, name, 1)
    )
    text = escape(Msg.ROUND_152.render(parent=committee_title(PROVINCE[1]), period=period_label(PERIOD)))
    assert text in office.get(f"/rounds/{rnd.id}").get_data(as_text=True)
    page = office.post(f"/rounds/{rnd.id}/forward", data={"csrf_token": _csrf(office, f"/rounds/{rnd.id}")})
    assert page.status_code == 400 and text in page.get_data(as_text=True)
    assert office.post(f"/rounds/{rnd.id}/forward").status_code == 400  # no CSRF token
