"""The web form's library (``rounds.entry``): what the form of each level shows, how typed texts
read, the checks of typed figures (the same as of an upload, placed beside their fields), drafts,
and a typed return stored, checked and consolidated like an uploaded one."""

from __future__ import annotations

import shutil
import threading

import pandas as pd
import pytest

from pipeline import api, rounds
from pipeline.core.constants import LEVEL_ALL, Channel, Sender
from pipeline.core.errors import Msg, PipelineError
from pipeline.form.definition import load_form
from pipeline.rounds import entry
from pipeline.rounds.board import unit_status
from pipeline.rounds.figures import figures_of
from pipeline.sample import sample_values
from tests.conftest import message_fields, write_form

CITY, QUYET_THANG, TAN_PHONG = "105", "03386", "03387"


@pytest.fixture
def round_id(store):
    return rounds.create_round(store, period="2023", deadline=None).id


def _codes(form: entry.EntryForm) -> list[str]:
    return [f.code for s in form.sections for f in s.fields]


def _kept(store, round_id, verdict, tmp_path):
    """The workbook a submission kept, copied out as a file named as it was stored."""
    sub = next(s for s in store.submissions(round_id) if s.id == verdict.submission_id)
    path = tmp_path / sub.filename
    path.write_bytes(store.blob(sub.sha256))
    return path


def test_each_level_gets_its_own_indicators_in_the_forms_order(store, round_id):
    form = load_form()
    city = entry.entry_form(store, round_id, CITY, Sender.UNIT)
    ward = entry.entry_form(store, round_id, QUYET_THANG, Sender.UNIT)
    assert _codes(city) == [i.code for i in form.indicators_for("city")]
    assert _codes(ward) == [i.code for i in form.indicators_for("communes")]
    assert set(_codes(city)) - set(_codes(ward))  # the city's own work is not asked of a ward
    parts = [f for s in ward.sections for f in s.fields if form.indicators[f.code].parent]
    assert parts and all(f.depth == 1 for f in parts)
    assert all(f.unit == form.indicators[f.code].unit for s in ward.sections for f in s.fields)
    assert [s.title for s in ward.sections] == [form.sections[s.id].title for s in ward.sections]


def test_a_unit_outside_the_round_has_no_form(store, round_id):
    with pytest.raises(PipelineError) as err:
        entry.entry_form(store, round_id, "99999", Sender.UNIT)
    assert message_fields(Msg.ROUND_102, str(err.value))["code"] == "99999"


@pytest.mark.parametrize(
    ("code", "typed", "value", "shown"),
    [
        ("POOR_FUND_TOTAL", "1.200.000", 1_200_000, "1.200.000 đồng"),
        ("POOR_FUND_TOTAL", "24 000 000", 24_000_000, "24.000.000 đồng"),
        ("POOR_FUND_TOTAL", "30 triệu", 30_000_000, "30.000.000 đồng"),
        ("MEDIATORS", "1\u00a0200", 1200, "1.200 người"),
    ],
)
def test_texts_officers_type_read_as_a_returns_cell_reads(store, round_id, code, typed, value, shown):
    unit = load_form().indicators[code].unit
    check = entry.check_typed(store, round_id, QUYET_THANG, {code: typed})
    reading = check.readings[code]
    assert (reading.value, reading.ok) == (value, True)
    assert reading.shown == shown.replace(shown.split(" ", 1)[1], unit)
    assert not [f for f in check.findings if f["codes"] == [code]]  # nothing about the cell itself


def test_an_ambiguous_text_is_an_error_beside_its_field(store, round_id):
    check = entry.check_typed(store, round_id, QUYET_THANG, {"POOR_FUND_TOTAL": "12 500.000"})
    assert check.readings["POOR_FUND_TOTAL"].ok is False
    (found,) = [f for f in check.findings if f["codes"] == ["POOR_FUND_TOTAL"]]
    assert (found["severity"], found["rule"]) == ("error", "ambiguous-value")
    assert "12 500.000" in found["plain"]


