"""``tonghop templates``: one template per unit."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pipeline.api.base import PathLike, chosen_period, deadline_text, prior_and_crosswalk
from pipeline.core import settings
from pipeline.core.vnformat import vietnam_today
from pipeline.form.crosswalk import unit_figures
from pipeline.form.definition import load_form
from pipeline.form.period import deadline_notes, parse_deadline
from pipeline.form.priorunits import prior_notes
from pipeline.form.units import load_units
from pipeline.templates.batch import write_templates


@dataclass(frozen=True)
class TemplateRun:
    """What ``make_templates`` wrote, and what the officer should know about it (one line each)."""

    paths: list[Path]
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # on the deadline asked for: printed first


def make_templates(
    *,
    form_path: PathLike | None = None,
    units_path: PathLike | None = None,
    period: str | int | None = None,
    deadline: str | None = None,
    prior_path: PathLike | None = None,
    out: PathLike | None = None,
    jobs: int | None = None,
    crosswalk_path: PathLike | None = None,
) -> TemplateRun:
    """Write one template per unit; returns the files written, the notes on prior figures and the
    warnings on the deadline (before the form's figures end, or past: ``period.deadline_notes``).

    :param out: the folder to write to (default: ``input_templates/<period>/``).
    :param prior_path: prior-period figures shown in a column beside this period's: a previous
        run's output folder (``output/2023/``), its ``values.csv`` (every unit's figures) or
        ``totals.csv`` (figures by level: only a level's single unit, the city, gets them).
    :param crosswalk_path: a CSV ``old_code,new_code`` (with ``prior_path``): a unit made of
        old units gets their figures summed; one that received part of a split unit gets none.
    """
    chosen = chosen_period(period)
    deadline = deadline_text(deadline)
    form = load_form(form_path).for_period(chosen)
    warnings = deadline_notes(parse_deadline(deadline), chosen, vietnam_today(), form.windows)
    units = load_units(units_path, form)
    prior, crosswalk = prior_and_crosswalk(prior_path, crosswalk_path)
    notes: list[str] = []
    if prior:
        filled, found = unit_figures(prior, units, crosswalk)
        explained = frozenset(p.unit_code for p in found if p.unit_code)
        notes = prior_notes(prior, units, form, filled, explained) + [p.message for p in found]
        prior = filled
    out_dir = Path(out) if out else settings.TEMPLATES_DIR / chosen.code
    return TemplateRun(write_templates(form, units, out_dir, chosen.code, deadline, prior, jobs), notes, warnings)
