"""The bundled Lai Châu 2023 sample: returns filled through our own templates, the way
officers fill them (some numbers typed as text, some files renamed), then saved by a
script using openpyxl, as some units do."""

from __future__ import annotations

import csv
import re
import tempfile
from pathlib import Path

from pipeline.core import settings
from pipeline.core.constants import HEADER_CODE, HEADER_VALUE
from pipeline.form.model import FormDefinition, Unit
from pipeline.templates.build import build_template

SAMPLE_VALUES = settings.SAMPLE_DIR / "lai_chau_2023.csv"
SAMPLE_FILES = settings.SAMPLE_DIR / "returns.csv"
SAMPLE_PERIOD = "2023"
_PLAIN = re.compile(r"^\d+$")


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def sample_values() -> dict[str, dict[str, str]]:
    """unit code -> {indicator code: value as the officer typed it}."""
    out: dict[str, dict[str, str]] = {}
    for row in _read(SAMPLE_VALUES):
        out.setdefault(row["unit_code"], {})[row["code"]] = row["value"]
    return out


def fill_return(template: Path, target: Path, typed: dict[str, object]) -> Path:
    """Type ``typed`` (code -> value) into a template's input cells and save it as ``target``.

    Plain digit strings are typed as numbers; anything else is kept as text, as an officer
    typing ``120.341.560`` into a cell formatted as text would leave it.
    """
    import openpyxl

    book = openpyxl.load_workbook(template)
    for ws in book.worksheets:
        header = None
        for row in ws.iter_rows():
            labels = [str(c.value).strip() if c.value is not None else "" for c in row]
            if header is None and HEADER_CODE in labels and HEADER_VALUE in labels:
                header = (labels.index(HEADER_CODE), labels.index(HEADER_VALUE))
                continue
            if header and row[header[0]].value in typed:
                value = typed[row[header[0]].value]
                if isinstance(value, str) and _PLAIN.fullmatch(value.strip()) and value == value.strip():
                    value = int(value)
                row[header[1]].value = value
    book.save(target)
    return target


def build_sample(out_dir: str | Path, form: FormDefinition, units: list[Unit]) -> list[Path]:
    """Write the sample returns into ``out_dir`` (one per unit of the sample)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    values = sample_values()
    names = {row["unit_code"]: row["file"] for row in _read(SAMPLE_FILES)}
    written = []
    with tempfile.TemporaryDirectory() as tmp:
        for unit in units:
            if unit.code not in values:
                continue
            template = build_template(form, unit, Path(tmp) / f"{unit.code}.xlsx", SAMPLE_PERIOD)
            target = out_dir / names.get(unit.code, f"{unit.code}.xlsx")
            written.append(fill_return(template, target, values[unit.code]))
    return written
