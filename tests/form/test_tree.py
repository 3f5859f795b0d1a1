"""A tree of units: the ``parent`` column of units.csv, checked with the row at fault, and the
totals of each parent, rolled up through the tree, in ``parent_totals.csv`` and the sheet
``Theo đơn vị cấp trên``. A parent's totals are those of a consolidation of its subtree alone."""

from __future__ import annotations

import csv
import shutil

import openpyxl
import pytest
from click.testing import CliRunner

from pipeline.api import consolidate, make_templates
from pipeline.cli import cli
from pipeline.core.constants import LEVEL_ALL, TOTALS_CSV
from pipeline.core.errors import FormDefinitionError, Msg
from pipeline.form.units import load_unit_tree, load_units
from pipeline.outputs.csvfiles import PARENT_TOTALS_CSV
from pipeline.workbook.formats import ERROR_FILL
from pipeline.workbook.parents import HEADER_ROW, SHEET_PARENTS
from tests.conftest import message_fields

HEADER = "code,name,level,parent\n"
COMMUNES = {
    "CUM1": ["03386", "03387", "03388", "03389"],  # the four wards of the city centre
    "CUM2": ["03403", "03408", "03409"],
}
# Two clusters on their own (the city has no parent and is no one's).
CLUSTERS = """105,Thành phố Lai Châu,city,
CUM1,Cụm phường nội thị,,
CUM2,Cụm ven thành phố,,
03386,Phường Quyết Thắng,communes,CUM1
03387,Phường Tân Phong,communes,CUM1
03388,Phường Quyết Tiến,communes,CUM1
03389,Phường Đoàn Kết,communes,CUM1
03403,Xã Sùng Phài,communes,CUM2
03408,Phường Đông Phong,communes,CUM2
03409,Xã San Thàng,communes,CUM2
"""
# Three levels of parents: a province (a group) above the city (a unit with a return) above the clusters.
PROVINCE = "12,Tỉnh Lai Châu,,\n" + CLUSTERS.replace("105,Thành phố Lai Châu,city,\n", "105,Thành phố Lai Châu,city,12\n").replace(
    "CUM1,Cụm phường nội thị,,\n", "CUM1,Cụm phường nội thị,,105\n"
).replace("CUM2,Cụm ven thành phố,,\n", "CUM2,Cụm ven thành phố,,105\n")
SUBTREES = {
    "clusters": (CLUSTERS, COMMUNES),
    "province": (
        PROVINCE,
        {"12": ["105", *COMMUNES["CUM1"], *COMMUNES["CUM2"]], "105": ["105", *COMMUNES["CUM1"], *COMMUNES["CUM2"]], **COMMUNES},
    ),
}


def _units_file(tmp_path, rows: str, name: str = "units.csv"):
    path = tmp_path / name
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


def _csv(path):
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def fill(cell) -> str:
    return (cell.fill.fgColor.rgb or "")[-6:].upper() if cell.fill.fill_type else ""


def _figures(rows):
    return {(r["code"], r["level"]): r["value"] for r in rows}


@pytest.fixture(scope="module")
def tree_run(tmp_path_factory, sample_dir):
    """One consolidation of the sample with the three-level tree: (result, output folder)."""
    tmp = tmp_path_factory.mktemp("tree")
    return consolidate(sample_dir, units_path=_units_file(tmp, PROVINCE), period="2023", out=tmp / "out", jobs=1)


@pytest.mark.slow
@pytest.mark.parametrize("tree", SUBTREES)
def test_each_parent_totals_equal_a_consolidation_of_its_subtree_alone(tree, sample_dir, units, tmp_path):
    rows, subtrees = SUBTREES[tree]
    result, out = consolidate(sample_dir, units_path=_units_file(tmp_path, rows), period="2023", out=tmp_path / "out", jobs=1)
    by_parent = {}
    for row in _csv(out / PARENT_TOTALS_CSV):
        by_parent.setdefault(row["parent_code"], []).append(row)
    assert list(by_parent) == list(subtrees)  # every parent, each before those below it
    used = dict(zip(result.submissions["unit_code"], result.submissions["file"], strict=True))
    for parent, codes in subtrees.items():
        alone = tmp_path / f"alone_{parent}"
        alone.mkdir()
        for code in codes:
            shutil.copy2(sample_dir / used[code], alone / used[code])
        listed = "".join(f"{u.code},{u.name},{u.level}\n" for u in units if u.code in codes)
        units_file = tmp_path / f"units_{parent}.csv"
        units_file.write_text("code,name,level\n" + listed, encoding="utf-8")
        _, separate = consolidate(alone, units_path=units_file, period="2023", out=tmp_path / f"out_{parent}", jobs=1)
        assert _figures(by_parent[parent]) == _figures(_csv(separate / TOTALS_CSV)), parent
        assert {(r["units_received"], r["units_listed"]) for r in by_parent[parent]} == {(str(len(codes)), str(len(codes)))}


