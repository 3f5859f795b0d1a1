"""The round of collecting returns: the deadline (from the templates or ``--deadline``), each unit
on time, late by how many days (the later of the saved time and the file's time, in Vietnam
time) or missing; the notices to units with errors or warnings and the reminder list."""

from __future__ import annotations

import json
import os
import re
import zipfile
from datetime import date, datetime, timedelta, timezone

import pytest
from click.testing import CliRunner
from docx import Document

from pipeline import api
from pipeline.appendix.notice_files import NOTICES_DIR, NOTICES_DOCX, REMINDER_TXT, notice_filename
from pipeline.appendix.notices import NOTICE_TITLE
from pipeline.cli import cli
from pipeline.consolidate.combine import consolidate_folder
from pipeline.consolidate.timeliness import fix_deadline
from pipeline.core.constants import ReceivedFrom, Timeliness
from pipeline.core.errors import Msg
from pipeline.form.period import format_date
from pipeline.outputs.readback import read_consolidation
from pipeline.sample import fill_return, sample_values
from pipeline.templates.build import build_template, template_filename
from pipeline.validate.context import Context, Options
from tests.conftest import set_saved_time

QUYET_THANG, TAN_PHONG, QUYET_TIEN = (
    "03386_Phuong_Quyet_Thang.xlsx",
    "BC MTTQ Tân Phong năm 2023 (bản cuối).xlsx",
    "03388_Phuong_Quyet_Tien.xlsx",
)
DOAN_KET = "bao cao doan ket.xlsx"
DEADLINE = date(2023, 11, 15)


def _utc(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc).timestamp()


def _stamp(path, saved: str, received: str) -> None:
    """``saved``: the time written inside the file (UTC); ``received``: the file's own time (UTC)."""
    set_saved_time(path, saved)
    os.utime(path, (_utc(received), _utc(received)))


@pytest.fixture
def round_dir(returns_dir):
    """The sample, every return saved and received on 14 November 2023; Đoàn Kết sent nothing."""
    (returns_dir / DOAN_KET).unlink()
    for path in returns_dir.iterdir():
        _stamp(path, "2023-11-14T01:00:00Z", "2023-11-14T02:00:00")
    return returns_dir


def _row(result, code: str):
    return result.submissions.set_index("unit_code").loc[code]


def test_on_time_late_by_days_and_missing(round_dir, form, units):
    # Saved before the deadline, but the office got the file on 18 November, 10:00 in Vietnam.
    _stamp(round_dir / QUYET_THANG, "2023-11-10T08:00:00Z", "2023-11-18T03:00:00")
    # Saved at 23:00 on 15 November in Vietnam (16:00 UTC): on time; the file is older.
    _stamp(round_dir / TAN_PHONG, "2023-11-15T16:00:00Z", "2023-11-15T10:00:00")
    # Saved at 00:30 on 16 November in Vietnam, still 15 November in UTC: one day late.
    _stamp(round_dir / QUYET_TIEN, "2023-11-15T17:30:00Z", "2023-11-15T10:00:00")
    result = consolidate_folder(round_dir, Context.of(form, units, "2023", options=Options(deadline=DEADLINE)))
    assert result.deadline == DEADLINE
    late = _row(result, "03386")
    assert (late.timeliness, late.days_late, late.received_from) == (Timeliness.LATE, 3, ReceivedFrom.FILE)
    assert late.received_at == "2023-11-18T10:00:00+07:00" and late.deadline == "2023-11-15"
    assert late.saved_at == "2023-11-10 15:00"  # the saved time in Vietnam time too
    on_time = _row(result, "03387")
    assert (on_time.timeliness, on_time.days_late, on_time.received_from) == (Timeliness.ON_TIME, 0, ReceivedFrom.SAVED)
    assert on_time.received_at == "2023-11-15T23:00:00+07:00"
    one_day = _row(result, "03388")
    assert (one_day.timeliness, one_day.days_late, one_day.received_from) == (Timeliness.LATE, 1, ReceivedFrom.SAVED)
    missing = _row(result, "03389")
    assert (missing.timeliness, missing.days_late, missing.received_at) == (Timeliness.MISSING, "", "")
    assert Timeliness.LATE.describe(3) == "Nộp muộn 3 ngày"


