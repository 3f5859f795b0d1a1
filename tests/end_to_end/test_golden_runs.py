"""Whole runs, output for output, compared with the files in ``tests/golden/<case>/``: the
bundled sample (consolidation and report, as ``tonghop demo`` makes them), the Lai Châu 2025
example, a round's consolidation from the store, and ``forward``.

Every CSV is compared text for text and every workbook cell value sheet by sheet, with the
clock fixed (``core.vnformat.utc_now``), the returns' file times fixed and the temporary
folder's path written ``<tmp>``. Regenerate after a deliberate change with
``TONGHOP_REGENERATE_GOLDEN=1 pytest tests/end_to_end/test_golden_runs.py`` and review the diff before
committing it.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from datetime import datetime, timezone
from pathlib import Path

import openpyxl
import pytest

from pipeline import api, rounds
from pipeline.api.demos import DEMO_PRIOR
from pipeline.core import settings, vnformat
from pipeline.form.definition import load_form
from pipeline.form.units import load_units
from pipeline.sample import EXAMPLES, SAMPLE_PERIOD, build_sample, fill_returns, synthetic_values
from pipeline.store import Store
from tests.conftest import set_saved_time

pytestmark = pytest.mark.slow  # four whole runs: make test-fast leaves them out

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
PROVINCE = Path(__file__).resolve().parents[1] / "fixtures" / "province"
NOW = datetime(2026, 1, 15, 3, 0, tzinfo=timezone.utc)  # the clock of every run
FILE_TIME = datetime(2023, 12, 20, 2, 0, tzinfo=timezone.utc).timestamp()  # every return's file time
SAVED_TIME = "2023-12-19T08:30:00Z"  # every return's saved time (``dcterms:modified``)
REGENERATE = bool(os.environ.get("TONGHOP_REGENERATE_GOLDEN"))
VOLATILE_JSON = ("started", "finished", "seconds", "version", "python", "platform")


@pytest.fixture(scope="module")
def fixed_clock():
    """``utc_now`` fixed wherever the program imported it (every "now" and "today" reads it)."""
    real = vnformat.utc_now
    with pytest.MonkeyPatch.context() as patch:
        for name, module in list(sys.modules.items()):
            if name.startswith("pipeline") and getattr(module, "utc_now", None) is real:
                patch.setattr(module, "utc_now", lambda: NOW)
        yield


def _fix_times(folder: Path) -> Path:
    """Every return's saved time and file time fixed (written now, they would say today)."""
    for path in folder.rglob("*"):
        if path.suffix == ".xlsx":
            set_saved_time(path, SAVED_TIME)
        if path.is_file():
            os.utime(path, (FILE_TIME, FILE_TIME))
    return folder


def _sheets(path: Path, tmp: str) -> dict:
    """Every sheet's cell values, row by row (trailing empty cells dropped)."""
    book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    sheets = {}
    for sheet in book.worksheets:
        rows = []
        for row in sheet.iter_rows(values_only=True):
            cells = [_plain(v, tmp) for v in row]
            while cells and cells[-1] is None:
                cells.pop()
            rows.append(cells)
        sheets[sheet.title] = rows
    book.close()
    return sheets


def _plain(value, tmp: str):
    if isinstance(value, str):
        return value.replace(tmp, "<tmp>")
    if isinstance(value, (datetime,)):
        return value.isoformat()
    return value if value is None or isinstance(value, (int, float, bool)) else str(value)


def _outputs(folder: Path, tmp: Path, names: dict[str, str]) -> dict[str, str]:
    """Each output under ``folder`` by its relative path, as text to compare, each of ``names``
    (a round's id, made at random) written as its stand-in."""
    found = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = path.relative_to(folder).as_posix()
        if path.suffix == ".csv":
            found[name] = path.read_text(encoding="utf-8-sig").replace(str(tmp), "<tmp>")
        elif path.suffix == ".xlsx":
            found[name + ".json"] = json.dumps(_sheets(path, str(tmp)), ensure_ascii=False, indent=1, default=str) + "\n"
        elif path.suffix == ".json":
            data = json.loads(path.read_text(encoding="utf-8"))
            kept = {k: v for k, v in data.items() if k not in VOLATILE_JSON}
            text = json.dumps(kept, ensure_ascii=False, indent=1, sort_keys=True, default=str) + "\n"
            found[name] = text.replace(str(tmp), "<tmp>")
    for name, text in found.items():
        for real, shown in names.items():
            text = text.replace(real, shown)
        found[name] = text
    return found


