"""``tonghop forward``: a consolidation sent up as the upper committee's return, across three
levels: the communes' returns → the city's consolidation (the bundled sample) → the province's
template for the city, filled → the province's consolidation of the city with another district.

The province uses the bundled form with its levels relabelled (``tests/fixtures/province``): the
province committee at level ``city``, its districts and cities (105 Thành phố Lai Châu, 106 Huyện
Tam Đường) at level ``communes``; their templates hold the indicators of that level only.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pytest
from click.testing import CliRunner

from pipeline import api
from pipeline.cli import cli
from pipeline.cli.forward import forward_lines
from pipeline.core import settings
from pipeline.core.constants import DATA_SHEET, LEVEL_ALL, TOTALS_CSV, WORKBOOK_XLSX, Severity
from pipeline.core.constants import FORWARD_REPORT_SUFFIX as REPORT_SUFFIX
from pipeline.core.errors import Msg, PipelineError
from pipeline.form.definition import load_form
from pipeline.form.period import format_date, period_label
from pipeline.forward.cells import formula_cells, number_text, set_cells
from pipeline.forward.fill import PROVENANCE_PROPERTY
from pipeline.forward.upper import PROVENANCE, read_upper_template
from pipeline.ingest.extract import property_metadata, read_metadata
from pipeline.ingest.readers import read_workbook
from pipeline.outputs.csvfiles import read_frame, write_frame
from pipeline.outputs.readback import read_consolidation
from pipeline.sample import fill_return, sample_values
from pipeline.templates.checks import RESULT_OK
from tests.conftest import message_fields

PROVINCE = Path(__file__).resolve().parents[1] / "fixtures" / "province"
EXTRA = "EXTRA_FIGURE"  # an indicator the province asks for and the city's form lacks


def province_form(folder: Path, extra: bool = False) -> Path:
    """The bundled form with the province's levels; ``extra`` adds an indicator of its own."""
    shutil.copytree(settings.DEFINITIONS_DIR, folder)
    shutil.copy(PROVINCE / "levels.csv", folder / "levels.csv")
    if extra:
        with (folder / "indicators.csv").open("a", encoding="utf-8") as handle:
            handle.write(f"{EXTRA},I,Cuộc giám sát do tỉnh giao,cuộc,count,0,,yes,communes,,\n")
    return folder


def province_templates(folder: Path, period: str = "2023", extra: bool = False) -> SimpleNamespace:
    form_dir = province_form(folder / "form", extra)
    units = PROVINCE / "units.csv"
    run = api.make_templates(form_path=form_dir, units_path=units, period=period, out=folder / "bieu_mau")
    return SimpleNamespace(form=form_dir, units=units, templates={p.name.split("_")[0]: p for p in run.paths})


@pytest.fixture(scope="module")
def province(tmp_path_factory):
    return province_templates(tmp_path_factory.mktemp("province"))


@pytest.fixture(scope="module")
def city(tmp_path_factory, sample_dir):
    """The city's consolidation of its communes' returns (the bundled sample)."""
    return api.consolidate(sample_dir, period="2023", out=tmp_path_factory.mktemp("city") / "output")[1]


def _city_totals(city: Path) -> dict[str, int]:
    rows = read_frame(city / TOTALS_CSV)
    return {row.code: int(row.value) for row in rows.itertuples() if row.level == LEVEL_ALL}


@pytest.fixture(scope="module")
def chain(province, city, tmp_path_factory):
    """The city's return forwarded, then consolidated by the province with district 106's."""
    base = tmp_path_factory.mktemp("chain")
    template_bytes = province.templates["105"].read_bytes()
    run = api.forward(city, template=province.templates["105"], out=base / "gui_tinh" / "105_Thanh_pho_Lai_Chau.xlsx")
    received = base / "tinh_nhan_ve"  # the province's folder of returns: the file as emailed
    received.mkdir()
    shutil.copy(run.path, received / run.path.name)
    codes = [ind.code for ind in load_form(province.form).indicators_for("communes")]
    district = {code: 1000 + i for i, code in enumerate(codes)}
    fill_return(province.templates["106"], received / "106_Huyen_Tam_Duong.xlsx", district)
    result, _ = api.consolidate(received, form_path=province.form, units_path=province.units, period="2023", out=base / "tinh")
    return SimpleNamespace(run=run, result=result, codes=codes, district=district, template_bytes=template_bytes)