def _with_deadline(folder, template_cache, form, unit_by_code, code: str, deadline: str, name: str):
    """The unit's sample return typed into a template whose metadata carries ``deadline``."""
    template = build_template(
        form, unit_by_code[code], folder.parent / f"tpl_{code}_{template_filename(unit_by_code[code])}", "2023", deadline
    )
    path = fill_return(template, folder / name, dict(sample_values()[code]))
    os.utime(path, (_utc("2023-11-19T01:00:00"), _utc("2023-11-19T01:00:00")))
    set_saved_time(path, "2023-11-19T01:00:00Z")
    os.utime(path, (_utc("2023-11-19T01:00:00"), _utc("2023-11-19T01:00:00")))
    return path


def test_deadline_from_the_templates_and_the_override(round_dir, template_cache, form, units, unit_by_code):
    assert consolidate_folder(round_dir, Context.of(form, units, "2023")).deadline is None  # the sample's templates carry none
    assert _row(consolidate_folder(round_dir, Context.of(form, units, "2023")), "03386").timeliness == Timeliness.NO_DEADLINE
    for code, name, deadline in (
        ("03386", QUYET_THANG, "20/11/2023"),
        ("03387", TAN_PHONG, "20/11/2023"),
        ("03388", QUYET_TIEN, "10/11/2023"),
    ):
        (round_dir / name).unlink()
        _with_deadline(round_dir, template_cache, form, unit_by_code, code, deadline, name)
    result = consolidate_folder(round_dir, Context.of(form, units, "2023"))
    assert result.deadline == date(2023, 11, 20)  # the one most returns carry
    assert (_row(result, "03386").timeliness, _row(result, "03388").timeliness) == (Timeliness.ON_TIME, Timeliness.ON_TIME)
    asked = consolidate_folder(round_dir, Context.of(form, units, "2023", options=Options(deadline=date(2023, 11, 17))))
    assert asked.deadline == date(2023, 11, 17)
    assert (_row(asked, "03386").timeliness, _row(asked, "03386").days_late) == (Timeliness.LATE, 2)


@pytest.mark.parametrize("bad", ["31/02/2024", "tomorrow"])
def test_a_bad_deadline_stops_with_exit_2(round_dir, tmp_path, bad):
    run = CliRunner().invoke(cli, ["consolidate", str(round_dir), "--out", str(tmp_path / "out"), "--deadline", bad])
    assert run.exit_code == 2
    assert run.output.strip() == f"Lỗi: {Msg.PERIOD_002.render(value=bad)}"
    assert not (tmp_path / "out").exists()


def test_fix_deadline_counts_from_the_later_of_today_and_the_deadline():
    assert fix_deadline(date(2023, 11, 15), 5, today=date(2023, 11, 20)) == date(2023, 11, 25)
    assert fix_deadline(date(2023, 11, 30), 5, today=date(2023, 11, 20)) == date(2023, 12, 5)
    assert fix_deadline(None, 3, today=date(2023, 11, 20)) == date(2023, 11, 23)


def _consolidate_with_an_error(round_dir, make_return, tmp_path):
    """Quyết Thắng types text in a count; the city's return has the sample's R04 warning; Đoàn Kết is missing."""
    (round_dir / QUYET_THANG).unlink()
    _stamp(
        make_return("03386", {"VOTER_MEETINGS": "nhiều"}, name=QUYET_THANG, folder=round_dir), "2023-11-14T01:00:00Z", "2023-11-14T02:00:00"
    )
    return api.consolidate(round_dir, period="2023", out=tmp_path / "out", deadline="15/11/2023", fix_days=4)


def _text(path) -> str:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw  # Notepad-friendly: BOM, CR LF
    return raw.decode("utf-8-sig").replace("\r\n", "\n")


def test_notices_only_for_units_with_errors_or_warnings(round_dir, make_return, tmp_path, unit_by_code):
    result, out = _consolidate_with_an_error(round_dir, make_return, tmp_path)
    folder = out / NOTICES_DIR
    acting = {
        p.unit_code for p in result.findings.problems if p.unit_code and p.severity in ("error", "warning") and p.type != "missing-unit"
    }
    assert acting == {"03386", "105"}
    expected = {notice_filename(unit_by_code[c]) for c in acting} | {REMINDER_TXT, NOTICES_DOCX}
    assert {p.name for p in folder.iterdir()} == expected
    (error,) = [p for p in result.findings.problems if p.unit_code == "03386" and p.code == "VOTER_MEETINGS"]
    text = _text(folder / notice_filename(unit_by_code["03386"]))
    assert NOTICE_TITLE in text and "Phường Quyết Thắng" in text and result.form.period.label in text
    assert f"Ô {error.cell} – {result.form.indicators['VOTER_MEETINGS'].display_label}" in text
    assert message_text(error) in text  # the finding's own words, which end with what to do
    assert result.fix_by == result.consolidated_on + timedelta(days=4)  # the deadline is past: 4 days from today
    assert f"chậm nhất ngày {format_date(result.fix_by)} (4 ngày sau ngày tổng hợp {format_date(result.consolidated_on)})" in text


