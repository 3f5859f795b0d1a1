"""The Excel templates: files, metadata, table, locking, validation, checks, printing."""

from __future__ import annotations

import copy
import dataclasses
import shutil
import unicodedata

import openpyxl
import pytest

from pipeline.core import constants as C
from pipeline.core import settings
from pipeline.core.errors import FormDefinitionError, Msg, TemplateError
from pipeline.form.definition import load_form
from pipeline.form.expression import parse_expression
from pipeline.form.model import Rule, Unit
from pipeline.form.prior import PriorData
from pipeline.templates import build as templates
from pipeline.templates import checks as template_checks
from pipeline.templates import formats as template_formats
from pipeline.templates.batch import write_templates
from pipeline.templates.build import build_template, template_filename
from pipeline.templates.heading import issuing_bodies
from tests.conftest import message_fields, write_form

PERIOD = "2023"
DEADLINE = "15/12/2023"


@pytest.fixture(scope="module")
def built(tmp_path_factory, form, units):
    """All default templates (with a deadline), and their paths by unit code."""
    folder = tmp_path_factory.mktemp("templates") / "input_templates"
    paths = write_templates(form, units, folder, PERIOD, DEADLINE)
    return {unit.code: path for unit, path in zip(units, paths, strict=True)}


@pytest.fixture(scope="module")
def books(built):
    return {code: openpyxl.load_workbook(path) for code, path in built.items()}


def table(ws) -> tuple[int, dict[str, int], dict[str, int]]:
    """Header row, ``header -> column`` and ``code -> row``, found like ingest finds them."""
    for row in ws.iter_rows():
        values = [cell.value for cell in row]
        if C.HEADER_CODE in values and C.HEADER_VALUE in values:
            header_row = row[0].row
            cols = {v: i + 1 for i, v in enumerate(values) if v}
            break
    else:
        raise AssertionError("no table header")
    codes: dict[str, int] = {}
    for r in range(header_row + 1, ws.max_row + 1):
        code = ws.cell(r, cols[C.HEADER_CODE]).value
        if code:
            assert code not in codes, f"{code} twice"
            codes[code] = r
    return header_row, cols, codes


def indicator_rows(form, ws) -> dict[str, int]:
    return {code: row for code, row in table(ws)[2].items() if code in form.indicators}


def test_filenames(built, units):
    assert len(built) == 8
    for unit in units:
        name = built[unit.code].name
        assert name.startswith(unit.code + "_") and name.endswith(".xlsx") and name.isascii()
    assert template_filename(Unit("03386", "Phường Quyết Thắng", "communes")) == "03386_Phuong_Quyet_Thang.xlsx"
    assert template_filename(Unit("03389", "Phường Đoàn Kết", "communes")) == "03389_Phuong_Doan_Ket.xlsx"
    assert template_filename(Unit("105", "Thành phố Lai Châu", "city")) == "105_Thanh_pho_Lai_Chau.xlsx"
    assert sorted(p.name for p in next(iter(built.values())).parent.iterdir()) == sorted(p.name for p in built.values())


def test_sheets_and_metadata(books, form, units):
    for unit in units:
        wb = books[unit.code]
        assert wb.sheetnames == [C.DATA_SHEET, C.GUIDE_SHEET, C.META_SHEET]
        assert wb.active.title == C.DATA_SHEET
        meta = wb[C.META_SHEET]
        assert meta.sheet_state == "hidden"
        values = {row[0]: row[1] for row in meta.iter_rows(min_row=2, values_only=True)}
        expected = {
            C.META_FORM_ID: form.id,
            C.META_FORM_VERSION: form.version,
            C.META_FINGERPRINT: form.fingerprint,
            C.META_UNIT_CODE: unit.code,
            C.META_UNIT_NAME: unit.name,
            C.META_UNIT_LEVEL: unit.level,
            C.META_PERIOD: PERIOD,
            C.META_DEADLINE: DEADLINE,
            C.META_DATA_SHEET: C.DATA_SHEET,
        }
        assert values == expected
        (name,) = [n for n in wb.defined_names.values() if n.name == C.DATA_DEFINED_NAME]
        assert name.localSheetId is None and name.attr_text == f"'{C.DATA_SHEET}'!$1:$1048576"
        assert meta["B5"].data_type == "s"  # unit code kept as text
        props = {p.name: p.value for p in wb.custom_doc_props.props}
        assert props == {C.META_PREFIX + k: v for k, v in expected.items()}


