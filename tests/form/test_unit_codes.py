"""Unit codes that lost their leading zeros: Excel re-saves units.csv with ``3386`` for the
official ``03386``, while the returns carry the code their template was made with."""

from __future__ import annotations

import csv

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.consolidate.combine import consolidate_folder
from pipeline.core.errors import FormDefinitionError, Msg
from pipeline.form.model import Unit
from pipeline.form.units import load_units
from pipeline.validate.context import Context
from tests.conftest import message_fields

BUNDLED = ["105", "03386", "03387", "03388", "03389", "03403", "03408", "03409"]


def _resaved_by_excel(units, path):
    """The unit list as Excel saves it ("CSV UTF-8"): a BOM, CRLF, codes as numbers."""
    rows = [["code", "name", "level"], *([str(int(u.code)), u.name, u.level] for u in units)]
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle, lineterminator="\r\n").writerows(rows)
    return path


def _csv(path):
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_unit_list_resaved_by_excel_still_receives_every_commune(returns_dir, units, tmp_path):
    units_file = _resaved_by_excel(units, tmp_path / "don_vi.csv")
    assert "3386,Phường Quyết Thắng" in units_file.read_text(encoding="utf-8-sig")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["consolidate", str(returns_dir), "--units", str(units_file), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "đã nhận 8/8 đơn vị" in result.output
    assert [row["unit_code"] for row in _csv(out / "submissions.csv")] == BUNDLED
    assert {row["status"] for row in _csv(out / "submissions.csv")} == {"received"}
    findings = _csv(out / "findings.csv")
    assert not [row for row in findings if row["rule"] in ("unknown-unit", "missing-unit")]
    padded = [row for row in findings if row["rule"] == Msg.META_010.slug]
    assert [row["severity"] for row in padded] == ["warning"]
    fields = message_fields(Msg.META_010, padded[0]["message"])
    assert fields["count"] == "7" and fields["examples"].startswith("3386 → 03386, 3387 → 03387, 3388 → 03388")
    assert f"  [Cảnh báo] {padded[0]['message']}" in result.output.splitlines()


def test_an_officer_checking_against_the_resaved_list_is_recognised(sample_dir, units, tmp_path):
    units_file = _resaved_by_excel(units, tmp_path / "don_vi.csv")
    result = CliRunner().invoke(cli, ["check", str(sample_dir / "03386_Phuong_Quyet_Thang.xlsx"), "--units", str(units_file)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "03386_Phuong_Quyet_Thang.xlsx (03386 – Phường Quyết Thắng, năm 2023)"


def test_codes_of_a_level_without_such_a_return_stay_as_listed(returns_dir, units, form):
    """Only what the returns show is padded: the city's 105 is a full code, 3386 had lost a zero."""
    stripped = [Unit(str(int(u.code)), u.name, u.level) for u in units]
    (returns_dir / "105_Thanh_pho_Lai_Chau.xlsx").unlink()
    result = consolidate_folder(returns_dir, Context.of(form, stripped))
    assert [u.code for u in result.units] == BUNDLED
    assert result.submissions.set_index("unit_code").loc["105", "status"] == "missing"
    assert set(result.values["unit_code"]) == set(BUNDLED[1:])


def test_unit_list_with_its_zeros_is_left_alone(sample_dir, form, units):
    result = consolidate_folder(sample_dir, Context.of(form, units))
    assert [u.code for u in result.units] == BUNDLED
    assert not [p for p in result.findings.problems if p.type == Msg.META_010.slug]


@pytest.mark.parametrize(("code", "level", "expected"), [("03386", "communes", "03386"), ("3386", "", "3386"), ("003386", "", "003386")])
def test_a_numeric_code_matches_whatever_its_leading_zeros_and_keeps_the_longer(form, code, level, expected):
    listed = {"3386": Unit("3386", "Phường Quyết Thắng", "communes"), "105": Unit("105", "Thành phố Lai Châu", "city")}
    ctx = Context(form, listed)
    assert ctx.unit_for(code, level) == Unit(expected, "Phường Quyết Thắng", "communes")
    assert ctx.unit_for("0105") == Unit("0105", "Thành phố Lai Châu", "city")
    assert ctx.unit_for("A3386") is None and ctx.unit_for("33860") is None


def test_a_code_shared_by_two_levels_once_zeros_are_dropped_goes_by_the_returns_level(form):
    listed = {"001": Unit("001", "Quận Ba Đình", "city"), "00001": Unit("00001", "Phường Phúc Xá", "communes")}
    ctx = Context(form, listed)
    assert ctx.unit_for("1", "communes").name == "Phường Phúc Xá" and ctx.unit_for("01", "city").name == "Quận Ba Đình"
    assert ctx.unit_for("1") is None


def test_codes_equal_once_zeros_are_dropped_are_refused_naming_the_unit_list(tmp_path, form):
    units_file = tmp_path / "don_vi.csv"
    units_file.write_text(
        "code,name,level\n105,Thành phố Lai Châu,city\n03386,Phường Quyết Thắng,communes\n3386,Phường Tân Phong,communes\n",
        encoding="utf-8",
    )
    expected = Msg.FORM_014.render(where="don_vi.csv › dòng 4", code="3386", other="03386", first_row=3)
    with pytest.raises(FormDefinitionError) as caught:
        load_units(units_file, form)
    assert str(caught.value) == expected
    result = CliRunner().invoke(cli, ["templates", "--units", str(units_file), "--out", str(tmp_path / "t")])
    assert result.exit_code == 2 and result.output.strip() == f"Lỗi: {expected}"


def test_a_district_and_a_commune_may_share_digits(tmp_path, form):
    """Official codes: district 001 (Ba Đình) and commune 00001 (Phúc Xá) are different units."""
    units_file = tmp_path / "don_vi.csv"
    units_file.write_text("code,name,level\n001,Quận Ba Đình,city\n00001,Phường Phúc Xá,communes\n", encoding="utf-8")
    assert [u.code for u in load_units(units_file, form)] == ["001", "00001"]
