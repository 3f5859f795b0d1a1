"""Comparison across a reorganisation (``--crosswalk old_code,new_code``): a new unit made of
three old ones is compared with their sum, a unit that got part of a split old unit only
through the level totals (an info finding says so), the level totals as without a crosswalk;
the file's faults are refused naming the row, and codes Excel stripped of their zeros still match."""

from __future__ import annotations

import math
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from pipeline import api
from pipeline.core.errors import FormDefinitionError, Msg
from pipeline.form.crosswalk import load_crosswalk
from pipeline.form.model import Unit
from pipeline.form.prior import PriorData, load_prior
from pipeline.sample import fill_return, sample_values
from pipeline.validate.compare import UNIT_COMPARISON_COLUMNS, compare_units, prior_by_level
from pipeline.workbook.sheets import TABLE_HEADER_ROW
from pipeline.workbook.unitprior import SHEET_UNIT_PRIOR
from tests.conftest import message_fields
from tests.form.test_priorunits import _rows, _run, prior_column

# The 2024 list after the reorganisation: the city as before, three new units of the seven old communes.
NEW_UNITS = """code,name,level
105,Thành phố Lai Châu,city
09001,Phường Mới A,communes
09002,Phường Mới B,communes
09003,Xã Mới C,communes
"""
MERGED = ("03386", "03387", "03388")  # wholly into 09001
# As Excel saves it: the leading zeros gone. 03389 is split between 9002 and 9003 (rows 5 and 7). Row 10 names an old unit the prior lacks, row 11 a new one the list lacks.
CROSSWALK = """old_code,new_code
3386,9001
3387,9001
3388,9001
3389,9002
3403,9002
3389,9003
3408,9003
3409,9003
3999,9003
3410,9009
"""
# Whose sample figures each new unit sends for 2024.
TYPED_AS = {"105": "105", "09001": "03386", "09002": "03387", "09003": "03388"}


@pytest.fixture(scope="module")
def run_2023(tmp_path_factory, sample_dir) -> Path:
    """The 2023 consolidation of the seven old communes and the city: the prior figures."""
    out = tmp_path_factory.mktemp("xwalk") / "output" / "2023"
    api.consolidate(sample_dir, period="2023", out=out)
    return out


@pytest.fixture(scope="module")
def reform(tmp_path_factory, run_2023):
    """The 2024 round of the new units: unit list and crosswalk, templates with --crosswalk,
    returns filled in, consolidated with and without the crosswalk."""
    base = tmp_path_factory.mktemp("reform")
    (base / "units.csv").write_text(NEW_UNITS, encoding="utf-8")
    (base / "xw.csv").write_text(CROSSWALK, encoding="utf-8")
    made = _run("templates", "--period", "2024", "--units", base / "units.csv", "--prior", run_2023, "--crosswalk", base / "xw.csv",
                "--out", base / "tpl")  # fmt: skip
    assert made.exit_code == 0, made.output
    values = sample_values()
    (base / "returns").mkdir()
    for template in (base / "tpl").glob("*.xlsx"):
        fill_return(template, base / "returns" / template.name, values[TYPED_AS[template.name.split("_")[0]]])
    for name, extra in (("with", ["--crosswalk", base / "xw.csv"]), ("without", [])):
        done = _run("consolidate", base / "returns", "--period", "2024", "--units", base / "units.csv", "--prior", run_2023,
                    "--out", base / name, *extra)  # fmt: skip
        assert done.exit_code == 0, done.output
    return base, made.output


def _prior_of(run: Path, codes: tuple[str, ...]) -> dict[str, float]:
    """The old units' 2023 figures added up, indicator by indicator."""
    total: dict[str, float] = {}
    for row in _rows(run / "values.csv"):
        if row["unit_code"] in codes and row["value"]:
            total[row["code"]] = total.get(row["code"], 0.0) + float(row["value"])
    return total


@pytest.mark.slow
def test_a_merged_unit_is_compared_with_the_sum_of_its_old_units(reform, run_2023):
    base, _ = reform
    rows = [r for r in _rows(base / "with" / "unit_comparison.csv") if r["unit_code"] == "09001"]
    expected = _prior_of(run_2023, MERGED)
    assert rows and {r["code"]: float(r["prior"]) for r in rows} == {c: v for c, v in expected.items() if c in {r["code"] for r in rows}}
    sent = {r["code"]: float(r["value"]) for r in _rows(base / "with" / "values.csv") if r["unit_code"] == "09001" and r["value"]}
    for row in rows:
        assert float(row["value"]) == sent[row["code"]]
        assert float(row["change"]) == pytest.approx(sent[row["code"]] - expected[row["code"]])
    assert {r["code"] for r in rows} == {c for c in sent if c in expected}  # every figure sent that has a prior


