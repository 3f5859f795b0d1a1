"""A stored upload's findings as its unit reads them on its own page: one line per problem, in
plain words (``core.wording``), its cell first (``Ô E17 – Tổng số khu dân cư: 'nhiều' không
phải là số. Hãy nhập một số, ví dụ 12.``); errors, then warnings, then notes, each in the order
of the cells in the sheet; a line said twice is shown once. The office's page shows the
findings themselves (rule ids, file, codes)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.core.constants import DATA_SHEET, Channel, Sender, Severity
from pipeline.core.wording import FOLLOWS_ANOTHER_SLUGS

_CELL = re.compile(r"([A-Z]{1,3})(\d+)")
_PLACE = re.compile(r"^\[[^\]]*\] ")  # the ``[file › sheet!cell] `` a message starts with
GROUPS = (
    (Severity.ERROR.value, "Cần sửa"),
    (Severity.WARNING.value, "Nên xem lại"),
    (Severity.INFO.value, "Để biết"),
)


@dataclass(frozen=True)
class Line:
    """One problem as the unit reads it: ``place`` is ``Ô E17`` (with the sheet when it is not
    the data sheet), empty for the file as a whole; ``text`` what is wrong and what to type."""

    severity: str
    place: str
    text: str


def _place(finding: dict) -> str:
    cell, sheet = finding.get("cell") or "", finding.get("sheet") or ""
    if not cell:
        return ""
    return f"Ô {cell}" + (f" (trang “{sheet}”)" if sheet and sheet != DATA_SHEET else "")


def _order(finding: dict) -> tuple:
    """Errors first; within a severity the data sheet first, then row by row, column by column."""
    rank = {value: i for i, (value, _) in enumerate(GROUPS)}.get(finding.get("severity"), len(GROUPS))
    match = _CELL.fullmatch(finding.get("cell") or "")
    at = (int(match[2]), len(match[1]), match[1]) if match else (0, 0, "")
    return rank, bool(finding.get("cell")), (finding.get("sheet") or DATA_SHEET) != DATA_SHEET, at


def unit_lines(findings: list[dict]) -> list[Line]:
    """The lines of an upload's stored findings (``rounds.submit.finding``). A finding stored
    before findings had plain words shows its message without its place. A finding that only
    follows from another line (``core.wording.FOLLOWS_ANOTHER``) is left out: one cause, one line."""
    lines: dict[Line, None] = {}
    for finding in sorted(findings, key=_order):
        if finding.get("rule") in FOLLOWS_ANOTHER_SLUGS:
            continue
        text = finding.get("plain") or _PLACE.sub("", finding.get("message") or "")
        lines.setdefault(Line(finding.get("severity") or "", _place(finding), text))
    return list(lines)


def grouped(findings: list[dict]) -> list[tuple[str, str, list[Line]]]:
    """``(severity, title, lines)`` of each severity that has lines: "Cần sửa", "Nên xem lại", "Để biết"."""
    lines = unit_lines(findings)
    return [
        (value, title, [line for line in lines if line.severity == value])
        for value, title in GROUPS
        if any(line.severity == value for line in lines)
    ]


@dataclass(frozen=True)
class Note:
    """One problem of figures typed on the web form, as the officer reads it beside its fields:
    ``codes`` the fields it concerns (none: said only in the summary at the top)."""

    severity: str
    text: str
    codes: tuple[str, ...]

    @property
    def anchor(self) -> str:
        """Where the summary's link to it leads: its first field."""
        return f"o-{self.codes[0]}" if self.codes else ""


def form_notes(findings: list[dict]) -> list[Note]:
    """The notes of a check of typed figures (``rounds.entry.TypedCheck.findings``), in the same
    words as the upload page (``plain``), errors first, one per problem (``unit_lines``' rules)."""
    notes: dict[Note, None] = {}
    for finding in sorted(findings, key=_order):
        if finding.get("rule") in FOLLOWS_ANOTHER_SLUGS:
            continue
        text = finding.get("plain") or _PLACE.sub("", finding.get("message") or "")
        notes.setdefault(Note(finding.get("severity") or "", text, tuple(finding.get("codes") or ())))
    return list(notes)


def sent_how(sub) -> str:
    """How a submission came, inside a sentence: ``đơn vị gửi qua đường dẫn``, ``văn phòng nhận``
    (a file), ``nhập trên trang web`` (figures the unit typed), ``văn phòng nhập thay (theo điện
    thoại 9/11)`` (figures the office typed for it, with its note of their source), ``chuyển từ đợt
    … của …`` (a unit's own round forwarded, ``rounds.upward``)."""
    if sub.channel == Channel.FORWARD:  # a unit's own round's consolidation: "chuyển từ đợt … của …"
        return sub.source or Channel.FORWARD.label
    if sub.channel != Channel.FORM:
        return Sender(sub.sender).sent
    if Sender(sub.sender) is Sender.UNIT:
        return Channel.FORM.label
    return f"văn phòng nhập thay ({sub.source})" if sub.source else "văn phòng nhập thay"
