"""``tonghop templates``: one template per unit."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

from pipeline.api.base import PathLike, chosen_period, deadline_text
from pipeline.api.context import load_context
from pipeline.core import settings
from pipeline.core.vnformat import vietnam_today
from pipeline.form.crosswalk import unit_figures
from pipeline.form.period import Period, deadline_notes, format_date
from pipeline.form.priorunits import prior_notes
from pipeline.templates.batch import write_templates
from pipeline.validate.context import Context


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
    deadline_text(deadline)  # checked first (``PERIOD_002``)
    context = load_context(
        form_path=form_path, units_path=units_path, period=chosen, prior_path=prior_path, crosswalk_path=crosswalk_path,
        deadline=deadline, jobs=jobs,
    )  # fmt: skip
    return templates_with(context, out=out)


def templates_with(context: Context, *, out: PathLike | None = None) -> TemplateRun:
    """``make_templates`` for what ``context`` holds (``load_context``, or a round's): its form,
    units, period (required), deadline, prior figures and crosswalk; ``context.options.jobs`` processes."""
    chosen = Period.parse(context.period)
    deadline = context.options.deadline
    warnings = deadline_notes(deadline, chosen, vietnam_today(), context.form.windows)
    units, prior = context.listed, context.prior
    notes: list[str] = []
    if prior:
        filled, found = unit_figures(prior, units, context.crosswalk)
        explained = frozenset(p.unit_code for p in found if p.unit_code)
        notes = prior_notes(prior, units, context.form, filled, explained) + [p.message for p in found]
        prior = filled
    out_dir = Path(out) if out else settings.TEMPLATES_DIR / chosen.code
    shown = format_date(deadline) if deadline else None
    paths = write_templates(context.form, units, out_dir, chosen.code, shown, prior, context.options.jobs)
    return TemplateRun(paths=paths, notes=notes, warnings=warnings)


def template_data(context: Context, unit_code: str) -> tuple[str, bytes]:
    """The template of one unit of ``context`` as ``templates_with`` writes it: its file name and bytes."""
    one = replace(context, units={unit_code: context.units[unit_code]}, options=replace(context.options, jobs=1))
    with tempfile.TemporaryDirectory(prefix="tonghop-") as tmp:
        (path,) = templates_with(one, out=tmp).paths
        return path.name, path.read_bytes()
