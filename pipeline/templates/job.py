"""What one template is about (the form, the unit, the period, the prior values) and where its
columns are; and the one way a refused write becomes a ``TemplateError`` naming the template.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.core import constants as C
from pipeline.core.errors import Msg, PipelineError, TemplateError
from pipeline.form.model import FormDefinition, Unit
from pipeline.form.period import Period
from pipeline.form.prior import PriorData


@dataclass
class TemplateJob:
    """What one template is about, and where its columns are."""

    form: FormDefinition
    unit: Unit
    period: str
    deadline: str | None
    prior: PriorData | None
    where: str
    size_as: str = ""  # the unit name the heading rows are sized for (default: the unit's)
    prior_cells: dict[str, str] = field(default_factory=dict)  # noted while writing: indicator code -> its prior value's cell

    @property
    def headers(self) -> list[str]:
        prior = [C.HEADER_PRIOR] if self.prior is not None else []
        return [C.HEADER_STT, C.HEADER_LABEL, C.HEADER_UNIT, C.HEADER_CODE, C.HEADER_VALUE, *prior, C.HEADER_NOTE]

    @property
    def titles(self) -> list[str]:
        """The header cells as written: the prior column named after its period when known."""
        return [prior_title(self.prior) if h == C.HEADER_PRIOR else h for h in self.headers]

    @property
    def cols(self) -> dict[str, int]:
        return {header: i for i, header in enumerate(self.headers)}

    @property
    def last(self) -> int:
        return len(self.headers) - 1

    @property
    def helper(self) -> int:
        """The hidden column of helper cells, right of the table (see ``checks``)."""
        return len(self.headers)

    def meta(self) -> dict[str, str]:
        f, u = self.form, self.unit
        values = (f.id, f.version, f.fingerprint, u.code, u.name, u.level, self.period, self.deadline or "", C.DATA_SHEET)
        return dict(zip(C.META_KEYS, (str(v) for v in values), strict=True))


def prior_title(prior: PriorData) -> str:
    """The prior column's header: its period ("Năm 2023", "6 tháng đầu năm 2023"), else "Năm trước"."""
    try:
        label = Period.parse(prior.period).label if prior.period else ""
    except PipelineError:
        label = ""
    return label[:1].upper() + label[1:] if label else C.HEADER_PRIOR


def check_written(result: int | None, job: TemplateJob, feature: str, cell: str = "", indicator: str = "") -> None:
    """XlsxWriter warns and returns -1/-2 instead of raising: turn that into an error."""
    if result is not None and result < 0:
        raise TemplateError(Msg.TEMPLATE_002, where=job.where, feature=feature, cell=cell, code=result, indicator=indicator)
