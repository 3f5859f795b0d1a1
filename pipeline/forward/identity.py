"""Whose return a forward writes: the upper template names a unit (its metadata), and that unit
must be the committee that consolidated, so that the city's figures never go up as the
province's (the province's own template is in the zip of templates it sends out).

The committee is the top unit of the consolidation's unit list: the unit at the form's first
level (the list's first row at its highest level when none is at the first). The upper template's
unit is that committee when its code is the same, or, since the levels' lists may code the
same committee differently, when its name is the same once folded (``name_key``).
"""

from __future__ import annotations

import re

from pipeline.consolidate.result import ConsolidationResult
from pipeline.core.constants import META_UNIT_CODE, META_UNIT_NAME, Severity
from pipeline.core.errors import Msg, PipelineError
from pipeline.core.findings import Problem, problem
from pipeline.core.vnformat import strip_diacritics
from pipeline.form.model import Unit
from pipeline.forward.upper import UpperTemplate

# What a committee's name may carry in front that does not tell committees apart: the Front's own
# title, spelt out or abbreviated, and a city's type ("Thành phố Lai Châu", "TP. Lai Châu").
# "Tỉnh" is kept: "Tỉnh Lai Châu" and "Thành phố Lai Châu" are two committees.
_FRONT = r"(?:uy ban )?(?:mat tran to quoc|mttq)(?: viet nam)?|ubmttq(?: viet nam| vn)?"
_PREFIX = re.compile(rf"^(?:(?:{_FRONT})\s*)?(?:(?:thanh pho|tp)\.?\s+|tp\.\s*)?")


def name_key(name: str) -> str:
    """A committee's name as compared: no diacritics, case, extra spaces, Front title or
    ``thành phố``/``TP`` in front (``"UBMTTQ TP. Lai Châu"`` and ``"Thành phố Lai Châu"`` are one)."""
    bare = " ".join(strip_diacritics(name).casefold().replace("-", " ").split())
    return _PREFIX.sub("", bare, count=1).strip()


def top_unit(units: tuple[Unit, ...] | list[Unit], levels: list[str]) -> Unit | None:
    """The committee that consolidated: the unit at the first level of ``levels`` (the form's),
    else the first unit at the highest level the list holds; None for an empty list."""
    for level in levels:
        found = [u for u in units if u.level == level]
        if found:
            return found[0]
    return units[0] if units else None


def code_key(code: str) -> str:
    """A unit code as compared: Excel drops its leading zeros (``012`` is ``12``)."""
    return code.strip().lstrip("0") or code.strip()


def _shown(code: str, name: str) -> str:
    return f"{code} – {name}" if code and name else code or name or "?"


def check_identity(result: ConsolidationResult, upper: UpperTemplate, force: bool) -> list[Problem]:
    """Nothing when the upper template is the consolidating committee's (or the list has no unit
    to compare with); else ``FORWARD_020`` raised, or with ``force`` a ``FORWARD_021`` warning.

    :raises PipelineError: ``FORWARD_020`` the template is another committee's.
    """
    ours = top_unit(result.units, list(result.form.levels))
    code, name = upper.meta.get(META_UNIT_CODE, "").strip(), upper.meta.get(META_UNIT_NAME, "").strip()
    if ours is None or (code and code_key(code) == code_key(ours.code)) or (name and name_key(name) == name_key(ours.name)):
        return []
    fields = {"template_unit": _shown(code, name), "unit": _shown(ours.code, ours.name)}
    if not force:
        raise PipelineError(Msg.FORWARD_020, where=str(upper.path), **fields)
    return [problem(Msg.FORWARD_021, Severity.WARNING, file=upper.path.name, unit_code=ours.code, **fields)]