def test_the_workbook_shows_the_merged_unit_beside_the_sum(reform, run_2023, form):
    base, _ = reform
    ws = openpyxl.load_workbook(base / "with" / "tong_hop.xlsx", read_only=True)[SHEET_UNIT_PRIOR]
    rows = list(ws.iter_rows(min_row=TABLE_HEADER_ROW + 1, values_only=True))
    assert rows[0] == ("Mã đơn vị", "Tên đơn vị", "Chỉ tiêu", "Kỳ này", "Cùng kỳ", "Tăng/giảm")
    label = form.indicators["DOCS_ISSUED"].display_label
    (merged,) = [r for r in rows[1:] if r[0] == "09001" and r[2] == label]
    assert merged[4] == _prior_of(run_2023, MERGED)["DOCS_ISSUED"]
    assert {r[0] for r in rows[1:]} == {"105", "09001"}


def test_units_that_got_part_of_a_split_unit_are_not_compared_and_are_told_why(reform):
    base, _ = reform
    compared = {r["unit_code"] for r in _rows(base / "with" / "unit_comparison.csv")}
    assert compared == {"105", "09001"}  # the city by its own code, as without a crosswalk
    told = [r for r in _rows(base / "with" / "findings.csv") if r["rule"] == Msg.XWALK_010.slug]
    assert [(r["severity"], r["unit_code"], r["file"]) for r in told] == [("info", "09002", "xw.csv"), ("info", "09003", "xw.csv")]
    fields = message_fields(Msg.XWALK_010, told[0]["message"])
    assert fields["where"] == "xw.csv › dòng 5"  # the row of 3389 → 9002
    assert (fields["unit"], fields["old"], fields["count"], fields["news"]) == ("09002 – Phường Mới B", "3389", "2", "09002, 09003")


def test_level_totals_compare_as_without_a_crosswalk(reform):
    base, _ = reform
    text = (base / "with" / "comparison.csv").read_text(encoding="utf-8")
    assert text == (base / "without" / "comparison.csv").read_text(encoding="utf-8")
    # Without it, the old codes match no unit of the new list: no comparison of a commune.
    assert {r["unit_code"] for r in _rows(base / "without" / "unit_comparison.csv")} == {"105"}


def test_rows_that_cannot_be_used_are_warnings_naming_the_row(reform):
    base, _ = reform
    found = {r["rule"]: r for r in _rows(base / "with" / "findings.csv") if r["rule"] in (Msg.XWALK_011.slug, Msg.XWALK_012.slug)}
    assert {r["severity"] for r in found.values()} == {"warning"}
    old = message_fields(Msg.XWALK_011, found[Msg.XWALK_011.slug]["message"])
    assert (old["where"], old["old"], old["new"], old["name"]) == ("xw.csv › dòng 10", "3999", "09003", "values.csv")
    new = message_fields(Msg.XWALK_012, found[Msg.XWALK_012.slug]["message"])
    assert (new["where"], new["new"]) == ("xw.csv › dòng 11", "9009")
    assert {r["unit_code"] for r in found.values()} == {""}  # the office's file: never a notice to a unit


def test_templates_show_the_sum_and_say_which_units_have_none(reform, run_2023, form):
    base, output = reform
    _, figures = prior_column(next((base / "tpl").glob("09001_*.xlsx")))
    expected = _prior_of(run_2023, MERGED)
    assert {ind.code: figures[ind.code] for ind in form.indicators_for("communes")} == {
        ind.code: expected.get(ind.code) for ind in form.indicators_for("communes")
    }
    for code in ("09002", "09003"):
        assert all(v is None for v in prior_column(next((base / "tpl").glob(f"{code}_*.xlsx")))[1].values())
    lines = output.splitlines()
    told = [message_fields(Msg.XWALK_010, line) for line in lines if message_fields(Msg.XWALK_010, line)]
    assert [f["unit"] for f in told] == ["09002 – Phường Mới B", "09003 – Xã Mới C"]
    assert not [line for line in lines if message_fields(Msg.PRIOR_010, line)]  # the split units are told once, not twice


def test_old_units_of_per_unit_figures_count_in_the_level_of_their_new_units(run_2023, tmp_path, form):
    from pipeline.form.units import load_units

    (tmp_path / "units.csv").write_text(NEW_UNITS, encoding="utf-8")
    (tmp_path / "xw.csv").write_text(CROSSWALK, encoding="utf-8")
    units = load_units(tmp_path / "units.csv", form)
    by_unit = load_prior(run_2023 / "values.csv")  # per unit only: level totals are summed from it
    summed = prior_by_level(by_unit, units, load_crosswalk(tmp_path / "xw.csv"))
    totals = load_prior(run_2023 / "totals.csv").by_level
    assert summed == pytest.approx({k: v for k, v in totals.items() if k in summed})
    assert {level for _, level in summed} == {"city", "communes", "all"}


