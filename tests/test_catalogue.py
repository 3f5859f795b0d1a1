"""The message catalogue: every finding type is one entry with its slug, its Vietnamese label
and its message, and every finding the pipeline makes is of such a type."""

from __future__ import annotations

import ast
import os
import re
import unicodedata
from pathlib import Path

import openpyxl
import pytest

import pipeline
from pipeline.consolidate.collect import READ_FAILURES
from pipeline.consolidate.combine import consolidate_folder
from pipeline.core.constants import FileStatus, RoundStatus, RuleScope, RuleStatus, Severity, SubmissionStatus
from pipeline.core.errors import Msg, finding_label
from pipeline.core.findings import problem
from pipeline.workbook.book import write_workbook
from pipeline.workbook.layout import rule_text
from pipeline.workbook.review import SHEET_FINDINGS, TABLE_HEADER_ROW

# Entries only ever raised as exceptions (a broken form, prior file, template or appendix, the store;
# a folder with nothing to consolidate) or printed as notes (FILE_022, in the reminder): they have no finding type. The
# prior figures of another period (PRIOR_008) are a finding of the consolidation; a return sent
# through another unit's link (ROUND_101) is a finding of the round's submission. A broken
# crosswalk file (XWALK_00x) is refused; what a sound one means (XWALK_01x) is a finding. A forward
# under another committee's identity is refused (FORWARD_020), or with --force a finding (FORWARD_021).
# A table that cannot be read (CSV_0xx) is refused; a consolidation folder's figures that disagree
# once read back (REPORT_015-019) are findings of the report.
EXCEPTION_ONLY = re.compile(
    r"(FORM|TREE|CSV|TEMPLATE|OUTPUT|PERIOD|CLI|STORE|UNITS|WEB)_\d{3}|REPORT_(?!01[5-9])\d{3}|FORWARD_00\d|FORWARD_020|PRIOR_(?!008)\d{3}|ROUND_(?!101)\d{3}|FILE_00[56]|FILE_022|XWALK_00\d"
)
FINDINGS = [msg for msg in Msg if not EXCEPTION_ONLY.fullmatch(msg.name)]
SLUG = re.compile(r"[a-z]+(-[a-z]+)*")
# Vietnamese letters once tone marks and the breve, circumflex and horn are taken off (and đ is d).
VIETNAMESE_LETTERS = set("abcdeghiklmnopqrstuvxy")
LABELLED = (Severity, RuleStatus, RuleScope, SubmissionStatus, FileStatus, RoundStatus)


