"""The reporting period: a year (``2024``), a half-year (``2024-H1``), a quarter (``2024-Q3``) or
the first nine months (``2024-M9``, 01/01–30/09, a common reporting period), with its dates, its Vietnamese name and the same period one year earlier ("cùng kỳ").

Labels and titles of the form name the period with placeholders, filled by ``fill``:

    {period}        năm 2024 · 6 tháng đầu năm 2024 · quý III năm 2024 · 9 tháng đầu năm 2024
    {year}          2024            {prior_year}    2023
    {period_start}  01/01/2024      {period_end}    31/12/2024
    {window_start}, {window_end}    the indicator's reporting window (``windows.csv``)
    {window}        01/12/2023–30/09/2024

Reporting windows are defined in the form's ``windows.csv`` (``window,period,start,end``): for
each window and each kind of period (``year``, ``H1``, ``H2``, ``Q1``–``Q4``, ``M9``, or ``*`` for any),
the first and last day, written as ``DD/MM/Y`` (``Y`` is the period's year, ``Y-1`` the year
before) or ``start`` / ``end`` (the period's own first or last day). A window without a row
for a kind of period is the period itself.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from pipeline.core.errors import FormDefinitionError, Msg, PipelineError
from pipeline.core.vnformat import vietnam_today
from pipeline.form.csvrows import Row

YEAR_MIN, YEAR_MAX = 1990, 2100
KINDS = ("year", "H1", "H2", "Q1", "Q2", "Q3", "Q4", "M9")
ANY_KIND = "*"
WINDOWS_CSV = "windows.csv"
WINDOW_COLUMNS = ("window", "period", "start", "end")
PLACEHOLDERS = ("period", "year", "prior_year", "period_start", "period_end", "window", "window_start", "window_end")
_ROMAN = {"Q1": "I", "Q2": "II", "Q3": "III", "Q4": "IV"}
_FIRST_MONTH = {"year": 1, "H1": 1, "H2": 7, "Q1": 1, "Q2": 4, "Q3": 7, "Q4": 10, "M9": 1}
_MONTHS = {"year": 12, "H1": 6, "H2": 6, "Q1": 3, "Q2": 3, "Q3": 3, "Q4": 3, "M9": 9}
_CODE = re.compile(r"^\s*(\d{4})\s*(?:[-/ ]\s*([HhQqMm])\s*([1-9]))?\s*$")
_CODE_REVERSED = re.compile(r"^\s*([HhQqMm])\s*([1-9])\s*[-/ ]\s*(\d{4})\s*$")
# How a heading names the period: "6 tháng đầu năm 2024", "quý III năm 2024", "9 tháng (đầu) năm
# 2024", "năm 2024".
_HEADING = re.compile(
    r"(?:(?P<half>6\s*tháng\s*(?P<which>đầu|cuối)\s*)|(?P<nine>9\s*tháng\s*(?:đầu\s*)?)|(?:quý\s*(?P<quarter>IV|I{1,3}|[1-4])\s*))?"
    r"năm\s*(?P<year>(?:19|20)\d{2})(?!\d)",
    re.IGNORECASE,
)
_DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d")


def format_date(day: date) -> str:
    """A date as Vietnamese documents write it: ``30/09/2024``."""
    return day.strftime("%d/%m/%Y")


@dataclass(frozen=True, order=True)
class Period:
    """One reporting period. ``kind`` is ``year``, ``H1``, ``H2``, ``Q1``–``Q4`` or ``M9`` (the first nine months)."""

    year: int
    kind: str = "year"

    @classmethod
    def parse(cls, text: str | int | Period) -> Period:
        """A period from ``2024``, ``2024-H1``, ``2024-Q3``, ``2024-M9`` (also ``H1/2024``, lower
        case, or a heading such as "6 tháng đầu năm 2024", "9 tháng năm 2024").

        :raises PipelineError: ``PERIOD_001`` with the forms accepted.
        """
        if isinstance(text, Period):
            return text
        raw = str(text)
        match = _CODE.match(raw)
        if match:
            year, letter, number = match.groups()
        elif match := _CODE_REVERSED.match(raw):
            letter, number, year = match.groups()
        else:
            found = cls.from_heading(raw) if raw.strip().lower().startswith(("năm", "6", "9", "quý")) else None
            if found is None:
                raise PipelineError(Msg.PERIOD_001.render(value=raw.strip()))
            return found
        kind = f"{letter.upper()}{number}" if letter else "year"
        if kind not in KINDS or not YEAR_MIN <= int(year) <= YEAR_MAX:
            raise PipelineError(Msg.PERIOD_001.render(value=raw.strip()))
        return cls(int(year), kind)

    @classmethod
    def from_heading(cls, text: str) -> Period | None:
        """The period a heading names ("… 6 tháng đầu năm 2024"), or None."""
        match = _HEADING.search(text or "")
        if not match:
            return None
        year = int(match["year"])
        if match["half"]:
            return cls(year, "H1" if match["which"].lower() == "đầu" else "H2")
        if match["nine"]:
            return cls(year, "M9")
        if match["quarter"]:
            quarter = match["quarter"].upper()
            number = quarter if quarter.isdigit() else str({"I": 1, "II": 2, "III": 3, "IV": 4}[quarter])
            return cls(year, f"Q{number}")
        return cls(year)

    @classmethod
    def current(cls, today: date | None = None) -> Period:
        """This calendar year."""
        return cls((today or vietnam_today()).year)

    @property
    def code(self) -> str:
        """How files and metadata write the period: ``2024``, ``2024-H1``."""
        return str(self.year) if self.kind == "year" else f"{self.year}-{self.kind}"

    def __str__(self) -> str:
        return self.code

    @property
    def label(self) -> str:
        """The period in Vietnamese: "năm 2024", "6 tháng đầu năm 2024", "quý III năm 2024",
        "9 tháng đầu năm 2024"."""
        if self.kind == "year":
            return f"năm {self.year}"
        if self.kind == "M9":
            return f"9 tháng đầu năm {self.year}"
        if self.kind in ("H1", "H2"):
            return f"6 tháng {'đầu' if self.kind == 'H1' else 'cuối'} năm {self.year}"
        return f"quý {_ROMAN[self.kind]} năm {self.year}"

    @property
    def start(self) -> date:
        return date(self.year, _FIRST_MONTH[self.kind], 1)

    @property
    def end(self) -> date:
        month = _FIRST_MONTH[self.kind] + _MONTHS[self.kind]
        first_after = date(self.year + 1, 1, 1) if month > 12 else date(self.year, month, 1)
        return first_after - timedelta(days=1)

    @property
    def prior(self) -> Period:
        """The same period one year earlier ("cùng kỳ")."""
        return Period(self.year - 1, self.kind)

    def fill(self, text: str, window: tuple[date, date] | None = None) -> str:
        """``text`` with the period's placeholders filled (see the module's docstring); the
        window placeholders name ``window``, else the period itself."""
        first, last = window or (self.start, self.end)
        values = {
            "period": self.label, "year": str(self.year), "prior_year": str(self.year - 1),
            "period_start": format_date(self.start), "period_end": format_date(self.end),
            "window": f"{format_date(first)}–{format_date(last)}",
            "window_start": format_date(first), "window_end": format_date(last),
        }  # fmt: skip
        return _fill(text, values)


def period_label(code: str | None) -> str:
    """The Vietnamese name of the period ``code`` ("năm 2024"); a code that is not a period
    (a damaged file's metadata) is shown as it is, and none as "không rõ kỳ"."""
    if not code:
        return "không rõ kỳ"
    try:
        return Period.parse(code).label
    except PipelineError:
        return f"kỳ '{code}'"


def period_code(text: str | None) -> str:
    """The code of the period ``text`` names ("2024-H1" for "2024-h1"); "" when it names none
    (a damaged file's metadata)."""
    try:
        return Period.parse(text).code if text else ""
    except PipelineError:
        return ""


def unfilled(text: str) -> str:
    """``text`` with the placeholders written as a reader of a form without a period sees them
    ("kỳ báo cáo", "…")."""
    return _fill(text, {name: "kỳ báo cáo" if name == "period" else "…" for name in PLACEHOLDERS})


def _fill(text: str, values: dict[str, str]) -> str:
    if "{" not in text:
        return text
    return "".join(
        literal + (values.get(name, "{" + name + "}") if name is not None else "")
        for literal, name, _spec, _conv in string.Formatter().parse(text)
    )


def placeholders_of(text: str) -> list[str]:
    """The placeholder names ``text`` uses; raises ``ValueError`` on unbalanced braces."""
    return [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]


def parse_deadline(text: str | date | None) -> date | None:
    """A deadline from ``DD/MM/YYYY`` (also ``D/M/YYYY``, ``DD-MM-YYYY``, ``YYYY-MM-DD``).

    :raises PipelineError: ``PERIOD_002`` for a date that does not exist or is not a date.
    """
    if text is None or isinstance(text, date):
        return text
    cleaned = str(text).strip()
    if not cleaned:
        return None
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
    raise PipelineError(Msg.PERIOD_002.render(value=cleaned))


def deadline_notes(deadline: date | None, period: Period, today: date, windows: Windows | None = None) -> list[str]:
    """What is odd about a deadline given for ``period``: before the last day its figures are
    counted to (``PERIOD_010``: the last end of the form's ``windows`` in the period, such as the
    fund's cut-off 15/11, or the period's end when it has none), already past (``PERIOD_011``);
    nothing for none. A warning: an old period's templates may be made again on purpose."""
    if deadline is None:
        return []
    shown, end = format_date(deadline), (windows or Windows()).last_end(period)
    notes = [Msg.PERIOD_010.render(deadline=shown, period=period.label, end=format_date(end))] if deadline < end else []
    return notes + ([Msg.PERIOD_011.render(deadline=shown, today=format_date(today))] if deadline < today else [])


@dataclass(frozen=True)
class WindowRule:
    """One row of ``windows.csv``: the first and last day of a window for one kind of period."""

    window: str
    kind: str
    start: str
    end: str

    def resolve(self, period: Period) -> tuple[date, date]:
        return _anchor(self.start, period, first=True), _anchor(self.end, period, first=False)


_ANCHOR = re.compile(r"^(\d{1,2})/(\d{1,2})/Y(?:([+-])(\d))?$")


def _anchor(spec: str, period: Period, *, first: bool) -> date:
    if spec == "start":
        return period.start
    if spec == "end":
        return period.end
    match = _ANCHOR.match(spec)
    if not match:
        raise ValueError(spec)
    day, month, sign, shift = match.groups()
    year = period.year + (int(shift) * (-1 if sign == "-" else 1) if sign else 0)
    return date(year, int(month), int(day))


@dataclass(frozen=True)
class Windows:
    """The reporting windows of a form, by window id."""

    rules: tuple[WindowRule, ...] = ()

    @property
    def ids(self) -> set[str]:
        return {r.window for r in self.rules}

    def resolve(self, window: str, period: Period) -> tuple[date, date]:
        """The first and last day of ``window`` in ``period`` (the period itself when the form
        defines the window for other kinds of period only)."""
        for kind in (period.kind, ANY_KIND):
            for rule in self.rules:
                if rule.window == window and rule.kind == kind:
                    return rule.resolve(period)
        return period.start, period.end

    def last_end(self, period: Period) -> date:
        """The last day any of the windows ends in ``period``; the period's end without windows."""
        return max((self.resolve(window, period)[1] for window in self.ids), default=period.end)


def parse_windows(rows: list[Row], fname: str = WINDOWS_CSV) -> Windows:
    """The windows of ``windows.csv``, each spec checked on a sample period of its kind.

    :raises FormDefinitionError: naming the line of a bad kind of period or date.
    """
    rules = []
    seen: dict[tuple[str, str], int] = {}
    for line, row in rows:
        where = f"{fname} › dòng {line}"
        rule = WindowRule(row["window"].strip(), row["period"].strip() or ANY_KIND, row["start"].strip(), row["end"].strip())
        if not rule.window.isidentifier():
            raise FormDefinitionError(
                Msg.FORM_007.render(where=where, column="window", value=rule.window, allowed="chữ, số và dấu gạch dưới")
            )
        if rule.kind not in (*KINDS, ANY_KIND):
            raise FormDefinitionError(
                Msg.FORM_007.render(where=where, column="period", value=rule.kind, allowed=", ".join((*KINDS, ANY_KIND)))
            )
        if (rule.window, rule.kind) in seen:
            raise FormDefinitionError(
                Msg.FORM_003.render(where=where, code=f"{rule.window} ({rule.kind})", first_row=seen[rule.window, rule.kind])
            )
        seen[rule.window, rule.kind] = line
        sample = Period(2024, "year" if rule.kind == ANY_KIND else rule.kind)
        for column in ("start", "end"):
            try:
                _anchor(getattr(rule, column), sample, first=column == "start")
            except ValueError:
                allowed = "DD/MM/Y, DD/MM/Y-1 (năm trước), start hoặc end (ngày đầu, ngày cuối của kỳ)"
                raise FormDefinitionError(
                    Msg.FORM_007.render(where=where, column=column, value=getattr(rule, column), allowed=allowed)
                ) from None
        first, last = rule.resolve(sample)
        if first > last:
            raise FormDefinitionError(Msg.FORM_016.render(where=where, start=rule.start, end=rule.end))
        rules.append(rule)
    return Windows(tuple(rules))


def load_windows(folder: Path, read) -> Windows:
    """The form's windows; none when the folder has no ``windows.csv``. ``read`` reads a
    definition CSV (``definition.read_definition_csv``)."""
    path = folder / WINDOWS_CSV
    return parse_windows(read(path, WINDOW_COLUMNS), path.name) if path.is_file() else Windows()
