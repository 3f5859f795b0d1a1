"""Every year, not just 2023: the round of one year feeds the next, end to end, as a city office
runs it. 2023 templates → 2023 returns → 2023 consolidation → 2024 templates with the 2023
figures (from totals.csv, values.csv and the output folder) → 2024 returns, some late, one with
an error, one never sent → 2024 consolidation compared with 2023."""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

import docx
import openpyxl
import pytest

from pipeline import api
from pipeline.core import constants as C
from pipeline.core.errors import Msg
from pipeline.form.definition import load_form
from pipeline.sample import fill_return, sample_values
from tests.conftest import message_fields, set_saved_time

pytestmark = pytest.mark.slow  # minutes under hypothesis or end to end: make test-fast leaves it out

VIETNAM = timezone(timedelta(hours=7))
# Dates and figures of the seed report (2023) that a 2024 label must never carry.
SEED_TEXT = re.compile(r"15/11/2023|30/0?9/2023|01/12/2022|gần 600 triệu|năm 2023")
LATE_UNIT, LATE_DAYS = "03388", 4  # sent 4 days after the deadline
SAVED_EARLY_SENT_LATE = "03389"  # saved before the deadline, but the office got it 2 days after
ERROR_UNIT = "03403"  # its petitions do not add up (R11): an error to fix
MISSING_UNIT = "03409"  # never sent


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _stamp(path: Path, saved: datetime, received: datetime) -> None:
    """``path`` saved inside at ``saved`` and received by the office (file time) at ``received``."""
    set_saved_time(path, saved.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))
    os.utime(path, (received.timestamp(), received.timestamp()))


def _fill(templates: list[Path], folder: Path, typed_for, when) -> list[Path]:
    """Each unit's template filled (``typed_for(code)``: code -> value, None: not sent) and saved
    at ``when(code)``: (saved, received)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for template in templates:
        code = template.name.split("_", 1)[0]
        typed = typed_for(code)
        if typed is None:
            continue
        path = fill_return(template, folder / f"BC {code} nam nay.xlsx", typed)
        _stamp(path, *when(code))
        written.append(path)
    return written


def _labels(path: Path, sheet: str) -> list[str]:
    """Every text of a sheet, as a reader sees it."""
    ws = openpyxl.load_workbook(path, read_only=True)[sheet]
    return [str(v) for row in ws.iter_rows(values_only=True) for v in row if isinstance(v, str)]


def _prior_column(path: Path) -> dict[str, object]:
    """A template's prior column: indicator code -> the figure printed there."""
    ws = openpyxl.load_workbook(path)[C.DATA_SHEET]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    header = next(i for i, row in enumerate(rows) if C.HEADER_CODE in row and C.HEADER_VALUE in row)
    code_col, prior_col = rows[header].index(C.HEADER_CODE), rows[header].index(C.HEADER_VALUE) + 1
    return {row[code_col]: row[prior_col] for row in rows[header + 1 :] if row[code_col]}


@pytest.fixture(scope="module")
def rounds(tmp_path_factory):
    """Both rounds, run once: the folders of every step."""
    root = tmp_path_factory.mktemp("every_year")
    values = sample_values()
    tied = {code for rule in load_form().rules for code in rule.codes}
    t2023 = api.make_templates(period="2023", deadline="15/11/2023", out=root / "templates_2023").paths
    on_time_2023 = (datetime(2023, 11, 10, 9, tzinfo=VIETNAM),) * 2
    _fill(t2023, root / "returns_2023", lambda code: values[code], lambda code: on_time_2023)
    result_2023, out_2023 = api.consolidate(root / "returns_2023", out=root / "output" / "2023")

    runs = {
        source: api.make_templates(
            period="2024", deadline="15/11/2024", prior_path=prior, out=root / f"templates_2024_{source}"
        )  # fmt: skip
        for source, prior in (("totals", out_2023 / "totals.csv"), ("values", out_2023 / "values.csv"), ("folder", out_2023))
    }

    def typed_2024(code):
        if code == MISSING_UNIT:
            return None
        # a year on: the figures no rule ties grow by one, the others stay as they were...
        typed = {k: (int(v) + 1 if v.isdigit() and k not in tied else v) for k, v in values[code].items()}
        if code == ERROR_UNIT:  # ...and one return's petitions no longer add up
            typed["PETITIONS_TOTAL"] = int(typed["PETITIONS_TOTAL"]) + 5
        return typed

    deadline = datetime(2024, 11, 15, 17, tzinfo=VIETNAM)

    def when_2024(code):
        if code == LATE_UNIT:
            late = deadline + timedelta(days=LATE_DAYS)
            return late, late
        if code == SAVED_EARLY_SENT_LATE:
            return deadline - timedelta(days=3), deadline + timedelta(days=2)
        return deadline - timedelta(days=1), deadline - timedelta(hours=20)

    _fill(runs["folder"].paths, root / "returns_2024", typed_2024, when_2024)
    result_2024, out_2024 = api.consolidate(root / "returns_2024", out=root / "output" / "2024", prior_path=out_2023)
    return {
        "out_2023": out_2023, "result_2023": result_2023, "runs": runs,
        "result_2024": result_2024, "out_2024": out_2024, "typed_2024": typed_2024,
    }  # fmt: skip