def test_properties(books, form):
    """The author is the committee that signs the return: the ward's own, or the city's."""
    props = books["03386"].properties
    assert props.title == form.title_for(PERIOD)
    assert props.creator == "Ủy ban MTTQ Việt Nam Phường Quyết Thắng"
    assert books["105"].properties.creator == form.committee


def heading(ws) -> tuple[str, str]:
    """The two lines of the issuing bodies, top left of the sheet."""
    return ws["A1"].value, ws["A2"].value


def test_ward_heading_names_the_ward_under_the_city(books, built_directly, form):
    """Stamped and built alike: the city's committee above, the ward's own committee in bold."""
    expected = ("ỦY BAN MTTQ VIỆT NAM THÀNH PHỐ LAI CHÂU", "ỦY BAN MTTQ VIỆT NAM PHƯỜNG QUYẾT THẮNG")
    for book in (books["03386"], built_directly["03386"]):
        ws = book[C.DATA_SHEET]
        assert heading(ws) == expected
        assert ws["A2"].font.b and not ws["A1"].font.b
    texts = {c.value for row in books["03386"][C.DATA_SHEET].iter_rows(max_row=8) for c in row}
    assert form.settings["parent"].upper() not in texts


def test_city_heading_names_the_committee_under_the_province(books, built_directly):
    expected = ("ỦY BAN MTTQ VIỆT NAM TỈNH LAI CHÂU", "ỦY BAN MTTQ VIỆT NAM THÀNH PHỐ LAI CHÂU")
    assert heading(books["105"][C.DATA_SHEET]) == heading(built_directly["105"][C.DATA_SHEET]) == expected


@pytest.fixture(scope="module")
def built_directly(tmp_path_factory, form, units):
    """The ward's and the city's templates built one by one, without stamping."""
    folder = tmp_path_factory.mktemp("direct")
    chosen = [u for u in units if u.code in ("105", "03386")]
    paths = {u.code: build_template(form, u, folder / template_filename(u), PERIOD, DEADLINE) for u in chosen}
    return {code: openpyxl.load_workbook(path) for code, path in paths.items()}


def bundled_form_with(tmp_path, line: str | None):
    """The bundled form with its ``unit_committee`` line of form.csv replaced by ``line`` (None: removed)."""
    folder = shutil.copytree(settings.DEFINITIONS_DIR, tmp_path / "form")
    lines = [x for x in (folder / "form.csv").read_text(encoding="utf-8").splitlines() if not x.startswith("unit_committee,")]
    (folder / "form.csv").write_text("\n".join([*lines, *([line] if line else [])]) + "\n", encoding="utf-8")
    return load_form(folder)


def test_unit_committee_setting(tmp_path, units):
    """``unit_committee`` in form.csv names a ward's committee; without it the heading names the ward."""
    ward = next(u for u in units if u.code == "03386")
    custom = bundled_form_with(tmp_path / "a", "unit_committee,Ban Thường trực MTTQ {unit}")
    assert issuing_bodies(custom, ward.name) == (custom.committee.upper(), "BAN THƯỜNG TRỰC MTTQ PHƯỜNG QUYẾT THẮNG")
    plain = bundled_form_with(tmp_path / "b", None)
    assert issuing_bodies(plain, ward.name) == (plain.committee.upper(), "PHƯỜNG QUYẾT THẮNG")
    assert issuing_bodies(plain, "Thành phố Lai Châu") == (plain.settings["parent"].upper(), plain.committee.upper())


def test_unit_committee_needs_the_unit(tmp_path):
    with pytest.raises(FormDefinitionError) as err:
        bundled_form_with(tmp_path, "unit_committee,Ủy ban MTTQ Việt Nam")
    fields = message_fields(Msg.FORM_007, str(err.value))
    assert fields is not None and fields["where"] == "form.csv › unit_committee"


def test_header_block(books, form):
    ws = books["03386"][C.DATA_SHEET]
    header_row, cols, _ = table(ws)
    texts = [c.value for row in ws.iter_rows(max_row=header_row - 1) for c in row if isinstance(c.value, str)]
    assert form.committee.upper() in texts
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in texts
    assert form.title_for(PERIOD).upper() in texts
    assert "Đơn vị báo cáo: Phường Quyết Thắng" in texts
    assert f"Kỳ báo cáo: năm {PERIOD}" in texts
    assert f"Hạn nộp: {DEADLINE}" in texts
    assert all(unicodedata.is_normalized("NFC", t) for t in texts)
    expected = [C.HEADER_STT, C.HEADER_LABEL, C.HEADER_UNIT, C.HEADER_CODE, C.HEADER_VALUE, C.HEADER_NOTE]
    assert [ws.cell(header_row, i + 1).value for i in range(len(expected) + 1)] == [*expected, None]


