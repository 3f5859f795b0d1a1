"""Load and check the form definition and the unit list (declaring, not executing).

A form is a folder of CSV files that open in Excel: ``form.csv`` (key, value),
``levels.csv``, ``sections.csv``, ``indicators.csv``, ``rules.csv`` and, optionally,
``charts.csv`` (see ``charts``). The unit list is one CSV with the header ``code,name,level``.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from pipeline.core import settings
from pipeline.core.constants import LEVEL_ALL, NUMERIC_TYPES, TYPES, RuleScope, Severity
from pipeline.core.errors import FormDefinitionError, Msg
from pipeline.core.vnformat import format_number
from pipeline.form.charts import CHART_COLUMNS, CHARTS_CSV, ChartSpec, parse_charts
from pipeline.form.csvrows import CSV_ERRORS, Row, read_csv_rows
from pipeline.form.expression import BlankPolicy, Expression, ExpressionError, parse_expression

FORM_FILES = {
    "form": ("form.csv", ("key", "value")),
    "levels": ("levels.csv", ("level", "label", "short")),
    "sections": ("sections.csv", ("section", "title")),
    "indicators": ("indicators.csv", ("code", "section", "label", "unit", "type", "min", "max", "required", "levels")),  # and parent
    "rules": ("rules.csv", ("rule", "expression", "severity", "scope", "blank", "message")),
}
UNITS_COLUMNS = ("code", "name", "level")
OF_WHICH = "Trong đó: "  # how a table row shows that an indicator is a part of the one above
_YES = {"yes": True, "có": True, "x": True, "1": True, "true": True, "no": False, "không": False, "": False, "0": False, "false": False}


@dataclass(frozen=True)
class Level:
    code: str
    label: str
    short: str


@dataclass(frozen=True)
class Section:
    id: str
    title: str


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

    def __post_init__(self) -> None:
        object.__setattr__(self, "blank", BlankPolicy(self.blank))  # also when given by name

    @property
    def codes(self) -> tuple[str, ...]:
        return self.expression.codes


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

    def title_for(self, period: str | int) -> str:
        return self.title.replace("{period}", str(period))

    @property
    def committee(self) -> str:
        return self.settings.get("committee", "")

    def level_label(self, level: str) -> str:
        if level == LEVEL_ALL:
            return "Tổng cộng"
        return self.levels[level].label if level in self.levels else level

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


def read_definition_csv(path: Path, columns: tuple[str, ...]) -> list[Row]:
    """Rows of a definition CSV as (line number, row), after checking the header."""
    if not path.is_file():
        raise FormDefinitionError(Msg.FORM_001.render(where=str(path)))
    try:
        header, rows = read_csv_rows(path)
    except CSV_ERRORS as err:
        raise FormDefinitionError(Msg.FORM_012.render(where=str(path), reason=str(err))) from err
    missing = [c for c in columns if c not in header]
    if missing:
        raise FormDefinitionError(
            Msg.FORM_002.render(where=f"{path.name} › dòng 1", columns=", ".join(missing), expected=",".join(columns))
        )
    if not rows:
        raise FormDefinitionError(Msg.FORM_011.render(where=path.name))
    return rows


def _unique(rows, key: str, fname: str) -> None:
    seen: dict[str, int] = {}
    for line, row in rows:
        value = row[key]
        if value in seen:
            raise FormDefinitionError(Msg.FORM_003.render(where=f"{fname} › dòng {line}", code=value, first_row=seen[value]))
        seen[value] = line


def _choice(value: str, allowed, column: str, where: str) -> str:
    if value not in allowed:
        raise FormDefinitionError(Msg.FORM_007.render(where=where, column=column, value=value, allowed=", ".join(allowed)))
    return value


def _number(value: str, column: str, where: str) -> float | None:
    """A bound of the ``min`` or ``max`` column: blank, or a number no larger than ``settings.LIMIT_FIGURE``."""
    if value == "":
        return None
    try:
        number = float(value.replace(",", "."))
    except ValueError:
        number = math.nan
    if not abs(number) <= settings.LIMIT_FIGURE:  # also NaN and infinity
        allowed = f"một số từ {format_number(-settings.LIMIT_FIGURE)} đến {format_number(settings.LIMIT_FIGURE)}"
        raise FormDefinitionError(Msg.FORM_007.render(where=where, column=column, value=value, allowed=allowed))
    return number


def _bounds(row: Row, where: str) -> tuple[float | None, float | None]:
    """The ``min`` and ``max`` of an indicator's row, the first not above the second."""
    low, high = _number(row["min"], "min", where), _number(row["max"], "max", where)
    if low is not None and high is not None and low > high:
        allowed = f"một số không lớn hơn cột max ({row['max']})"
        raise FormDefinitionError(Msg.FORM_007.render(where=where, column="min", value=row["min"], allowed=allowed))
    return low, high


