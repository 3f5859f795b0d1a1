"""Prior-period figures: the three CSV shapes and the faults named by file and line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pipeline.core.errors import FormDefinitionError, Msg
from pipeline.form.period import Period
from pipeline.form.prior import PriorData, load_prior, period_mismatch
from tests.conftest import message_fields

SEED_PRIOR = Path(__file__).resolve().parents[1] / "fixtures" / "seed" / "prior_year.csv"  # a copy of the seed's


def write(tmp_path: Path, text: str, name: str = "prior.csv", bom: bool = False) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8-sig" if bom else "utf-8")
    return path


def test_totals_shape(tmp_path):
    path = write(tmp_path, "code,level,value\nDOCS_ISSUED,city,215\nDOCS_ISSUED,all,1215.0\nTET_GIFTS,communes,\n", "totals.csv", bom=True)
    prior = load_prior(path)
    assert prior.period is None
    assert prior.by_level == {("DOCS_ISSUED", "city"): 215.0, ("DOCS_ISSUED", "all"): 1215.0}
    assert prior.by_unit == {}
    assert prior.by_level[("DOCS_ISSUED", "all")] == 1215.0
    assert ("TET_GIFTS", "communes") not in prior.by_level
    assert prior.unit_value("105", "DOCS_ISSUED") is None


def test_prior_year_shape(tmp_path):
    text = (
        "code,level,period,value,source\n"
        'RECEPTION_TURNS,all,2022,44,"báo cáo: 44 lượt, bằng cùng kỳ"\n'
        "PETITIONS_NEW,all,2022,76,\n"
        "POOR_FUND_TOTAL,communes,2022,1.250.000,ghi kiểu Việt Nam\n"
    )
    prior = load_prior(write(tmp_path, text))
    assert prior.period == "2022"
    assert prior.by_level == {("RECEPTION_TURNS", "all"): 44.0, ("PETITIONS_NEW", "all"): 76.0, ("POOR_FUND_TOTAL", "communes"): 1250000.0}


def test_seed_prior_year(tmp_path):
    prior = load_prior(shutil.copy(SEED_PRIOR, tmp_path / "prior_year.csv"))
    assert prior.period == "2022"
    assert prior.by_level[("RECEPTION_TURNS", "all")] == 44


def test_values_shape(tmp_path):
    text = (
        "unit_code,code,value,file,sheet,cell\n"
        "03386,RESIDENTIAL_AREAS,12,03386_Phuong_Quyet_Thang.xlsx,Báo cáo,E15\n"
        "03387,RESIDENTIAL_AREAS,9.0,03387_Phuong_Tan_Phong.xlsx,Báo cáo,E15\n"
        "03387,CULTURAL_AREAS,,03387_Phuong_Tan_Phong.xlsx,Báo cáo,E16\n"
    )
    prior = load_prior(write(tmp_path, text, "values.csv", bom=True))
    assert prior.by_unit == {("03386", "RESIDENTIAL_AREAS"): 12.0, ("03387", "RESIDENTIAL_AREAS"): 9.0}
    assert prior.by_level == {}
    assert prior.unit_value("03386", "RESIDENTIAL_AREAS") == 12.0
    assert prior.unit_value("3386", "RESIDENTIAL_AREAS") is None  # unit codes stay text


def test_empty_prior_data():
    assert PriorData().unit_value("03386", "X") is None and not PriorData().by_level


def test_bad_header_names_file(tmp_path):
    path = write(tmp_path, "ma,cap,so\nDOCS_ISSUED,city,215\n", "nam_truoc.csv")
    with pytest.raises(FormDefinitionError) as info:
        load_prior(path)
    message = str(info.value)
    assert message.startswith("[nam_truoc.csv › dòng 1]")
    assert "ma,cap,so" in message and "code,level,value" in message


@pytest.mark.parametrize(
    "text,msg,fields",
    [
        ("code,level,value\nDOCS_ISSUED,city,hai trăm\n", Msg.PRIOR_002, {"value": "hai trăm", "code": "DOCS_ISSUED"}),
        (
            "code,level,value\nDOCS_ISSUED,city,1\nDOCS_ISSUED,city,2\n",
            Msg.PRIOR_003,
            {"code": "DOCS_ISSUED", "key": "DOCS_ISSUED / city", "first_row": 2},
        ),
        ("code,level,value\nDOCS_ISSUED,,1\n", Msg.PRIOR_006, {"column": "level"}),
    ],
)
def test_bad_rows_name_file_and_line(tmp_path, text, msg, fields):
    lines = text.splitlines()
    with pytest.raises(FormDefinitionError) as info:
        load_prior(write(tmp_path, text))
    assert str(info.value) == msg.render(where=f"prior.csv › dòng {len(lines)}", **fields)


def test_mixed_periods(tmp_path):
    path = write(tmp_path, "code,level,period,value\nA,all,2021,1\nB,all,2022,2\n")
    with pytest.raises(FormDefinitionError, match="2021, 2022"):
        load_prior(path)


def test_missing_and_unreadable(tmp_path):
    with pytest.raises(FormDefinitionError, match="khong_co.csv"):
        load_prior(tmp_path / "khong_co.csv")
    path = tmp_path / "utf16.csv"
    path.write_bytes("code,level,value\nA,all,1\nB,tổng,2\n".encode("utf-16"))  # Excel's "Unicode Text": read
    assert load_prior(path).by_level == {("A", "all"): 1, ("B", "tổng"): 2}
    path.write_bytes("code,level,value\nA,all,1\nB,tổng,2\n".encode("utf-16")[:-3])  # cut inside a letter
    with pytest.raises(FormDefinitionError, match="utf16.csv"):
        load_prior(path)


def _run_folder(tmp_path: Path, period: str | None = "2023") -> Path:
    """A previous run's output folder: totals.csv, values.csv and (unless ``period`` is None) run.json."""
    folder = tmp_path / "output" / "2023"
    folder.mkdir(parents=True)
    write(folder, "code,level,value\nDOCS_ISSUED,city,215\nDOCS_ISSUED,communes,1000\nDOCS_ISSUED,all,1215\n", "totals.csv")
    write(
        folder,
        "unit_code,code,value,file,sheet,cell\n105,DOCS_ISSUED,215,a.xlsx,Báo cáo,E9\n03386,DOCS_ISSUED,1000,b.xlsx,Báo cáo,E9\n",
        "values.csv",
    )
    if period:
        (folder / "run.json").write_text(json.dumps({"period": period, "units": []}), encoding="utf-8")
    return folder


