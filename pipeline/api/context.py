"""What a check, a consolidation or a set of templates is judged against, loaded from paths
once (``validate.context.Context``): the command line's way in; a round builds it from its store."""

from __future__ import annotations

from datetime import date

from pipeline.api.base import PathLike, prior_and_crosswalk
from pipeline.core import settings
from pipeline.core.pool import default_jobs
from pipeline.form.definition import load_form
from pipeline.form.period import Period, parse_deadline
from pipeline.form.units import load_unit_tree
from pipeline.validate.context import Context, Options


def load_context(
    *,
    form_path: PathLike | None = None,
    units_path: PathLike | None = None,
    period: str | Period | None = None,
    prior_path: PathLike | None = None,
    crosswalk_path: PathLike | None = None,
    deadline: str | date | None = None,
    fix_days: int = settings.FIX_DAYS,
    factor: float = settings.OUTLIER_FACTOR,
    jobs: int | None = None,
) -> Context:
    """The form (for ``period`` when one is asked for), the unit list and its tree (default:
    the bundled list), the prior figures and crosswalk, and the options, each read and checked.

    :param deadline: ``DD/MM/YYYY`` or a ``date`` (``PERIOD_002``).
    :param jobs: processes (default: one per core).
    :raises PipelineError: any of them cannot be read or is wrong (the message says which).
    """
    chosen = period if isinstance(period, Period) else Period.parse(period) if period else None
    due = parse_deadline(deadline)
    form = load_form(form_path)
    form = form.for_period(chosen) if chosen else form
    units, tree = load_unit_tree(units_path, form)
    prior, crosswalk = prior_and_crosswalk(prior_path, crosswalk_path)
    options = Options(deadline=due, fix_days=fix_days, factor=factor, jobs=jobs or default_jobs())
    return Context.of(form, units, chosen.code if chosen else None, tree=tree, prior=prior, crosswalk=crosswalk, options=options)
