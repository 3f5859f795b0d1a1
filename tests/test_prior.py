"""Prior-period figures: the three CSV shapes and the faults named by file and line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline.core.errors import FormDefinitionError, Msg
from pipeline.form.prior import PriorData, load_prior

SEED_PRIOR = Path(__file__).resolve().parent / "fixtures" / "seed" / "prior_year.csv"  # a copy of the seed's


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
    path.write_bytes("code,level,value\nA,all,1\nB,tổng,2\n".encode("utf-16"))
    with pytest.raises(FormDefinitionError, match="utf16.csv"):
        load_prior(path)