def message_text(p) -> str:
    return p.message.split("] ", 1)[1]


def test_reminder_lists_the_missing_units_with_the_deadline(round_dir, make_return, tmp_path):
    (round_dir / "San Thàng - báo cáo MTTQ 2023.xlsx").unlink()
    result, out = _consolidate_with_an_error(round_dir, make_return, tmp_path)
    text = _text(out / NOTICES_DIR / REMINDER_TXT)
    assert re.findall(r"^\d+\. (.+) \(mã (\d+)\)$", text, re.M) == [("Phường Đoàn Kết", "03389"), ("Xã San Thàng", "03409")]
    assert "hạn nộp 15/11/2023" in text and f"chậm nhất ngày {format_date(result.fix_by)}" in text


def test_notices_document_has_a_page_per_notice_then_the_reminder(round_dir, make_return, tmp_path):
    _, out = _consolidate_with_an_error(round_dir, make_return, tmp_path)
    path = out / NOTICES_DIR / NOTICES_DOCX
    xml = zipfile.ZipFile(path).read("word/document.xml").decode()
    assert xml.count('w:type="page"') == 2  # three pages: two notices, the reminder list
    body = "\n".join(p.text for p in Document(str(path)).paragraphs)
    assert body.count(NOTICE_TITLE) == 2 and body.count("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") == 0  # the motto is in the header tables
    tables = Document(str(path)).tables
    assert sum("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in t.cell(0, 1).text for t in tables) == 3
    flat = "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml))  # paragraphs and tables, in page order
    assert flat.index("Thành phố Lai Châu (mã 105)") < flat.index("Phường Quyết Thắng (mã 03386)") < flat.index("Phường Đoàn Kết")


def test_deadline_in_run_json_and_read_back(round_dir, make_return, tmp_path):
    result, out = _consolidate_with_an_error(round_dir, make_return, tmp_path)
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert (run["deadline"], run["fix_by"]) == ("2023-11-15", result.fix_by.isoformat())
    again = read_consolidation(out)
    assert (again.deadline, again.fix_by, again.consolidated_on) == (result.deadline, result.fix_by, result.consolidated_on)
    assert _row(again, "03386").timeliness == "on_time" and _row(again, "03389").timeliness == "missing"


def test_notices_of_an_earlier_run_do_not_stay(round_dir, make_return, tmp_path, unit_by_code):
    _, out = _consolidate_with_an_error(round_dir, make_return, tmp_path)
    (round_dir / QUYET_THANG).unlink()
    make_return("03386", name=QUYET_THANG, folder=round_dir)  # corrected
    api.consolidate(round_dir, period="2023", out=out, deadline="15/11/2023")
    names = {p.name for p in (out / NOTICES_DIR).iterdir()}
    assert notice_filename(unit_by_code["03386"]) not in names and notice_filename(unit_by_code["105"]) in names
    assert not list(out.glob(".tonghop-staging-*"))  # nothing of the swap left behind


def test_many_findings_of_one_kind_are_one_line_of_the_notice(round_dir, make_return, tmp_path, unit_by_code, form):
    """A return left mostly blank: the missing cells are one item naming each cell and indicator,
    so the text stays short enough for Zalo; the counts still count every finding."""
    (round_dir / QUYET_THANG).unlink()
    blanks = [ind.code for ind in form.indicators_for("communes") if ind.required][:8]
    make_return("03386", dict.fromkeys(blanks), name=QUYET_THANG, folder=round_dir)
    result, out = api.consolidate(round_dir, period="2023", out=tmp_path / "out")
    missing = [p for p in result.findings.problems if p.unit_code == "03386" and p.type == Msg.VALUE_001.slug]
    assert len(missing) == 8
    text = _text(out / NOTICES_DIR / notice_filename(unit_by_code["03386"]))
    (line,) = [line for line in text.splitlines() if f"ở {len(missing)} ô: " in line]
    for p in missing:
        assert f"{p.cell} “{result.form.indicators[p.code].display_label}”" in line
    assert line.endswith(message_text(missing[0]).rsplit(". ", 1)[-1])  # what to do, once
    assert f"có {sum(1 for p in result.findings.problems if p.unit_code == '03386' and p.severity == 'error')} lỗi" in text
