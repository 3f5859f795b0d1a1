"""Random damage to a real return never raises: it is read, or it becomes one finding."""

from __future__ import annotations

import zipfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.consolidate.collect import process_file
from pipeline.validate.checks import FileOutcome
from pipeline.validate.context import Context

GOOD = "03386_Phuong_Quyet_Thang.xlsx"
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _outcome(path: Path, form, units):
    outcome = process_file(path, Context(form, {u.code: u for u in units}))
    assert isinstance(outcome, FileOutcome) and outcome.file == path.name
    if not outcome.readable:
        (finding,) = outcome.problems
        assert finding.file == path.name and finding.message.startswith(f"[{path.name}]")
    return outcome


@FUZZ
@given(data=st.data())
def test_random_byte_mutations_of_the_file(sample_dir, form, units, tmp_path, data):
    blob = bytearray((sample_dir / GOOD).read_bytes())
    for _ in range(data.draw(st.integers(1, 20))):
        blob[data.draw(st.integers(0, len(blob) - 1))] = data.draw(st.integers(0, 255))
    path = tmp_path / "hong.xlsx"
    path.write_bytes(bytes(blob))
    _outcome(path, form, units)


@FUZZ
@given(data=st.data())
def test_random_mutations_inside_the_xml_parts(sample_dir, form, units, tmp_path, data):
    with zipfile.ZipFile(sample_dir / GOOD) as archive:
        parts = {info.filename: archive.read(info.filename) for info in archive.infolist()}
    name = data.draw(st.sampled_from(sorted(parts)))
    blob = bytearray(parts[name])
    for _ in range(data.draw(st.integers(1, 10))):
        at = data.draw(st.integers(0, max(0, len(blob) - 1)))
        blob[at : at + 1] = data.draw(st.binary(min_size=0, max_size=4))
    parts[name] = bytes(blob)
    path = tmp_path / "sua.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as out:
        for part, content in parts.items():
            out.writestr(part, content)
    _outcome(path, form, units)
