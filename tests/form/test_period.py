"""The reporting period: parsing what an officer types, its dates and Vietnamese name, the
form's reporting windows, and labels filled for the period."""

from __future__ import annotations

import re
from datetime import date, datetime, timezone

import pytest
from click.testing import CliRunner

from pipeline import api
from pipeline.cli import cli
from pipeline.core.constants import DATA_SHEET
from pipeline.core.errors import FormDefinitionError, Msg, PipelineError
from pipeline.form.definition import load_form
from pipeline.form.period import Period, Windows, deadline_notes, format_date, parse_deadline, period_label
from pipeline.ingest.readers import read_workbook
from pipeline.sample import fill_return, sample_values
from tests.conftest import message_fields, write_form
from tests.core.test_clock import freeze

INDICATORS = "A,I,Số đơn,đơn,count,0,,yes,city;communes\nB,I,Số người,người,count,0,,yes,city;communes"
RULES = "R1,B >= 0,error,all,skip_all,Số người không âm."


@pytest.mark.parametrize(
    ("text", "code", "label", "start", "end"),
    [
        ("2024", "2024", "năm 2024", date(2024, 1, 1), date(2024, 12, 31)),
        (2024, "2024", "năm 2024", date(2024, 1, 1), date(2024, 12, 31)),
        (" 2024-h1 ", "2024-H1", "6 tháng đầu năm 2024", date(2024, 1, 1), date(2024, 6, 30)),
        ("H2/2024", "2024-H2", "6 tháng cuối năm 2024", date(2024, 7, 1), date(2024, 12, 31)),
        ("2024-Q1", "2024-Q1", "quý I năm 2024", date(2024, 1, 1), date(2024, 3, 31)),
        ("2024 Q4", "2024-Q4", "quý IV năm 2024", date(2024, 10, 1), date(2024, 12, 31)),
        ("6 tháng đầu năm 2025", "2025-H1", "6 tháng đầu năm 2025", date(2025, 1, 1), date(2025, 6, 30)),
        ("2024-M9", "2024-M9", "9 tháng đầu năm 2024", date(2024, 1, 1), date(2024, 9, 30)),
        ("9 tháng năm 2024", "2024-M9", "9 tháng đầu năm 2024", date(2024, 1, 1), date(2024, 9, 30)),
        ("9 tháng đầu năm 2024", "2024-M9", "9 tháng đầu năm 2024", date(2024, 1, 1), date(2024, 9, 30)),
        ("m9/2024", "2024-M9", "9 tháng đầu năm 2024", date(2024, 1, 1), date(2024, 9, 30)),
    ],
)
def test_periods_an_officer_types(text, code, label, start, end):
    period = Period.parse(text)
    assert (period.code, period.label, period.start, period.end) == (code, label, start, end)
    assert Period.parse(period.code) == period  # the code written in metadata reads back


@pytest.mark.parametrize("text", ["abc", "", "20244", "2024-H3", "2024-Q5", "2024-M8", "2024-M6", "1800", "năm nay", "2024-", "9 tháng"])
def test_a_period_that_is_not_one_is_refused_in_vietnamese(text):
    with pytest.raises(PipelineError) as caught:
        Period.parse(text)
    assert str(caught.value) == Msg.PERIOD_001.render(value=text.strip())


def test_the_same_period_a_year_earlier():
    assert Period.parse("2024-H1").prior == Period.parse("2023-H1")
    assert Period.parse("2024").prior.label == "năm 2023"
    assert Period.parse("9 tháng năm 2024").prior.label == "9 tháng đầu năm 2023"


def test_no_period_is_the_current_year():
    assert Period.current(date(2026, 12, 1)) == Period(2026)


@pytest.mark.parametrize(
    ("text", "day"), [("15/11/2024", date(2024, 11, 15)), ("5/1/2025", date(2025, 1, 5)), ("2024-11-15", date(2024, 11, 15))]
)
def test_deadlines(text, day):
    assert parse_deadline(text) == day


@pytest.mark.parametrize("text", ["31/02/2024", "tomorrow", "15/13/2024", "ngày mai"])
def test_a_deadline_that_is_not_a_real_date_is_refused(text):
    with pytest.raises(PipelineError) as caught:
        parse_deadline(text)
    assert str(caught.value) == Msg.PERIOD_002.render(value=text)


def test_period_label_of_damaged_metadata():
    assert period_label("2023") == "năm 2023"
    assert period_label("x9") == "kỳ 'x9'"
    assert period_label("") == "không rõ kỳ"


