"""Findings in plain words for the unit's own page (pipeline/core/wording.py): every finding type
of the catalogue a unit can get has a wording, a wording uses only what its message is rendered
with and never names a file, an indicator's code or a rule's id; real returns with mistakes get
a plain line for every finding."""

from __future__ import annotations

import re
import string
import unicodedata

import pytest

from pipeline import api
from pipeline.core.errors import Msg
from pipeline.core.findings import problem
from pipeline.core.wording import FOLLOWS_ANOTHER, OFFICE_ONLY, PLAIN, PLAIN_ONLY_FIELDS, TEMPLATE_HERE, plain_words

# What a plain wording never shows: the place of the office's message, the code, the rule's id.
OFFICE_FIELDS = {"where", "file", "code", "rule", "unit_code", "link_code", "relation_id"}


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_finding_type_has_a_plain_wording_or_is_the_offices_only():
    for msg in Msg.findings():
        assert [msg in PLAIN, msg in OFFICE_ONLY, msg in FOLLOWS_ANOTHER].count(True) == 1, (
            f"{msg.name}: give it a plain wording in core/wording.py, or list it as the office's only"
        )
    assert set(PLAIN) | OFFICE_ONLY | FOLLOWS_ANOTHER == set(Msg.findings())


@pytest.mark.parametrize("msg", list(PLAIN), ids=lambda m: m.name)
def test_a_wording_uses_only_its_messages_fields_and_no_code_or_rule(msg):
    wording = PLAIN[msg]
    used = _fields(wording)
    assert used <= _fields(msg.template) | {"here", "cell"} | PLAIN_ONLY_FIELDS.get(msg, set()), used - _fields(msg.template)
    assert not used & OFFICE_FIELDS, used & OFFICE_FIELDS
    assert unicodedata.is_normalized("NFC", wording) and wording.endswith(".") and "[" not in wording
    assert re.search(r"\b(hãy|nên|không cần)\b", wording, re.IGNORECASE), "a wording says what to do"


def test_the_issues_example_in_plain_words():
    found = problem(
        Msg.VALUE_002, "error", file="bad_03386.xlsx", sheet="Báo cáo", cell="E17", code="RESIDENTIAL_AREAS", value="nhiều",
        label="Tổng số khu dân cư",
    )  # fmt: skip
    assert found.plain == "Tổng số khu dân cư: 'nhiều' không phải là số. Hãy nhập một số, ví dụ 12."
    assert "RESIDENTIAL_AREAS" in found.message and "bad_03386.xlsx" in found.message  # the office's message keeps them
    assert plain_words(Msg.FILE_003, unit_code="1", unit_name="x") == ""  # the office's only


def test_a_wording_that_sends_the_unit_to_its_template_says_where():
    assert TEMPLATE_HERE in plain_words(Msg.META_001)


def test_every_finding_of_a_return_with_mistakes_has_a_plain_line(make_return, form, tmp_path):
    changes = {
        "RESIDENTIAL_AREAS": "nhiều", "MEDIATORS": -3, "POOR_FUND_TOTAL": "12,5", "DOCS_ISSUED": None,
        "CULTURAL_AREAS": "1.250.000,5", "UNITY_HOUSES": "=1/0",
    }  # fmt: skip
    path = make_return("03386", changes, name="bad_03386.xlsx")
    (checked,) = api.check_files([path], form_path=None, period="2023")
    assert len({p.type for p in checked.problems}) >= 3
    codes = re.compile(r"\b(" + "|".join(map(re.escape, form.indicators)) + r")\b")
    for p in checked.problems:
        if p.type in {msg.slug for msg in FOLLOWS_ANOTHER}:  # left off the unit's page: its cause has a line
            continue
        assert p.plain, p
        assert not codes.search(p.plain) and not re.search(r"\bR\d{2}\b", p.plain) and "bad_03386.xlsx" not in p.plain, p.plain
        assert "unknown" not in p.plain, p.plain
    relation = next((p for p in checked.problems if p.type == Msg.RELATION_001.slug), None)
    if relation is not None:  # a rule's finding says the rule's own description
        rule = next(r for r in form.rules if r.id == relation.rule)
        assert relation.plain.startswith(rule.message.rstrip(". "))