def test_no_2023_date_in_any_2024_label(rounds):
    template = next(p for p in rounds["runs"]["folder"].paths if p.name.startswith(ERROR_UNIT))
    workbook = rounds["out_2024"] / C.WORKBOOK_XLSX
    texts = _labels(template, C.DATA_SHEET) + _labels(template, C.GUIDE_SHEET) + _labels(workbook, "Tổng hợp")
    texts = [t for t in texts if t != "Năm 2023"]  # the prior column's header names the prior year, rightly
    assert not [t for t in texts if SEED_TEXT.search(t)]
    assert "Đơn thư tiếp nhận (01/12/2023–30/09/2024)" in texts  # the window of 2024, printed in the label
    assert any(t.endswith("(đến 15/11/2024)") for t in texts)
    appendix = docx.Document(api.make_report(rounds["out_2024"]))
    body = [p.text for p in appendix.paragraphs] + [c.text for t in appendix.tables for r in t.rows for c in r.cells]
    assert not [t for t in body if re.search(r"15/11/2023|30/0?9/2023|01/12/2022", t)]
    assert "Báo cáo kết quả công tác Mặt trận năm 2024".upper() in [t.upper() for t in body]


def test_prior_figures_in_the_2024_templates(rounds):
    totals = {(r["code"], r["level"]): float(r["value"]) for r in _rows(rounds["out_2023"] / "totals.csv") if r["value"]}
    by_unit = {}
    for r in _rows(rounds["out_2023"] / "values.csv"):
        if r["value"]:
            by_unit.setdefault(r["unit_code"], {})[r["code"]] = float(r["value"])
    runs = rounds["runs"]
    # From totals.csv: the city committee (alone on its level) gets its own figures, the communes none, said in one line.
    city = _prior_column(next(p for p in runs["totals"].paths if p.name.startswith("105_")))
    assert {k: v for k, v in city.items() if v is not None} == {c: v for (c, lvl), v in totals.items() if lvl == "city"}
    ward = _prior_column(next(p for p in runs["totals"].paths if p.name.startswith(ERROR_UNIT)))
    assert not [v for v in ward.values() if v is not None]
    assert message_fields(Msg.PRIOR_009, runs["totals"].notes[0]) is not None
    # From values.csv and from the output folder: every unit's own figures, no note.
    for source in ("values", "folder"):
        assert runs[source].notes == []
        for path in runs[source].paths:
            code = path.name.split("_", 1)[0]
            shown = {k: float(v) for k, v in _prior_column(path).items() if v is not None}
            assert shown == by_unit[code], (source, code)