def _load_levels(folder: Path) -> dict[str, Level]:
    fname, cols = FORM_FILES["levels"]
    rows = read_definition_csv(folder / fname, cols)
    _unique(rows, "level", fname)
    return {row["level"]: Level(row["level"], row["label"], row["short"]) for _, row in rows}


def _load_sections(folder: Path) -> dict[str, Section]:
    fname, cols = FORM_FILES["sections"]
    rows = read_definition_csv(folder / fname, cols)
    _unique(rows, "section", fname)
    return {row["section"]: Section(row["section"], row["title"]) for _, row in rows}


def _load_indicators(rows, levels: dict[str, Level], sections: dict[str, Section]) -> dict[str, Indicator]:
    fname = FORM_FILES["indicators"][0]
    _unique(rows, "code", fname)
    out: dict[str, Indicator] = {}
    for line, row in rows:
        where = f"{fname} › dòng {line}"
        if not row["code"].isidentifier():
            raise FormDefinitionError(
                Msg.FORM_007.render(
                    where=where, column="code", value=row["code"], allowed="chữ in hoa, số và dấu gạch dưới, ví dụ QUY_NGUOI_NGHEO"
                )
            )
        if row["section"] not in sections:
            raise FormDefinitionError(Msg.FORM_008.render(where=where, section=row["section"]))
        ind_levels = tuple(part.strip() for part in row["levels"].replace(",", ";").split(";") if part.strip())
        for level in ind_levels or ("",):
            if level not in levels:
                raise FormDefinitionError(Msg.FORM_006.render(where=where, level=level, allowed=", ".join(levels)))
        minimum, maximum = _bounds(row, where)
        out[row["code"]] = Indicator(
            code=row["code"],
            section=row["section"],
            label=row["label"],
            unit=row["unit"],
            type=_choice(row["type"], TYPES, "type", where),
            minimum=minimum,
            maximum=maximum,
            required=_YES[_choice(row["required"].lower(), tuple(_YES), "required", where)],
            levels=ind_levels,
            parent=row.get("parent", ""),
        )
    _check_parents(rows, out, fname)
    return out


def _check_parents(rows, indicators: dict[str, Indicator], fname: str) -> None:
    """A part names another indicator of its section as its parent."""
    for line, row in rows:
        ind = indicators[row["code"]]
        parent = indicators.get(ind.parent)
        if ind.parent and (parent is None or parent.code == ind.code or parent.section != ind.section):
            raise FormDefinitionError(
                Msg.FORM_013.render(where=f"{fname} › dòng {line}", code=ind.code, parent=ind.parent, section=ind.section)
            )


def _shorten(text: str, width: int = 80) -> str:
    """Text quoted in a message, cut to ``width`` characters."""
    return text if len(text) <= width else text[:width] + "…"


def _load_rules(rows, levels: dict[str, Level], indicators: dict[str, Indicator]) -> list[Rule]:
    fname = FORM_FILES["rules"][0]
    _unique(rows, "rule", fname)
    scopes = (LEVEL_ALL, RuleScope.LEVELS, *levels)
    rules = []
    for line, row in rows:
        where = f"{fname} › dòng {line}"
        try:
            expr = parse_expression(row["expression"])
        except ExpressionError as err:
            raise FormDefinitionError(
                Msg.FORM_005.render(where=where, expression=_shorten(row["expression"]), rule=row["rule"], reason=str(err))
            ) from None
        scope = row["scope"]
        if scope not in scopes:
            raise FormDefinitionError(Msg.FORM_006.render(where=where, level=scope, allowed=", ".join(scopes)))
        for code, level in expr.refs:
            if code not in indicators:
                raise FormDefinitionError(Msg.FORM_004.render(where=where, rule=row["rule"], code=code))
            if level is not None and level not in (LEVEL_ALL, *levels):
                raise FormDefinitionError(Msg.FORM_006.render(where=where, level=level, allowed=", ".join((*levels, LEVEL_ALL))))
            if (level is None) == (scope == RuleScope.LEVELS):
                reason = (
                    "phạm vi 'levels' cần mã kèm cấp, ví dụ MA[city]"
                    if scope == RuleScope.LEVELS
                    else f"mã kèm cấp ({code}[{level}]) chỉ dùng với phạm vi 'levels'"
                )
                raise FormDefinitionError(
                    Msg.FORM_005.render(where=where, expression=_shorten(row["expression"]), rule=row["rule"], reason=reason)
                )
        rules.append(
            Rule(
                id=row["rule"],
                expression=expr,
                severity=Severity(_choice(row["severity"], tuple(Severity), "severity", where)),
                scope=scope,
                blank=_choice(row["blank"] or BlankPolicy.SKIP_ALL.value, [p.value for p in BlankPolicy], "blank", where),
                message=row["message"],
            )
        )
    return rules