def test_parent_totals_csv_columns_and_a_known_figure(tree_run):
    result, out = tree_run
    rows = _csv(out / PARENT_TOTALS_CSV)
    assert list(rows[0]) == ["parent_code", "parent_name", "code", "level", "value", "units_received", "units_listed"]
    cum1 = {(r["code"], r["level"]): r for r in rows if r["parent_code"] == "CUM1"}
    communes = result.values[result.values["unit_code"].isin(COMMUNES["CUM1"]) & (result.values["code"] == "DOCS_ISSUED")]
    assert cum1[("DOCS_ISSUED", "communes")]["value"] == cum1[("DOCS_ISSUED", LEVEL_ALL)]["value"] == str(int(communes["value"].sum()))
    assert cum1[("DOCS_ISSUED", LEVEL_ALL)]["parent_name"] == "Cụm phường nội thị"
    province = {(r["code"], r["level"]): r["value"] for r in rows if r["parent_code"] == "12"}
    assert province[("DOCS_ISSUED", LEVEL_ALL)] == str(result.total("DOCS_ISSUED"))  # the top covers every unit


def test_sheet_shows_each_parent_total_over_all_levels(tree_run):
    result, out = tree_run
    book = openpyxl.load_workbook(out / "tong_hop.xlsx")
    assert book.sheetnames[1:3] == ["Theo đơn vị", SHEET_PARENTS]
    ws = book[SHEET_PARENTS]
    header = [ws.cell(HEADER_ROW + 1, col).value for col in range(1, ws.max_column + 1)]
    assert header[4:] == [
        "Tỉnh Lai Châu\n(12)\nĐã nộp 8/8",
        "Thành phố Lai Châu\n(105)\nĐã nộp 8/8",
        "Cụm phường nội thị\n(CUM1)\nĐã nộp 4/4",
        "Cụm ven thành phố\n(CUM2)\nĐã nộp 3/3",
    ]
    assert ws.cell(HEADER_ROW + 1, 7).comment.text.startswith("Thuộc: Thành phố Lai Châu\nGồm 4 đơn vị: Phường Quyết Thắng,")
    totals = result.parents.totals
    expected = dict(zip(zip(totals["parent_code"], totals["code"], totals["level"], strict=True), totals["value"], strict=True))
    checked = 0
    for row in range(HEADER_ROW + 2, ws.max_row + 1):
        code = ws.cell(row, 4).value
        if code not in result.form.indicators:
            continue
        for col, parent in enumerate(["12", "105", "CUM1", "CUM2"], start=5):
            assert ws.cell(row, col).value == expected.get((parent, code, LEVEL_ALL)), (code, parent)
            checked += ws.cell(row, col).value is not None
    assert checked > 40


@pytest.mark.slow
def test_without_a_parent_column_no_sheet_and_no_csv_and_a_stale_one_removed(returns_dir, units, tmp_path):
    out = tmp_path / "out"
    consolidate(returns_dir, units_path=_units_file(tmp_path, CLUSTERS), period="2023", out=out, jobs=1)
    assert (out / PARENT_TOTALS_CSV).is_file()
    blank = tmp_path / "blank.csv"  # a parent column left blank is no tree either
    blank.write_text(HEADER + "".join(f"{u.code},{u.name},{u.level},\n" for u in units), encoding="utf-8")
    for units_path in (None, blank):
        result, _ = consolidate(returns_dir, units_path=units_path, period="2023", out=out, jobs=1)
        assert result.parents is None and not (out / PARENT_TOTALS_CSV).exists()
        assert SHEET_PARENTS not in openpyxl.load_workbook(out / "tong_hop.xlsx", read_only=True).sheetnames


def test_groups_are_not_units_they_get_no_template(tmp_path, form):
    units_file = _units_file(tmp_path, PROVINCE)
    assert [u.code for u in load_units(units_file, form)] == ["105", *COMMUNES["CUM1"], *COMMUNES["CUM2"]]
    run = make_templates(units_path=units_file, period="2023", out=tmp_path / "tpl")
    assert len(run.paths) == 8


def test_codes_resaved_without_zeros_roll_up_alike(returns_dir, tmp_path, tree_run):
    resaved = PROVINCE.replace(",03", ",3").replace("\n03", "\n3")
    assert "3386,Phường Quyết Thắng,communes,CUM1" in resaved
    result, _ = consolidate(returns_dir, units_path=_units_file(tmp_path, resaved), period="2023", out=tmp_path / "out", jobs=1)
    assert result.parents.parents == tree_run[0].parents.parents  # codes padded as the returns show them
    assert result.parents.frame().equals(tree_run[0].parents.frame())