def test_late_units_flagged_with_days(rounds):
    rows = {r["unit_code"]: r for r in _rows(rounds["out_2024"] / "submissions.csv")}
    assert (rows[LATE_UNIT]["timeliness"], rows[LATE_UNIT]["days_late"]) == ("late", str(LATE_DAYS))
    # saved inside before the deadline, received two days after: the later time counts, and says which
    assert (rows[SAVED_EARLY_SENT_LATE]["timeliness"], rows[SAVED_EARLY_SENT_LATE]["days_late"]) == ("late", "2")
    assert rows[SAVED_EARLY_SENT_LATE]["received_from"] == "file" and rows[LATE_UNIT]["received_from"] in ("saved", "file")
    assert rows[MISSING_UNIT]["timeliness"] == "missing"
    on_time = [code for code, r in rows.items() if r["timeliness"] == "on_time"]
    assert sorted(on_time) == sorted(set(rows) - {LATE_UNIT, SAVED_EARLY_SENT_LATE, MISSING_UNIT})
    assert {r["deadline"] for r in rows.values()} == {"2024-11-15"}  # from the templates' metadata
    status = _labels(rounds["out_2024"] / C.WORKBOOK_XLSX, "Tình trạng nộp")
    assert f"Nộp muộn {LATE_DAYS} ngày" in status and "Chưa nộp" in " ".join(status)


def test_notices_for_units_to_fix_and_a_reminder_for_the_missing(rounds):
    folder = rounds["out_2024"] / "thong_bao"
    notices = {p.name.split("_", 1)[0]: p for p in folder.glob("*.txt") if p.name != "nhac_nop.txt"}
    assert ERROR_UNIT in notices
    text = notices[ERROR_UNIT].read_text(encoding="utf-8-sig")
    form = rounds["result_2024"].form
    unit = next(u for u in rounds["result_2024"].units if u.code == ERROR_UNIT)
    assert unit.name in text and "năm 2024" in text
    r11 = next(p for p in rounds["result_2024"].findings.problems if p.unit_code == ERROR_UNIT and p.rule == "R11")
    assert f"Ô {r11.cell} – {form.indicators[r11.code].display_label}" in text  # the cell and the indicator's name
    assert "(01/12/2023–30/09/2024)" in text and "15/11/2023" not in text
    # the city's own return carries the seed's R04 gap (a warning to explain): it gets one too; no one else
    assert set(notices) == {ERROR_UNIT, "105"}
    reminder = (folder / "nhac_nop.txt").read_text(encoding="utf-8-sig")
    missing = next(u for u in rounds["result_2024"].units if u.code == MISSING_UNIT)
    assert missing.name in reminder and "15/11/2024" in reminder
    assert all(u.name not in reminder for u in rounds["result_2024"].units if u.code != MISSING_UNIT)
    assert (folder / "phieu_de_nghi.docx").is_file()


def test_2024_totals_compared_with_2023(rounds):
    before = {(r["code"], r["level"]): r["value"] for r in _rows(rounds["out_2023"] / "totals.csv")}
    rows = _rows(rounds["out_2024"] / "comparison.csv")
    assert rows
    for row in rows:
        assert row["prior"] == before.get((row["code"], row["level"]), ""), row
    result = rounds["result_2024"]
    assert result.prior.period == "2023" and result.period == "2024"
    assert not [p for p in result.findings.problems if p.type == Msg.PRIOR_008.slug]  # 2023 is 2024's prior year


@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftotext") is None, reason="LibreOffice and poppler needed")
def test_figures_of_the_appendix_tables_are_never_broken_across_lines(rounds, tmp_path):
    """Printed, each figure of a data table stays on one line ("855.796.456", never "855.796.45"
    over "6"), with the comparison columns too: a smaller size is used when they do not fit."""
    path = api.make_report(rounds["out_2024"], out=tmp_path / "phu_luc.docx")
    profile = (tmp_path / "profile").as_uri()
    convert = ["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)]
    subprocess.run(convert, check=True, timeout=180, capture_output=True)
    printed = subprocess.run(["pdftotext", str(tmp_path / "phu_luc.pdf"), "-"], capture_output=True, text=True, check=True).stdout
    tables = docx.Document(str(path)).tables[1:]
    figures = {c.text for t in tables for r in t.rows[1:] for c in r.cells[2:] if len(c.text) >= 9 and c.text[-1].isdigit()}
    assert len(figures) > 10  # the money figures of both years and their changes
    assert sorted(f for f in figures if f not in printed.split()) == []
