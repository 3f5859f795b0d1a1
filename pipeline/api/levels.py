"""Between levels: a province's unit list from the official catalogue (``tonghop units``), and a consolidation forwarded as the upper committee's return (``tonghop forward``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline.api.base import PathLike
from pipeline.form import registry
from pipeline.form.definition import load_form
from pipeline.form.model import Unit
from pipeline.form.units import unit_file_stem, write_units
from pipeline.forward.fill import ForwardRun, forward_consolidation


def forward(consolidated_dir: PathLike, *, template: PathLike, out: PathLike, force: bool = False) -> ForwardRun:
    """Send a consolidation up as the next level's return: the upper committee's ``template``
    (made by ``tonghop templates`` there, for this committee) filled with the totals over all
    levels, indicator by indicator, written to ``out`` with its findings beside it; the template
    itself is left as it was.

    :param force: fill a template of another period than the consolidation's (a warning).
    :raises PipelineError: the folder is not a consolidation, the template is not one or is for
        another period, or ``out`` is the template or cannot be written.
    """
    return forward_consolidation(consolidated_dir, template, out, force=force)


@dataclass(frozen=True)
class UnitList:
    """A province committee's unit list from the official catalogue, and the file it was written to."""

    province: registry.Province
    units: list[Unit]
    path: Path
    catalogue: str  # the day the catalogue was taken, ``2025-10-18``
    labels: dict[str, str]  # the form's levels: code -> label (``communes`` -> ``Cấp xã, phường, đặc khu``)
    note: str = ""  # the province was asked for by another name (merged in 2025, renamed, short): which it is now


def province_unit_list(*, province: str, form_path: PathLike | None = None, out: PathLike | None = None) -> UnitList:
    """Write the unit list (``code,name,level``) of a province committee from the official
    catalogue after 1 July 2025: the committee, then its communes, wards and special zones, at
    the levels of the form in use (``registry.province_units``). Needs the optional package
    ``vietnam-provinces`` (``pip install 'tonghop[units]'``).

    :param province: its name (with or without diacritics, ``tỉnh``/``thành phố``), its code, or
        another name of it (a province merged into it in 2025, its former name, ``TP.HCM``).
    :param out: the CSV to write (default: ``don_vi_<code>_<name>.csv`` in the current folder).
    :raises PipelineError: the package is missing, the province unknown, the form has one level,
        or the file cannot be written.
    """
    form = load_form(form_path)
    found = registry.find_province(province)
    units = registry.province_units(found.province, form)
    path = write_units(units, Path(out) if out else Path(f"don_vi_{unit_file_stem(units[0])}.csv"))
    labels = {code: level.label for code, level in form.levels.items()}
    return UnitList(province=found.province, units=units, path=path, catalogue=registry.catalogue_date(), labels=labels, note=found.note)


def provinces() -> tuple[list[registry.Province], str]:
    """The 34 provinces and centrally-run cities of the official catalogue after 1 July 2025,
    with their communes, and the day the catalogue was taken (optional package, as
    ``province_unit_list``)."""
    return registry.provinces(), registry.catalogue_date()
