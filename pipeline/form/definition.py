"""Load and check the form definition (declaring, not executing): CSV files in, a
``FormDefinition`` (``model.py``) out.

A form is a folder of CSV files that open in Excel: ``form.csv`` (key, value),
``levels.csv``, ``sections.csv``, ``indicators.csv``, ``rules.csv`` and, optionally,
``charts.csv`` (see ``charts``) and ``windows.csv`` (the reporting windows, see ``period``).
Labels, section titles and rule messages may name the period with placeholders
(``{period_end}``, ``{window}``: see ``period``); they are filled by ``FormDefinition.for_period``.
The unit list is read by ``units.py``.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import replace
from pathlib import Path

from pipeline.core import settings
from pipeline.core.constants import LEVEL_ALL, NUMERIC_TYPES, TYPES, RuleScope, Severity
from pipeline.core.errors import FormDefinitionError, Msg
from pipeline.core.vnformat import format_number
from pipeline.form.charts import CHART_COLUMNS, CHARTS_CSV, ChartSpec, parse_charts
from pipeline.form.csvread import Given, source_name
from pipeline.form.csvrows import CSV_ERRORS, Row, read_csv_rows
from pipeline.form.expression import BlankPolicy, ExpressionError, parse_expression
from pipeline.form.model import FormDefinition, Indicator, Level, Rule, Section, with_check_texts
from pipeline.form.period import PLACEHOLDERS, Windows, load_windows, placeholders_of, unfilled

FORM_FILES = {
    "form": ("form.csv", ("key", "value")),
    "levels": ("levels.csv", ("level", "label", "short")),
    "sections": ("sections.csv", ("section", "title")),
    # and, optionally, parent and window
    "indicators": ("indicators.csv", ("code", "section", "label", "unit", "type", "min", "max", "required", "levels")),
    # and, optionally, check (the rule worded as a check that holds; derived when blank)
    "rules": ("rules.csv", ("rule", "expression", "severity", "scope", "blank", "message")),
}
_YES = {"yes": True, "có": True, "x": True, "1": True, "true": True, "no": False, "không": False, "": False, "0": False, "false": False}


def read_definition_csv(path: Path | Given, columns: tuple[str, ...]) -> list[Row]:
    """Rows of a definition CSV (or a workbook: a unit list) as (line number, row), after
    checking the header."""
    name = source_name(path)
    if not isinstance(path, Given) and not path.is_file():
        raise FormDefinitionError(Msg.FORM_001, where=str(path))
    try:
        header, rows, table = read_csv_rows(path, columns=columns)
    except CSV_ERRORS as err:
        raise FormDefinitionError(Msg.FORM_012, where=str(path), reason=str(err)) from err
    missing = [c for c in columns if c not in header]
    if missing:
        raise FormDefinitionError(
            Msg.FORM_002,
            where=f"{name} › dòng 1", columns=", ".join(missing), expected=",".join(columns),
            header=(table.separator or ", ").join(table.header), found=table.found(),
        )  # fmt: skip
    if not rows:
        raise FormDefinitionError(Msg.FORM_011, where=name)
    return rows


def unique(rows, key: str, fname: str) -> None:
    """Raise ``FORM_003`` (naming the file and line) when two rows share ``key``."""
    seen: dict[str, int] = {}
    for line, row in rows:
        value = row[key]
        if value in seen:
            raise FormDefinitionError(Msg.FORM_003, where=f"{fname} › dòng {line}", code=value, first_row=seen[value])
        seen[value] = line


def _choice(value: str, allowed, column: str, where: str) -> str:
    if value not in allowed:
        raise FormDefinitionError(Msg.FORM_007, where=where, column=column, value=value, allowed=", ".join(allowed))
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
        raise FormDefinitionError(Msg.FORM_007, where=where, column=column, value=value, allowed=allowed)
    return number


def _bounds(row: Row, where: str) -> tuple[float | None, float | None]:
    """The ``min`` and ``max`` of an indicator's row, the first not above the second."""
    low, high = _number(row["min"], "min", where), _number(row["max"], "max", where)
    if low is not None and high is not None and low > high:
        allowed = f"một số không lớn hơn cột max ({row['max']})"
        raise FormDefinitionError(Msg.FORM_007, where=where, column="min", value=row["min"], allowed=allowed)
    return low, high


def _load_levels(folder: Path) -> dict[str, Level]:
    fname, cols = FORM_FILES["levels"]
    rows = read_definition_csv(folder / fname, cols)
    unique(rows, "level", fname)
    return {row["level"]: Level(row["level"], row["label"], row["short"]) for _, row in rows}


def load_levels(folder: str | Path | None = None) -> dict[str, Level]:
    """Only the levels of the form in ``folder`` (default: the bundled form), read from its
    ``levels.csv`` alone: what a page naming other rounds' levels needs, without the whole form."""
    return _load_levels(Path(folder) if folder else settings.DEFINITIONS_DIR)