def test_the_checks_are_those_of_an_uploaded_return(store, round_id, make_return, tmp_path):
    """Typed figures and the same figures typed into the template give the same findings."""
    typed = dict(sample_values()[QUYET_THANG])
    typed.update({"POOR_FUND_TOTAL": "5", "MEDIATORS": "-3", "POOR_FUND_CENTRAL": ""})
    check = entry.check_typed(store, round_id, QUYET_THANG, typed)
    uploaded = rounds.submit(store, round_id, make_return(QUYET_THANG, typed).read_bytes(), "x.xlsx", link_unit=QUYET_THANG)
    key = ("severity", "rule", "cell", "plain")
    assert sorted(tuple(f[k] for k in key) for f in check.findings) == sorted(tuple(f[k] for k in key) for f in uploaded.findings)
    assert (check.errors, check.warnings) == (uploaded.errors, uploaded.warnings)
    rule_findings = [f for f in check.findings if f["rule"].startswith("R")]
    assert rule_findings and all(len(f["codes"]) >= 2 for f in rule_findings)  # beside each field of the rule
    assert any("POOR_FUND_TOTAL" in f["codes"] for f in rule_findings)


def test_a_draft_is_kept_but_not_a_submission(store, round_id):
    check = entry.save_draft(store, round_id, QUYET_THANG, {"MEDIATORS": "65"}, sender=Sender.UNIT)
    assert check.saved_at is not None
    assert store.submissions(round_id) == []
    assert unit_status(store, round_id, QUYET_THANG).in_use is None
    form = entry.entry_form(store, round_id, QUYET_THANG, Sender.UNIT)
    assert next(f for s in form.sections for f in s.fields if f.code == "MEDIATORS").start == "65"
    assert entry.entry_form(store, round_id, QUYET_THANG, Sender.OFFICE).draft is None  # the office's own draft is apart


def test_a_sent_return_is_stored_as_an_upload_and_passes_check(store, round_id, tmp_path):
    typed = sample_values()[TAN_PHONG]
    entry.save_draft(store, round_id, TAN_PHONG, typed, sender=Sender.UNIT)
    verdict = entry.submit_typed(store, round_id, TAN_PHONG, typed, sender=Sender.UNIT)
    assert (verdict.accepted, verdict.unit_code, verdict.link_unit) == (True, TAN_PHONG, TAN_PHONG)
    sub = store.submissions(round_id)[-1]
    assert (sub.channel, sub.sender, sub.source) == (Channel.FORM, Sender.UNIT, "")
    assert store.draft(round_id, TAN_PHONG, Sender.UNIT) is None
    (check,) = api.check_files([_kept(store, round_id, verdict, tmp_path)], period="2023")
    assert check.unit_code == TAN_PHONG
    assert check.values == figures_of(store, round_id, [sub.id])[sub.id]
    form = entry.entry_form(store, round_id, TAN_PHONG, Sender.UNIT)
    assert form.in_use == sub.id
    mediators = next(f for s in form.sections for f in s.fields if f.code == "MEDIATORS")
    assert mediators.current == check.values["MEDIATORS"]  # a correction starts from what was sent


def test_a_correction_keeps_every_decimal_of_the_figures_sent(store, tmp_path):
    """A ward sent an area of 0,125 ha and a rate of 12,345 %; reopening the form to correct
    another figure starts from those figures exactly (not 0,12 and 12,35), shown as counted."""
    folder = write_form(
        tmp_path / "form",
        "AREA,I,Diện tích rừng trồng mới,ha,decimal,,,yes,city;communes\n"
        "RATE,I,Tỷ lệ hộ được hỗ trợ,%,decimal,,100,yes,city;communes\nHOUSES,I,Nhà được xây,nhà,count,,,yes,city;communes",
        "R1,AREA >= 0,error,all,skip_all,Diện tích không âm",
    )
    round_id = rounds.create_round(store, form_path=folder, period="2023", deadline=None).id
    sent = entry.submit_typed(store, round_id, QUYET_THANG, {"AREA": "0,125", "RATE": "12,345", "HOUSES": "3"}, sender=Sender.UNIT)
    first = figures_of(store, round_id, [sent.submission_id])[sent.submission_id]
    assert (first["AREA"], first["RATE"]) == (0.125, 12.345)
    form = entry.entry_form(store, round_id, QUYET_THANG, Sender.UNIT)
    starts = {f.code: f.start for s in form.sections for f in s.fields}
    check = entry.check_typed(store, round_id, QUYET_THANG, starts)
    assert {code: r.value for code, r in check.readings.items()} == first  # the page starts from what was sent
    assert check.readings["AREA"].shown.split(" ")[0] == starts["AREA"]  # shown as it is counted, every decimal
    again = entry.submit_typed(store, round_id, QUYET_THANG, dict(starts, HOUSES="4"), sender=Sender.UNIT)
    assert figures_of(store, round_id, [again.submission_id])[again.submission_id] == dict(first, HOUSES=4)