@pytest.mark.parametrize("level,count", [("city", 68), ("communes", 47)])
def test_codes_per_level(books, form, units, level, count):
    city_only = {code for code, ind in form.indicators.items() if ind.levels == ("city",)}
    assert city_only
    for unit in (u for u in units if u.level == level):
        ws = books[unit.code][C.DATA_SHEET]
        rows = indicator_rows(form, ws)
        assert set(rows) == {ind.code for ind in form.indicators_for(level)}
        assert len(rows) == count
        if level == "communes":
            assert not city_only & set(table(ws)[2])


def test_indicator_rows(books, form):
    ws = books["03386"][C.DATA_SHEET]
    _, cols, codes = table(ws)
    ind = form.indicators["POOR_FUND_TOTAL"]
    row = codes[ind.code]
    assert ws.cell(row, cols[C.HEADER_LABEL]).value == ind.label
    assert ws.cell(row, cols[C.HEADER_UNIT]).value == ind.unit
    part = ws.cell(codes["POOR_FUND_CENTRAL"], cols[C.HEADER_LABEL])  # a part of POOR_FUND_TOTAL
    assert part.value == "Trong đó: " + form.indicators["POOR_FUND_CENTRAL"].label
    assert part.font.i and part.alignment.indent == 1 and not ws.cell(row, cols[C.HEADER_LABEL]).font.i
    value = ws.cell(row, cols[C.HEADER_VALUE])
    assert value.value is None and value.number_format == template_formats.NUM_WHOLE
    assert value.fill.fgColor.rgb.endswith("FFF2CC")
    # Section rows carry the section id in the Mã column, before their indicators.
    assert codes[ind.section] < row
    assert ws.cell(codes[ind.section], cols[C.HEADER_LABEL]).value == form.sections[ind.section].title


def test_only_inputs_unlocked(books, form):
    ws = books["105"][C.DATA_SHEET]
    header_row, cols, _ = table(ws)
    rows = set(indicator_rows(form, ws).values())
    unlocked = {(c.row, c.column) for row in ws.iter_rows() for c in row if c.protection.locked is False}
    expected = {(r, cols[C.HEADER_VALUE]) for r in rows} | {(r, cols[C.HEADER_NOTE]) for r in rows}
    assert unlocked == expected
    assert ws.cell(header_row, cols[C.HEADER_CODE]).protection.locked
    for sheet in books["105"].worksheets:
        assert sheet.protection.sheet is True
        assert not sheet.protection.password
    protection = ws.protection
    assert not protection.formatColumns and not protection.formatRows and not protection.insertRows  # False = allowed


def test_validation_on_every_input(books, form):
    ws = books["105"][C.DATA_SHEET]
    _, cols, _ = table(ws)
    validations = ws.data_validations.dataValidation
    for code, row in indicator_rows(form, ws).items():
        cell = ws.cell(row, cols[C.HEADER_VALUE]).coordinate
        covering = [dv for dv in validations if cell in dv.sqref]
        assert len(covering) == 1, code
        dv = covering[0]
        high = form.indicators[code].bounds[1]  # the type's default bound, the one the checks use
        assert (dv.type, dv.operator or "between", dv.formula1, dv.formula2) == ("whole", "between", "0", str(high))
        assert dv.showErrorMessage and dv.errorTitle and dv.promptTitle
        assert len(dv.promptTitle) <= 32 and len(dv.prompt) <= 255
        assert form.indicators[code].unit in dv.prompt and "ghi 0 nếu không phát sinh" in dv.prompt


