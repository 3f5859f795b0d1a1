"""End to end: templates -> returns filled the way officers fill them -> consolidate."""

from __future__ import annotations

import csv
import gc
import json
import os
import shutil
from dataclasses import replace

import openpyxl
import pytest

from pipeline.consolidate.collect import read_returns
from pipeline.consolidate.combine import consolidate_folder, consolidate_returns
from pipeline.core.errors import Msg
from pipeline.core.vnformat import format_number
from pipeline.form.units import load_units
from pipeline.validate.context import Context
from tests.conftest import SEED_DIR, message_fields, set_saved_time


@pytest.fixture(scope="module")
def sample_result(sample_dir, form, units):
    return consolidate_folder(sample_dir, Context.of(form, units))


def _figures():
    with (SEED_DIR / "figures.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_sample_reproduces_every_published_figure(sample_result):
    for row in _figures():
        got = sample_result.total(row["code"], row["level"])
        value = int(row["value"])
        if row["qualifier"] == "exact":
            assert got == value, (row["code"], row["level"])
        elif row["qualifier"] == "over":
            assert value < got <= value * 1.1, (row["code"], got)
        else:  # approx, "gần": close below
            assert value * 0.95 <= got <= value, (row["code"], got)


def test_sample_has_no_error_and_finds_the_r04_gap(sample_result):
    report = sample_result.findings
    assert report.count("error") == 0, [p.message for p in report.problems if p.severity == "error"]
    warnings = [p for p in report.problems if p.severity == "warning"]
    assert {p.rule for p in warnings} == {"R04"}
    overall = [p for p in warnings if p.level == "all"]
    assert len(overall) == 1 and "118.491.896" in overall[0].message
    rel = sample_result.relations
    row = rel[(rel.rule == "R04") & (rel.level == "all")].iloc[0]
    assert (row.lhs, row.rhs, row.difference, row.status) == (744304560, 862796456, -118491896, "failed")
    assert sample_result.received == 8


def test_interpretations_are_info_findings_with_cells(sample_result):
    infos = [p for p in sample_result.findings.problems if p.type == "interpreted-value"]
    assert infos and all(p.severity == "info" and p.cell and p.sheet and p.unit_code for p in infos)
    renamed = [p for p in infos if p.file == "BC MTTQ Tân Phong năm 2023 (bản cuối).xlsx"]
    assert renamed and renamed[0].unit_code == "03387" and "72.000.000" in renamed[0].message


def test_every_value_traced_to_its_cell(sample_result, sample_dir):
    values = sample_result.values
    assert len(values) == 68 + 7 * 47
    row = values[(values.unit_code == "03388") & (values.code == "POOR_FUND_TOTAL")].iloc[0]
    book = openpyxl.load_workbook(sample_dir / row.file)
    assert book[row.sheet][row.cell].value == "10.841.560"
    assert row.value == 10841560


def test_rows_inserted_and_sheet_renamed_still_found(returns_dir, form, units):
    path = returns_dir / "03386_Phuong_Quyet_Thang.xlsx"
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    sheet.insert_rows(3, amount=4)
    sheet.title = "Số liệu MTTQ"
    book.save(path)
    result = consolidate_folder(returns_dir, Context.of(form, units))
    values = result.values[result.values.unit_code == "03386"]
    assert len(values) == 47 and set(values.sheet) == {"Số liệu MTTQ"}
    assert result.total("POOR_FUND_TOTAL") == 862796456


def test_damaged_files_among_good_ones(returns_dir, form, units):
    (returns_dir / "hong.xlsx").write_bytes(b"PK\x03\x04 broken zip")
    (returns_dir / "cong_van.xlsx").write_bytes(b"%PDF-1.4\n%\xe2\xe3\n1 0 obj\n")
    (returns_dir / "ghi_chu.txt").write_text("không phải báo cáo", encoding="utf-8")
    (returns_dir / "~$03386_Phuong_Quyet_Thang.xlsx").write_bytes(b"\x00" * 165)
    result = consolidate_folder(returns_dir, Context.of(form, units))
    by_file = {p.file: p for p in result.findings.problems if p.type in ("not-a-workbook", "lock-file")}
    assert by_file["hong.xlsx"].severity == "warning"
    assert by_file["cong_van.xlsx"].severity == "warning"
    assert by_file["ghi_chu.txt"].severity == "warning"
    assert by_file["~$03386_Phuong_Quyet_Thang.xlsx"].severity == "info"
    assert result.received == 8 and result.total("POOR_FUND_TOTAL") == 862796456


def test_resubmission_uses_newest_and_lists_changes(returns_dir, make_return, form, units):
    old = returns_dir / "03387_cu.xlsx"
    shutil.move(returns_dir / "BC MTTQ Tân Phong năm 2023 (bản cuối).xlsx", old)
    new = make_return("03387", {"VOTER_MEETINGS": "6"}, name="03387_moi.xlsx", folder=returns_dir)
    os.utime(old, (1_600_000_000, 1_600_000_000))
    set_saved_time(old, "2023-11-01T08:00:00Z")
    set_saved_time(new, "2023-11-10T08:00:00Z")
    result = consolidate_folder(returns_dir, Context.of(form, units))
    sub = result.submissions.set_index("unit_code").loc["03387"]
    assert (sub.file, sub.superseded) == ("03387_moi.xlsx", "03387_cu.xlsx")
    superseded = [p for p in result.findings.problems if p.type == "superseded"]
    assert len(superseded) == 1 and superseded[0].severity == "info" and superseded[0].file == "03387_cu.xlsx"
    assert "VOTER_MEETINGS 5 → 6" in superseded[0].message
    assert result.total("VOTER_MEETINGS", "communes") == 36


def test_another_units_template_renamed_to_look_like_yours(returns_dir, make_return, form, units):
    (returns_dir / "03386_Phuong_Quyet_Thang.xlsx").unlink()
    make_return("03387", name="03386_Phuong_Quyet_Thang.xlsx", folder=returns_dir)
    result = consolidate_folder(returns_dir, Context.of(form, units))
    missing = [p for p in result.findings.problems if p.type == "missing-unit"]
    assert [(p.unit_code, p.severity) for p in missing] == [("03386", "error")]
    assert Msg.FILE_003.render(where="03386 – Phường Quyết Thắng", unit_code="03386", unit_name="Phường Quyết Thắng") == missing[0].message
    sub = result.submissions.set_index("unit_code")
    assert sub.loc["03386", "status"] == "missing"
    assert "03386_Phuong_Quyet_Thang.xlsx" in {sub.loc["03387", "file"], sub.loc["03387", "superseded"]}


def test_return_from_another_period_is_rejected(returns_dir, make_return, form, units):
    (returns_dir / "03389_Phuong_Doan_Ket.xlsx").unlink(missing_ok=True)
    (returns_dir / "bao cao doan ket.xlsx").unlink()
    make_return("03389", name="doan_ket_2022.xlsx", period="2022", folder=returns_dir)
    result = consolidate_folder(returns_dir, Context.of(form, units, "2023"))
    wrong = [p for p in result.findings.problems if p.type == "wrong-period"]
    assert [(p.file, p.severity, p.unit_code) for p in wrong] == [("doan_ket_2022.xlsx", "warning", "03389")]
    fields = message_fields(Msg.META_004, wrong[0].message)
    assert (fields["found"], fields["expected"]) == ("năm 2022", "năm 2023")
    assert [p.unit_code for p in result.findings.problems if p.type == "missing-unit"] == ["03389"]
    # without --period the majority period wins and the odd one is still rejected
    result = consolidate_folder(returns_dir, Context.of(form, units))
    assert result.period == "2023" and [p.file for p in result.findings.problems if p.type == "wrong-period"] == ["doan_ket_2022.xlsx"]


def test_unit_not_in_list(returns_dir, tmp_path, form):
    units_file = tmp_path / "units.csv"
    units_file.write_text("code,name,level\n105,Thành phố Lai Châu,city\n03386,Phường Quyết Thắng,communes\n", encoding="utf-8")
    result = consolidate_folder(returns_dir, Context.of(form, load_units(units_file, form)))
    unknown = sorted(p.unit_code for p in result.findings.problems if p.type == "unknown-unit")
    assert unknown == ["03387", "03388", "03389", "03403", "03408", "03409"]
    assert result.received == 2


@pytest.mark.parametrize(
    ("typed", "kind", "severity"),
    [
        ("abc", "not-a-number", "error"),
        ("-5", "negative", "error"),
        ("1,5", "ambiguous-value", "error"),
        (None, "missing-value", "error"),
        ("1.250", "interpreted-value", "info"),
        ("30 triệu", "money-on-count", "warning"),  # MEDIATORS counts people
        ("12 500.000", "ambiguous-value", "error"),
    ],
)
def test_value_findings_point_at_the_cell(make_return, form, units, tmp_path, typed, kind, severity):
    folder = tmp_path / "one"
    make_return("03386", {"MEDIATORS": typed}, folder=folder)
    result = consolidate_folder(folder, Context.of(form, units))
    found = [p for p in result.findings.problems if p.code == "MEDIATORS" and p.unit_code == "03386" and p.type == kind]
    assert len(found) == 1 and found[0].severity == severity
    p = found[0]
    assert p.file == "03386.xlsx" and p.sheet == "Báo cáo" and p.cell.startswith("E")
    assert p.message.startswith(f"[03386.xlsx › Báo cáo!{p.cell}]")


def test_formula_without_saved_value_is_an_error(make_return, form, units, tmp_path):
    folder = tmp_path / "f"
    make_return("03386", {"MEDIATORS": "=60+5"}, folder=folder)
    result = consolidate_folder(folder, Context.of(form, units))
    found = [p for p in result.findings.problems if p.type == "formula-without-value"]
    assert [(p.code, p.severity) for p in found] == [("MEDIATORS", "error")]
    assert found[0].message == Msg.VALUE_007.render(where=f"03386.xlsx › Báo cáo!{found[0].cell}", code="MEDIATORS", label="Hòa giải viên")


def test_rule_failure_in_one_return(make_return, form, units, tmp_path):
    folder = tmp_path / "r"
    make_return("03386", {"PETITIONS_RESOLVED": "2"}, folder=folder)
    result = consolidate_folder(folder, Context.of(form, units))
    r12 = [p for p in result.findings.problems if p.rule == "R12" and p.unit_code == "03386"]
    assert len(r12) == 1 and r12[0].severity == "error" and r12[0].file == "03386.xlsx"
    assert message_fields(Msg.RELATION_001, r12[0].message)["difference"] == "-1"
    r14 = [p for p in result.findings.problems if p.rule == "R14" and p.unit_code == "03386"]
    assert len(r14) == 1


def test_missing_unit_is_an_error_and_totals_still_computed(returns_dir, form, units):
    (returns_dir / "03403_Xa_Sung_Phai.xlsx").unlink()
    result = consolidate_folder(returns_dir, Context.of(form, units))
    assert [(p.unit_code, p.severity) for p in result.findings.problems if p.type == "missing-unit"] == [("03403", "error")]
    assert result.total("MEDIATORS", "communes") == 388 - 48


def test_parallel_and_serial_give_the_same_result(sample_dir, form, units):
    paths = sorted(sample_dir.iterdir())
    ctx = Context(form, {u.code: u for u in units})
    serial = consolidate_returns(read_returns(paths, ctx, jobs=1), ctx)
    parallel = consolidate_returns(read_returns(paths * 2, ctx, jobs=2)[: len(paths)], ctx)
    assert serial.totals.equals(parallel.totals)
    assert serial.findings.flatten(["rule", "file", "cell"]) == parallel.findings.flatten(["rule", "file", "cell"])


def test_messages_use_vietnamese_numbers(sample_result):
    text = " ".join(p.message for p in sample_result.findings.problems)
    assert format_number(862796456) in text and "862,796,456" not in text


@pytest.mark.parametrize(("typed", "value"), [("65 hòa giải viên", 65), ("65 Hòa giải viên", 65), ("1.065  hòa giải viên", 1065)])
def test_figure_typed_with_its_unit_is_read(make_return, form, units, tmp_path, typed, value):
    folder = tmp_path / "u"
    make_return("03386", {"MEDIATORS": typed}, folder=folder)
    result = consolidate_folder(folder, Context.of(form, units))
    row = result.values[(result.values.unit_code == "03386") & (result.values.code == "MEDIATORS")]
    assert row["value"].tolist() == [value]
    info = [p for p in result.findings.problems if p.code == "MEDIATORS" and p.unit_code == "03386"]
    assert [p.type for p in info] == ["interpreted-value"]
    assert "bỏ đơn vị tính 'hòa giải viên'" in message_fields(Msg.VALUE_006, info[0].message)["how"]


def test_figure_with_another_words_is_still_an_error(make_return, form, units, tmp_path):
    folder = tmp_path / "w"
    make_return("03386", {"MEDIATORS": "65 người"}, folder=folder)
    result = consolidate_folder(folder, Context.of(form, units))
    assert [p.type for p in result.findings.problems if p.code == "MEDIATORS"] == ["not-a-number"]


def test_resubmissions_with_the_same_saved_time_go_by_file_time(returns_dir, form, units):
    first = returns_dir / "03386_Phuong_Quyet_Thang.xlsx"
    second = returns_dir / "a_gui_lai.xlsx"  # sorts first by name, but is newer on disk
    shutil.copy(first, second)
    os.utime(first, (1_600_000_000, 1_600_000_000))
    os.utime(second, (1_700_000_000, 1_700_000_000))
    result = consolidate_folder(returns_dir, Context.of(form, units))
    sub = result.submissions.set_index("unit_code").loc["03386"]
    assert (sub.file, sub.superseded) == ("a_gui_lai.xlsx", "03386_Phuong_Quyet_Thang.xlsx")


def test_errors_of_a_superseded_return_are_information_at_their_place(returns_dir, make_return, tmp_path):
    # Tân Phong first sent its return with a required cell left blank, then the corrected one.
    from docx import Document

    from pipeline import api
    from pipeline.workbook.book import find_marks

    old = make_return("03387", {"VOTER_MEETINGS": None}, name="03387_lan_dau.xlsx", folder=returns_dir)
    new = returns_dir / "BC MTTQ Tân Phong năm 2023 (bản cuối).xlsx"
    set_saved_time(old, "2023-11-01T08:00:00Z")
    set_saved_time(new, "2023-11-10T08:00:00Z")
    result, out = api.consolidate(returns_dir, out=tmp_path / "out")
    first = read_returns([old], Context(result.form, {u.code: u for u in result.units}))[0].problems
    (blank,) = [p for p in first if p.severity == "error"]
    assert (blank.type, blank.code) == ("missing-value", "VOTER_MEETINGS")

    assert result.findings.to_summary()["error"] == 0 and not result.findings.has_errors
    kept = [p for p in result.findings.problems if p.file == old.name and p.type != Msg.FILE_004.slug]
    assert [(p.type, p.severity, p.sheet, p.cell, p.code, p.unit_code) for p in kept] == [
        (Msg.FILE_015.slug, "info", p.sheet, p.cell, p.code, "03387") for p in first
    ]
    fields = message_fields(Msg.FILE_015, kept[first.index(blank)].message)
    assert fields["where"] == f"{old.name} › Báo cáo!{blank.cell}" and fields["newer"] == new.name
    assert fields["original"] == blank.message.split("] ", 1)[1]
    assert json.loads((out / "run.json").read_text(encoding="utf-8"))["summary"]["error"] == 0
    assert not find_marks(result).units.get(("03387", "VOTER_MEETINGS"))

    book = openpyxl.load_workbook(out / "tong_hop.xlsx")
    ws = book["Theo đơn vị"]
    header = next(r for r in ws.iter_rows() if any(c.value == "Mã" for c in r))
    code_col = next(c.column for c in header if c.value == "Mã")
    unit_col = next(c.column for c in header if c.value and "(03387)" in str(c.value))
    row = next(r for r in range(header[0].row + 1, ws.max_row + 1) if ws.cell(r, code_col).value == "VOTER_MEETINGS")
    assert ws.cell(row, unit_col).value == 5 and ws.cell(row, unit_col).comment is None

    appendix = Document(api.make_report(out))
    text = "\n".join(p.text for p in appendix.paragraphs)
    verify = text.split("SỐ LIỆU CẦN XÁC MINH", 1)[1].split("BIỂU ĐỒ", 1)[0]
    assert old.name not in verify and "VOTER_MEETINGS" not in verify


def _draft_copy_first(path, draft: dict[str, object]) -> None:
    """What an officer does in Excel: copy "Báo cáo" to "Báo cáo (nháp)", move the copy first and
    try other figures in it (openpyxl's copy_worksheet and move_sheet)."""
    book = openpyxl.load_workbook(path)
    copy = book.copy_worksheet(book["Báo cáo"])
    copy.title = "Báo cáo (nháp)"
    book.move_sheet(copy, offset=-book.index(copy))
    for row in copy.iter_rows():
        for cell in row:
            if cell.value in draft:
                copy.cell(cell.row, cell.column + 1).value = draft[cell.value]
    book.save(path)


def _strip_data_sheet_marks(path) -> None:
    """A return made by a template from before the data sheet was marked."""
    book = openpyxl.load_workbook(path)
    del book.defined_names["tonghop_data"]
    meta = book["_tonghop"]
    meta.delete_rows(next(c.row for c in meta["A"] if c.value == "data_sheet"))
    for prop in [p for p in book.custom_doc_props.props if p.name == "tonghop_data_sheet"]:
        book.custom_doc_props.props.remove(prop)
    book.save(path)


DRAFT = {"VOTER_MEETINGS": 99, "POOR_FUND_TOTAL": 1}


def test_draft_copy_of_the_data_sheet_placed_first_is_not_used(make_return, form, units, tmp_path):
    path = make_return("03386", name="03386.xlsx")
    _draft_copy_first(path, DRAFT)
    (outcome,) = read_returns([path], Context(form, {u.code: u for u in units}))
    values = {v.code: (v.value, v.sheet) for v in outcome.values}
    assert values["VOTER_MEETINGS"] == (5, "Báo cáo") and values["POOR_FUND_TOTAL"][0] == 12_500_000
    assert {v.sheet for v in outcome.values} == {"Báo cáo"}
    assert [(p.type, p.severity, p.sheet, p.message) for p in outcome.problems] == [
        ("unused-sheet", "warning", "Báo cáo (nháp)",
         Msg.META_013.render(where="03386.xlsx › Báo cáo (nháp)", sheet="Báo cáo (nháp)", data_sheet="Báo cáo")),
    ]  # fmt: skip


def test_draft_copy_in_a_return_from_an_older_template_reads_as_before(make_return, form, units, tmp_path):
    path = make_return("03386", name="03386.xlsx")
    _strip_data_sheet_marks(path)
    ctx = Context(form, {u.code: u for u in units})
    (plain,) = read_returns([path], ctx)
    assert plain.accepted and not plain.problems and len(plain.values) == len(form.indicators_for("communes"))
    _draft_copy_first(path, DRAFT)
    (drafted,) = read_returns([path], ctx)
    assert {v.code: v.value for v in drafted.values}["VOTER_MEETINGS"] == 99  # today's behaviour: the first sheet
    duplicates = [p for p in drafted.problems if p.type == "duplicate-code"]
    assert len(duplicates) == len(plain.values) and {p.sheet for p in duplicates} == {"Báo cáo"}


def test_blank_templates_kept_beside_the_returns_are_no_returns(returns_dir, form, units, tmp_path):
    """Officers keep the blank templates in a subfolder of the returns (read since subfolders are):
    a blank template is set aside, so a unit that sent nothing is still missing, not "received"."""
    from click.testing import CliRunner

    from pipeline.cli import cli
    from pipeline.templates.batch import write_templates

    blanks = write_templates(form, units, returns_dir / "bieu_mau", "2023")
    os.remove(returns_dir / "bao cao doan ket.xlsx")
    result = consolidate_folder(returns_dir, Context.of(form, units))
    assert result.received == 7
    empty = [p for p in result.findings.problems if p.type == Msg.VALUE_017.slug]
    assert sorted(p.unit_code for p in empty) == sorted(u.code for u in units)
    assert all(p.severity == "warning" and p.file.startswith("bieu_mau/") for p in empty)
    missing = [p.unit_code for p in result.findings.problems if p.type == Msg.FILE_003.slug]
    assert missing == ["03389"] and result.findings.count("error") == 1
    checked = CliRunner().invoke(cli, ["check", str(blanks[1])])
    unit = units[1]
    expected = Msg.VALUE_017.render(where=blanks[1].name, unit_code=unit.code, unit_name=unit.name)
    assert checked.exit_code == 1 and f"[Lỗi] {expected}" in checked.output


def test_values_are_in_unit_then_form_order_whatever_order_a_return_lists_them(sample_dir, form, units):
    """A sheet whose rows an officer sorted lists its values out of the form's order; a code the
    form lacks comes last. The values frame is in unit then form order all the same."""
    ctx = Context(form, {u.code: u for u in units})
    outcomes = read_returns(sorted(sample_dir.iterdir()), ctx, jobs=1)
    expected = consolidate_returns(outcomes, ctx).values
    stray = outcomes[0].values[0]._replace(code="NOT_IN_FORM")
    shuffled = [replace(o, values=[stray, *reversed(o.values)]) if o.accepted else o for o in reversed(outcomes)]
    values = consolidate_returns(shuffled, ctx).values
    assert list(values["unit_code"]) == sorted(values["unit_code"])
    ours = values[values["code"] != "NOT_IN_FORM"].reset_index(drop=True)
    assert ours.equals(expected)
    last = values.groupby("unit_code", sort=False)["code"].last()
    assert set(last) == {"NOT_IN_FORM"}


def test_the_garbage_collector_is_as_it_was_after_combining(sample_dir, form, units):
    """Combining pauses the cyclic collector; a long-running server needs it back on afterwards."""
    ctx = Context(form, {u.code: u for u in units})
    outcomes = read_returns(sorted(sample_dir.iterdir()), ctx, jobs=1)
    consolidate_returns(outcomes, ctx)
    assert gc.isenabled()
    gc.disable()
    try:
        consolidate_returns(outcomes, ctx)
        assert not gc.isenabled()
    finally:
        gc.enable()
