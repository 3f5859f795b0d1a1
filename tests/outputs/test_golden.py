"""The bundled sample's CSV outputs, compared text for text with tests/golden/.

Regenerate after a deliberate change with ``TONGHOP_REGENERATE_GOLDEN=1 pytest tests/outputs/test_golden.py``
and review the diff before committing it. ``submissions.csv`` and ``run.json`` carry save
times and are not compared.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipeline.consolidate.combine import consolidate_folder
from pipeline.outputs.csvfiles import write_csvs
from pipeline.validate.context import Context

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
COMPARED = ("totals.csv", "values.csv", "findings.csv", "relations.csv")


@pytest.fixture(scope="module")
def written(sample_dir, form, units, tmp_path_factory):
    out = tmp_path_factory.mktemp("golden")
    write_csvs(consolidate_folder(sample_dir, Context.of(form, units)), out)
    return out


@pytest.mark.parametrize("name", COMPARED)
def test_sample_outputs_match_golden(written, name):
    text = (written / name).read_text(encoding="utf-8")
    if os.environ.get("TONGHOP_REGENERATE_GOLDEN"):
        (GOLDEN / name).write_text(text, encoding="utf-8")
    assert text == (GOLDEN / name).read_text(encoding="utf-8")
