"""``tonghop units``: a province committee's unit list from the official catalogue after 1 July
2025 (the optional package ``vietnam-provinces``), at the levels of the form in use; and what an
officer reads when the package is missing."""

from __future__ import annotations

import subprocess
import sys
import types
from pathlib import Path

import pytest
from click.testing import CliRunner

import pipeline
from pipeline.cli import cli
from pipeline.core.errors import Msg
from pipeline.form import registry as registry_module
from pipeline.form.definition import load_form
from pipeline.form.units import load_units
from pipeline.sample import EXAMPLES
from tests.conftest import message_fields, write_form

EXAMPLE = EXAMPLES["tinh-lai-chau-2025"]


@pytest.fixture
def registry():
    """The catalogue package; the test is skipped, saying how to install it, when it is absent."""
    return pytest.importorskip("vietnam_provinces", reason="the optional extra is not installed: pip install -e '.[units]'")


def _run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def _units(tmp_path, *args):
    out = tmp_path / "don_vi.csv"
    result = _run("units", *args, "--out", out)
    assert result.exit_code == 0, result.output
    return out, result.output


@pytest.mark.parametrize("query", ["Lai Châu", "lai chau", "LAI CHÂU", "Tỉnh Lai Châu", "tinh lai chau", "12", "012"])
def test_lai_chau_by_name_with_or_without_diacritics_or_by_code(registry, tmp_path, query):
    out, output = _units(tmp_path, "--province", query, "--form", EXAMPLE.form_dir)
    units = load_units(out, load_form(EXAMPLE.form_dir))
    assert [(u.code, u.name, u.level) for u in units[:1]] == [("12", "Tỉnh Lai Châu", "province")]
    assert len(units) == 39 and {u.level for u in units[1:]} == {"communes"}
    assert ("03408", "Phường Tân Phong", "communes") in [(u.code, u.name, u.level) for u in units]
    assert f"Đã ghi danh sách 39 đơn vị của Tỉnh Lai Châu vào tệp {out}." in output


def test_the_file_keeps_leading_zeros_and_opens_in_excel(registry, tmp_path):
    out, _ = _units(tmp_path, "--province", "Hà Nội")
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # "CSV UTF-8": Excel shows the diacritics
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[:2] == ["code,name,level", "01,Thành phố Hà Nội,city"]  # the bundled form's levels
    assert "00004,Phường Ba Đình,communes" in lines and len(lines) == 1 + 1 + 126


def test_special_zones_and_a_city_named_as_the_catalogue_names_it(registry, tmp_path):
    out, _ = _units(tmp_path, "--province", "Quang Ninh")
    names = [u.name for u in load_units(out, load_form())]
    assert names[0] == "Tỉnh Quảng Ninh" and "Đặc khu Vân Đồn" in names and "Đặc khu Cô Tô" in names
    out, _ = _units(tmp_path, "--province", "thành phố hồ chí minh")
    assert load_units(out, load_form())[0].name == "Thành phố Hồ Chí Minh"


def test_the_committed_example_list_is_the_catalogue_s(registry, tmp_path):
    out, _ = _units(tmp_path, "--province", "Lai Châu", "--form", EXAMPLE.form_dir)
    assert out.read_bytes() == EXAMPLE.units_csv.read_bytes()


