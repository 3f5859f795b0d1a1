"""Whether a return's identity agrees with itself: the unit its hidden sheet names, the unit its
document properties name, and the unit its heading names ("Đơn vị báo cáo: …"). A sheet copied
from another unit's return into a unit's file makes them disagree."""

from __future__ import annotations

from collections.abc import Mapping

from pipeline.core.constants import META_UNIT_CODE, META_UNIT_NAME, Severity
from pipeline.core.errors import Msg
from pipeline.core.findings import Problem, problem
from pipeline.form.model import Unit
from pipeline.ingest.extract import RawReturn
from pipeline.ingest.recognise import fold, reporting_unit


def identity_doubts(raw: RawReturn, unit: Unit | None, listed: Mapping[str, frozenset[str]]) -> list[Problem]:
    """Warnings when a return names two units: its hidden sheet and its document properties, or
    its metadata and the "Đơn vị báo cáo" line of its heading. Such a return never supersedes a
    consistent one (``choose.select_latest``).

    :param listed: level -> the folded names of the listed units (``Context.folded_names``).
    """
    if unit is None or not raw.meta:  # rejected, or recognised from the heading itself
        return []
    found = []
    own = {"file": raw.file, "unit_code": unit.code, "unit_name": raw.meta.get(META_UNIT_NAME) or unit.name}
    props = raw.property_meta
    if props.get(META_UNIT_CODE) and props.get(META_UNIT_CODE) != raw.meta.get(META_UNIT_CODE):
        other = {"other_code": props.get(META_UNIT_CODE), "other_name": props.get(META_UNIT_NAME)}
        found.append(problem(Msg.META_012, Severity.WARNING, **own, **other))
    heading = reporting_unit(raw.heading)
    if heading and not _names_only(heading, unit, raw.meta, listed.get(unit.level, frozenset())):
        found.append(problem(Msg.META_011, Severity.WARNING, **own, heading=heading))
    return found


def _names_only(heading: str, unit: Unit, meta: Mapping[str, str], level_names: frozenset[str]) -> bool:
    """Whether the heading's unit is ``unit`` (by its listed name or the file's), compared without
    diacritics, case or spaces, with no other unit of its level named beside it."""
    line = fold(heading)
    own = {fold(unit.name), fold(meta.get(META_UNIT_NAME, ""))} - {""}
    if line in own:  # the template's own line: the usual case, no search
        return True
    named = {name for name in own | level_names if name in line}
    named = {name for name in named if not any(name != other and name in other for other in named)}  # 'Xã Tân' in 'Xã Tân Phong'
    return bool(named) and named <= own
