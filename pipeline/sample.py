"""The bundled Lai Châu 2023 sample: returns filled through our own templates, the way
officers fill them (some numbers typed as text, some files renamed), then saved by a
script using openpyxl, as some units do.

And the bundled examples (``EXAMPLES``): a round of another committee, with its own form and
unit list, whose returns carry synthetic figures made from the sample's (``synthetic_values``)."""

from __future__ import annotations

import csv
import functools
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from pipeline.core import settings
from pipeline.core.constants import HEADER_CODE, HEADER_VALUE
from pipeline.form.definition import load_form
from pipeline.form.model import FormDefinition, Unit
from pipeline.form.units import load_units
from pipeline.ingest.values import parse_value
from pipeline.templates.build import build_template, template_filename

SAMPLE_VALUES = settings.SAMPLE_DIR / "lai_chau_2023.csv"
SAMPLE_FILES = settings.SAMPLE_DIR / "returns.csv"
SAMPLE_PERIOD = "2023"
_PLAIN = re.compile(r"^\d+$")
# Synthetic figures: the committee's own are the sample city's times OWN_SCALE; the units'
# those of a sample commune times 1, 2 or 3 (whole numbers keep every sum and bound of the rules).
OWN_SCALE = 3
UNIT_SCALES = (1, 2, 3)


@dataclass(frozen=True)
class Example:
    """A bundled example round: a folder holding its form (``form/``) and unit list
    (``units.csv``), and the period of its returns (no deadline, as the sample's: the returns
    are made today)."""

    folder: Path
    period: str

    @property
    def form_dir(self) -> Path:
        return self.folder / "form"

    @property
    def units_csv(self) -> Path:
        return self.folder / "units.csv"


EXAMPLES = {
    # Lai Châu province after 1 July 2025: the province committee and its 38 communes and wards.
    "tinh-lai-chau-2025": Example(settings.PACKAGE_DIR / "examples" / "tinh_lai_chau_2025", "2025"),
    # A commune committee after the reform (xã Bản Bo) and its 12 residential areas (levels commune
    # and villages): its indicators are those the province form asks of communes, so its
    # consolidation fills the province's template by code (``tonghop forward``, ``rounds.upward``).
    "xa-ban-bo-2025": Example(settings.PACKAGE_DIR / "examples" / "xa_2025", "2025"),
}
COMMUNE_EXAMPLE = EXAMPLES["xa-ban-bo-2025"]
AREA_FIGURES = COMMUNE_EXAMPLE.folder / "area_figures.csv"  # area,code,value: figures of twelve residential areas


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


def _sample_figures() -> tuple[dict[str, int], list[dict[str, int]]]:
    """The sample's figures as read (``60 triệu`` is 60000000): the city's, and each commune's by code."""
    form = load_form()
    typed = sample_values()
    first = next(iter(form.levels))

    def read(code: str) -> dict[str, int]:
        parsed = {key: parse_value(raw, form.indicators[key].type).value for key, raw in typed[code].items()}
        return {key: value for key, value in parsed.items() if isinstance(value, int)}

    units = load_units(None, form)
    city = next(read(u.code) for u in units if u.level == first)
    return city, [read(u.code) for u in sorted(units, key=lambda u: u.code) if u.level != first]


def synthetic_values(form: FormDefinition, units: list[Unit]) -> dict[str, dict[str, int]]:
    """Plausible figures for each of ``units``, the same on every run (unit code -> {indicator
    code: value}): a unit of the form's first level (the committee) gets the sample city's
    figures times ``OWN_SCALE``; the i-th other unit those of sample commune i (cycling through
    them) times ``UNIT_SCALES[i % 3]``, or, at a level that asks only what a residential area
    counts (the commune form's ``villages``), ``area_values(i)``. Every rule that holds in the
    sample holds here too."""
    city, communes = _sample_figures()
    first = next(iter(form.levels))
    areas = {level for level in form.levels if {i.code for i in form.indicators_for(level)} <= set(area_values(0))}
    out: dict[str, dict[str, int]] = {}
    others = 0
    for unit in units:
        if unit.level == first:
            base, scale = city, OWN_SCALE
        elif unit.level in areas:  # a level asking only what a residential area counts
            base, scale = area_values(others), 1
            others += 1
        else:
            base, scale = communes[others % len(communes)], UNIT_SCALES[others % len(UNIT_SCALES)]
            others += 1
        out[unit.code] = {code: value * scale for code, value in base.items() if code in form.indicators}
    return out


def fill_returns(templates_dir: Path, out_dir: Path, units: list[Unit], values: dict[str, dict[str, object]]) -> list[Path]:
    """Fill each unit's template of ``templates_dir`` (as ``tonghop templates`` names it) with its
    ``values`` and save it in ``out_dir`` under the same name."""
    out_dir.mkdir(parents=True, exist_ok=True)
    names = [template_filename(unit) for unit in units if unit.code in values]
    codes = [unit.code for unit in units if unit.code in values]
    return [fill_return(templates_dir / name, out_dir / name, values[code]) for name, code in zip(names, codes, strict=True)]


def area_values(index: int) -> dict[str, int]:
    """Plausible figures of the ``index``-th residential area (thôn, bản) of a commune, the same on
    every run, for the villages level of the bundled commune form (``AREA_FIGURES``: twelve areas,
    repeated for more); every rule of it holds."""
    figures = _area_figures()
    return dict(figures[index % len(figures)])


@functools.cache
def _area_figures() -> list[dict[str, int]]:
    areas: dict[int, dict[str, int]] = {}
    for row in _read(AREA_FIGURES):
        areas.setdefault(int(row["area"]), {})[row["code"]] = int(row["value"])
    return [areas[i] for i in sorted(areas)]


def committee_values(form: FormDefinition, level: str) -> dict[str, int]:
    """A committee's own figures for the indicators ``level`` reports: the sample city's times
    ``OWN_SCALE`` (as ``synthetic_values`` gives the committee of a form), which keep every rule."""
    city = synthetic_values(form, [Unit("-", "-", next(iter(form.levels)))])["-"]
    asked = {ind.code for ind in form.indicators_for(level)}
    return {code: value for code, value in city.items() if code in asked}


def area_list_csv(code: str, name: str, areas: int) -> bytes:
    """A commune's list of its ``areas`` residential areas (``<code>001``…, "Bản số 1"…), the
    commune itself first, as a CSV Excel writes (UTF-8 with a BOM, CRLF): for the bundled commune form."""
    rows = ["code,name,level", f"{code},{name},commune"] + [f"{code}{i:03d},Bản số {i},villages" for i in range(1, areas + 1)]
    return ("\r\n".join(rows) + "\r\n").encode("utf-8-sig")
