"""The official catalogue of administrative units after the reform of 1 July 2025 (34 provinces
and centrally-run cities; 3,321 communes, wards and special zones), read from the optional
``vietnam-provinces`` package (GPL-3.0-or-later, installed by ``pip install 'tonghop[units]'``).

The package is imported here only, and only when a unit list is asked for: nothing else of
tonghop needs it. A province's unit list (``province_units``) is its committee, at the form's
first level, then each commune, ward and special zone, at the form's last level.

A province is also found by the names officers still use (``province_names.csv``, data beside
this module): the 29 provinces merged into others by Resolution 202/2025/QH15 of 12 June 2025
(Hà Giang → Tuyên Quang, ...), a renamed one (Thừa Thiên Huế → Thành phố Huế) and common short
names (HCM, TP.HCM, Sài Gòn); the answer then says which province that is now.
"""

from __future__ import annotations

import csv
import difflib
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import ModuleType

from pipeline.core.errors import Msg, PipelineError
from pipeline.core.vnformat import strip_diacritics
from pipeline.form.model import FormDefinition, Unit

PACKAGE = "vietnam_provinces"
WHERE = "tonghop units"
PROVINCE_DIGITS, COMMUNE_DIGITS = 2, 5  # official codes: 12 (Lai Châu), 03408 (Phường Tân Phong)
FIRST_VERSION = 2025  # the package's versions before 2025 carry the list before the reform
_PREFIX = re.compile(r"^(?:(?:tinh|thanh pho|tp)\s+|tp\.\s*)")
CLOSE_MATCHES = 5
NAMES_CSV = Path(__file__).with_name("province_names.csv")  # name,now,kind: other names of a province
NAME_KINDS = {"merged": Msg.UNITS_010, "renamed": Msg.UNITS_011, "alias": Msg.UNITS_012}  # what the answer says


@dataclass(frozen=True)
class Province:
    """A province or centrally-run city of the catalogue: ``code`` (``12``), ``name`` with its
    type (``Tỉnh Lai Châu``, ``Thành phố Hà Nội``) and its communes as ``(code, name)``."""

    code: str
    name: str
    communes: tuple[tuple[str, str], ...]


def _package() -> ModuleType:
    """The ``vietnam_provinces`` package, checked to carry the list after the reform.

    :raises PipelineError: not installed (``UNITS_001``), or a version before 2025 (``UNITS_002``).
    """
    try:
        import vietnam_provinces
    except ImportError:
        raise PipelineError(Msg.UNITS_001, where=WHERE) from None
    version = getattr(vietnam_provinces, "__version__", "")
    major = version.split(".")[0]
    if not (major.isdigit() and int(major) >= FIRST_VERSION and hasattr(vietnam_provinces.Ward, "iter_by_province")):
        raise PipelineError(Msg.UNITS_002, where=WHERE, version=version)
    return vietnam_provinces


def catalogue_date() -> str:
    """The day the installed catalogue was taken (``2025-10-18``), "" when it does not say."""
    return str(getattr(_package(), "__data_version__", ""))


def provinces() -> list[Province]:
    """Every province of the catalogue, by code."""
    package = _package()
    communes: dict[int, list[tuple[str, str]]] = {}
    for ward in package.Ward.iter_all():
        communes.setdefault(int(ward.province_code), []).append((f"{int(ward.code):0{COMMUNE_DIGITS}d}", ward.name))
    out = []
    for item in sorted(package.Province.iter_all(), key=lambda p: int(p.code)):
        # A province is named bare ("Lai Châu"), a centrally-run city with its type ("Thành phố Hà Nội").
        name = item.name if item.name.casefold().startswith("thành phố") else f"Tỉnh {item.name}"
        out.append(Province(f"{int(item.code):0{PROVINCE_DIGITS}d}", name, tuple(sorted(communes.get(int(item.code), [])))))
    return out


def name_key(text: str) -> str:
    """A province's name as compared: no diacritics, case, extra spaces or ``tỉnh``/``thành phố``
    in front (``"TỈNH  Lai Chau"`` and ``"lai châu"`` are one name)."""
    bare = " ".join(strip_diacritics(text).casefold().replace("-", " ").replace("–", " ").split())
    return _PREFIX.sub("", bare)


@cache
def other_names() -> dict[str, tuple[str, str, str]]:
    """``name_key`` of each other name of a province → (the name as written, the province's name
    now, its kind: ``merged``, ``renamed`` or ``alias``), from ``province_names.csv``."""
    with NAMES_CSV.open(encoding="utf-8", newline="") as handle:
        return {name_key(row["name"]): (row["name"], row["now"], row["kind"]) for row in csv.DictReader(handle)}


@dataclass(frozen=True)
class Found:
    """A province found, and what to tell the officer when it was found by another name ("" else)."""

    province: Province
    note: str = ""


def find_province(query: str, where: str = f"{WHERE} --province") -> Found:
    """The province named by ``query``: its name, with or without diacritics, any case, with or
    without ``tỉnh``/``thành phố``; its code (``12`` or ``012``); or another name of it
    (``other_names``: a province merged into it in 2025, its name before, a common short name),
    said in the note.

    :raises PipelineError: no such province, naming the close matches (``UNITS_003``) or none (``UNITS_004``).
    """
    items = provinces()
    text = query.strip()
    for item in items:
        if (text.isdigit() and int(text) == int(item.code)) or name_key(text) == name_key(item.name):
            return Found(item)
    by_key = {name_key(item.name): item for item in items}
    other = other_names().get(name_key(text))
    if other and name_key(other[1]) in by_key:
        now = by_key[name_key(other[1])]
        return Found(
            now,
            NAME_KINDS[other[2]].render(where=where, query=other[0] if other[2] != "alias" else text, province=now.name),
        )
    keys = {name_key(item.name): item.name for item in items}
    keys |= {key: by_key[name_key(now)].name for key, (_, now, _) in other_names().items() if name_key(now) in by_key}
    close = difflib.get_close_matches(name_key(text), list(keys), n=CLOSE_MATCHES, cutoff=0.6)
    if close:
        matches = ", ".join(keys[key] for key in close)
        raise PipelineError(Msg.UNITS_003, where=where, query=text, matches=matches)
    raise PipelineError(Msg.UNITS_004, where=where, query=text)


def province_units(province: Province, form: FormDefinition) -> list[Unit]:
    """The unit list of a province committee: the committee at the form's first level, then its
    communes, wards and special zones at the form's last level, by code.

    :raises PipelineError: the form has a single level (``UNITS_005``).
    """
    levels = list(form.levels)
    if len(levels) < 2:
        raise PipelineError(Msg.UNITS_005, where=f"{WHERE} › levels.csv", levels=", ".join(levels))
    own, communes = levels[0], levels[-1]
    return [Unit(province.code, province.name, own), *(Unit(code, name, communes) for code, name in province.communes)]
