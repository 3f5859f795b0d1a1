"""Who a template is from: the two lines of its heading, the issuing body under the body above
it, as Decree 30/2020 lays out an administrative document.

A commune or ward fills in and signs its own return: its heading names the form's committee
(the body above it) and, in bold, the unit's own committee (``form.csv``'s ``unit_committee``
with the unit's name). The unit that is the form's committee (its name ends the committee's,
"Thành phố Lai Châu") names the body above the committee (``parent``) and the committee.
"""

from __future__ import annotations

from pipeline.core import constants as C
from pipeline.core.sheetlayout import row_height
from pipeline.form.model import FormDefinition
from pipeline.templates.formats import WIDTHS

ORG_PADDING = 2  # column width a merged heading cell loses to its padding
# The heading's lines are merged over the columns left of ``Mã``.
HEADING_WIDTH = sum(WIDTHS[h] for h in (C.HEADER_STT, C.HEADER_LABEL, C.HEADER_UNIT))


def issuing_bodies(form: FormDefinition, unit_name: str) -> tuple[str, str]:
    """(upper line, lower line in bold) of the heading of the template of unit ``unit_name``, in capitals."""
    if form.is_committee(unit_name):
        return form.settings.get("parent", "").upper(), form.committee.upper()
    return form.committee.upper(), form.unit_committee(unit_name).upper()


def heading_heights(form: FormDefinition, unit_name: str) -> tuple[float | None, float | None]:
    """The heights of the two heading rows of the template of unit ``unit_name`` (``None``: one line)."""
    upper, lower = issuing_bodies(form, unit_name)
    room = HEADING_WIDTH - ORG_PADDING
    return row_height((upper, room)), row_height((lower, room), bold=True)