def _compare(case: str, folder: Path, tmp: Path, **names: str) -> None:
    names = {**names, "package": str(settings.DEFINITIONS_DIR.parent)}  # the checkout's path
    found = _outputs(folder, tmp, {real: f"<{shown}>" for shown, real in names.items()})
    golden = GOLDEN / case
    if REGENERATE:
        shutil.rmtree(golden, ignore_errors=True)
        for name, text in found.items():
            (golden / name).parent.mkdir(parents=True, exist_ok=True)
            (golden / name).write_text(text, encoding="utf-8")
    expected = {p.relative_to(golden).as_posix(): p.read_text(encoding="utf-8") for p in golden.rglob("*") if p.is_file()}
    assert sorted(found) == sorted(expected)
    for name, text in found.items():
        assert text == expected[name], f"{case}/{name} differs from its golden file"


@pytest.fixture(scope="module")
def sample_run(fixed_clock, tmp_path_factory):
    """The bundled sample as ``tonghop demo`` runs it: returns, consolidation with the 2022 figures, appendix."""
    tmp = tmp_path_factory.mktemp("sample")
    form = load_form()
    build_sample(tmp / "returns", form, load_units(None, form))
    _, out = api.consolidate(_fix_times(tmp / "returns"), period=SAMPLE_PERIOD, out=tmp / "out", prior_path=DEMO_PRIOR)
    api.make_report(out)
    return tmp, out


def test_sample_outputs_match_golden(sample_run):
    tmp, out = sample_run
    _compare("sample", out, tmp)


def test_example_outputs_match_golden(fixed_clock, tmp_path):
    example = EXAMPLES["tinh-lai-chau-2025"]
    paths = {"form_path": example.form_dir, "units_path": example.units_csv}
    api.make_templates(period=example.period, out=tmp_path / "templates", **paths)
    form = load_form(example.form_dir)
    units = load_units(example.units_csv, form)
    fill_returns(tmp_path / "templates", tmp_path / "returns", units, synthetic_values(form, units))
    _, out = api.consolidate(_fix_times(tmp_path / "returns"), period=example.period, out=tmp_path / "out", **paths)
    api.make_report(out)
    _compare("example_2025", out, tmp_path)


def test_round_outputs_match_golden(fixed_clock, tmp_path):
    """A round made of the bundled sample's returns, each received at its file time, then consolidated."""
    form = load_form()
    returns = build_sample(tmp_path / "returns", form, load_units(None, form))
    _fix_times(tmp_path / "returns")
    store = Store.open(tmp_path / "data")
    try:
        round_id = rounds.create_round(store, period=SAMPLE_PERIOD, deadline="15/12/2023").id
        received = datetime.fromtimestamp(FILE_TIME, tz=timezone.utc)
        for path in sorted(returns):
            rounds.submit_received(store, round_id, path.read_bytes(), path.name, sender="office", received_at=received)
        _, out = rounds.consolidate_round(store, round_id, tmp_path / "out", prior_path=DEMO_PRIOR)
        templates = rounds.round_templates(store, round_id, tmp_path / "templates", units=[store.units(round_id)[0].code])
    finally:
        store.close()
    assert templates
    _compare("round", out, tmp_path, round=round_id)


def test_forward_outputs_match_golden(sample_run, tmp_path):
    """The sample's consolidation sent up as the province's return for the city (``tests/test_forward.py``)."""
    sample_tmp, consolidated = sample_run
    form_dir = tmp_path / "form"
    shutil.copytree(settings.DEFINITIONS_DIR, form_dir)
    shutil.copy(PROVINCE / "levels.csv", form_dir / "levels.csv")
    run = api.make_templates(form_path=form_dir, units_path=PROVINCE / "units.csv", period="2023", out=tmp_path / "templates")
    template = next(p for p in run.paths if p.name.startswith("105"))
    api.forward(consolidated, template=template, out=tmp_path / "up" / "forwarded.xlsx")
    _compare("forward", tmp_path / "up", tmp_path, sample=str(sample_tmp))