@pytest.mark.parametrize(
    ("text", "msg", "fields"),
    [
        ("old,new_code\n3386,9001\n", Msg.XWALK_002, {"where": "xw.csv › dòng 1", "missing": "old_code", "header": "old,new_code"}),
        (
            "old_code,new_code\n3386,9001\n3387,\n",
            Msg.XWALK_003,
            {"where": "xw.csv › dòng 3", "what": "mã đơn vị mới", "column": "new_code"},
        ),
        (
            "old_code,new_code\n03386,09001\n\n3386,9001\n",  # one pair, the second time saved by Excel
            Msg.XWALK_004,
            {"where": "xw.csv › dòng 4", "old": "3386", "new": "9001", "first_row": "2"},
        ),
        ("old_code,new_code\n,\n", Msg.XWALK_005, {"where": "xw.csv"}),
    ],
    ids=["missing-column", "blank-code", "duplicate-pair", "no-pair"],
)
def test_a_faulty_crosswalk_is_refused_naming_the_row(tmp_path, run_2023, sample_dir, text, msg, fields):
    path = tmp_path / "xw.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FormDefinitionError) as raised:
        load_crosswalk(path)
    assert message_fields(msg, str(raised.value)) == fields
    result = _run("consolidate", sample_dir, "--prior", run_2023, "--crosswalk", path, "--out", tmp_path / "out")
    assert result.exit_code == 2 and result.output == f"Lỗi: {raised.value}\n"
    assert not (tmp_path / "out").exists()


def test_an_unreadable_crosswalk_and_one_without_prior_figures_are_refused(tmp_path, sample_dir):
    folder = tmp_path / "xw_folder.csv"
    folder.mkdir()
    with pytest.raises(FormDefinitionError) as raised:
        load_crosswalk(folder)  # not a file
    assert message_fields(Msg.XWALK_001, str(raised.value))["where"] == str(folder)
    path = tmp_path / "xw.csv"
    path.write_bytes(b"old_code,new_code\n3386,\x00\x01\n")  # not text
    with pytest.raises(FormDefinitionError) as raised:
        load_crosswalk(path)
    assert message_fields(Msg.CSV_001, str(raised.value))["where"] == "xw.csv › dòng 2"
    result = _run("templates", "--period", "2024", "--crosswalk", path, "--out", tmp_path / "tpl")
    assert result.exit_code == 2 and result.output == "Lỗi: " + Msg.XWALK_006.render(where=str(path)) + "\n"


def test_codes_without_their_zeros_match_the_unit_list(tmp_path):
    path = tmp_path / "xw.csv"
    path.write_text("Old_Code,New_Code\n3386,9001\n03387,09001\n", encoding="utf-8-sig")  # Excel's CSV UTF-8, its capitals
    crosswalk = load_crosswalk(path)
    assert [(k.old, k.new, k.line) for k in crosswalk.into("09001")] == [("3386", "9001", 2), ("03387", "09001", 3)]
    assert crosswalk.split() == {}


def test_each_unit_is_flagged_as_the_totals_are(form):
    units = [Unit("105", "Thành phố Lai Châu", "city"), Unit("09001", "Phường Mới A", "communes")]
    values = pd.DataFrame(
        [("09001", "TET_GIFTS_VALUE", 200), ("09001", "TET_GIFTS", 500), ("105", "UNITY_HOUSES", 5), ("105", "WARM_COATS", "")],
        columns=["unit_code", "code", "value"],
    )
    prior = PriorData(by_unit={
        ("105", "UNITY_HOUSES"): 0, ("105", "WARM_COATS"): 3, ("09001", "TET_GIFTS"): 100, ("09001", "TET_GIFTS_VALUE"): 100,
        ("09001", "INSPECTIONS"): 4, ("03386", "TET_GIFTS"): 9,  # not sent; not a unit of the list
    })  # fmt: skip
    frame = compare_units(values, prior, units, form, factor=3)
    assert list(frame.columns) == UNIT_COMPARISON_COLUMNS
    rows = [(r.unit_code, r.code, r.prior, r.change, r.flag) for r in frame.itertuples()]
    blank = rows[1][3]  # left blank this year: no change to tell, never flagged
    assert rows == [  # unit list order, then form order
        ("105", "UNITY_HOUSES", 0, 5, False),  # zero before: never flagged
        ("105", "WARM_COATS", 3, blank, False),
        ("09001", "TET_GIFTS", 100, 400, True),  # x5
        ("09001", "TET_GIFTS_VALUE", 100, 100, False),  # x2
    ]
    assert math.isnan(blank) and math.isnan(frame["ratio"][0]) and frame["ratio"][2] == 5