@pytest.mark.slow
def test_province_totals_are_the_sums_of_the_city_and_the_district(chain, city):
    city_totals = _city_totals(city)
    assert chain.run.of(Severity.WARNING) == [] and set(chain.run.filled) == set(chain.codes)
    subs = chain.result.submissions.set_index("unit_code")["status"]
    assert (subs["105"], subs["106"], subs["12"]) == ("received", "received", "missing")
    for code in chain.codes:
        expected = city_totals[code] + chain.district[code]
        assert chain.result.total(code, "communes") == expected == chain.result.total(code, LEVEL_ALL), code


def test_forwarded_return_is_read_like_any_return(chain, province):
    ours = [p for p in chain.result.findings.problems if p.file == chain.run.path.name or p.unit_code == "105"]
    assert ours and [p for p in ours if p.severity == Severity.ERROR] == []  # the seed's R04 stays a warning
    (verdict,) = api.check_files([chain.run.path], form_path=province.form, units_path=province.units, period="2023")
    assert verdict.accepted and not verdict.has_errors and (verdict.unit_code, verdict.period) == ("105", "2023")
    assert verdict.values == chain.run.filled


def test_metadata_kept_and_numbers_written_as_numbers_in_the_styled_cells(chain, province):
    template, out = province.templates["105"], chain.run.path
    before, after = read_workbook(template), read_workbook(out)
    assert read_metadata(after) == read_metadata(before) and property_metadata(after) == property_metadata(before)
    slots = {slot.code: slot.cell for slot in read_upper_template(template).slots}
    blank, filled = openpyxl.load_workbook(template)[DATA_SHEET], openpyxl.load_workbook(out)[DATA_SHEET]
    for code, value in chain.run.filled.items():
        cell = filled[slots[code]]
        assert (cell.value, cell.data_type) == (value, "n") and blank[slots[code]].value is None
        assert (cell.style_id, cell.protection.locked) == (blank[slots[code]].style_id, False)
    assert filled.protection.sheet and len(filled.data_validations.dataValidation) == len(blank.data_validations.dataValidation)


def test_provenance_noted_on_the_return(chain, city):
    consolidation = read_consolidation(city)
    note = PROVENANCE.format(count=consolidation.received, day=format_date(consolidation.consolidated_on))
    assert chain.run.note == note and f"{consolidation.received} đơn vị" in note
    book = read_workbook(chain.run.path)
    assert book.properties[PROVENANCE_PROPERTY] == note
    sheet = next(s for s in book.sheets if s.name == DATA_SHEET)
    assert any(note in row for row in sheet.rows)


def test_forwarding_again_replaces_the_note(chain, city, tmp_path):
    folder = shutil.copytree(city, tmp_path / "city")
    run_json = folder / "run.json"
    text = re.sub(r'"consolidated_on": "[^"]*"', '"consolidated_on": "2023-11-20"', run_json.read_text(encoding="utf-8"))
    run_json.write_text(text, encoding="utf-8")
    again = api.forward(folder, template=chain.run.path, out=tmp_path / "105_lan_2.xlsx")
    assert again.note != chain.run.note and "20/11/2023" in again.note and again.filled == chain.run.filled
    texts = [v for s in read_workbook(again.path).sheets if s.name == DATA_SHEET for row in s.rows for v in row if isinstance(v, str)]
    assert again.note in texts and chain.run.note not in texts