def test_output_folder_reads_totals_values_and_period(tmp_path):
    folder = _run_folder(tmp_path)
    prior = load_prior(folder)
    assert prior.period == "2023" and prior.source == str(folder)
    assert prior.by_level == load_prior(folder / "totals.csv").by_level
    assert prior.by_level[("DOCS_ISSUED", "communes")] == 1000
    assert prior.by_unit == load_prior(folder / "values.csv").by_unit == {("105", "DOCS_ISSUED"): 215, ("03386", "DOCS_ISSUED"): 1000}


def test_run_csv_takes_the_period_of_its_run_json(tmp_path):
    folder = _run_folder(tmp_path, period="2023-H1")
    assert load_prior(folder / "totals.csv").period == "2023-H1"
    assert load_prior(folder / "values.csv").period == "2023-H1"
    assert load_prior(_run_folder(tmp_path / "b", period=None)).period is None


def test_output_folder_without_figures_names_what_is_missing(tmp_path):
    folder = _run_folder(tmp_path)
    (folder / "values.csv").unlink()
    with pytest.raises(FormDefinitionError) as info:
        load_prior(folder)
    assert str(info.value) == Msg.PRIOR_007.render(where=str(folder), missing="values.csv")
    with pytest.raises(FormDefinitionError) as info:
        load_prior(tmp_path)  # not a run's folder at all
    assert message_fields(Msg.PRIOR_007, str(info.value))["missing"] == "totals.csv, values.csv"


@pytest.mark.parametrize(
    "prior_period,period,expected",
    [
        ("2023", "2024", None),
        ("2023-H1", "2024-H1", None),
        (None, "2024", None),
        ("2022", "2024", "năm 2023"),
        ("2023", "2024-H1", "6 tháng đầu năm 2023"),
    ],
)
def test_period_mismatch(prior_period, period, expected):
    found = period_mismatch(PriorData(prior_period, source="p.csv"), Period.parse(period))
    assert (found and found["expected"]) == expected
    if found:
        assert found["prior_period"] == Period.parse(prior_period).label and found["period"] == Period.parse(period).label