@pytest.mark.parametrize("unit_code", ["105", "03386"])
def test_check_rows(books, form, units, unit_code):
    unit = next(u for u in units if u.code == unit_code)
    ws = books[unit_code][C.DATA_SHEET]
    _, cols, codes = table(ws)
    rules = form.return_rules(unit.level)
    assert rules
    last_indicator = max(indicator_rows(form, ws).values())
    for rule in rules:
        row = codes[rule.id]
        assert row > last_indicator
        assert ws.cell(row, cols[C.HEADER_LABEL]).value == rule.check_text
        formula = ws.cell(row, cols[C.HEADER_VALUE]).value
        assert formula.startswith("=IF(ISERROR(") and "Đạt" in formula
        assert ws.cell(row, cols[C.HEADER_NOTE]).value.startswith("=IF(")
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(t.startswith("KIỂM TRA SỐ LIỆU") for t in texts)
    assert not {r.id for r in form.rules if r not in rules} & set(codes)
    first, last = min(codes[r.id] for r in rules), max(codes[r.id] for r in rules)
    column = openpyxl.utils.get_column_letter(cols[C.HEADER_VALUE])
    (block,) = [b for b in ws.conditional_formatting if str(b.sqref) == f"{column}{first}:{column}{last}"]
    assert sorted(rule.formula[0] for rule in block.rules) == ['"Chưa khớp"', '"Cần xem lại"', '"Đạt"']


def test_blank_template_shows_no_result(built):
    ws = openpyxl.load_workbook(built["03386"], data_only=True)[C.DATA_SHEET]
    _, cols, codes = table(ws)
    assert ws.cell(codes["R02"], cols[C.HEADER_VALUE]).value in (None, "")


def test_page_setup(books):
    ws = books["03386"][C.DATA_SHEET]
    header_row = table(ws)[0]
    assert int(ws.page_setup.paperSize) == 9
    assert ws.page_setup.orientation == "portrait"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0  # absent means 1
    assert ws.print_title_rows.replace("$", "") == f"{header_row}:{header_row}"
    assert ws.freeze_panes == f"A{header_row + 1}"


def test_prior_column(tmp_path, form, units):
    unit = next(u for u in units if u.code == "03386")
    prior = PriorData("2022", by_unit={("03386", "RESIDENTIAL_AREAS"): 9.0, ("03387", "CULTURAL_AREAS"): 4.0})
    path = build_template(form, unit, tmp_path / "with_prior.xlsx", PERIOD, prior=prior)
    ws = openpyxl.load_workbook(path)[C.DATA_SHEET]
    header_row, cols, codes = table(ws)
    assert list(cols)[-2:] == ["Năm 2022", C.HEADER_NOTE]  # the prior column named after its period
    assert cols["Năm 2022"] == cols[C.HEADER_VALUE] + 1
    assert ws.cell(codes["RESIDENTIAL_AREAS"], cols["Năm 2022"]).value == 9
    assert ws.cell(codes["CULTURAL_AREAS"], cols["Năm 2022"]).value is None
    assert ws.cell(codes["RESIDENTIAL_AREAS"], cols["Năm 2022"]).protection.locked
    assert not any("Hạn nộp" in str(c.value) for row in ws.iter_rows(max_row=header_row) for c in row)


@pytest.mark.parametrize("period,title", [("2023-H1", "6 tháng đầu năm 2023"), (None, C.HEADER_PRIOR), ("2023-Q3", "Quý III năm 2023")])
def test_prior_column_title_names_its_period(tmp_path, form, units, period, title):
    path = build_template(form, units[0], tmp_path / "t.xlsx", "2024", prior=PriorData(period))
    assert list(table(openpyxl.load_workbook(path)[C.DATA_SHEET])[1])[-2:] == [title, C.HEADER_NOTE]


def test_no_prior_column_without_prior(books):
    assert C.HEADER_PRIOR not in table(books["03386"][C.DATA_SHEET])[1]


def test_failure_leaves_nothing(tmp_path, form, units, monkeypatch):
    unit = units[1]
    target = tmp_path / template_filename(unit)

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(templates, "write_guide", broken)
    with pytest.raises(TemplateError, match="disk full"):
        build_template(form, unit, target, PERIOD)
    assert list(tmp_path.iterdir()) == []
    # An existing template is left as it was.
    target.write_bytes(b"old")
    with pytest.raises(TemplateError):
        build_template(form, unit, target, PERIOD)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


def test_rejected_validation_raises(tmp_path, form, units):
    broken = copy.deepcopy(form)
    ind = broken.indicators["RESIDENTIAL_AREAS"]
    broken.indicators[ind.code] = dataclasses.replace(ind, unit="khu dân cư " * 30)  # prompt over 255 characters
    with pytest.raises(TemplateError, match="RESIDENTIAL_AREAS"), pytest.warns(UserWarning, match="255"):
        build_template(broken, units[1], tmp_path / "x.xlsx", PERIOD)
    assert list(tmp_path.iterdir()) == []