def _check_rule_scopes(form: FormDefinition, fname: str) -> None:
    for rule in form.rules:
        if rule.scope == RuleScope.LEVELS:
            continue
        candidates = list(form.levels) if rule.scope == LEVEL_ALL else [rule.scope]
        if not any(form._applies(rule, level) for level in candidates):
            raise FormDefinitionError(
                Msg.FORM_009.render(where=f"{fname} › {rule.id}", rule=rule.id, scope=rule.scope, codes=", ".join(rule.codes))
            )


def _load_charts(folder: Path, levels: dict[str, Level], indicators: dict[str, Indicator]) -> list[ChartSpec]:
    """The charts of ``charts.csv``; none when the folder has no such file."""
    path = folder / CHARTS_CSV
    if not path.is_file():
        return []
    numeric = {code: ind.label for code, ind in indicators.items() if ind.type in NUMERIC_TYPES}
    return parse_charts(read_definition_csv(path, CHART_COLUMNS), list(levels), numeric, path.name)


def _fingerprint(*tables) -> str:
    """A short hash of what defines the data: indicators and rules (not wording of titles, nor
    which indicator is shown as a part of which: templates sent out stay valid)."""
    digest = hashlib.sha256()
    for rows in tables:
        for _, row in rows:
            keep = {k: v for k, v in row.items() if k not in ("label", "message", "parent")}
            digest.update(repr(sorted(keep.items())).encode("utf-8"))
    return digest.hexdigest()[:12]


def load_form(path: str | Path | None = None) -> FormDefinition:
    """Load and check a form definition folder (default: the bundled form).

    :param path: a folder holding the definition CSVs.
    :raises FormDefinitionError: naming the file and line of the first fault found.
    """
    folder = Path(path) if path else settings.DEFINITIONS_DIR
    if not folder.is_dir():
        raise FormDefinitionError(Msg.FORM_001.render(where=str(folder)))
    fname, cols = FORM_FILES["form"]
    meta = {row["key"]: row["value"] for _, row in read_definition_csv(folder / fname, cols)}
    for key in ("id", "version", "title"):
        if not meta.get(key):
            raise FormDefinitionError(Msg.FORM_010.render(where=fname, key=key))
    levels = _load_levels(folder)
    sections = _load_sections(folder)
    indicator_rows = read_definition_csv(folder / FORM_FILES["indicators"][0], FORM_FILES["indicators"][1])
    rule_rows = read_definition_csv(folder / FORM_FILES["rules"][0], FORM_FILES["rules"][1])
    indicators = _load_indicators(indicator_rows, levels, sections)
    rules = _load_rules(rule_rows, levels, indicators)
    form = FormDefinition(meta["id"], meta["version"], meta["title"], meta, levels, sections, indicators, rules, folder)
    _check_rule_scopes(form, FORM_FILES["rules"][0])
    form.fingerprint = _fingerprint(indicator_rows, rule_rows)
    form.charts = _load_charts(folder, levels, indicators)
    return form


def code_key(code: str) -> str:
    """A unit code as compared with others: a number without its leading zeros (``03386`` and
    ``3386`` are one code, since Excel drops the zeros when it re-saves units.csv), any other
    code as it is."""
    return (code.lstrip("0") or "0") if code.isascii() and code.isdigit() else code


def load_units(path: str | Path | None, form: FormDefinition) -> list[Unit]:
    """Load the unit list (``code,name,level``), checking codes are unique and levels known.

    Two codes of one level that are equal once their leading zeros are dropped are refused:
    a return's code could not tell them apart.

    :param path: a CSV file; default: the bundled Lai Châu 2023 list.
    """
    file = Path(path) if path else settings.DEFAULT_UNITS
    rows = read_definition_csv(file, UNITS_COLUMNS)
    _unique(rows, "code", file.name)
    units, seen = [], {}
    for line, row in rows:
        if row["level"] not in form.levels:
            raise FormDefinitionError(
                Msg.FORM_006.render(where=f"{file.name} › dòng {line}", level=row["level"], allowed=", ".join(form.levels))
            )
        first = seen.setdefault((row["level"], code_key(row["code"])), (line, row["code"]))
        if first[0] != line:
            where = f"{file.name} › dòng {line}"
            raise FormDefinitionError(Msg.FORM_014.render(where=where, code=row["code"], other=first[1], first_row=first[0]))
        if len(row["name"]) > settings.LIMIT_NAME_CHARS:
            raise FormDefinitionError(
                Msg.FORM_015.render(
                    where=f"{file.name} › dòng {line}", column="name", length=len(row["name"]),
                    limit=settings.LIMIT_NAME_CHARS, start=row["name"][:40],
                )
            )  # fmt: skip
        units.append(Unit(row["code"], row["name"], row["level"]))
    return units
