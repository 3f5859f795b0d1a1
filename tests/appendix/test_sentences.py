"""The placeholder language of the report sentences and the findings in plain Vietnamese
(pipeline/appendix/sentences.py, pipeline/appendix/verification.py)."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from pipeline.appendix.sentences import SENTENCES_CSV, Figures, Sentence, check_pattern, load_sentences, render
from pipeline.appendix.verification import verification_items
from pipeline.core import settings
from pipeline.core.errors import FormDefinitionError, Msg
from pipeline.form.model import Unit
from tests.conftest import md_table

TOTALS = {
    ("PETITIONS_TOTAL", "all"): 100.0,
    ("PETITIONS_TOTAL", "city"): 77.0,
    ("PETITIONS_TOTAL", "communes"): 23.0,
    ("PETITIONS_NEW", "all"): 79.0,
    ("RECEPTION_TURNS", "all"): 44.0,
    ("DOCS_GUIDE", "all"): 7.0,
    ("DOCS_LETTER", "all"): 151.0,
    ("POOR_FUND_TOTAL", "all"): 862796456.0,
    ("COMPLAINTS", "all"): 0.0,
}
PRIOR = {
    ("PETITIONS_NEW", "all"): 76.0,
    ("RECEPTION_TURNS", "all"): 44.0,
    ("POOR_FUND_TOTAL", "all"): 900000000.0,
    ("DOCS_GUIDE", "all"): 9.0,
}


@pytest.fixture
def figures(form):
    return Figures(form, "2023", dict(TOTALS), dict(PRIOR), "2022")


def _text(pattern: str, figures: Figures) -> str | None:
    return render(Sentence("s", "", pattern), figures).text


@pytest.mark.parametrize(
    "pattern, expected",
    [
        ("{POOR_FUND_TOTAL} đồng", "862.796.456 đồng"),
        (
            "tiếp nhận {PETITIONS_TOTAL} đơn (cấp thành phố {PETITIONS_TOTAL@city} đơn; cấp xã, phường {PETITIONS_TOTAL@communes} đơn)",
            "tiếp nhận 100 đơn (cấp thành phố 77 đơn; cấp xã, phường 23 đơn)",
        ),
        ("{DOCS_GUIDE:02} hướng dẫn, {DOCS_LETTER:02} công văn, {COMPLAINTS:02} đơn", "07 hướng dẫn, 151 công văn, 0 đơn"),
        ("so với cùng kỳ năm {PETITIONS_NEW~prior_period} {PETITIONS_NEW~change}", "so với cùng kỳ năm 2022 tăng 03 đơn"),
        ("{RECEPTION_TURNS~change} so với cùng kỳ năm {prior_period}", "bằng so với cùng kỳ năm 2022"),
        ("{DOCS_GUIDE~change}", "giảm 02 văn bản"),
        ("{POOR_FUND_TOTAL~change}", "giảm 37.203.544 đồng"),
        ("{DOCS_GUIDE~change:03}", "giảm 002 văn bản"),
        ("{PETITIONS_NEW~prior} đơn năm {prior_period}, {PETITIONS_NEW@all} đơn {period}", "76 đơn năm 2022, 79 đơn năm 2023"),
        ("đã giải quyết {PETITIONS_NEW}/{PETITIONS_TOTAL} đơn", "đã giải quyết 79/100 đơn"),
    ],
)
def test_placeholders(figures, pattern, expected):
    assert _text(pattern, figures) == expected


def test_optional_part_is_dropped_without_prior(figures):
    pattern = (
        "đơn tiếp nhận trong kỳ {PETITIONS_TOTAL} đơn[[ (so với cùng kỳ năm {PETITIONS_TOTAL~prior_period} {PETITIONS_TOTAL~change})]]."
    )
    assert _text(pattern, figures) == "đơn tiếp nhận trong kỳ 100 đơn."
    figures.prior[("PETITIONS_TOTAL", "all")] = 100
    assert _text(pattern, figures) == "đơn tiếp nhận trong kỳ 100 đơn (so với cùng kỳ năm 2022 bằng)."


def test_sentence_without_value_is_left_out_with_a_note(figures, form):
    done = render(
        Sentence("houses", "II.2.1", "hỗ trợ {UNITY_HOUSES:02} hộ, cấp thành phố {PETITIONS_TOTAL@city} đơn, {TET_GIFTS@city} suất"),
        figures,
    )
    assert done.text is None
    assert done.missing == [form.indicators["UNITY_HOUSES"].display_label, form.indicators["TET_GIFTS"].display_label + ", cấp thành phố"]


def test_no_prior_period_means_no_change(form):
    figures = Figures(form, "2023", dict(TOTALS))
    assert _text("{RECEPTION_TURNS} lượt[[, {RECEPTION_TURNS~change} so với cùng kỳ]]", figures) == "44 lượt"
    assert _text("năm {prior_period}", figures) is None


@pytest.mark.parametrize(
    "pattern, reason",
    [
        ("{NO_SUCH_CODE} đơn", "mã 'NO_SUCH_CODE' không phải chỉ tiêu số"),
        ("{PETITIONS_TOTAL@province} đơn", "cấp 'province' không có"),
        ("{PETITIONS_TOTAL~ratio}", "'~ratio' không hợp lệ"),
        ("{PETITIONS_TOTAL đơn", "dấu ngoặc { }"),
        ("{petitions_total:2}", "dấu ngoặc { }"),
        ("[[ {PETITIONS_TOTAL} ", "Cặp [[ ]]"),
        ("[[ a [[ {PETITIONS_TOTAL} ]] ]]", "Cặp [[ ]]"),
    ],
)
def test_bad_patterns(form, pattern, reason):
    assert reason in check_pattern(pattern, form)


def test_bundled_sentences_load(form):
    sentences = load_sentences(settings.DEFINITIONS_DIR / SENTENCES_CSV, form)
    assert {"poor_fund", "petitions", "reception", "tet_gifts", "docs_issued", "unity_houses", "voter_meetings"} <= {
        s.id for s in sentences
    }
    assert all(s.section in form.sections for s in sentences)


def test_sentence_file_fault_names_file_and_line(tmp_path, form):
    path = tmp_path / SENTENCES_CSV
    path.write_text("id,section,pattern\na,I,{DOCS_ISSUED} văn bản\nb,I,{DOCS_ISSUED@town} văn bản\n", encoding="utf-8")
    with pytest.raises(FormDefinitionError) as err:
        load_sentences(path, form)
    reason = check_pattern("{DOCS_ISSUED@town} văn bản", form)
    assert str(err.value) == Msg.REPORT_003.render(where=f"{SENTENCES_CSV} › dòng 3", reason=reason, file=SENTENCES_CSV)


def test_no_indicator_code_in_any_module(form):
    """Indicators, rules, patterns and charts are data: no module names a figure code."""
    for module in settings.PACKAGE_DIR.rglob("*.py"):
        source = module.read_text(encoding="utf-8")
        words = set(re.findall(r"\b[A-Z][A-Z0-9_]+\b", source))
        assert not words & set(form.indicators), module


FINDINGS = """
| severity | rule | level | unit_code | code | file | sheet | cell | message |
|----------|------|-------|-----------|------|------|-------|------|---------|
| warning | prior-outlier | all | | TET_GIFTS | | | | [Tổng hợp › Tổng cộng] Suất quà Tết tăng mạnh. |
| warning | R04 | all | | POOR_FUND_TOTAL | | | | [Tổng hợp › Tổng cộng] R04: ... |
| error | missing-unit | | 03409 | | | | | [03409 – Xã San Thàng] Đơn vị chưa nộp báo cáo. |
| error | R12 | | 105 | PETITIONS_RESOLVED | 105.xlsx | Báo cáo | E60 | [105.xlsx › Báo cáo!E60] R12: ... |
| info | interpreted-value | | 105 | TET_GIFTS_VALUE | 105.xlsx | Báo cáo | E42 | [105.xlsx › Báo cáo!E42] ... |
"""
RELATIONS = """
| rule | scope | level | unit_code | file | expression | lhs | op | rhs | difference | status | severity | message |
|------|-------|-------|-----------|------|------------|-----|----|-----|------------|--------|----------|---------|
| R04 | level | all | | | POOR_FUND_CENTRAL + POOR_FUND_LOCAL == POOR_FUND_TOTAL | 744304560 | == | 862796456 | -118491896 | failed | warning | Các nguồn chưa bằng tổng. |
| R12 | return | | 105 | 105.xlsx | PETITIONS_RESOLVED + PETITIONS_PENDING == PETITIONS_TOTAL | 80 | == | 77 | 3 | failed | error | Đã giải quyết cộng đang giải quyết phải bằng tổng. |
| R11 | return | | 105 | 105.xlsx | PETITIONS_CARRIED_OVER + PETITIONS_NEW == PETITIONS_TOTAL | 77 | == | 77 | 0 | ok | error | … |
"""


def test_verification_order_and_plain_text(form):
    findings, relations = pd.DataFrame(md_table(FINDINGS)), pd.DataFrame(md_table(RELATIONS))
    units = [Unit("105", "Thành phố Lai Châu", "city"), Unit("03409", "Xã San Thàng", "communes")]
    items = verification_items(findings, relations, form, units)
    assert [(severity, place) for severity, place, _ in items] == [
        ("lỗi", "Thành phố Lai Châu (tệp 105.xlsx, ô E60)"),
        ("cảnh báo", "Số liệu tổng hợp – Tổng cộng"),
        ("lỗi", "Xã San Thàng"),
        ("cảnh báo", "Số liệu tổng hợp – Tổng cộng"),
    ]
    assert items[1][2] == (
        "Các nguồn chưa bằng tổng. Số liệu: Quỹ “Vì người nghèo” Trung ương chuyển về + nguồn vận động tại chỗ = 744.304.560 đồng; "
        f"{form.indicators['POOR_FUND_TOTAL'].label} = 862.796.456 đồng; chênh lệch 118.491.896 đồng."
    )
    assert items[2][2] == "Đơn vị chưa nộp báo cáo."
    assert "POOR_FUND" not in " ".join(text for *_, text in items)
