"""Sentences ready to paste into the report, filled from the consolidated totals.

The sentences are data: ``definitions/sentences.csv`` (``id,section,pattern``), which staff
edit. A pattern is the report's own wording with placeholders::

    {CODE}               total of all levels, the Vietnamese way: 862.796.456
    {CODE@city}          one level's total (a level code of levels.csv, or ``all``)
    {CODE~prior}         the prior period's value
    {CODE~change}        "tăng 03 đơn", "giảm 02 đơn" or "bằng" (the indicator's unit)
    {CODE~prior_period}  the prior period's year, e.g. 2022 ("so với cùng kỳ năm 2022")
    {CODE!}              keep this figure in its enumeration even when it is 0 (see below)
    {CODE:03}            another width for small counts (``:01``: none); combines: {CODE@city:03}
    {period}             the report period: "năm 2023", "6 tháng đầu năm 2024"
    {year}               its year; {prior_period}: the prior period's year
    [[ ... ]]            an optional part, dropped when a placeholder in it has no value

Small counts, one rule: a whole count (an indicator of type ``count``) from 1 to 9 is written
with two digits, as the report does ("03 đơn", "01 hộ"), wherever it appears: a total, a level's
total, the prior value, a change. 0 stays "0"; money and decimals are never padded.

Zero parts: an enumeration is the list inside a pair of brackets, its items separated by ";"
(or by "," when there is no ";"), after an optional lead ending in ":" ("(trong đó: 02 kế hoạch,
05 hướng dẫn)"). An item whose figure is a part of another indicator (``parent`` in
indicators.csv) and is 0 is left out; when every such item is 0 the brackets are left out.
``{CODE!}`` keeps the item.

A sentence with a placeholder that has no value outside ``[[ ]]`` is left out, never printed
with a blank; ``Rendered.missing`` says which figures were missing.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pipeline.core.constants import LEVEL_ALL, NUMERIC_TYPES, TYPE_COUNT
from pipeline.core.errors import FormDefinitionError, Msg, PipelineError
from pipeline.core.vnformat import format_number
from pipeline.form.definition import read_definition_csv as read_definition_rows
from pipeline.form.model import FormDefinition, Indicator
from pipeline.form.period import Period, period_label

SENTENCES_CSV = "sentences.csv"
SENTENCE_COLUMNS = ("id", "section", "pattern")
PLACEHOLDER = re.compile(r"\{(?P<name>[A-Za-z_]\w*)(?:@(?P<level>[A-Za-z_]\w*))?(?:~(?P<mod>[a-z_]+))?(?::(?P<fmt>0[1-9]))?(?P<keep>!)?\}")
ENUMERATION = re.compile(r"\((?P<body>[^()]*)\)")
OPTIONAL = re.compile(r"\[\[(.*?)\]\]", re.S)
MODIFIERS = ("prior", "change", "prior_period")
SPECIAL = ("period", "prior_period", "year")
COUNT_WIDTH = 2  # "03 đơn": counts from 1 to 9 get two digits
_TIDY = ((re.compile(r"\s+"), " "), (re.compile(r"\s+([,.;:)])"), r"\1"), (re.compile(r"\(\s+"), "("))


@dataclass(frozen=True)
class Sentence:
    id: str
    section: str
    pattern: str


@dataclass
class Figures:
    """What placeholders are filled from: totals and prior values by (code, level)."""

    form: FormDefinition
    period: str
    totals: dict[tuple[str, str], float]
    prior: dict[tuple[str, str], float] = field(default_factory=dict)
    prior_period: str | None = None

    @classmethod
    def from_frames(
        cls,
        form: FormDefinition,
        period: str,
        totals: pd.DataFrame,
        comparison: pd.DataFrame | None = None,
        prior_period: str | None = None,
    ) -> Figures:
        current = {(r.code, r.level): float(r.value) for r in totals.itertuples() if pd.notna(r.value)}
        before = {} if comparison is None else {(r.code, r.level): float(r.prior) for r in comparison.itertuples() if pd.notna(r.prior)}
        return cls(form, str(period), current, before, prior_period or None)


@dataclass
class Rendered:
    sentence: Sentence
    text: str | None
    missing: list[str] = field(default_factory=list)


def _number(value: float, fmt: str | None, ind: Indicator | None = None) -> str:
    """``value`` the Vietnamese way; a small whole count padded to ``fmt`` (default: two digits)."""
    text = format_number(value)
    width = int(fmt) if fmt else (COUNT_WIDTH if ind is not None and ind.type == TYPE_COUNT else 0)
    if width and float(value).is_integer() and 0 < value < 10 ** (width - 1):
        text = str(int(value)).zfill(width)
    return text


def _change(code: str, value: float, prior: float, fmt: str | None, form: FormDefinition) -> str:
    ind = form.indicators[code]
    delta = value - prior
    if math.isclose(delta, 0, abs_tol=1e-9):
        return "bằng"
    return f"{'tăng' if delta > 0 else 'giảm'} {_number(abs(delta), fmt, ind)} {ind.unit}".rstrip()


def _special(name: str, figures: Figures) -> str | None:
    """``{period}`` ("năm 2023"), ``{year}`` (2023) or ``{prior_period}`` (the prior period's year)."""
    if name == "prior_period":
        return str(_year(figures.prior_period)) if figures.prior_period else None
    return period_label(figures.period) if name == "period" else str(_year(figures.period))


def _year(code: str) -> int | str:
    try:
        return Period.parse(code).year
    except PipelineError:
        return code


def _resolve(match: re.Match, figures: Figures) -> str | None:
    name, mod, fmt = match["name"], match["mod"], match["fmt"]
    if name in SPECIAL and not match["level"] and not mod:
        return _special(name, figures)
    key = (name, match["level"] or LEVEL_ALL)
    value, prior = figures.totals.get(key), figures.prior.get(key)
    if mod == "prior_period":
        return _special("prior_period", figures) if prior is not None else None
    ind = figures.form.indicators.get(name)
    if mod == "prior":
        return None if prior is None else _number(prior, fmt, ind)
    if mod == "change":
        return None if value is None or prior is None else _change(name, value, prior, fmt, figures.form)
    return None if value is None else _number(value, fmt, ind)


def _describe(match: re.Match, form: FormDefinition) -> str:
    name = match["name"]
    if name in SPECIAL:
        return "kỳ trước" if name == "prior_period" else "kỳ báo cáo"  # never missing: a period is always known
    what = form.indicators[name].display_label
    level = match["level"] or LEVEL_ALL
    extra = "" if level == LEVEL_ALL else f", {form.level_label(level).lower()}"
    return f"{what}{extra}{', cùng kỳ' if match['mod'] else ''}"


def _fill(text: str, figures: Figures, missing: list[str]) -> str:
    def one(match: re.Match) -> str:
        value = _resolve(match, figures)
        if value is None:
            missing.append(_describe(match, figures.form))
            return ""
        return value

    return PLACEHOLDER.sub(one, text)


def _zero_part(item: str, figures: Figures) -> bool:
    """An enumeration's item to leave out: it names a part (``parent``) whose figure is 0, without ``!``."""
    for match in PLACEHOLDER.finditer(item):
        ind = figures.form.indicators.get(match["name"])
        if ind is None or not ind.parent or match["mod"] or match["keep"]:
            continue
        if figures.totals.get((match["name"], match["level"] or LEVEL_ALL)) == 0:
            return True
    return False


def _enumeration(match: re.Match, figures: Figures) -> str:
    """One bracketed list without its zero parts (``_zero_part``); none left: no brackets either."""
    body = match["body"]
    lead, colon, rest = body.partition(":")
    if not colon or PLACEHOLDER.search(lead):
        lead, rest = "", body
    separator = ";" if ";" in rest else ","
    items = rest.split(separator)
    kept = [item for item in items if not _zero_part(item, figures)]
    if len(kept) == len(items):
        return match[0]
    if not kept:
        return ""
    return f"({lead}{colon}{separator.join(kept)})" if colon and lead else f"({separator.join(kept)})"


def render(sentence: Sentence, figures: Figures) -> Rendered:
    """Fill one pattern; ``text`` is ``None`` when a required figure has no value."""

    def optional(match: re.Match) -> str:
        lacking: list[str] = []
        text = _fill(match[1], figures, lacking)
        return "" if lacking else text

    missing: list[str] = []
    pattern = ENUMERATION.sub(lambda m: _enumeration(m, figures), sentence.pattern)
    text = _fill(OPTIONAL.sub(optional, pattern), figures, missing)
    if missing:
        return Rendered(sentence, None, list(dict.fromkeys(missing)))
    for pattern, repl in _TIDY:
        text = pattern.sub(repl, text)
    return Rendered(sentence, text.strip())


def sentence_name(sentence: Sentence, form: FormDefinition) -> str:
    """A sentence as a drafter knows it, never by its id: ``câu về “Văn bản chỉ đạo…” (mục I. Công tác …)``."""
    codes = [m["name"] for m in PLACEHOLDER.finditer(sentence.pattern) if m["name"] in form.indicators]
    about = f"câu về “{form.indicators[codes[0]].label}”" if codes else "câu"
    section = form.sections.get(sentence.section)
    return f"{about} (mục {section.id}. {section.title})" if section else about


def render_all(sentences: list[Sentence], figures: Figures) -> list[Rendered]:
    return [render(s, figures) for s in sentences]


def check_pattern(pattern: str, form: FormDefinition) -> str | None:
    """Why ``pattern`` is not valid (in Vietnamese), or ``None``."""
    if pattern.count("[[") != pattern.count("]]") or any("[[" in m for m in OPTIONAL.findall(pattern)):
        return "Cặp [[ ]] không khớp hoặc lồng nhau"
    for match in PLACEHOLDER.finditer(pattern):
        name, level, mod = match["name"], match["level"], match["mod"]
        if name in SPECIAL and not level and not mod:
            continue
        if name not in form.indicators or form.indicators[name].type not in NUMERIC_TYPES:
            return f"Chỗ điền {match[0]}: mã '{name}' không phải chỉ tiêu số của biểu mẫu"
        if level and level not in (*form.levels, LEVEL_ALL):
            return f"Chỗ điền {match[0]}: cấp '{level}' không có (các cấp: {', '.join((*form.levels, LEVEL_ALL))})"
        if mod and mod not in MODIFIERS:
            return f"Chỗ điền {match[0]}: '~{mod}' không hợp lệ (dùng: {', '.join('~' + m for m in MODIFIERS)})"
    leftover = PLACEHOLDER.sub("", pattern)
    if "{" in leftover or "}" in leftover:
        return "Có dấu ngoặc { } không đúng cú pháp, ví dụ {MÃ}, {MÃ@city}, {MÃ~change}, {MÃ!}"
    return None


def load_sentences(path: str | Path, form: FormDefinition) -> list[Sentence]:
    """Load and check the sentence patterns.

    :raises FormDefinitionError: naming the file and line of the first fault.
    """
    path = Path(path)
    out, seen = [], set()
    for line, row in read_definition_rows(path, SENTENCE_COLUMNS):
        where = f"{path.name} › dòng {line}"
        reason = check_pattern(row["pattern"], form) if row["pattern"] else "Thiếu câu mẫu (cột pattern)"
        if not reason and (not row["id"] or row["id"] in seen):
            reason = f"Mã câu '{row['id']}' bị trống hoặc trùng"
        if not reason and row["section"] and row["section"] not in form.sections:
            reason = f"Mục '{row['section']}' không có trong sections.csv"
        if reason:
            raise FormDefinitionError(Msg.REPORT_003, where=where, reason=reason, file=path.name)
        seen.add(row["id"])
        out.append(Sentence(row["id"], row["section"], row["pattern"]))
    return out


def form_sentences(form: FormDefinition) -> list[Sentence]:
    """The sentence patterns of ``form`` (its folder's sentences.csv), none if it has no such file."""
    path = form.source / SENTENCES_CSV
    return load_sentences(path, form) if path.is_file() else []
