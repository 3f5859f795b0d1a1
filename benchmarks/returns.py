"""Benchmark data: a unit list of N units and one filled return per unit, made quickly.

One commune return and one city return are filled the usual way (``fill_return`` with the
bundled sample's values) for a placeholder unit, then stamped for every unit (``Stamp``); one
or two figures that no rule involves are varied per unit by rewriting their ``<v>`` in the
sheet XML, so totals are not simply N times the same return and every return stays valid.
"""

from __future__ import annotations

import csv
import re
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from pipeline.form.model import FormDefinition, Unit
from pipeline.ingest.extract import extract_return
from pipeline.ingest.readers import read_workbook
from pipeline.sample import fill_return, sample_values
from pipeline.templates.build import build_template, template_filename
from pipeline.templates.stamp import Stamp, placeholder, write_bytes

PERIOD = "2023"
SAMPLE_UNIT = {"city": "105", "communes": "03386"}  # whose bundled values fill each level's return
DATA_PART = "xl/worksheets/sheet1.xml"  # openpyxl writes the sheets in order: "Báo cáo" first
VARIED = 2  # figures varied per unit


def make_units(n: int, path: Path) -> list[Unit]:
    """``B00001`` the city, ``B00002``… communes named ``Phường Thử nghiệm 00002``…; written as CSV."""
    units = [Unit("B00001", "Thành phố Thử nghiệm", "city")]
    units += [Unit(f"B{i:05d}", f"Phường Thử nghiệm {i:05d}", "communes") for i in range(2, n + 1)]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["code", "name", "level"])
        writer.writerows((u.code, u.name, u.level) for u in units)
    return units


def bump(unit_index: int, slot: int) -> int:
    """How much figure ``slot`` of unit ``unit_index`` differs from the sample."""
    return (unit_index * (7 if slot else 1)) % (101 if slot else 50)


@dataclass
class _Filled:
    """A filled return of one level, ready to stamp, and where its varied figures are."""

    stamp: Stamp
    cells: dict[str, tuple[str, int]]  # code -> (cell, sample value)


def _varied_codes(form: FormDefinition, level: str, typed: dict[str, str]) -> list[str]:
    """Whole-number figures of ``level`` that no rule involves and that were typed as plain digits."""
    in_rules = {code for rule in form.rules for code in rule.codes}
    return [
        ind.code
        for ind in form.indicators_for(level)
        if ind.code not in in_rules and ind.type in ("count", "money") and typed.get(ind.code, "").isdigit()
    ][:VARIED]


def _fill(form: FormDefinition, level: str, tokens: tuple[str, str], tmp: Path) -> _Filled:
    typed = sample_values()[SAMPLE_UNIT[level]]
    blank = build_template(form, Unit(*tokens, level), tmp / f"{level}-blank.xlsx", PERIOD)
    filled = fill_return(blank, tmp / f"{level}.xlsx", typed)
    found = {v.code: v.cell for v in extract_return(read_workbook(filled), form, filled.name).values}
    cells = {code: (found[code], int(typed[code])) for code in _varied_codes(form, level, typed)}
    return _Filled(Stamp.from_file(filled, tokens, edited=[DATA_PART]), cells)


def _set_value(xml: bytes, cell: str, value: int) -> bytes:
    pattern = re.compile(rb'(<c r="' + cell.encode() + rb'"[^>]*>)<v>[^<]*</v>')
    new, count = pattern.subn(lambda m: m.group(1) + b"<v>%d</v>" % value, xml)
    if count != 1:
        raise RuntimeError(f"cell {cell} not found once in {DATA_PART}")
    return new


_STATE: dict = {}


def _init(filled: dict[str, _Filled], tokens: tuple[str, str]) -> None:
    _STATE.update(filled=filled, tokens=tokens)


def _write(items: list[tuple[int, Unit, Path]]) -> int:
    code_token, name_token = _STATE["tokens"]
    for index, unit, path in items:
        filled: _Filled = _STATE["filled"][unit.level]
        values = {code: sample + bump(index, slot) for slot, (code, (_, sample)) in enumerate(filled.cells.items())}

        def vary(xml: bytes, filled=filled, values=values) -> bytes:
            for code, value in values.items():
                xml = _set_value(xml, filled.cells[code][0], value)
            return xml

        data = filled.stamp.render({code_token: unit.code, name_token: unit.name}, edits={DATA_PART: vary})
        write_bytes(data, path)
    return len(items)


def make_returns(form: FormDefinition, units: list[Unit], folder: Path, jobs: int = 1) -> dict[tuple[str, str], int]:
    """Write one filled return per unit into ``folder``; returns the expected ``(code, level)`` totals of the varied codes."""
    folder.mkdir(parents=True, exist_ok=True)
    tokens = (placeholder("code"), placeholder("name"))
    with tempfile.TemporaryDirectory() as tmp:
        filled = {level: _fill(form, level, tokens, Path(tmp)) for level in dict.fromkeys(u.level for u in units)}
    items = [(i, unit, folder / template_filename(unit)) for i, unit in enumerate(units, start=1)]
    chunks = [items[i : i + 200] for i in range(0, len(items), 200)]
    if jobs > 1:
        with ProcessPoolExecutor(jobs, initializer=_init, initargs=(filled, tokens)) as pool:
            list(pool.map(_write, chunks))
    else:
        _init(filled, tokens)
        for chunk in chunks:
            _write(chunk)
    expected: dict[tuple[str, str], int] = {}
    for i, unit in enumerate(units, start=1):
        for slot, (code, (_, sample)) in enumerate(filled[unit.level].cells.items()):
            expected[code, unit.level] = expected.get((code, unit.level), 0) + sample + bump(i, slot)
    return expected
