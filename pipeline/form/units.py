"""The unit list: ``code,name,level``, one CSV per period (codes change with reorganisations),
and optionally ``parent``: the tree of units (``tree.py``)."""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from pathlib import Path

from pipeline.core import settings
from pipeline.core.atomic import atomic_path
from pipeline.core.errors import FormDefinitionError, Msg
from pipeline.core.text import visible_text
from pipeline.core.vnformat import strip_diacritics
from pipeline.form.csvread import Given, source_name
from pipeline.form.definition import read_definition_csv, unique
from pipeline.form.model import FormDefinition, Unit
from pipeline.form.tree import UnitTree, parse_tree

UNITS_COLUMNS = ("code", "name", "level")


def code_key(code: str) -> str:
    """A unit code as compared with others: a number without its leading zeros (``03386`` and
    ``3386`` are one code, since Excel drops the zeros when it re-saves units.csv), any other
    code as it is."""
    return (code.lstrip("0") or "0") if code.isascii() and code.isdigit() else code


def load_units(path: str | Path | Given | None, form: FormDefinition) -> list[Unit]:
    """Load the unit list (``code,name,level``), checking codes are unique and levels known.

    Two codes of one level that are equal once their leading zeros are dropped are refused:
    a return's code could not tell them apart. With a ``parent`` column the tree is checked too
    (``tree.parse_tree``), and its groups (rows without a level) are not units.

    :param path: a CSV file or a workbook (``csvread``: as Excel saves either), or an upload;
        default: the bundled Lai Châu 2023 list.
    """
    return load_unit_tree(path, form)[0]


def load_unit_tree(path: str | Path | Given | None, form: FormDefinition) -> tuple[list[Unit], UnitTree | None]:
    """The units of the list (as ``load_units``) and its tree, or None without a ``parent`` column."""
    file = path if isinstance(path, Given) else Path(path) if path else settings.DEFAULT_UNITS
    rows = read_definition_csv(file, UNITS_COLUMNS)
    name = source_name(file)
    unique(rows, "code", name)
    tree = parse_tree(rows, name, ", ".join(form.levels), code_key)
    units, seen = [], {}
    for line, row in rows:
        if tree and not row["level"]:  # a group: a parent that sends no return
            continue
        if row["level"] not in form.levels:
            raise FormDefinitionError(Msg.FORM_006, where=f"{name} › dòng {line}", level=row["level"], allowed=", ".join(form.levels))
        first = seen.setdefault((row["level"], code_key(row["code"])), (line, row["code"]))
        if first[0] != line:
            where = f"{name} › dòng {line}"
            raise FormDefinitionError(Msg.FORM_014, where=where, code=row["code"], other=first[1], first_row=first[0])
        if len(row["name"]) > settings.LIMIT_NAME_CHARS:
            raise FormDefinitionError(
                Msg.FORM_015,
                where=f"{name} › dòng {line}", column="name", length=len(row["name"]),
                limit=settings.LIMIT_NAME_CHARS, start=row["name"][:40],
            )  # fmt: skip
        units.append(Unit(row["code"], visible_text(row["name"]), row["level"]))  # no bidirectional or invisible characters
    return units, tree


def unit_file_stem(unit: Unit) -> str:
    """``03386_Phuong_Quyet_Thang``: the unit code and an ASCII slug of its name, how the files
    made for a unit (its template, its notice) are named."""
    slug = re.sub(r"[^A-Za-z0-9]+", "_", strip_diacritics(unit.name)).strip("_")
    code = re.sub(r"[^A-Za-z0-9-]+", "_", unit.code)
    return f"{code}_{slug}" if slug else code


def write_units(units: Sequence[Unit], path: str | Path) -> Path:
    """Write a unit list (anything with ``code``, ``name``, ``level``: a round's units too) as
    ``load_units`` reads it (``code,name,level``), atomically, in UTF-8 with a BOM (Excel's "CSV UTF-8", so names keep their diacritics when opened there); codes
    are written as they are, leading zeros kept.

    :raises OutputError: the file cannot be written.
    """
    with atomic_path(path) as tmp, tmp.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(UNITS_COLUMNS)
        writer.writerows((unit.code, unit.name, unit.level) for unit in units)
    return Path(path)