def test_a_double_tap_without_the_script_is_one_submission(store, round_id):
    """A phone without JavaScript (the button is not disabled while sending): a double tap on
    "Gửi báo cáo" posts the same figures twice at once, on two of the server's threads."""
    typed = sample_values()[TAN_PHONG]
    for attempt in range(3):
        figures = dict(typed, MEDIATORS=str(60 + attempt))
        start = threading.Barrier(2)
        verdicts = []

        def tap(figures=figures, start=start, verdicts=verdicts):
            start.wait()
            verdicts.append(entry.submit_typed(store, round_id, TAN_PHONG, figures, sender=Sender.UNIT))

        taps = [threading.Thread(target=tap) for _ in range(2)]
        for t in taps:
            t.start()
        for t in taps:
            t.join()
        assert len({v.submission_id for v in verdicts}) == 1
    assert len(store.submissions(round_id)) == 3


def test_the_office_types_for_a_unit_with_its_source(store, round_id):
    typed = sample_values()[QUYET_THANG]
    with pytest.raises(PipelineError) as err:
        entry.submit_typed(store, round_id, QUYET_THANG, typed, sender=Sender.OFFICE)
    assert str(err.value) == Msg.ROUND_141.render()
    verdict = entry.submit_typed(store, round_id, QUYET_THANG, typed, sender=Sender.OFFICE, source="theo điện thoại 9/11")
    sub = store.submissions(round_id)[-1]
    assert (verdict.accepted, sub.sender, sub.link_unit, sub.unit_code) == (True, Sender.OFFICE, None, QUYET_THANG)
    assert (sub.channel, sub.source) == (Channel.FORM, "theo điện thoại 9/11")
    assert unit_status(store, round_id, QUYET_THANG).in_use == sub.id


def test_figures_not_of_the_units_form_are_refused(store, round_id):
    ward_codes = {i.code for i in load_form().indicators_for("communes")}
    city_only = next(c for c in _codes(entry.entry_form(store, round_id, CITY, Sender.UNIT)) if c not in ward_codes)
    with pytest.raises(PipelineError) as err:
        entry.check_typed(store, round_id, QUYET_THANG, {city_only: "3"})
    assert message_fields(Msg.ROUND_142, str(err.value))["code"] == city_only
    with pytest.raises(PipelineError) as err:
        entry.save_draft(store, round_id, QUYET_THANG, {"MEDIATORS": "1" * 500}, sender=Sender.UNIT)
    assert message_fields(Msg.ROUND_143, str(err.value))["length"] == "500"
    assert store.draft(round_id, QUYET_THANG, Sender.UNIT) is None


def test_last_periods_figure_comes_from_the_round_of_the_year_before(store, tmp_path):
    before = rounds.create_round(store, period="2022", deadline=None).id
    typed = dict(sample_values()[QUYET_THANG], MEDIATORS="61")
    entry.submit_typed(store, before, QUYET_THANG, typed, sender=Sender.UNIT)
    now = rounds.create_round(store, period="2023", deadline=None).id
    form = entry.entry_form(store, now, QUYET_THANG, Sender.UNIT)
    assert form.prior_label == "năm 2022"
    assert next(f for s in form.sections for f in s.fields if f.code == "MEDIATORS").prior == 61
    assert entry.entry_form(store, before, QUYET_THANG, Sender.UNIT).prior_label == ""


def test_a_round_of_typed_and_uploaded_returns_consolidates_to_the_sum(store, round_id, sample_dir, tmp_path):
    """Half the units type their figures, the others upload: the totals are those of the sample."""
    values = sample_values()
    typed_units = sorted(values)[::2]
    for code in typed_units:
        entry.submit_typed(store, round_id, code, values[code], sender=Sender.UNIT)
    uploads = [p for p in sorted(sample_dir.iterdir()) if api.check_files([p], period="2023")[0].unit_code not in typed_units]
    rounds.add_paths(store, round_id, uploads)
    result, _ = rounds.consolidate_round(store, round_id, tmp_path / "round")
    direct, _ = api.consolidate(shutil.copytree(sample_dir, tmp_path / "copy"), period="2023", out=tmp_path / "direct")
    assert result.received == direct.received == len(values)

    def totals(res) -> pd.Series:
        rows = res.totals[res.totals["level"] == LEVEL_ALL]
        return rows.set_index("code")["value"]

    pd.testing.assert_series_equal(totals(result), totals(direct))
