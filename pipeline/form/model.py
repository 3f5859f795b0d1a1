"""The form as the pipeline knows it, once loaded and checked: levels, sections, indicators,
rules, charts, and the units that report. Plain data; ``definition.py`` builds it from CSV."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from pipeline.core import settings
from pipeline.core.constants import LEVEL_ALL, RuleScope, Severity
from pipeline.form.charts import ChartSpec
from pipeline.form.checktext import derive_check, reference_namer
from pipeline.form.expression import BlankPolicy, Expression
from pipeline.form.period import Period, Windows, unfilled

OF_WHICH = "Trong đó: "  # how a table row shows that an indicator is a part of the one above


@dataclass(frozen=True)
class Level:
    code: str
    label: str
    short: str


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    pattern: str = ""  # the title as written, with placeholders


@dataclass(frozen=True)
class Indicator:
    code: str
    section: str
    label: str
    unit: str
    type: str
    minimum: float | None
    maximum: float | None
    required: bool
    levels: tuple[str, ...]
    parent: str = ""  # the code of the indicator this one is a part of ("Trong đó"), or ""
    window: str = ""  # the reporting window its figure is counted over (``windows.csv``), or "": the period
    pattern: str = ""  # the label as the form writes it, with placeholders ({window_end}); ``label`` is it filled

    @cached_property
    def bounds(self) -> tuple[float, float | None]:
        """The lowest and highest figure a return may hold: the form's ``min`` and ``max``, else 0
        and the type's default (``settings.DEFAULT_MAXIMUM``; no highest for text)."""
        low = self.minimum if self.minimum is not None else 0
        return low, self.maximum if self.maximum is not None else settings.DEFAULT_MAXIMUM.get(self.type)

    @property
    def display_label(self) -> str:
        """The label as tables and messages show it: ``Trong đó: kế hoạch`` for a part of another indicator."""
        return OF_WHICH + self.label if self.parent else self.label


@dataclass(frozen=True)
class Rule:
    id: str
    expression: Expression
    severity: Severity
    scope: str
    blank: BlankPolicy
    message: str
    pattern: str = ""  # the message as written, with placeholders
    check: str = ""  # the rule as a check that holds ("… cộng lại bằng …"); "": derived from the expression
    check_pattern: str = ""  # the ``check`` column as written, with placeholders; "" when blank

    def __post_init__(self) -> None:
        object.__setattr__(self, "blank", BlankPolicy(self.blank))  # also when given by name

    @property
    def codes(self) -> tuple[str, ...]:
        return self.expression.codes

    @property
    def check_text(self) -> str:
        """The rule worded as a check, shown before its result ("…: Đạt"): the ``check`` column
        of ``rules.csv``, else derived from the expression with the indicators' labels (a form
        loaded by ``load_form`` fills it), else with their codes."""
        return self.check or derive_check(self.expression, reference_namer({}, {}))


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    level: str


