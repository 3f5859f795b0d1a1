"""The committees a server serves, made once by ``tonghop admin init``: from the official registry
(a province and its communes, or the whole country: 34 provinces, 3,321 communes; their codes
kept), or from a unit list with a ``parent`` column (any tree: the central committee over the
provinces, a province over its communes over their residential areas, a test tree). Running it
again adds only what is new."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline.core.text import visible_text
from pipeline.form import registry
from pipeline.form.csvread import Given, source_name
from pipeline.form.csvrows import Row
from pipeline.form.definition import read_definition_csv, unique
from pipeline.form.tree import PARENT_COLUMN, parse_tree
from pipeline.form.units import UNITS_COLUMNS, code_key
from pipeline.store import Store

CENTRAL, PROVINCE, COMMUNE, VILLAGE = "central", "province", "commune", "village"
GROUP = "group"  # a row of a unit list without a level: a parent that sends no return


@dataclass(frozen=True)
class InitReport:
    """What an initialisation did: the codes it added (in the list's order), how many it found
    already kept, and how many committees the server has now; ``note`` says which province a
    former name stood for ("" else)."""

    added: list[str]
    kept: int
    total: int
    note: str = ""


def _add(store: Store, rows: list[tuple[str, str, str, str | None]], note: str = "") -> InitReport:
    added = store.add_committees(rows)
    return InitReport(added, len(rows) - len(added), len(store.committees()), note)


def init_from_registry(store: Store, province_query: str | None = None) -> InitReport:
    """Keep the committees of the registry: the province named by ``province_query`` (its name
    with or without diacritics, its code, a former name) and its communes, wards and special
    zones; the whole country when ``None``. Codes as the registry has them (``12``, ``03408``).

    :raises PipelineError: the optional ``vietnam-provinces`` package is missing or too old
        (``UNITS_001``, ``UNITS_002``), or no province has that name (``UNITS_003``, ``UNITS_004``).
    """
    note = ""
    if province_query is None:
        chosen = registry.provinces()
    else:
        found = registry.find_province(province_query, where="tonghop admin init --province")
        chosen, note = [found.province], found.note
    rows: list[tuple[str, str, str, str | None]] = []
    for province in chosen:
        rows.append((province.code, province.name, PROVINCE, None))
        rows.extend((code, name, COMMUNE, province.code) for code, name in province.communes)
    return _add(store, rows, note)


def init_from_units(store: Store, path: str | Path | Given) -> InitReport:
    """Keep the committees of a unit list (``code,name,level[,parent]``, CSV or workbook, as Excel
    saves it): each row a committee at its ``level`` (``group`` when left blank) under its
    ``parent``: a row of the list, or a committee already kept (a commune's residential areas
    added under it). Without a ``parent`` column every row is a committee at the top.

    :raises FormDefinitionError: the list is unreadable or its tree is broken, naming the row.
    """
    file = path if isinstance(path, Given) else Path(path)
    rows = read_definition_csv(file, UNITS_COLUMNS)
    name = source_name(file)
    unique(rows, "code", name)
    outside = _kept_parents(store, rows)
    inside = [(line, {**row, PARENT_COLUMN: ""} if row["code"] in outside else row) for line, row in rows]
    tree = parse_tree(inside, name, "", code_key)
    parent = {**(tree.parent if tree else {}), **outside}
    committees = [(row["code"], visible_text(row["name"]), row["level"] or GROUP, parent.get(row["code"]) or None) for _line, row in rows]
    return _add(store, committees)


def _kept_parents(store: Store, rows: list[Row]) -> dict[str, str]:
    """code → parent, for the rows whose parent is no row of the list but a committee already kept."""
    listed = {code_key(row["code"]) for _line, row in rows}
    wanted = {row["code"]: row.get(PARENT_COLUMN, "") for _line, row in rows}
    wanted = {code: parent for code, parent in wanted.items() if parent and code_key(parent) not in listed}
    kept = {code_key(committee.code): committee.code for committee in store.committees()} if wanted else {}
    return {code: kept[code_key(parent)] for code, parent in wanted.items() if code_key(parent) in kept}
