"""What the commands of the API share: how a path is given, the period asked for, a deadline
checked, the prior figures and crosswalk read."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pipeline.core.errors import Msg, PipelineError
from pipeline.form.crosswalk import Crosswalk, load_crosswalk
from pipeline.form.period import Period, format_date, parse_deadline
from pipeline.form.prior import PriorData, load_prior

PathLike = str | Path


def chosen_period(period: str | int | Period | None) -> Period:
    """The period asked for, checked (``PERIOD_001``); the current year when none is given."""
    return Period.parse(period) if period not in (None, "") else Period.current()


def deadline_text(deadline: str | date | None) -> str | None:
    """The deadline checked (``PERIOD_002``) and written ``DD/MM/YYYY``."""
    day = parse_deadline(deadline)
    return format_date(day) if day else None


def prior_and_crosswalk(prior_path: PathLike | None, crosswalk_path: PathLike | None) -> tuple[PriorData | None, Crosswalk | None]:
    """The prior figures and the crosswalk, each read and checked; a crosswalk needs prior figures (``XWALK_006``)."""
    if crosswalk_path and not prior_path:
        raise PipelineError(Msg.XWALK_006, where=str(crosswalk_path))
    prior = load_prior(prior_path) if prior_path else None
    return prior, load_crosswalk(crosswalk_path) if crosswalk_path else None
