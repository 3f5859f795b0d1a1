"""One "today", in Vietnam time, everywhere: on a UTC server at 23:30 it is already the next day
in Vietnam, and every date a user reads (the consolidation's day, the appendix's date, the note
on a forwarded return, the current period) says so."""

from __future__ import annotations

import json
from datetime import date, datetime, timezone

import pytest
from click.testing import CliRunner

from pipeline import api
from pipeline.cli import cli
from pipeline.core import vnformat
from pipeline.core.errors import Msg
from pipeline.form.period import Period, format_date
from pipeline.outputs.csvfiles import RUN_JSON


def freeze(monkeypatch, moment: datetime) -> None:
    """Stop the program's one clock at ``moment`` (aware)."""

    class Frozen(datetime):
        @classmethod
        def now(cls, tz=None):
            return moment.astimezone(tz) if tz else moment.replace(tzinfo=None)

    monkeypatch.setattr(vnformat, "datetime", Frozen)


LATE_EVENING_UTC = datetime(2024, 1, 6, 23, 30, tzinfo=timezone.utc)  # 07/01/2024 06:30 in Vietnam
VIETNAM_DAY = date(2024, 1, 7)


def test_today_is_vietnam_today_on_a_utc_machine(monkeypatch):
    freeze(monkeypatch, LATE_EVENING_UTC)
    assert vnformat.vietnam_today() == VIETNAM_DAY and vnformat.utc_now() == LATE_EVENING_UTC
    freeze(monkeypatch, datetime(2023, 12, 31, 17, 30, tzinfo=timezone.utc))  # New Year in Vietnam
    assert Period.current() == Period(2024)


@pytest.mark.slow
def test_consolidate_report_and_forward_say_the_same_day(monkeypatch, sample_dir, tmp_path):
    freeze(monkeypatch, LATE_EVENING_UTC)
    result, out = api.consolidate(sample_dir, period="2023", out=tmp_path / "output")
    assert result.consolidated_on == VIETNAM_DAY
    assert json.loads((out / RUN_JSON).read_text(encoding="utf-8"))["consolidated_on"] == VIETNAM_DAY.isoformat()
    printed = CliRunner().invoke(cli, ["report", str(out)])
    assert printed.exit_code == 0, printed.output
    assert Msg.CLI_017.render(day=format_date(VIETNAM_DAY)) in printed.output.splitlines()
    assert api.write_report(out, out=tmp_path / "pl.docx").date.day == VIETNAM_DAY


@pytest.mark.parametrize("utc_hour, day", [(16, 6), (17, 7), (23, 7)])
def test_the_day_turns_at_midnight_in_vietnam(monkeypatch, utc_hour, day):
    freeze(monkeypatch, datetime(2024, 1, 6, utc_hour, 30, tzinfo=timezone.utc))
    assert vnformat.vietnam_today() == date(2024, 1, day)
