"""The form's charts (pipeline/form/charts.py): one ``charts.csv``, checked with the form, drawn
by both the workbook's ``Biểu đồ`` sheet and the Word appendix."""

from __future__ import annotations

import shutil
import zipfile

import openpyxl
import pytest
from docx import Document

from pipeline import api
from pipeline.core.constants import LEVEL_ALL
from pipeline.core.errors import FormDefinitionError, Msg
from pipeline.core.settings import DEFINITIONS_DIR
from pipeline.form.charts import CHARTS_CSV, ChartSpec, indicator_label
from pipeline.form.definition import load_form

HEADER = "chart,title,kind,codes,level,labels,remainder\n"


@pytest.fixture
def form_copy(tmp_path):
    target = tmp_path / "form"
    shutil.copytree(DEFINITIONS_DIR, target)
    return target


def _write_charts(folder, *lines: str) -> None:
    (folder / CHARTS_CSV).write_text(HEADER + "".join(line + "\n" for line in lines), encoding="utf-8")


def test_bundled_charts_with_their_defaults(form):
    assert [(c.id, c.kind, c.levels) for c in form.charts] == [
        ("poor_fund_sources", "parts", (LEVEL_ALL,)),
        ("petitions_status", "levels", ("city", "communes", LEVEL_ALL)),  # default: every level, then the total
        ("poor_fund_by_unit", "units", ("communes",)),
    ]
    sources = form.charts[0]
    assert (sources.codes[0], sources.labels[0], sources.remainder) == ("POOR_FUND_TOTAL", "Tổng số tiền vận động được", "Chưa rõ nguồn")
    assert form.charts[2].labels == (indicator_label(form.indicators["POOR_FUND_TOTAL"].label),)


def test_labels_default_to_the_indicators(form_copy, form):
    _write_charts(form_copy, "gifts,Quà Tết,parts,POOR_FUND_TOTAL;POOR_FUND_CENTRAL,,,")
    chart = load_form(form_copy).for_period("2023").charts[0]
    labels = (indicator_label(form.indicators["POOR_FUND_TOTAL"].label), "Quỹ “Vì người nghèo” Trung ương chuyển về")
    assert chart == ChartSpec(
        "gifts", "Quà Tết", "parts", ("POOR_FUND_TOTAL", "POOR_FUND_CENTRAL"), (LEVEL_ALL,), labels, "",
        (indicator_label(form.indicators["POOR_FUND_TOTAL"].pattern), labels[1]),
    )  # fmt: skip
    assert chart.labels[0].endswith("(đến 15/11/2023)")  # the label filled for the period


def test_form_without_charts_has_none(form_copy):
    (form_copy / CHARTS_CSV).unlink()
    assert load_form(form_copy).charts == []


def test_unknown_code_names_file_and_line(form_copy):
    _write_charts(form_copy, "a,A,levels,PETITIONS_RESOLVED,,,", "b,B,levels,PETITIONS_RESOLVED;NO_SUCH_CODE,,,")
    with pytest.raises(FormDefinitionError) as info:
        load_form(form_copy)
    assert str(info.value).startswith(f"[{CHARTS_CSV} › dòng 3] Cột 'codes' có giá trị 'NO_SUCH_CODE' không hợp lệ.")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("x,X,donut,POOR_FUND_TOTAL,all,,", "'donut'"),
        ("x,X,levels,COUNCIL_NOTE,,,", "'COUNCIL_NOTE'"),  # a text indicator
        ("x,X,levels,,,,", "Cột 'codes' có giá trị '(trống)'"),
        (
            "x,X,levels,PETITIONS_RESOLVED,province,,",
            Msg.FORM_006.render(where=f"{CHARTS_CSV} › dòng 2", level="province", allowed="city, communes, all"),
        ),
        ("x,X,levels,PETITIONS_RESOLVED;PETITIONS_PENDING,,Một nhãn,", "Cột 'labels'"),
        ("x,X,parts,POOR_FUND_TOTAL,all,,", "mã tổng số rồi ít nhất một mã thành phần"),
        ("x,X,parts,POOR_FUND_TOTAL;POOR_FUND_LOCAL,city;communes,,", "một cấp cho biểu đồ parts"),
        ("x,X,units,POOR_FUND_TOTAL;POOR_FUND_LOCAL,communes,,", "đúng một mã chỉ tiêu"),
        ("x,X,levels,PETITIONS_RESOLVED,,,Khác", "Cột 'remainder'"),
        ("x y,X,levels,PETITIONS_RESOLVED,,,", "Cột 'chart'"),
    ],
)
def test_broken_chart_names_file_and_line(form_copy, line, expected):
    with (form_copy / "indicators.csv").open("a", encoding="utf-8") as handle:
        handle.write("COUNCIL_NOTE,I,Ghi chú,,text,,,no,city\n")
    _write_charts(form_copy, line)
    with pytest.raises(FormDefinitionError) as info:
        load_form(form_copy)
    assert str(info.value).startswith(f"[{CHARTS_CSV} › dòng 2]")
    assert expected in str(info.value)


def test_duplicate_chart_and_missing_column(form_copy):
    _write_charts(form_copy, "x,X,levels,PETITIONS_RESOLVED,,,", "x,Y,levels,PETITIONS_PENDING,,,")
    with pytest.raises(FormDefinitionError, match=f"{CHARTS_CSV} › dòng 3"):
        load_form(form_copy)
    (form_copy / CHARTS_CSV).write_text("chart,title,type,codes,level\nx,X,levels,PETITIONS_RESOLVED,\n", encoding="utf-8")
    with pytest.raises(FormDefinitionError, match="Thiếu cột: kind"):
        load_form(form_copy)


@pytest.mark.slow
def test_workbook_and_appendix_draw_the_same_definition(form_copy, sample_dir, tmp_path):
    _write_charts(
        form_copy,
        "resolved,Đơn đã giải quyết ở từng cấp,levels,PETITIONS_RESOLVED,city;communes,,",
        "fund,Quỹ ở từng xã,units,POOR_FUND_TOTAL,communes,,",
    )
    _, out = api.consolidate(sample_dir, form_path=form_copy, period="2023", out=tmp_path / "out")
    with zipfile.ZipFile(out / "tong_hop.xlsx") as archive:
        assert len([n for n in archive.namelist() if n.startswith("xl/charts/chart")]) == 2
    sheet = openpyxl.load_workbook(out / "tong_hop.xlsx")["Biểu đồ"]
    titles = [c.value for c in sheet["A"] if c.value in ("Đơn đã giải quyết ở từng cấp", "Quỹ ở từng xã")]
    assert titles == ["Đơn đã giải quyết ở từng cấp", "Quỹ ở từng xã"]
    doc = Document(str(api.make_report(out)))
    assert len(doc.inline_shapes) == 2
    captions = [p.text for p in doc.paragraphs if p.text.startswith("Biểu đồ ")]
    assert captions == ["Biểu đồ 1. Đơn đã giải quyết ở từng cấp", "Biểu đồ 2. Quỹ ở từng xã"]
