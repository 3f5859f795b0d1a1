"""The form definition: the default form covers the seed, and broken definitions fail clearly."""

from __future__ import annotations

import csv
import shutil

import pytest

from pipeline.core.constants import RuleScope
from pipeline.core.errors import FormDefinitionError, Msg
from pipeline.core.settings import DEFINITIONS_DIR
from pipeline.form.definition import load_form
from pipeline.form.units import load_units
from tests.conftest import SEED_DIR, message_fields


def _seed(name):
    with (SEED_DIR / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_every_seed_figure_code_is_an_indicator_with_its_unit(form):
    for row in _seed("figures.csv"):
        ind = form.indicators[row["code"]]
        assert ind.unit == row["unit_vi"]
        assert ind.section == row["section"]
        levels = {"city", "communes"} if row["level"] == "all" else {row["level"]}
        assert levels <= set(ind.levels), row["code"]


def test_every_seed_relation_is_a_rule_with_same_id_scope_and_expression(form):
    rules = {r.id: r for r in form.rules}
    for row in _seed("relations.csv"):
        rule = rules[row["id"]]
        assert rule.scope == row["level"]
        assert rule.expression.source == row["relation"]
        assert rule.severity == ("warning" if row["id"] in ("R04", "R20") else "error")
    assert len(rules) == len(_seed("relations.csv"))


def test_parts_are_the_seeds_of_which_rows(form):
    """The seed's "Trong đó: …" rows are the parts of the indicator above, shown with the same text."""
    seed = {row["code"]: row["label_vi"] for row in _seed("figures.csv")}
    parts = {code for code, label in seed.items() if label.startswith("Trong đó: ")}
    assert parts == {ind.code for ind in form.indicators.values() if ind.parent}
    assert {code: form.indicators[code].display_label for code in parts} == {code: seed[code] for code in parts}
    assert form.indicators["DOCS_PLAN"].parent == "DOCS_ISSUED" and form.indicators["PETITIONS_NEW"].parent == "PETITIONS_TOTAL"
    assert form.indicators["DOCS_ISSUED"].display_label == form.indicators["DOCS_ISSUED"].label


def test_form_without_parent_column_loads(form_copy):
    path = form_copy / "indicators.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    keep = [i for i, name in enumerate(rows[0]) if name not in ("parent", "window")]
    rows = [[row[i] for i in keep] for row in rows]
    assert rows[0][-1] == "levels"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    loaded = load_form(form_copy)
    assert not any(ind.parent for ind in loaded.indicators.values())
    assert loaded.indicators["DOCS_PLAN"].display_label == "kế hoạch"
    assert loaded.fingerprint == load_form().fingerprint  # which row is a part of which is not the data


def test_city_only_indicators_are_not_on_commune_returns(form):
    city_only = {r["code"] for r in _seed("figures.csv") if r["level"] == "city"} - {
        r["code"] for r in _seed("figures.csv") if r["level"] != "city"
    }
    commune_codes = {i.code for i in form.indicators_for("communes")}
    assert city_only and not city_only & commune_codes
    assert "DOCS_ISSUED" in commune_codes


def test_rule_scopes(form):
    assert "R01" in [r.id for r in form.return_rules("city")]
    assert "R01" not in [r.id for r in form.return_rules("communes")]
    assert "R04" in [r.id for r in form.total_rules("all")]
    assert [r.id for r in form.level_rules()] == ["R08", "R09", "R10", "R18", "R19", "R20"]
    assert all(r.scope == RuleScope.LEVELS for r in form.level_rules())


def test_default_units(form):
    units = load_units(None, form)
    assert [(u.code, u.level) for u in units][:2] == [("105", "city"), ("03386", "communes")]
    assert len(units) == 8 and sum(u.level == "communes" for u in units) == 7
    assert {u.code: u.name for u in units}["03409"] == "Xã San Thàng"


@pytest.fixture
def form_copy(tmp_path):
    target = tmp_path / "form"
    shutil.copytree(DEFINITIONS_DIR, target)
    return target


def _append(path, line):
    with path.open("a", encoding="utf-8") as handle:
        handle.write(line + "\n")


def _lines(path):
    return sum(1 for _ in path.open(encoding="utf-8"))


@pytest.mark.parametrize(
    ("file", "line", "expected"),
    [
        ("indicators.csv", "DOCS_PLAN,I,Trùng,văn bản,count,0,,yes,city", "DOCS_PLAN"),
        ("rules.csv", "R99,NO_SUCH_CODE <= DOCS_PLAN,error,all,skip_all,Sai", "NO_SUCH_CODE"),
        ("rules.csv", "R99,DOCS_PLAN * 2 == DOCS_ISSUED,error,city,skip_all,Sai", "không chấp nhận"),
        ("rules.csv", "R99,DOCS_PLAN <= DOCS_ISSUED,error,province,skip_all,Sai", "province"),
        ("rules.csv", "R99,DOCS_PLAN <= DOCS_ISSUED,fatal,city,skip_all,Sai", "fatal"),
        ("rules.csv", "R99,DOCS_PLAN[city] <= DOCS_ISSUED[all],error,city,skip_all,Sai", "levels"),
        ("indicators.csv", "NEW_CODE,I,Mới,văn bản,count,0,,yes,district", "district"),
        ("indicators.csv", "NEW_CODE,IX,Mới,văn bản,count,0,,yes,city", "IX"),
        ("indicators.csv", "NEW_CODE,I,Mới,văn bản,number,0,,yes,city", "number"),
        ("indicators.csv", "NEW_CODE,I,Mới,văn bản,count,0,,yes,city,NO_SUCH_CODE", "NO_SUCH_CODE"),
        ("indicators.csv", "NEW_CODE,I,Mới,văn bản,count,0,,yes,city,POOR_FUND_TOTAL", "mục I"),
        ("indicators.csv", "NEW_CODE,I,Mới,văn bản,count,0,,yes,city,NEW_CODE", "NEW_CODE"),
    ],
)
def test_broken_definitions_name_file_and_line(form_copy, file, line, expected):
    path = form_copy / file
    _append(path, line)
    with pytest.raises(FormDefinitionError) as info:
        load_form(form_copy)
    message = str(info.value)
    assert f"{file} › dòng {_lines(path)}" in message
    assert expected in message


def test_missing_file_and_missing_column(form_copy):
    (form_copy / "rules.csv").unlink()
    with pytest.raises(FormDefinitionError, match="rules.csv"):
        load_form(form_copy)
    shutil.copy(DEFINITIONS_DIR / "rules.csv", form_copy / "rules.csv")
    text = (form_copy / "levels.csv").read_text(encoding="utf-8").replace("label,", "nhan,", 1)
    (form_copy / "levels.csv").write_text(text, encoding="utf-8")
    with pytest.raises(FormDefinitionError) as info:
        load_form(form_copy)
    assert message_fields(Msg.FORM_002, str(info.value))["columns"] == "label"


def test_form_saved_by_excel_with_bom_loads(form_copy):
    path = form_copy / "indicators.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert len(load_form(form_copy).indicators) == len(load_form().indicators)


def test_units_errors(tmp_path, form):
    bad = tmp_path / "units.csv"
    bad.write_text("code,name,level\n001,A,city\n001,B,communes\n", encoding="utf-8")
    with pytest.raises(FormDefinitionError, match="units.csv › dòng 3"):
        load_units(bad, form)
    bad.write_text("code,name,level\n001,A,province\n", encoding="utf-8")
    with pytest.raises(FormDefinitionError, match="province"):
        load_units(bad, form)


def test_fingerprint_changes_with_indicators_not_titles(form_copy):
    before = load_form(form_copy).fingerprint
    text = (form_copy / "sections.csv").read_text(encoding="utf-8").replace("Hoạt động giám sát", "Giám sát")
    (form_copy / "sections.csv").write_text(text, encoding="utf-8")
    assert load_form(form_copy).fingerprint == before
    _append(form_copy / "indicators.csv", "NEW_CODE,I,Mới,văn bản,count,0,,no,city")
    assert load_form(form_copy).fingerprint != before
