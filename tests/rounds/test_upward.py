"""Rounds at every level (``rounds.upward``): residential areas → commune → province in one
store, each commune's consolidation forwarded into the province's round as its return, beside a
commune that uploads by hand; and the refusals when there is nowhere to forward to."""

from __future__ import annotations

import pytest

from pipeline import rounds
from pipeline.core.constants import Channel, Sender
from pipeline.core.errors import Msg, PipelineError
from pipeline.form.csvread import Given
from pipeline.form.definition import load_form
from pipeline.form.period import period_label
from pipeline.rounds import entry
from pipeline.rounds.committee_form import create_committee_round
from pipeline.rounds.progress import children_progress
from pipeline.rounds.upward import forward_round
from pipeline.sample import COMMUNE_EXAMPLE
from pipeline.store import Store
from tests.conftest import message_fields
from tests.rounds.chain import (
    COMMUNES,
    PERIOD,
    PROVINCE,
    PROVINCE_FORM,
    add_committees,
    all_totals,
    area_list,
    commune_round,
    hand_upload,
    own_figures,
    province_round,
    typed,
)


@pytest.fixture
def store(tmp_path, db_url):
    opened = Store.open(tmp_path / "data", db_url)
    add_committees(opened)
    yield opened
    opened.close()


def test_the_commune_form_asks_what_the_province_asks_of_communes():
    """Every code the province form asks of a commune is in the commune form, so a commune's totals
    fill the province's template; the commune form adds only what it checks its villages with."""
    province, commune = load_form(PROVINCE_FORM), load_form(COMMUNE_EXAMPLE.form_dir)
    asked = {ind.code for ind in province.indicators_for("communes")}
    assert asked <= set(commune.indicators) and set(commune.indicators) - asked == {"HOUSEHOLDS"}
    assert list(commune.levels) == ["commune", "villages"]


def test_the_province_totals_are_every_village_commune_and_hand_upload(store, tmp_path):
    chain = province_round(store)
    (a, a_name), (b, b_name), (hand, _) = COMMUNES
    commune_round(store, chain, a, a_name, 3)
    commune_round(store, chain, b, b_name, 2)
    hand_upload(store, chain, hand, tmp_path)
    sent = [forward_round(store, chain.commune_rounds[code], actor="office") for code in (a, b)]
    assert all(r.verdict.accepted and r.parent_round == chain.province_round for r in sent)
    assert sent[0].source == Msg.ROUND_154.render(round=chain.commune_rounds[a], committee=a_name, count="4/4")
    subs = {s.link_unit: s for s in store.submissions(chain.province_round)}
    assert (subs[a].channel, subs[a].sender, subs[a].source) == (Channel.FORWARD, Sender.UNIT, sent[0].source)
    assert subs[hand].channel == Channel.UPLOAD
    result, _ = rounds.consolidate_round(store, chain.province_round, tmp_path / "tinh")
    assert result.received == 4
    assert all_totals(result) == dict(chain.expected)


def test_forwarding_again_is_a_new_version_with_what_is_missing_said(store, tmp_path):
    chain = province_round(store)
    code, name = COMMUNES[0]
    commune = create_committee_round(
        store, code, level_form=COMMUNE_EXAMPLE.form_dir, period=PERIOD, deadline=None, units_path=area_list(code, name, 2)
    )
    entry.submit_typed(store, commune.id, code, typed(own_figures(COMMUNE_EXAMPLE.form_dir, "commune")), sender=Sender.UNIT)
    first = forward_round(store, commune.id, actor="office")
    missing = [p for p in first.problems if p.type == Msg.FORWARD_022.slug]
    assert {p.unit_code for p in missing} == {f"{code}001", f"{code}002"}
    assert (first.coverage.received, first.coverage.expected) == (1, 3)
    second = forward_round(store, commune.id, actor="office")
    assert second.verdict.submission_id != first.verdict.submission_id
    assert [s.id for s in store.submissions(chain.province_round) if s.link_unit == code][-2:] == [
        first.verdict.submission_id,
        second.verdict.submission_id,
    ]


def test_the_parent_board_shows_each_commune_round_s_progress(store):
    chain = province_round(store)
    (a, a_name), (b, b_name), _ = COMMUNES
    commune_round(store, chain, a, a_name, 3)
    create_committee_round(store, b, level_form=COMMUNE_EXAMPLE.form_dir, period=PERIOD, deadline=None, units_path=area_list(b, b_name, 12))
    progress = children_progress(store, chain.province_round)
    assert set(progress) == {a, b}
    assert progress[a].text == Msg.ROUND_155.render(level="khu dân cư", submitted=3, total=3)
    assert (progress[b].submitted, progress[b].total) == (0, 12)