def _pattern(text: str, where: str, *, window: bool = False) -> str:
    """``text`` checked as a text with placeholders: only the period's (and, for an indicator's
    label, its window's) may appear."""
    allowed = PLACEHOLDERS if window else tuple(p for p in PLACEHOLDERS if not p.startswith("window"))
    try:
        names = placeholders_of(text)
    except ValueError:
        names = ["{"]
    for name in names:
        if name not in allowed:
            raise FormDefinitionError(
                Msg.FORM_018, where=where, text=_shorten(text), name=name, allowed=", ".join("{" + p + "}" for p in allowed)
            )
    return text


def _load_sections(folder: Path) -> dict[str, Section]:
    fname, cols = FORM_FILES["sections"]
    rows = read_definition_csv(folder / fname, cols)
    unique(rows, "section", fname)
    out = {}
    for line, row in rows:
        pattern = _pattern(row["title"], f"{fname} › dòng {line}")
        out[row["section"]] = Section(row["section"], unfilled(pattern), pattern)
    return out


def _load_indicators(rows, levels: dict[str, Level], sections: dict[str, Section], windows: Windows) -> dict[str, Indicator]:
    fname = FORM_FILES["indicators"][0]
    unique(rows, "code", fname)
    out: dict[str, Indicator] = {}
    for line, row in rows:
        where = f"{fname} › dòng {line}"
        if not row["code"].isidentifier():
            raise FormDefinitionError(
                Msg.FORM_007,
                where=where,
                column="code",
                value=row["code"],
                allowed="chữ in hoa, số và dấu gạch dưới, ví dụ QUY_NGUOI_NGHEO",
            )
        if row["section"] not in sections:
            raise FormDefinitionError(Msg.FORM_008, where=where, section=row["section"])
        ind_levels = tuple(part.strip() for part in row["levels"].replace(",", ";").split(";") if part.strip())
        for level in ind_levels or ("",):
            if level not in levels:
                raise FormDefinitionError(Msg.FORM_006, where=where, level=level, allowed=", ".join(levels))
        minimum, maximum = _bounds(row, where)
        window = row.get("window", "").strip()
        if window and window not in windows.ids:
            raise FormDefinitionError(Msg.FORM_017, where=where, code=row["code"], window=window)
        pattern = _pattern(row["label"], where, window=True)
        out[row["code"]] = Indicator(
            code=row["code"],
            section=row["section"],
            label=unfilled(pattern),
            unit=row["unit"],
            type=_choice(row["type"], TYPES, "type", where),
            minimum=minimum,
            maximum=maximum,
            required=_YES[_choice(row["required"].lower(), tuple(_YES), "required", where)],
            levels=ind_levels,
            parent=row.get("parent", ""),
            window=window,
            pattern=pattern,
        )
    _check_parents(rows, out, fname)
    return out


def _check_parents(rows, indicators: dict[str, Indicator], fname: str) -> None:
    """A part names another indicator of its section as its parent."""
    for line, row in rows:
        ind = indicators[row["code"]]
        parent = indicators.get(ind.parent)
        if ind.parent and (parent is None or parent.code == ind.code or parent.section != ind.section):
            raise FormDefinitionError(Msg.FORM_013, where=f"{fname} › dòng {line}", code=ind.code, parent=ind.parent, section=ind.section)


def _shorten(text: str, width: int = 80) -> str:
    """Text quoted in a message, cut to ``width`` characters."""
    return text if len(text) <= width else text[:width] + "…"


def _load_rules(rows, levels: dict[str, Level], indicators: dict[str, Indicator]) -> list[Rule]:
    fname = FORM_FILES["rules"][0]
    unique(rows, "rule", fname)
    scopes = (LEVEL_ALL, RuleScope.LEVELS, *levels)
    rules = []
    for line, row in rows:
        where = f"{fname} › dòng {line}"
        try:
            expr = parse_expression(row["expression"])
        except ExpressionError as err:
            raise FormDefinitionError(
                Msg.FORM_005, where=where, expression=_shorten(row["expression"]), rule=row["rule"], reason=str(err)
            ) from None
        scope = row["scope"]
        if scope not in scopes:
            raise FormDefinitionError(Msg.FORM_006, where=where, level=scope, allowed=", ".join(scopes))
        for code, level in expr.refs:
            if code not in indicators:
                raise FormDefinitionError(Msg.FORM_004, where=where, rule=row["rule"], code=code)
            if level is not None and level not in (LEVEL_ALL, *levels):
                raise FormDefinitionError(Msg.FORM_006, where=where, level=level, allowed=", ".join((*levels, LEVEL_ALL)))
            if (level is None) == (scope == RuleScope.LEVELS):
                reason = (
                    "phạm vi 'levels' cần mã kèm cấp, ví dụ MA[city]"
                    if scope == RuleScope.LEVELS
                    else f"mã kèm cấp ({code}[{level}]) chỉ dùng với phạm vi 'levels'"
                )
                raise FormDefinitionError(
                    Msg.FORM_005, where=where, expression=_shorten(row["expression"]), rule=row["rule"], reason=reason
                )
        rules.append(
            Rule(
                id=row["rule"],
                expression=expr,
                severity=Severity(_choice(row["severity"], tuple(Severity), "severity", where)),
                scope=scope,
                blank=_choice(row["blank"] or BlankPolicy.SKIP_ALL.value, [p.value for p in BlankPolicy], "blank", where),
                message=unfilled(_pattern(row["message"], where)),
                pattern=row["message"],
                check=unfilled(_pattern(row.get("check", ""), where)),
                check_pattern=row.get("check", ""),
            )
        )
    return with_check_texts(rules, {code: unfilled(ind.label) for code, ind in indicators.items()}, levels)