def test_template_left_untouched(chain, province):
    assert province.templates["105"].read_bytes() == chain.template_bytes


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_round_trip_reads_the_same_and_recomputes_the_checks(chain, province, tmp_path):
    profile = (tmp_path / "profile").as_uri()
    subprocess.run(
        ["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "xlsx", "--outdir", str(tmp_path), str(chain.run.path)],
        check=True, timeout=180, capture_output=True,
    )  # fmt: skip
    saved = tmp_path / chain.run.path.name
    (verdict,) = api.check_files([saved], form_path=province.form, units_path=province.units, period="2023")
    assert verdict.accepted and not verdict.has_errors and verdict.values == chain.run.filled
    rules = {rule.id for rule in load_form(province.form).rules}
    failing = {p.rule for p in verdict.problems if p.rule in rules}
    ws = openpyxl.load_workbook(saved, data_only=True)[DATA_SHEET]
    shown = {row[3]: row[4] for row in ws.iter_rows(values_only=True) if len(row) > 4 and row[3] in rules}
    assert failing and set(failing) <= set(shown)  # the seed's figures break a rule: the sheet must say so
    assert {rule for rule, status in shown.items() if status != RESULT_OK} == failing


def test_indicator_missing_from_ours_left_blank_with_a_warning(city, tmp_path):
    upper = province_templates(tmp_path / "tinh", extra=True)
    out = tmp_path / "gui" / "105.xlsx"
    result = CliRunner().invoke(cli, ["forward", str(city), "--template", str(upper.templates["105"]), "--out", str(out)])
    assert result.exit_code == 0, result.output
    run = api.forward(city, template=upper.templates["105"], out=out)
    (warning,) = run.of(Severity.WARNING)
    fields = message_fields(Msg.FORWARD_010, warning.message)
    cell = next(slot.cell for slot in read_upper_template(out).slots if slot.code == EXTRA)
    assert fields == {"where": f"105.xlsx › {DATA_SHEET}!{cell}", "code": EXTRA, "label": "Cuộc giám sát do tỉnh giao"}
    assert openpyxl.load_workbook(out)[DATA_SHEET][cell].value is None and EXTRA not in run.filled
    assert f"  [{Severity.WARNING.label}] {warning.message}" in result.output.splitlines()
    report = read_frame(out.with_name("105" + REPORT_SUFFIX))
    assert report[report["severity"] == "warning"][["rule", "code", "cell"]].values.tolist() == [[Msg.FORWARD_010.slug, EXTRA, cell]]


def test_ours_not_in_the_upper_form_are_listed(chain, province, city):
    asked = set(chain.codes)
    ours = load_form().indicators
    listed = [p for p in chain.run.problems if p.severity == Severity.INFO]
    assert [p.code for p in listed] == [code for code in ours if code not in asked] and listed
    first = message_fields(Msg.FORWARD_012, listed[0].message)
    assert first == {"where": str(city / TOTALS_CSV), "code": listed[0].code, "label": ours[listed[0].code].display_label}
    lines = forward_lines(chain.run)
    assert any(line.startswith(f"{len(listed)} chỉ tiêu của kết quả tổng hợp không có trong biểu mẫu cấp trên") for line in lines)


def test_indicator_nobody_reported_left_blank_with_a_warning(city, province, tmp_path):
    folder = shutil.copytree(city, tmp_path / "city")
    totals = read_frame(folder / TOTALS_CSV)
    write_frame(totals[totals["code"] != "CONFERENCES"], folder / TOTALS_CSV, numeric=("value",))
    run = api.forward(folder, template=province.templates["105"], out=tmp_path / "105.xlsx")
    (warning,) = run.of(Severity.WARNING)
    assert message_fields(Msg.FORWARD_011, warning.message)["code"] == "CONFERENCES" and "CONFERENCES" not in run.filled


def test_template_of_another_period_refused_unless_forced(city, tmp_path):
    upper = province_templates(tmp_path / "tinh", period="2024")
    out = tmp_path / "105.xlsx"
    with pytest.raises(PipelineError) as refused:
        api.forward(city, template=upper.templates["105"], out=out)
    fields = message_fields(Msg.FORWARD_002, str(refused.value))
    assert (fields["template_period"], fields["period"]) == (period_label("2024"), period_label("2023")) and not out.exists()
    result = CliRunner().invoke(cli, ["forward", str(city), "--template", str(upper.templates["105"]), "--out", str(out)])
    assert result.exit_code == 2 and result.output.strip() == f"Lỗi: {refused.value}"
    run = api.forward(city, template=upper.templates["105"], out=out, force=True)
    (warning,) = run.of(Severity.WARNING)
    assert message_fields(Msg.FORWARD_013, warning.message)["template_period"] == period_label("2024")
    assert run.period == "2024" and read_metadata(read_workbook(out))["period"] == "2024"


def test_output_never_overwrites_the_template(city, province, tmp_path):
    template = shutil.copy(province.templates["105"], tmp_path / "105.xlsx")
    before = Path(template).read_bytes()
    with pytest.raises(PipelineError) as refused:
        api.forward(city, template=template, out=tmp_path / "khac" / ".." / "105.xlsx")
    assert message_fields(Msg.FORWARD_003, str(refused.value)) and Path(template).read_bytes() == before


def test_a_workbook_that_is_no_template_is_refused(city, tmp_path):
    with pytest.raises(PipelineError) as refused:
        api.forward(city, template=city / WORKBOOK_XLSX, out=tmp_path / "x.xlsx")
    assert message_fields(Msg.FORWARD_001, str(refused.value))["where"] == str(city / WORKBOOK_XLSX)
    assert not (tmp_path / "x.xlsx").exists()


def test_cells_keep_their_style_and_take_numbers_text_or_blank():
    xml = b'<row r="3"><c r="E3" s="17"/><c r="E4" s="5" t="s"><v>2</v></c><c r="F3" s="2"><f>E3*2</f><v>4</v></c></row>'
    out = set_cells(xml, {"E3": 1200000, "E4": None, "F3": "Lập <từ> & đến"})
    assert out == (
        b'<row r="3"><c r="E3" s="17"><v>1200000</v></c><c r="E4" s="5"/>'
        + '<c r="F3" s="2" t="inlineStr"><is><t xml:space="preserve">Lập &lt;từ&gt; &amp; đến</t></is></c></row>'.encode()
    )
    assert formula_cells(xml) == {"F3"}
    with pytest.raises(KeyError):
        set_cells(xml, {"E5": 1})
    assert [number_text(v) for v in (3.0, 2.5, 10**18, 0.1)] == ["3", "2.5", "1000000000000000000", "0.1"]


# --- Whose return: the upper template must be the consolidating committee's -------------------


def test_province_own_template_refused_naming_both_unless_forced(city, province, tmp_path):
    out = tmp_path / "gui_tinh" / "12.xlsx"
    own = province.templates["12"]  # in the zip of templates the province sends out
    with pytest.raises(PipelineError) as refused:
        api.forward(city, template=own, out=out)
    fields = message_fields(Msg.FORWARD_020, str(refused.value))
    assert fields["template_unit"] == "12 – Tỉnh Lai Châu" and fields["unit"] == "105 – Thành phố Lai Châu"
    assert not out.exists() and not out.with_name("12" + REPORT_SUFFIX).exists()
    result = CliRunner().invoke(cli, ["forward", str(city), "--template", str(own), "--out", str(out)])
    assert result.exit_code == 2 and result.output.strip() == f"Lỗi: {refused.value}"
    forced = CliRunner().invoke(cli, ["forward", str(city), "--template", str(own), "--out", str(out), "--force"])
    assert forced.exit_code == 0, forced.output
    run = api.forward(city, template=own, out=out, force=True)
    (warning,) = [p for p in run.of(Severity.WARNING) if p.type == Msg.FORWARD_021.slug]
    assert message_fields(Msg.FORWARD_021, warning.message)["template_unit"] == "12 – Tỉnh Lai Châu"
    assert f"  [{Severity.WARNING.label}] {warning.message}" in forced.output.splitlines()
    report = read_frame(out.with_name("12" + REPORT_SUFFIX))
    assert Msg.FORWARD_021.slug in set(report["rule"])


@pytest.mark.parametrize(
    "name, accepted",
    [
        ("UBMTTQ TP. Lai Châu", True),
        ("thanh pho lai chau", True),
        ("Ủy ban MTTQ Việt Nam thành phố Lai Châu", True),
        ("Huyện Tam Đường", False),
    ],
)
def test_codes_differing_between_levels_compared_by_name(city, tmp_path, name, accepted):
    units = tmp_path / "units.csv"
    units.write_text(f"code,name,level\n12,Tỉnh Lai Châu,city\nLC01,{name},communes\n", encoding="utf-8")
    form_dir = province_form(tmp_path / "form")
    made = api.make_templates(form_path=form_dir, units_path=units, period="2023", out=tmp_path / "bieu_mau")
    template = next(p for p in made.paths if p.name.startswith("LC01"))
    out = tmp_path / "gui" / "LC01.xlsx"
    if accepted:
        assert api.forward(city, template=template, out=out).filled
    else:
        with pytest.raises(PipelineError) as refused:
            api.forward(city, template=template, out=out)
        assert message_fields(Msg.FORWARD_020, str(refused.value))["template_unit"] == f"LC01 – {name}"


# --- What the totals sent up leave out ------------------------------------------------------------


@pytest.fixture(scope="module")
def partial(tmp_path_factory, sample_dir, template_cache):
    """The city's consolidation with 3 of its 8 returns missing and a value rejected in another."""
    folder = shutil.copytree(sample_dir, tmp_path_factory.mktemp("partial") / "returns")
    gone = ["bao cao doan ket.xlsx", "03408_Phuong_Dong_Phong.xlsx", "03403_Xa_Sung_Phai.xlsx"]
    for name in gone:
        (folder / name).unlink()
    typed = dict(sample_values()["03386"], DOCS_ISSUED="4 (bốn)")
    fill_return(template_cache["03386"], folder / "03386_Phuong_Quyet_Thang.xlsx", typed)
    result, out = api.consolidate(folder, period="2023", out=folder.parent / "output")
    return SimpleNamespace(result=result, out=out)


def test_missing_units_and_rejected_values_said_in_the_note_the_report_and_the_terminal(partial, province, tmp_path):
    out = tmp_path / "gui_tinh" / "105.xlsx"
    printed = CliRunner().invoke(cli, ["forward", str(partial.out), "--template", str(province.templates["105"]), "--out", str(out)])
    assert printed.exit_code == 0, printed.output
    run = api.forward(partial.out, template=province.templates["105"], out=out)
    assert (run.coverage.received, run.coverage.expected) == (5, 8) and "tổng hợp 5/8 đơn vị" in run.note
    report = read_frame(out.with_name("105" + REPORT_SUFFIX))
    missing = report[report["rule"] == Msg.FORWARD_022.slug]
    assert sorted(missing["unit_code"]) == ["03389", "03403", "03408"]
    rejected = report[report["rule"] == Msg.FORWARD_023.slug]
    assert rejected[["unit_code", "code"]].values.tolist() == [["03386", "DOCS_ISSUED"]]
    fields = message_fields(Msg.FORWARD_023, rejected["message"].iloc[0])  # the report names the label and the unit
    assert (fields["label"], fields["unit_name"]) == (load_form().indicators["DOCS_ISSUED"].display_label, "Phường Quyết Thắng")
    cell = rejected["cell"].iloc[0]
    lines = printed.output.splitlines()
    names = "03389 – Phường Đoàn Kết, 03403 – Xã Sùng Phài, 03408 – Phường Đông Phong"
    summary = Msg.CLI_060.render(count=5, expected=8, missing=3, names=names, report=run.report)
    assert f"  [{Severity.WARNING.label}] {summary}" in lines
    label = load_form().indicators["DOCS_ISSUED"].display_label
    cells = f"“{label}” (DOCS_ISSUED) của Phường Quyết Thắng (03386) ở 03386_Phuong_Quyet_Thang.xlsx › {DATA_SHEET}!{cell}"
    assert f"  [{Severity.WARNING.label}] {Msg.CLI_061.render(count=1, cells=cells, report=run.report)}" in lines
    assert not [line for line in lines if Msg.FORWARD_022.slug in line or "chưa có báo cáo dùng được khi tổng hợp" in line]


def test_a_hand_edited_total_is_said_before_it_goes_up(city, province, tmp_path):
    """``POOR_FUND_TOTAL,all,8.63E+08`` typed over the city's totals.csv: forward still fills the
    template, and says on the terminal and in its report that the figure was rounded and no longer
    agrees with the levels and the units' figures."""
    edited = tmp_path / "output"
    shutil.copytree(city, edited)
    totals = (edited / TOTALS_CSV).read_text(encoding="utf-8-sig").splitlines()
    at = next(i for i, line in enumerate(totals) if line.startswith(f"POOR_FUND_TOTAL,{LEVEL_ALL},"))
    cells = totals[at].split(",")
    cells[2] = "8.63E+08"
    totals[at] = ",".join(cells)
    (edited / TOTALS_CSV).write_text("\n".join(totals) + "\n", encoding="utf-8")
    out = tmp_path / "gui_tinh" / "105.xlsx"
    result = CliRunner().invoke(cli, ["forward", str(edited), "--template", str(province.templates["105"]), "--out", str(out)])
    assert result.exit_code == 0, result.output
    said = {p.type for p in api.forward(edited, template=province.templates["105"], out=out).of(Severity.WARNING)}
    assert {Msg.REPORT_015.slug, Msg.REPORT_016.slug, Msg.REPORT_017.slug} <= said
    assert "8.63E+08" in result.output or "863.000.000" in result.output
    assert {Msg.REPORT_015.slug, Msg.REPORT_017.slug} <= set(read_frame(out.with_name("105" + REPORT_SUFFIX))["rule"])