# The form: labels name the period with placeholders ------------------------------------------


def test_labels_follow_the_period():
    form = load_form()
    y2024 = form.for_period("2024")
    assert y2024.indicators["PETITIONS_TOTAL"].label == "Đơn thư tiếp nhận (01/12/2023–30/09/2024)"
    assert y2024.indicators["POOR_FUND_TOTAL"].label.endswith("(đến 15/11/2024)")
    assert y2024.title_for() == "Báo cáo kết quả công tác Mặt trận năm 2024"
    h1 = form.for_period("2024-H1")
    assert h1.indicators["PETITIONS_TOTAL"].label == "Đơn thư tiếp nhận (01/12/2023–31/05/2024)"
    assert h1.title_for() == "Báo cáo kết quả công tác Mặt trận 6 tháng đầu năm 2024"
    m9 = form.for_period("2024-M9")  # petitions counted as for the year, up to the end of September
    assert m9.indicators["PETITIONS_TOTAL"].label == "Đơn thư tiếp nhận (01/12/2023–30/09/2024)"
    assert m9.indicators["POOR_FUND_TOTAL"].label.endswith("(đến 15/09/2024)")
    assert m9.title_for() == "Báo cáo kết quả công tác Mặt trận 9 tháng đầu năm 2024"
    # a kind of period the form gives no window for: the period itself
    assert form.for_period("2024-Q3").indicators["PETITIONS_TOTAL"].label == "Đơn thư tiếp nhận (01/07/2024–30/09/2024)"


def test_no_label_carries_a_date_or_a_figure_of_the_seed_report():
    form = load_form()
    for code in ("2024", "2025-H1", "2025-M9"):
        period = Period.parse(code)
        resolved = form.for_period(period)
        texts = [ind.label for ind in resolved.indicators.values()] + [resolved.title_for()]
        for text in texts:
            assert not re.search(r"15/11/2023|30/0?9/2023|01/12/2022|triệu|năm 2023", text), text
            for day, month, year in re.findall(r"(\d\d)/(\d\d)/(\d{4})", text):  # within the period, or its window's start
                found = date(int(year), int(month), int(day))
                assert date(period.year - 1, 12, 1) <= found <= period.end, text


def test_the_data_the_form_defines_does_not_change_with_the_period():
    form = load_form()
    other = form.for_period("2025-H2")
    assert other.fingerprint == form.fingerprint
    assert [(i.code, i.type, i.levels, i.bounds) for i in other.indicators.values()] == [
        (i.code, i.type, i.levels, i.bounds) for i in form.indicators.values()
    ]


def test_a_form_before_its_period_is_known_shows_no_placeholder():
    form = load_form()
    assert "{" not in form.indicators["PETITIONS_TOTAL"].label and "{" not in form.title_for()


def _write(folder, name, text):
    (folder / name).write_text(text, encoding="utf-8")


def _small_form(tmp_path, first_label="Số đơn", window="", windows=None):
    """The small form, its first indicator labelled ``first_label`` and counted over ``window``."""
    folder = write_form(tmp_path / "form", INDICATORS.replace("Số đơn", first_label, 1), RULES)
    header, first, *rest = (folder / "indicators.csv").read_text(encoding="utf-8").splitlines()
    _write(folder, "indicators.csv", "\n".join([header + ",parent,window", first + f",,{window}", *[r + ",," for r in rest]]) + "\n")
    if windows is not None:
        _write(folder, "windows.csv", windows)
    return folder


def test_window_defined_in_the_form(tmp_path):
    windows = "window,period,start,end\ndon,year,01/12/Y-1,30/09/Y\ndon,*,start,end\n"
    form = load_form(_small_form(tmp_path, "Số đơn ({window})", "don", windows))
    assert form.for_period("2025").indicators["A"].label == "Số đơn (01/12/2024–30/09/2025)"
    assert form.for_period("2025-H1").indicators["A"].label == "Số đơn (01/01/2025–30/06/2025)"
    assert form.for_period("2025").title_for() == "Biểu nhỏ năm 2025"  # a title written "năm {period}" still reads well