def test_a_parent_typed_without_its_zeros_names_its_row(tmp_path, form):
    rows = "105,Thành phố Lai Châu,city,\n03386,Phường Quyết Thắng,communes,105\n03387,Phường Tân Phong,communes,3386\n"
    _, tree = load_unit_tree(_units_file(tmp_path, rows), form)
    assert tree.parent == {"03386": "105", "03387": "03386"}


BAD_TREES = {
    "unknown parent": (
        "105,Thành phố Lai Châu,city,\n03386,Phường Quyết Thắng,communes,CUM9\n",
        Msg.TREE_001, {"where": "units.csv › dòng 3", "code": "03386", "parent": "CUM9"},
    ),
    "its own parent": (
        "105,Thành phố Lai Châu,city,\n03386,Phường Quyết Thắng,communes,105\n03387,Phường Tân Phong,communes,03387\n",
        Msg.TREE_002, {"where": "units.csv › dòng 4", "code": "03387"},
    ),
    "two in a circle": (
        "105,Thành phố Lai Châu,city,\nCUM1,Cụm 1,,03386\n03386,Phường Quyết Thắng,communes,CUM1\n",
        Msg.TREE_003, {"where": "units.csv › dòng 3", "circle": "CUM1 → 03386 → CUM1", "rows": "3, 4"},
    ),
    "three in a circle, below a good top": (
        "105,Thành phố Lai Châu,city,\nA,Cụm A,,C\nB,Cụm B,,A\nC,Cụm C,,B\n03386,Phường Quyết Thắng,communes,A\n",
        Msg.TREE_003, {"where": "units.csv › dòng 3", "circle": "A → C → B → A", "rows": "3, 4, 5"},
    ),
    "a group nobody belongs to (a level forgotten)": (
        "105,Thành phố Lai Châu,city,\n03386,Phường Quyết Thắng,,105\n03387,Phường Tân Phong,communes,105\n",
        Msg.TREE_004, {"where": "units.csv › dòng 3", "code": "03386", "allowed": "city, communes"},
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", BAD_TREES)
def test_a_bad_tree_stops_with_the_row_at_fault(case, tmp_path, form, returns_dir):
    rows, msg, fields = BAD_TREES[case]
    units_file = _units_file(tmp_path, rows)
    with pytest.raises(FormDefinitionError) as err:
        load_units(units_file, form)
    assert message_fields(msg, str(err.value)) == fields
    with pytest.raises(FormDefinitionError):  # before any return is read
        consolidate(returns_dir, units_path=units_file, period="2023", out=tmp_path / "out", jobs=1)
    assert not (tmp_path / "out").exists()


def test_a_missing_unit_and_a_rejected_value_show_on_their_parents(returns_dir, make_return, tmp_path):
    (returns_dir / "bao cao doan ket.xlsx").unlink()  # 03389, in CUM1
    make_return("03403", {"DOCS_ISSUED": "nhiều"}, name="BC Sùng Phài.xlsx", folder=returns_dir)  # CUM2: a value rejected
    result, out = consolidate(returns_dir, units_path=_units_file(tmp_path, CLUSTERS), period="2023", out=tmp_path / "out", jobs=1)
    ws = openpyxl.load_workbook(out / "tong_hop.xlsx")[SHEET_PARENTS]
    cum1, cum2 = ws.cell(HEADER_ROW + 1, 5), ws.cell(HEADER_ROW + 1, 6)
    assert (cum1.value, cum2.value) == ("Cụm phường nội thị\n(CUM1)\nĐã nộp 3/4", "Cụm ven thành phố\n(CUM2)\nĐã nộp 3/3")
    assert (fill(cum1), fill(cum2)) == (ERROR_FILL[1:], fill(ws.cell(HEADER_ROW + 1, 1)))
    assert cum1.comment.text.endswith("Chưa nộp: Phường Đoàn Kết.")
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 4).value == "DOCS_ISSUED")
    assert fill(ws.cell(row, 6)) == ERROR_FILL[1:] and fill(ws.cell(row, 5)) != ERROR_FILL[1:]
    rejected = next(p for p in result.findings.problems if p.unit_code == "03403" and p.code == "DOCS_ISSUED")
    assert rejected.message in ws.cell(row, 6).comment.text
    assert ws.cell(row, 6).value == sum(result.values.query("unit_code in ['03408', '03409'] and code == 'DOCS_ISSUED'")["value"])


def test_cli_stops_on_a_bad_tree_naming_the_row(returns_dir, tmp_path):
    rows, msg, fields = BAD_TREES["unknown parent"]
    units_file = _units_file(tmp_path, rows)
    run = CliRunner().invoke(cli, ["consolidate", str(returns_dir), "--units", str(units_file), "--out", str(tmp_path / "out")])
    assert run.exit_code == 2
    assert run.output.strip() == "Lỗi: " + msg.render(**fields)