def _refused(store, round_id, msg):
    with pytest.raises(PipelineError) as err:
        forward_round(store, round_id, actor="office")
    assert err.value.msg is msg
    return message_fields(msg, str(err.value))


def test_no_parent_round_a_round_of_another_period_or_not_a_unit_there_is_refused(store):
    code, name = COMMUNES[0]
    commune = create_committee_round(
        store, code, level_form=COMMUNE_EXAMPLE.form_dir, period=PERIOD, deadline=None, units_path=area_list(code, name, 1)
    )
    assert _refused(store, commune.id, Msg.ROUND_152)["period"] == period_label(PERIOD)
    create_committee_round(store, PROVINCE[0], level_form=PROVINCE_FORM, period="2024", deadline=None)
    fields = _refused(store, commune.id, Msg.ROUND_156)
    assert (fields["period"], fields["periods"]) == (period_label(PERIOD), period_label("2024"))
    store.add_committees([("03999", "Xã Mới", "commune", PROVINCE[0])])
    late = create_committee_round(
        store, "03999", level_form=COMMUNE_EXAMPLE.form_dir, period="2024", deadline=None, units_path=area_list("03999", "Xã Mới", 1)
    )
    assert _refused(store, late.id, Msg.ROUND_153)["code"] == "03999"  # the province's round was made before it
    own = rounds.create_round(store, period="2023", deadline=None)
    _refused(store, own.id, Msg.ROUND_150)
    top = create_committee_round(store, PROVINCE[0], level_form=PROVINCE_FORM, period=PERIOD, deadline=None)
    _refused(store, top.id, Msg.ROUND_151)
    assert store.submissions(top.id) == []


def test_a_committee_s_round_has_its_own_heading_and_the_province_s_units_from_the_tree(store):
    code, name = COMMUNES[0]
    rnd = create_committee_round(
        store, code, level_form=COMMUNE_EXAMPLE.form_dir, period=PERIOD, deadline=None, units_path=area_list(code, name, 2)
    )
    form = load_form(rnd.form_dir)
    heading = (form.committee, form.settings["parent"], form.settings["place"])
    assert heading == ("Ủy ban MTTQ Việt Nam phường Đoàn Kết", "Ủy ban MTTQ Việt Nam tỉnh Lai Châu", "Đoàn Kết")
    assert (rnd.form_id, rnd.committee_code) == (load_form(COMMUNE_EXAMPLE.form_dir).id, code)
    assert form.is_committee(name)  # its own return is signed by the committee, its areas' by theirs
    province = create_committee_round(store, PROVINCE[0], level_form=PROVINCE_FORM, period=PERIOD, deadline=None)
    assert [(u.code, u.level) for u in store.units(province.id)] == [(PROVINCE[0], "province")] + [(c, "communes") for c, _ in COMMUNES]


@pytest.mark.parametrize("first_row", ["", "03390,Xã Bình Lư,commune\r\n"])
def test_a_list_of_areas_that_does_not_start_with_the_commune_is_refused_when_the_round_is_made(store, first_row):
    """A commune office's list without its own row (or with a neighbour's, copied from its list)
    was taken, the areas sent their returns, and only "Gửi lên cấp trên" then refused, telling an
    office on the web to run a command "with --force". The round is refused when it is made."""
    code, name = COMMUNES[0]
    areas = "".join(f"{code}{i:03d},Bản số {i},villages\r\n" for i in (1, 2))
    listed = Given("khu_dan_cu.csv", ("\ufeffcode,name,level\r\n" + first_row + areas).encode("utf-8"))
    with pytest.raises(PipelineError) as refused:
        create_committee_round(store, code, level_form=COMMUNE_EXAMPLE.form_dir, period=PERIOD, deadline=None, units_path=listed)
    assert refused.value.msg is Msg.ROUND_160
    fields = refused.value.fields
    assert (fields["code"], fields["name"], fields["level"]) == (code, name, "commune")
    assert fields["first"].startswith(first_row.split(",")[0] or f"{code}001")
    assert store.rounds() == []


def test_a_commune_round_without_its_list_of_areas_is_refused_saying_what_list_to_choose(store):
    """The dashboard's list is "không bắt buộc" (a province's units are its communes on the
    server), but a commune has no committee under it: a commune office that forgot to choose its
    list got a round of one unit, itself, with no way to add its residential areas."""
    code, name = COMMUNES[0]
    with pytest.raises(PipelineError) as refused:
        create_committee_round(store, code, level_form=COMMUNE_EXAMPLE.form_dir, period=PERIOD, deadline=None)
    assert refused.value.msg is Msg.ROUND_161
    assert refused.value.fields == {"name": name, "code": code, "level": "commune", "sub": "villages"}
    assert store.rounds() == []
    assert create_committee_round(store, PROVINCE[0], level_form=PROVINCE_FORM, period=PERIOD, deadline=None).committee_code == PROVINCE[0]
