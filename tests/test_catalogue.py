"""The message catalogue: every finding type is one entry with its slug, its Vietnamese label
and its message, and every finding the pipeline makes is of such a type."""

from __future__ import annotations

import ast
import os
import pickle
import re
import unicodedata
from http import HTTPStatus
from pathlib import Path

import openpyxl
import pytest

import pipeline
from pipeline.consolidate.collect import read_failure
from pipeline.consolidate.combine import consolidate_folder
from pipeline.core import errors
from pipeline.core.constants import FileStatus, RoundStatus, RuleScope, RuleStatus, Severity, SubmissionStatus
from pipeline.core.errors import Kind, Msg, PipelineError, StoreError, TemplateError, WorkbookReadError, finding_label
from pipeline.core.findings import problem
from pipeline.validate.context import Context
from pipeline.workbook.book import write_workbook
from pipeline.workbook.layout import rule_text
from pipeline.workbook.review import SHEET_FINDINGS, TABLE_HEADER_ROW

FINDINGS = [msg for msg in Msg if msg.kind is Kind.FINDING]
ERRORS = {name for name, value in vars(errors).items() if isinstance(value, type) and issubclass(value, PipelineError)}
STATUSES = {HTTPStatus.BAD_REQUEST, HTTPStatus.NOT_FOUND, HTTPStatus.CONFLICT, HTTPStatus.SERVICE_UNAVAILABLE}
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


def test_entries_that_are_no_finding_type_have_neither_slug_nor_label():
    others = [msg for msg in Msg if msg.kind is not Kind.FINDING]
    assert {msg.kind for msg in others} == {Kind.ERROR, Kind.TEXT}
    assert not [msg.name for msg in others if msg.slug or msg.label]
    assert Msg.findings() == FINDINGS


def test_only_errors_give_an_http_status():
    for msg in Msg:
        if msg.kind is Kind.ERROR:
            assert msg.status in STATUSES, msg.name
        else:
            assert msg.value.status is None, f"{msg.name} is a {msg.kind.value}: a status is an error's"
    assert (Msg.STORE_001.status, Msg.STORE_002.status, Msg.ROUND_102.status) == (404, 404, 404)
    assert Msg.STORE_011.status == HTTPStatus.SERVICE_UNAVAILABLE and Msg.FORM_001.status == HTTPStatus.BAD_REQUEST


def test_catalogue_is_in_order_group_by_group():
    groups = [msg.group for msg in Msg]
    seen = list(dict.fromkeys(groups))
    assert groups == sorted(groups, key=seen.index), "each group's entries stand together"
    for group in seen:
        numbers = [msg.number for msg in Msg if msg.group == group]
        assert numbers == sorted(numbers), f"{group}: entries by number"


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
        else:  # a variable holding an entry: an unreadable file's error, or a parsed value's msg
            assert isinstance(first, (ast.Name, ast.Call, ast.Attribute)), f"{where}: pass the catalogue entry"


def _error_calls() -> list[tuple[str, str, ast.Call]]:
    """Every call that makes a ``PipelineError`` (of any class), with the class's name."""
    calls = []
    for path in sorted(Path(pipeline.__file__).parent.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if name in ERRORS:
                    calls.append((f"{path.name}:{node.lineno}", name, node))
    return calls


def test_every_error_is_raised_with_its_entry_and_fields_never_a_text():
    calls = _error_calls()
    assert len(calls) > 100
    for where, name, call in calls:
        first = call.args[0] if len(call.args) == 1 else None
        assert first is not None, f"{where}: {name}(Msg.X, field=…): one entry, then its fields by name"
        assert not any(isinstance(n, ast.Attribute) and n.attr == "render" for n in ast.walk(call)), f"{where}: pass the fields, not text"
        if isinstance(first, ast.Attribute) and getattr(first.value, "id", None) == "Msg":
            kind = Msg[first.attr].kind
            expected = Kind.FINDING if name == WorkbookReadError.__name__ else Kind.ERROR
            assert kind is expected, f"{where}: {name} of Msg.{first.attr}, a {kind.value}"
        else:  # an entry chosen before (the store's error for a database fault)
            assert isinstance(first, ast.Name), f"{where}: pass the catalogue entry"


def test_an_error_renders_its_entry_on_demand_and_crosses_processes():
    err = StoreError(Msg.STORE_001, round_id="khongco")
    assert str(err) == err.message == Msg.STORE_001.render(round_id="khongco") and err.status == HTTPStatus.NOT_FOUND
    back = pickle.loads(pickle.dumps(err))
    assert (type(back), back.msg, back.fields, str(back)) == (StoreError, err.msg, err.fields, str(err))
    full = pickle.loads(pickle.dumps(TemplateError.not_written("mau", OSError(28, "No space left on device"))))
    assert full.errno == 28 and str(full) == Msg.TEMPLATE_001.render(where="mau", reason="[Errno 28] No space left on device")
    with pytest.raises(TypeError):
        PipelineError("free text")


def test_an_unreadable_file_becomes_the_finding_its_error_carries():
    err = WorkbookReadError(Msg.FILE_007, reason="tệp được đặt mật khẩu")
    found = read_failure("bc.xlsx", err, Severity.ERROR)
    assert (found.type, found.file, err.reason) == (Msg.FILE_007.slug, "bc.xlsx", "tệp được đặt mật khẩu")
    assert found.message == Msg.FILE_007.render(where="bc.xlsx", reason="tệp được đặt mật khẩu")


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
    return consolidate_folder(folder, Context.of(form, units))


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