def _check_rule_scopes(form: FormDefinition, fname: str) -> None:
    for rule in form.rules:
        if rule.scope == RuleScope.LEVELS:
            continue
        candidates = list(form.levels) if rule.scope == LEVEL_ALL else [rule.scope]
        if not any(form._applies(rule, level) for level in candidates):
            raise FormDefinitionError(
                Msg.FORM_009, where=f"{fname} › {rule.id}", rule=rule.id, scope=rule.scope, codes=", ".join(rule.codes)
            )


def _load_charts(folder: Path, levels: dict[str, Level], indicators: dict[str, Indicator]) -> list[ChartSpec]:
    """The charts of ``charts.csv``; none when the folder has no such file."""
    path = folder / CHARTS_CSV
    if not path.is_file():
        return []
    numeric = {code: ind.pattern for code, ind in indicators.items() if ind.type in NUMERIC_TYPES}
    charts = parse_charts(read_definition_csv(path, CHART_COLUMNS), list(levels), numeric, path.name)
    return [replace(c, patterns=c.labels, labels=tuple(unfilled(label) for label in c.labels)) for c in charts]


def _fingerprint(*tables) -> str:
    """A short hash of what defines the data: indicators and rules (not wording of titles, nor
    which indicator is shown as a part of which: templates sent out stay valid)."""
    digest = hashlib.sha256()
    for rows in tables:
        for _, row in rows:
            keep = {k: v for k, v in row.items() if k not in ("label", "message", "check", "parent", "window")}
            digest.update(repr(sorted(keep.items())).encode("utf-8"))
    return digest.hexdigest()[:12]


def load_form(path: str | Path | None = None) -> FormDefinition:
    """Load and check a form definition folder (default: the bundled form).

    :param path: a folder holding the definition CSVs.
    :raises FormDefinitionError: naming the file and line of the first fault found.
    """
    folder = Path(path) if path else settings.DEFINITIONS_DIR
    if not folder.is_dir():
        raise FormDefinitionError(Msg.FORM_001, where=str(folder))
    fname, cols = FORM_FILES["form"]
    meta = {row["key"]: row["value"] for _, row in read_definition_csv(folder / fname, cols)}
    for key in ("id", "version", "title"):
        if not meta.get(key):
            raise FormDefinitionError(Msg.FORM_010, where=fname, key=key)
    # The period is a parameter: titles written "… năm {period}" before {period} named the whole period.
    meta["title"] = _pattern(meta["title"].replace("năm {period}", "{period}"), f"{fname} › title")
    if meta.get("unit_committee") and "{unit}" not in meta["unit_committee"]:
        allowed = "một tên có {unit} thay cho tên đơn vị, ví dụ “Ủy ban MTTQ Việt Nam {unit}”"
        raise FormDefinitionError(
            Msg.FORM_007, where=f"{fname} › unit_committee", column="value", value=meta["unit_committee"], allowed=allowed
        )
    levels = _load_levels(folder)
    sections = _load_sections(folder)
    windows = load_windows(folder, read_definition_csv)
    indicator_rows = read_definition_csv(folder / FORM_FILES["indicators"][0], FORM_FILES["indicators"][1])
    rule_rows = read_definition_csv(folder / FORM_FILES["rules"][0], FORM_FILES["rules"][1])
    indicators = _load_indicators(indicator_rows, levels, sections, windows)
    rules = _load_rules(rule_rows, levels, indicators)
    form = FormDefinition(meta["id"], meta["version"], meta["title"], meta, levels, sections, indicators, rules, folder)
    _check_rule_scopes(form, FORM_FILES["rules"][0])
    form.fingerprint = _fingerprint(indicator_rows, rule_rows)
    form.charts = _load_charts(folder, levels, indicators)
    form.windows = windows
    return form