def test_the_default_file_is_named_after_the_province(registry, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = _run("units", "--province", "Điện Biên")
    assert result.exit_code == 0, result.output
    assert load_units(tmp_path / "don_vi_11_Tinh_Dien_Bien.csv", load_form())[0].name == "Tỉnh Điện Biên"


def test_list_shows_the_34_provinces_with_their_communes(registry):
    result = _run("units", "--list")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    rows = [line.split() for line in lines[1:-1]]
    assert len(rows) == 34 and rows[0][:4] == ["01", "Thành", "phố", "Hà"]
    assert ["12", "Tỉnh", "Lai", "Châu", "38"] in rows
    assert lines[-1].startswith("34 tỉnh, thành phố; 3.321 xã, phường, đặc khu (danh mục hành chính sau 1/7/2025")


def test_unknown_province_names_close_matches_and_exits_2(registry, tmp_path):
    result = _run("units", "--province", "Lai Chau city", "--out", tmp_path / "x.csv")
    assert result.exit_code == 2 and not (tmp_path / "x.csv").exists()
    fields = message_fields(Msg.UNITS_003, result.output.strip().removeprefix("Lỗi: "))
    assert fields["query"] == "Lai Chau city" and fields["matches"].split(", ")[0] == "Tỉnh Lai Châu"
    result = _run("units", "--province", "Atlantis")
    assert message_fields(Msg.UNITS_004, result.output.strip().removeprefix("Lỗi: "))["query"] == "Atlantis"


def test_a_form_of_one_level_cannot_hold_a_province(registry, tmp_path):
    form = write_form(tmp_path / "form", "A,I,Một,cái,count,0,,yes,city", "R1,A >= 0,error,all,skip_all,A âm.")
    (form / "levels.csv").write_text("level,label,short\ncity,Cấp thành phố,thành phố\n", encoding="utf-8")
    result = _run("units", "--province", "Lai Châu", "--form", form)
    assert result.exit_code == 2
    assert message_fields(Msg.UNITS_005, result.output.strip().removeprefix("Lỗi: "))["levels"] == "city"


def test_without_the_package_says_how_to_install_it(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "vietnam_provinces", None)  # import fails as if not installed
    for args in (["--province", "Lai Châu"], ["--list"]):
        result = _run("units", *args, "--out", tmp_path / "x.csv") if "--list" not in args else _run("units", *args)
        assert result.exit_code == 2
        assert result.output.strip() == "Lỗi: " + Msg.UNITS_001.render(where="tonghop units")
    assert 'pip install "tonghop[units]"' in Msg.UNITS_001.template


def test_a_package_from_before_the_reform_is_refused(monkeypatch):
    old = types.SimpleNamespace(__version__="0.6.0", Ward=object)  # the 63-province list, with districts
    monkeypatch.setitem(sys.modules, "vietnam_provinces", old)
    result = _run("units", "--list")
    assert result.exit_code == 2
    assert result.output.strip() == "Lỗi: " + Msg.UNITS_002.render(where="tonghop units", version="0.6.0")


def test_units_without_province_or_list_is_a_usage_error():
    result = _run("units")
    assert result.exit_code == 2 and "Lỗi: " + Msg.CLI_040.render() in result.output


def test_the_package_is_imported_by_one_module_and_only_when_asked():
    """GPL-3.0-or-later and optional: one module imports it, inside the function that needs it."""
    package = Path(pipeline.__file__).resolve().parent
    importers = [p.relative_to(package).as_posix() for p in package.rglob("*.py") if "import vietnam_provinces" in p.read_text("utf-8")]
    assert importers == ["form/registry.py"]
    probe = "import sys, pipeline.cli, pipeline.api; print('vietnam_provinces' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.strip() == "False"


# Names officers still use: before the 2025 merger, the former name of Huế, short names -------


@pytest.mark.parametrize(
    ("query", "now", "msg"),
    [
        ("Thừa Thiên Huế", "Thành phố Huế", Msg.UNITS_011),
        ("thua thien hue", "Thành phố Huế", Msg.UNITS_011),
        ("HCM", "Thành phố Hồ Chí Minh", Msg.UNITS_012),
        ("TP.HCM", "Thành phố Hồ Chí Minh", Msg.UNITS_012),
        ("Sài Gòn", "Thành phố Hồ Chí Minh", Msg.UNITS_012),
        ("Hà Giang", "Tỉnh Tuyên Quang", Msg.UNITS_010),
        ("Yên Bái", "Tỉnh Lào Cai", Msg.UNITS_010),
        ("tỉnh Bắc Kạn", "Tỉnh Thái Nguyên", Msg.UNITS_010),
        ("Hoà Bình", "Tỉnh Phú Thọ", Msg.UNITS_010),
        ("Vĩnh Phúc", "Tỉnh Phú Thọ", Msg.UNITS_010),
        ("Bà Rịa–Vũng Tàu", "Thành phố Hồ Chí Minh", Msg.UNITS_010),
    ],
)
def test_former_and_common_names_give_the_province_now_and_say_so(registry, tmp_path, query, now, msg):
    out, output = _units(tmp_path, "--province", query)
    assert load_units(out, load_form())[0].name == now
    note = output.splitlines()[0]
    fields = message_fields(msg, note)
    assert fields is not None and fields["province"] == now, note


def test_a_misspelt_former_name_suggests_the_province_now(registry, tmp_path):
    result = _run("units", "--province", "Thừa Thiên Hế", "--out", tmp_path / "x.csv")
    fields = message_fields(Msg.UNITS_003, result.output.strip().removeprefix("Lỗi: "))
    assert result.exit_code == 2 and fields["matches"].split(", ")[0] == "Thành phố Huế"


def test_the_table_of_other_names_agrees_with_the_catalogue(registry):
    now = {registry_module.name_key(p.name) for p in registry_module.provinces()}
    rows = list(registry_module.other_names().values())
    with registry_module.NAMES_CSV.open(encoding="utf-8") as handle:
        assert len(handle.read().splitlines()) - 1 == len(rows)  # one row per name as compared
    assert len(now) == 34 and {registry_module.name_key(target) for _, target, _ in rows} <= now
    assert not set(registry_module.other_names()) & now  # another name never hides a province of today
    merged = {registry_module.name_key(name) for name, _, kind in rows if kind == "merged"}
    # the 63 provinces before 12 June 2025: 34 now, 29 merged into them (some spelt two ways here)
    official = merged - {registry_module.name_key(n) for n in ("BR-VT", "Kontum")}
    assert len(official) == 29 and len(official | now) == 63
