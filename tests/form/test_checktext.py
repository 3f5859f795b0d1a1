"""Rules worded as checks ("… cộng lại bằng …"), as the template's check block shows them
before their result: the ``check`` column of rules.csv, else derived from the expression."""

from __future__ import annotations

import csv
import shutil

from pipeline.core import settings
from pipeline.form.checktext import derive_check, reference_namer
from pipeline.form.definition import load_form
from pipeline.form.expression import parse_expression
from pipeline.form.model import Rule


def without_check_column(tmp_path):
    """The bundled form with the ``check`` column of rules.csv removed."""
    folder = shutil.copytree(settings.DEFINITIONS_DIR, tmp_path / "form")
    with (folder / "rules.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    with (folder / "rules.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, [k for k in rows[0] if k != "check"], extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return load_form(folder)


def test_bundled_rules_read_as_checks(form):
    r04 = next(r for r in form.rules if r.id == "R04")
    assert r04.check_text == "Các nguồn Quỹ “Vì người nghèo” (Trung ương, tỉnh, tỉnh bạn, tại chỗ) cộng lại bằng tổng số tiền vận động được"
    for rule in form.rules:
        assert rule.check_text and "chưa" not in rule.check_text and "cần làm rõ" not in rule.check_text


def test_checks_derived_from_labels(tmp_path, form):
    """Without the column: the indicators' labels and the comparison in words; the data (and so the
    fingerprint templates carry) is the same."""
    derived = without_check_column(tmp_path)
    assert derived.fingerprint == form.fingerprint
    rules = {r.id: r for r in derived.for_period("2024").rules}
    labels = {code: ind.label for code, ind in derived.for_period("2024").indicators.items()}
    assert (
        rules["R03"].check_text
        == f"{labels['CULTURAL_AREAS']} không lớn hơn {labels['RESIDENTIAL_AREAS'][0].lower()}{labels['RESIDENTIAL_AREAS'][1:]}"
    )
    assert rules["R12"].check_text.startswith("Đơn đã giải quyết cộng đơn đang giải quyết bằng đơn thư tiếp nhận (01/12/2023")
    assert " và " in rules["R13"].check_text and rules["R13"].check_text.count(" cộng lại bằng ") == 1


def test_derived_wording_of_each_comparison():
    name = reference_namer({"A": "Số hộ", "B": "Số người", "C": "MTTQ cấp trên"}, {"city": "thành phố", "all": "tổng"})
    cases = {
        "A <= B": "Số hộ không lớn hơn số người",
        "A + B == C": "Số hộ cộng số người bằng MTTQ cấp trên",
        "A - B >= 0": "Số hộ trừ số người không nhỏ hơn 0",
        "A[city] < A[all]": "Số hộ (thành phố) nhỏ hơn số hộ (tổng)",
        "A > 1000": "Số hộ lớn hơn 1.000",
    }
    assert {source: derive_check(parse_expression(source), name) for source in cases} == cases


def test_rule_without_form_words_its_codes():
    rule = Rule("R99", parse_expression("A + B + C == D"), "error", "all", "skip_all", "m")
    assert rule.check_text == "A, B và C cộng lại bằng D"