def test_missing_folder_is_created(tmp_path, form, units):
    paths = write_templates(form, units[:1], tmp_path / "a" / "b", PERIOD)
    assert paths == [tmp_path / "a" / "b" / template_filename(units[0])]
    assert paths[0].is_file()


@pytest.mark.parametrize(
    "blank,guard",
    [("skip_all", 'IF(COUNT(H1,H2)=0,"",'), ("skip_any", 'IF(COUNT(H1,H2)<2,"",'), ("never", "IF(ROUND(")],
)
def test_rule_formula_blank_policies(blank, guard):
    rule = Rule("R99", parse_expression("A + 5 <= B"), "error", "all", blank, "m")
    helpers = {"A": "H1", "B": "H2"}
    assert template_checks.difference_formula(rule, helpers) == "=(SUM(H1)+5.0)-(SUM(H2))"
    status, note = template_checks.rule_formulas(rule, helpers, "H9", "E9", 0)
    assert status.startswith('=IF(ISERROR(H9),"Chưa khớp",' + guard)
    assert 'IF(ROUND(H9,6)<=0,"Đạt","Chưa khớp")' in status
    assert note.startswith(
        f'=IF(ISERROR(H9),"{template_checks.TEXT_NUMBER}",IF(E9="Chưa khớp","Chênh lệch: "&IF(H9>0,"+",IF(H9<0,"-",""))&'
    )


def test_number_formats_group_by_dots_in_every_locale():
    """Literal dots, one section per size; the conditional tiers go on from 10^9."""
    assert template_formats.NUM_WHOLE == r"[<1000]0;[<1000000]#\.##0;#\.###\.##0"
    assert dict(template_formats.NUM_TIERS) == {10**9: r"#\.###\.###\.##0", 10**12: r"#\.###\.###\.###\.##0"}
    assert "," not in template_formats.NUM_WHOLE


def test_number_format_on_inputs_and_prior(tmp_path, form, units, books):
    ws = books["03386"][C.DATA_SHEET]
    _, cols, codes = table(ws)
    assert ws.cell(codes["POOR_FUND_TOTAL"], cols[C.HEADER_VALUE]).number_format == template_formats.NUM_WHOLE
    tiers = [r.formula[0] for b in ws.conditional_formatting for r in b.rules if r.type == "expression"]
    assert sorted(int(t.rsplit(">=", 1)[1].rstrip(")")) for t in tiers) == [10**9, 10**12]
    (block,) = [b for b in ws.conditional_formatting if any(r.type == "expression" for r in b.rules)]
    assert {int(c[1:]) for c in str(block.sqref).split()} == {r for code, r in codes.items() if code in form.indicators}


def test_warning_rule_asks_for_review():
    rule = Rule("R98", parse_expression("A == B"), "warning", "all", "never", "m")
    status, _ = template_checks.rule_formulas(rule, {"A": "H1", "B": "H2"}, "H9", "E9", 0)
    assert '"Cần xem lại"' in status and "Chưa khớp" not in status
    assert template_checks.cached_results(rule) == ("Đạt", "")


def test_text_starting_like_a_formula_stays_text(tmp_path):
    """A form title starting with "=" is written as text in every cell, never as a live formula."""
    folder = write_form(tmp_path / "form", "A,I,Số hộ,hộ,count,0,,yes,communes", "R1,A >= 0,error,all,skip_all,Không âm.")
    (folder / "form.csv").write_text("key,value\nid,bieu-nho\nversion,1\ntitle,=Biểu nhỏ năm {period}\n", encoding="utf-8")
    form = load_form(folder)
    path = build_template(form, Unit("X1", "Xã Một", "communes"), tmp_path / "x.xlsx", PERIOD)
    cells = [cell for ws in openpyxl.load_workbook(path).worksheets for row in ws.iter_rows() for cell in row]
    titles = [cell for cell in cells if isinstance(cell.value, str) and "BIỂU NHỎ NĂM 2023" in cell.value.upper()]
    assert {cell.value for cell in titles} == {"=BIỂU NHỎ NĂM 2023", "=Biểu nhỏ năm 2023"}
    assert {cell.data_type for cell in titles} == {"s"}