@pytest.mark.parametrize(
    ("windows", "where", "msg", "column"),
    [
        ("window,period,start,end\ndon,year,31/12/Y,01/01/Y\n", "windows.csv › dòng 2", Msg.FORM_016, None),
        ("window,period,start,end\ndon,year,hôm qua,30/09/Y\n", "windows.csv › dòng 2", Msg.FORM_007, "start"),
        ("window,period,start,end\ndon,nam,start,end\n", "windows.csv › dòng 2", Msg.FORM_007, "period"),
        ("window,period,start,end\nkhac,year,start,end\n", "indicators.csv › dòng 2", Msg.FORM_017, None),
    ],
)
def test_bad_windows_name_the_line(tmp_path, windows, where, msg, column):
    with pytest.raises(FormDefinitionError) as caught:
        load_form(_small_form(tmp_path, "Số đơn", "don", windows))
    fields = message_fields(msg, str(caught.value))
    assert fields is not None and fields["where"] == where
    if column:
        assert fields["column"] == column


def test_an_unknown_placeholder_in_a_label_is_refused(tmp_path):
    with pytest.raises(FormDefinitionError) as caught:
        load_form(_small_form(tmp_path, "Số đơn (đến {ngay_cuoi})"))
    fields = message_fields(Msg.FORM_018, str(caught.value))
    assert fields["where"] == "indicators.csv › dòng 2" and fields["name"] == "ngay_cuoi"


def test_nine_months_through_templates_check_and_consolidate(tmp_path, units):
    made = CliRunner().invoke(cli, ["templates", "--period", "9 tháng năm 2024", "--out", str(tmp_path / "bm")])
    assert made.exit_code == 0, made.output
    template = next((tmp_path / "bm").glob(f"{units[1].code}_*.xlsx"))
    texts = [v for s in read_workbook(template).sheets if s.name == DATA_SHEET for row in s.rows for v in row if isinstance(v, str)]
    assert any("9 THÁNG ĐẦU NĂM 2024" in t.upper() for t in texts)
    assert "Đơn thư tiếp nhận (01/12/2023–30/09/2024)" in texts
    (tmp_path / "tra_ve").mkdir()
    filled = fill_return(template, tmp_path / "tra_ve" / template.name, sample_values()[units[1].code])
    (verdict,) = api.check_files([filled], period="2024-M9")
    assert verdict.accepted and verdict.period == "2024-M9"
    result, _ = api.consolidate(tmp_path / "tra_ve", out=tmp_path / "out")
    assert result.period == "2024-M9" and result.form.title_for().endswith("9 tháng đầu năm 2024")


def test_a_form_without_windows_counts_to_the_period_end():
    """No windows.csv: the figures are counted to the period's own end (31/12 for a year)."""
    notes = deadline_notes(date(2024, 11, 15), Period.parse("2024"), date(2024, 6, 1), Windows())
    assert notes == [Msg.PERIOD_010.render(deadline="15/11/2024", period="năm 2024", end="31/12/2024")]
    assert deadline_notes(date(2025, 1, 15), Period.parse("2024"), date(2024, 6, 1), Windows()) == []


@pytest.mark.parametrize(
    ("period", "deadline", "before_end", "past"),
    [
        ("2024", "1/1/2020", True, True),
        ("2024", "15/09/2024", True, False),  # before the fund's cut-off 15/11
        ("2024", "15/11/2024", False, False),  # the usual round: due when the windows end, not 31/12
        ("2027", "15/11/2027", False, False),  # the README's example
        ("2024", "15/01/2025", False, False),
    ],
)
def test_templates_warn_about_a_deadline_before_the_period_ends_or_past(monkeypatch, tmp_path, period, deadline, before_end, past):
    """Before the end means before the last day the form's windows count figures to (the bundled
    form's annual windows end on 30/09 and, the fund's cut-off, 15/11), not the calendar's 31/12."""
    freeze(monkeypatch, datetime(2024, 6, 1, 3, 0, tzinfo=timezone.utc))
    args = ["templates", "--period", period, "--deadline", deadline, "--out", str(tmp_path / "bm")]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    chosen = Period.parse(period)
    windows = load_form().windows
    end = max(windows.resolve(window, chosen)[1] for window in windows.ids)
    assert end == date(chosen.year, 11, 15)  # windows.csv: cutoff,year,start,15/11/Y
    shown = format_date(parse_deadline(deadline))
    early = Msg.PERIOD_010.render(deadline=shown, period=f"năm {period}", end=format_date(end))
    late = Msg.PERIOD_011.render(deadline=shown, today="01/06/2024")
    lines = result.output.splitlines()
    assert (early in lines, late in lines) == (before_end, past)
    assert not [line for line in lines if line.startswith("Chú ý") and line not in (early, late)]
    assert len(list((tmp_path / "bm").glob("*.xlsx"))) == 8  # a warning: the templates are made