def _is_vietnamese(text: str) -> bool:
    """NFC text of Vietnamese words, with at least one letter carrying a diacritic."""
    if not text or not unicodedata.is_normalized("NFC", text) or text != text.strip():
        return False
    bare = "".join(ch for ch in unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D")) if not unicodedata.combining(ch))
    letters = {ch for ch in bare.lower() if ch.isalpha()}
    return letters <= VIETNAMESE_LETTERS and not text.isascii()


@pytest.mark.parametrize("msg", list(Msg), ids=lambda m: m.name)
def test_every_entry_has_a_title_and_a_vietnamese_template(msg):
    assert msg.title and msg.template and unicodedata.is_normalized("NFC", msg.template)
    assert not msg.template.isascii(), "user-facing text is Vietnamese with full diacritics"


@pytest.mark.parametrize("msg", FINDINGS, ids=lambda m: m.name)
def test_every_finding_entry_has_a_slug_a_label_and_a_message(msg):
    assert SLUG.fullmatch(msg.slug), f"{msg.name}: slug {msg.slug!r} is not kebab-case"
    assert _is_vietnamese(msg.label), f"{msg.name}: label {msg.label!r} is not Vietnamese NFC text"
    assert msg.label[0].isupper() and msg.label != msg.slug
    assert msg.template.startswith("[{where}]"), "a finding's message starts with its place"
    assert finding_label(msg.slug) == msg.label


def test_exception_entries_have_no_finding_type():
    exceptions = [msg for msg in Msg if msg not in FINDINGS]
    assert exceptions and not [msg.name for msg in exceptions if msg.slug or msg.label]
    assert Msg.findings() == FINDINGS


def test_slugs_and_labels_are_unique():
    slugs = [msg.slug for msg in FINDINGS]
    labels = [msg.label for msg in FINDINGS]
    assert len(set(slugs)) == len(slugs), sorted(s for s in slugs if slugs.count(s) > 1)
    assert len(set(labels)) == len(labels), sorted(s for s in labels if labels.count(s) > 1)


def test_problem_takes_type_and_rule_from_the_entry():
    found = problem(Msg.VALUE_002, Severity.ERROR, file="a.xlsx", sheet="Báo cáo", cell="E9", code="X", value="abc")
    assert (found.type, found.rule, found.severity) == ("not-a-number", "not-a-number", "error")
    assert found.message == Msg.VALUE_002.render(where="a.xlsx › Báo cáo!E9", code="X", value="abc")
    failed = problem(Msg.RELATION_001, Severity.WARNING, rule="R04", relation_id="R04")
    assert (failed.type, failed.rule) == ("relation-failed", "R04")


def test_problem_refuses_an_exception_entry():
    with pytest.raises(ValueError, match="FORM_001"):
        problem(Msg.FORM_001, Severity.ERROR)


def test_unknown_slug_and_rule_id_have_no_label():
    assert finding_label("R04") == "" and finding_label("") == ""
    assert rule_text("R04") == "R04" and rule_text("missing-unit") == Msg.FILE_003.label


def _problem_calls() -> list[tuple[str, ast.expr]]:
    """Every ``problem(...)`` call in the package, with its first argument."""
    calls = []
    for path in sorted(Path(pipeline.__file__).parent.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "problem":
                calls.append((f"{path.name}:{node.lineno}", node.args[0]))
    return calls


@pytest.mark.slow
def test_call_sites_pass_a_finding_entry_never_a_slug():
    calls = _problem_calls()
    assert len(calls) > 30
    for where, first in calls:
        if isinstance(first, ast.Attribute) and getattr(first.value, "id", None) == "Msg":
            assert Msg[first.attr].slug, f"{where}: Msg.{first.attr} is not a finding's entry"
        else:  # a variable holding an entry: READ_FAILURES or a parsed value's msg
            assert isinstance(first, (ast.Name, ast.Call)), f"{where}: pass the catalogue entry"
    assert all(msg.slug for msg in READ_FAILURES.values())


@pytest.mark.parametrize("enum", LABELLED, ids=lambda e: e.__name__)
def test_codes_equal_their_values_and_have_vietnamese_labels(enum):
    for member in enum:
        assert member == member.value and str(member) == f"{member}" == member.value
        assert _is_vietnamese(member.label), member
        assert member.in_sentence == member.label[0].lower() + member.label[1:]


@pytest.fixture(scope="module")
def busy_result(tmp_path_factory, sample_dir, form, units):
    """The sample with the files a returns folder also holds: a lock file, a broken file, a
    link and an older copy of a return."""
    folder = tmp_path_factory.mktemp("busy")
    for path in sample_dir.iterdir():
        (folder / path.name).write_bytes(path.read_bytes())
    first = sorted(folder.glob("*.xlsx"))[0]
    (folder / "~$tam.xlsx").write_bytes(b"lock")
    (folder / "hong.xlsx").write_bytes(b"%PDF-1.5\n")
    (folder / "ban_sao.xlsx").write_bytes(first.read_bytes())
    os.utime(folder / "ban_sao.xlsx", (0, 0))
    os.symlink(first, folder / "lien_ket.xlsx")
    return consolidate_folder(folder, form, units)


@pytest.mark.slow
def test_every_finding_of_a_consolidation_has_a_label(busy_result, form):
    types = {p.type for p in busy_result.findings.problems}
    assert {"lock-file", "not-a-workbook", "symlink", "relation-failed"} <= types
    assert not [t for t in types if not finding_label(t)]
    rule_ids = {rule.id for rule in form.rules}
    for p in busy_result.findings.problems:
        assert p.rule == p.type or (p.type == Msg.RELATION_001.slug and p.rule in rule_ids), p
    summary = problem(Msg.FILE_016, Severity.WARNING, rule=Msg.FILE_001.slug)  # a summary's rule: the type it stands for
    assert finding_label(summary.type) and finding_label(summary.rule) == Msg.FILE_001.label


def test_findings_sheet_shows_every_type_in_vietnamese(busy_result, form, tmp_path):
    path = write_workbook(busy_result, tmp_path / "tong_hop.xlsx")
    ws = openpyxl.load_workbook(path, read_only=True)[SHEET_FINDINGS]
    rows = list(ws.iter_rows(min_row=TABLE_HEADER_ROW + 1, values_only=True))
    column = rows[0].index("Quy tắc")
    shown = {row[column] for row in rows[1:] if row[0] is not None}
    labels = {msg.label for msg in Msg.findings()}
    assert shown and shown <= labels | {rule.id for rule in form.rules}
    severities = {row[rows[0].index("Mức độ")] for row in rows[1:] if row[0] is not None}
    assert severities <= {s.label for s in Severity}