@dataclass
class FormDefinition:
    """Everything the pipeline knows about one form, checked."""

    id: str
    version: str
    title: str
    settings: dict[str, str]
    levels: dict[str, Level]
    sections: dict[str, Section]
    indicators: dict[str, Indicator]
    rules: list[Rule]
    source: Path
    fingerprint: str = field(default="")
    charts: list[ChartSpec] = field(default_factory=list)
    windows: Windows = field(default_factory=Windows)
    period: Period | None = None  # the period the labels are filled for (``for_period``); None: not yet

    def title_for(self, period: str | int | Period | None = None) -> str:
        """The form's title for ``period`` (default: the form's own), e.g. "… năm 2024"."""
        chosen = Period.parse(period) if period is not None else self.period
        return chosen.fill(self.title) if chosen else unfilled(self.title)

    def window_of(self, code: str, period: Period | None = None):
        """The first and last day of the window indicator ``code`` is counted over in ``period``
        (default: the form's period); None without a period."""
        chosen = period or self.period
        ind = self.indicators[code]
        return self.windows.resolve(ind.window, chosen) if chosen and ind.window else (chosen.start, chosen.end) if chosen else None

    def for_period(self, period: str | int | Period) -> FormDefinition:
        """This form with every label, section title and rule message filled for ``period``
        ("Đơn thư tiếp nhận (01/12/2023–30/09/2024)"); the data it defines is unchanged."""
        chosen = Period.parse(period)
        if chosen == self.period:
            return self
        indicators = {
            code: replace(ind, label=chosen.fill(ind.pattern or ind.label, self.window_of(code, chosen)))
            for code, ind in self.indicators.items()
        }
        sections = {key: replace(sec, title=chosen.fill(sec.pattern or sec.title)) for key, sec in self.sections.items()}
        labels = {code: ind.label for code, ind in indicators.items()}
        rules = [
            replace(
                rule, message=chosen.fill(rule.pattern or rule.message), check=chosen.fill(rule.check_pattern) if rule.check_pattern else ""
            )
            for rule in self.rules
        ]
        rules = with_check_texts(rules, labels, self.levels)
        charts = [
            replace(
                c, labels=tuple(chosen.fill(text, self.window_of(code, chosen)) for code, text in zip(c.codes, c.patterns, strict=True))
            )
            if c.patterns
            else c
            for c in self.charts
        ]
        return replace(self, indicators=indicators, sections=sections, rules=rules, charts=charts, period=chosen)

    @property
    def committee(self) -> str:
        return self.settings.get("committee", "")

    def is_committee(self, unit_name: str) -> bool:
        """Whether the unit named ``unit_name`` is the form's own committee: the committee's name
        ends with it ("Ủy ban MTTQ Việt Nam thành phố Lai Châu" and "Thành phố Lai Châu")."""
        committee, name = (" ".join(text.casefold().split()) for text in (self.committee, unit_name))
        return bool(name) and (committee == name or committee.endswith(" " + name))

    def unit_committee(self, unit_name: str) -> str:
        """The committee of the unit ``unit_name``, the body that signs its return: the form's
        committee for the unit it names, else ``form.csv``'s ``unit_committee`` with ``{unit}``
        filled ("Ủy ban MTTQ Việt Nam Phường Tân Phong"), else the unit's name."""
        if self.is_committee(unit_name):
            return self.committee
        return self.settings.get("unit_committee", "{unit}").replace("{unit}", unit_name)

    def level_label(self, level: str) -> str:
        if level == LEVEL_ALL:
            return "Tổng cộng"
        return self.levels[level].label if level in self.levels else level

    def ref_text(self, code: str, level: str = "") -> str:
        """An indicator a rule names, as an officer reads it: its label (without "Trong đó: "),
        and the level when the rule names one: ``Số lượt tiếp công dân (cấp thành phố)``."""
        text = self.indicators[code].label if code in self.indicators else code
        return f"{text} ({self.level_label(level).lower()})" if level else text

    def indicators_for(self, level: str) -> list[Indicator]:
        """The indicators a unit of ``level`` reports, in form order."""
        return [ind for ind in self.indicators.values() if level in ind.levels]

    def _applies(self, rule: Rule, level: str) -> bool:
        reported = {ind.code for ind in self.indicators_for(level)}
        return all(code in reported for code in rule.codes)

    def return_rules(self, level: str) -> list[Rule]:
        """Rules checked on each return of a unit of ``level``."""
        return [r for r in self.rules if r.scope in (LEVEL_ALL, level) and self._applies(r, level)]

    def total_rules(self, level: str) -> list[Rule]:
        """Rules checked on the total of ``level`` (a level code or ``all``)."""
        if level == LEVEL_ALL:
            return [r for r in self.rules if r.scope == LEVEL_ALL]
        return self.return_rules(level)

    def level_rules(self) -> list[Rule]:
        """Rules comparing levels, checked once at consolidation."""
        return [r for r in self.rules if r.scope == RuleScope.LEVELS]


def with_check_texts(rules: list[Rule], labels: dict[str, str], levels: dict[str, Level]) -> list[Rule]:
    """``rules`` with each blank ``check`` derived from its expression and the indicators' ``labels``."""
    name = reference_namer(labels, {code: level.short for code, level in levels.items()} | {LEVEL_ALL: "tổng"})
    return [rule if rule.check else replace(rule, check=derive_check(rule.expression, name)) for rule in rules]
