"""The web form of a unit's return ("Nhập số liệu trực tiếp"): what the form shows (the unit's
indicators in the form's sections and order, last period's figure, the figure in use), and what
saving and sending do with the figures typed (indicator code → text as typed).

One check, the library's: the figures are written into the unit's template (``typedbook``) and
that workbook is checked as ``tonghop check`` checks an upload (bounds, blanks, rules, levels),
each finding then placed beside the fields it concerns. A draft keeps the texts as typed; a
sent return is stored as an upload is (``submit``), its workbook kept byte for byte, with the
channel ``Channel.FORM`` and, when the office typed for the unit, its note of the source.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline import api
from pipeline.consolidate.collect import InMemory
from pipeline.core import settings
from pipeline.core.constants import Channel, Sender, Severity
from pipeline.core.errors import Msg, PipelineError
from pipeline.core.findings import Problem
from pipeline.core.vnformat import format_number, format_typed, utc_now, vietnam_today
from pipeline.form.period import Period, format_date
from pipeline.ingest.values import Kind, parse_value
from pipeline.rounds.board import in_use, round_unit, unit_status
from pipeline.rounds.checking import round_check
from pipeline.rounds.figures import figures_of
from pipeline.rounds.resend import Sent, sending, sent_again
from pipeline.rounds.submit import Verdict, finding, submit
from pipeline.rounds.typedbook import blank_template, cell_content, fill, typed_name
from pipeline.templates.table import form_rows

if TYPE_CHECKING:
    from pipeline.form.model import FormDefinition, Indicator
    from pipeline.store import DraftRecord, RoundRecord, Store, UnitRecord

Typed = Mapping[str, str]


@dataclass(frozen=True)
class Field:
    """One indicator of the form as the page shows it. ``start``: what its input starts with
    (the draft's text, else the figure in use written the Vietnamese way, else "")."""

    code: str
    label: str
    depth: int  # 1 for a "Trong đó" part of the indicator above
    unit: str
    kind: str
    numeric: bool
    prior: object | None
    current: object | None
    start: str


@dataclass(frozen=True)
class EntrySection:
    id: str
    title: str
    fields: list[Field]


@dataclass(frozen=True)
class EntryForm:
    """The form of ``unit`` in round ``rnd``: ``prior_label`` names last period ("" when the store
    holds no round of it), ``in_use`` the submission whose figures are ``current``, received at
    ``sent_at``; ``draft`` the sender's draft when typed after it."""

    rnd: RoundRecord
    unit: UnitRecord
    sections: list[EntrySection]
    prior_label: str
    in_use: int | None
    draft: DraftRecord | None
    sent_at: datetime | None = None  # when the version in use was received: a copy typed before it is no longer current


@dataclass(frozen=True)
class Reading:
    """How a typed text reads: ``value`` the number (or text) counted, ``shown`` as the report
    writes it with its unit (``1.200.000 đồng``); ``ok`` False when it reads as no figure."""

    code: str
    text: str
    value: object | None
    shown: str
    ok: bool


@dataclass(frozen=True)
class TypedCheck:
    """The check of typed figures: a reading per field typed, the findings (each with ``codes``,
    the fields it concerns), and how many errors and warnings; ``saved_at`` when kept as a draft."""

    readings: dict[str, Reading]
    findings: list[dict] = field(default_factory=list)
    errors: int = 0
    warnings: int = 0
    saved_at: datetime | None = None

    def as_json(self) -> dict:
        return {
            "readings": {c: {"text": r.text, "shown": r.shown, "ok": r.ok, "value": r.value} for c, r in self.readings.items()},
            "findings": [dict(f) for f in self.findings],
            "errors": self.errors,
            "warnings": self.warnings,
            "saved_at": self.saved_at.isoformat() if self.saved_at else None,
        }


def _number_text(value: object) -> str:
    """A figure written the Vietnamese way with every decimal it has (``0,125``, never a rounded
    ``0,12``): the input starts from it, so a correction sends back exactly what was sent."""
    return format_typed(value)


def _prior_figures(store: Store, rnd: RoundRecord, unit_code: str) -> tuple[str, dict[str, object]]:
    """Last period's figures of the unit: its version in use in the newest round of the same form
    for the period a year before; ``("", {})`` when the store holds none."""
    try:
        before = Period.parse(rnd.period).prior
    except PipelineError:
        return "", {}
    earlier = [r for r in store.rounds() if r.form_id == rnd.form_id and r.period == before.code and r.id != rnd.id]
    for other in sorted(earlier, key=lambda r: r.created_at, reverse=True):
        if store.unit(other.id, unit_code) is None:
            continue
        used = in_use(store.submissions(other.id, unit_code), unit_code)
        if used is not None:
            return before.label, figures_of(store, other.id, [used.id])[used.id] or {}
    return "", {}


def _indicators(form: FormDefinition, level: str) -> list[tuple[str, str, list[Indicator]]]:
    sections: dict[str, tuple[str, str, list[Indicator]]] = {}
    for section, item in form_rows(form, level):
        sections.setdefault(section.id, (section.id, section.title, []))
        if item is not None:
            sections[section.id][2].append(item[1])
    return list(sections.values())


def entry_form(store: Store, round_id: str, unit_code: str, sender: Sender) -> EntryForm:
    """What the form of ``unit_code`` shows to ``sender`` (the unit, or the office typing for it).

    :raises PipelineError: the unit is not one of the round's (``ROUND_102``).
    """
    rnd = store.round(round_id)
    unit = round_unit(store, round_id, unit_code)
    form = round_check(store, rnd).context.form
    row = unit_status(store, round_id, unit_code)
    current = figures_of(store, round_id, [row.in_use]).get(row.in_use) or {} if row.in_use else {}
    prior_label, prior = _prior_figures(store, rnd, unit_code)
    sent_at = _received(store, round_id, unit_code, row.in_use)
    draft = _draft(store, round_id, unit_code, sender, sent_at)
    sections = []
    for section_id, title, indicators in _indicators(form, unit.level):
        fields = []
        for ind in indicators:
            start = draft.figures.get(ind.code, "") if draft else _number_text(current.get(ind.code))
            fields.append(Field(ind.code, ind.display_label, 1 if ind.parent else 0, ind.unit, ind.type, ind.type != "text",
                                prior.get(ind.code), current.get(ind.code), start))  # fmt: skip
        sections.append(EntrySection(section_id, title, fields))
    return EntryForm(rnd, unit, sections, prior_label, row.in_use, draft, sent_at)


def _draft(store: Store, round_id: str, unit_code: str, sender: Sender, sent_at: datetime | None) -> DraftRecord | None:
    """``sender``'s draft, unless the return in use came after it (the officer began typing, then
    uploaded the Excel template, or the office typed it in): then the form starts from that return,
    never from a half-typed draft that, sent, would replace it."""
    draft = store.draft(round_id, unit_code, sender)
    return None if draft is not None and sent_at is not None and sent_at >= draft.saved_at else draft


def _received(store: Store, round_id: str, unit_code: str, sub_id: int | None) -> datetime | None:
    """When submission ``sub_id`` of the unit was received (None: none)."""
    return next((s.received_at for s in store.submissions(round_id, of_unit=unit_code) if s.id == sub_id), None) if sub_id else None


def _checked_typed(store: Store, rnd: RoundRecord, unit: UnitRecord, typed: Typed) -> dict[str, str]:
    """``typed`` as texts, each a field of the unit's form (``ROUND_142``) and not too long (``ROUND_143``)."""
    form = round_check(store, rnd).context.form
    allowed = {ind.code: ind for ind in form.indicators_for(unit.level)}
    texts = {}
    for code, text in typed.items():
        ind = allowed.get(code)
        if ind is None:
            raise PipelineError(Msg.ROUND_142, code=code, unit_name=unit.name)
        text = "" if text is None else str(text)
        if len(text) > settings.LIMIT_TYPED_CHARS:
            raise PipelineError(Msg.ROUND_143, label=ind.label, length=len(text), limit=settings.LIMIT_TYPED_CHARS)
        texts[code] = text
    return texts


def reading(code: str, text: str, ind: Indicator) -> Reading:
    """How ``text`` typed in the field of ``ind`` reads, as a return's cell holding it reads."""
    parsed = parse_value(text.strip() or None, ind.type)
    if parsed.kind is Kind.BLANK:
        return Reading(code, text, None, "", True)
    if parsed.kind is Kind.ERROR:
        return Reading(code, text, None, "", False)
    shown = _number_text(parsed.value)
    return Reading(code, text, parsed.value, f"{shown} {ind.unit}".strip() if ind.type != "text" else shown, True)


def _workbook(
    store: Store, rnd: RoundRecord, unit: UnitRecord, texts: dict[str, str], note: str, at: datetime | None = None
) -> tuple[str, bytes]:
    """The unit's template holding ``texts``, saved at ``at`` (default now): its name and bytes."""
    form = round_check(store, rnd).context.form
    blank = blank_template(store, rnd, unit.code)
    contents = {code: cell_content(text, form.indicators[code]) for code, text in texts.items()}
    return typed_name(blank), fill(blank, contents, note, at or utc_now())


def _codes(p: Problem, form: FormDefinition) -> list[str]:
    """The fields a finding concerns: each of its rule's, else its cell's (none: the whole return)."""
    rule = next((r for r in form.rules if r.id == (p.relation_id or p.rule)), None)
    if rule is not None:
        return list(dict.fromkeys(rule.codes))
    return [p.code] if p.code else []


def _note(sender: Sender, source: str) -> str:
    day = format_date(vietnam_today())
    return Msg.ROUND_144.render(day=day) if sender is Sender.UNIT else Msg.ROUND_145.render(day=day, source=source)


def check_typed(store: Store, round_id: str, unit_code: str, typed: Typed, *, sender: Sender = Sender.UNIT, source: str = "") -> TypedCheck:
    """Check ``typed`` as a return holding them is checked; nothing is kept.

    :raises PipelineError: a code not of the unit's form (``ROUND_142``), a text too long (``ROUND_143``).
    """
    rnd = store.round(round_id)
    unit = round_unit(store, round_id, unit_code)
    texts = _checked_typed(store, rnd, unit, typed)
    checked = round_check(store, rnd)
    form = checked.context.form
    name, data = _workbook(store, rnd, unit, texts, _note(sender, source))
    (check,) = api.check_files([InMemory(Path(name), name, utc_now().timestamp(), data=data)], context=checked.context)
    found = [{**finding(p), "codes": _codes(p, form)} for p in check.problems]
    counts = Counter(f["severity"] for f in found)
    readings = {code: reading(code, text, form.indicators[code]) for code, text in texts.items()}
    return TypedCheck(readings, found, counts[Severity.ERROR.value], counts[Severity.WARNING.value])


def _source(sender: Sender, source: str) -> str:
    """The office's note of where the figures came from: required of the office, never of a unit."""
    source = " ".join(str(source or "").split())
    if sender is Sender.UNIT:
        return ""
    if not source:
        raise PipelineError(Msg.ROUND_141)
    if len(source) > settings.LIMIT_NOTE_CHARS:
        raise PipelineError(Msg.ROUND_130, length=format_number(len(source)), limit=format_number(settings.LIMIT_NOTE_CHARS))
    return source


def save_draft(store: Store, round_id: str, unit_code: str, typed: Typed, *, sender: Sender, source: str = "") -> TypedCheck:
    """Keep ``typed`` as the unit's draft by ``sender`` (replacing the one before) and check it.

    :raises PipelineError: as ``check_typed``; the office without its note of the source (``ROUND_141``).
    """
    sender = Sender(sender)
    source = _source(sender, source)
    check = check_typed(store, round_id, unit_code, typed, sender=sender, source=source)
    texts = {code: reading.text for code, reading in check.readings.items()}
    draft = store.save_draft(round_id, unit_code, sender, texts, source)
    return TypedCheck(check.readings, check.findings, check.errors, check.warnings, draft.saved_at)


def submit_typed(
    store: Store, round_id: str, unit_code: str, typed: Typed, *, sender: Sender, source: str = "", actor: str | None = None
) -> Verdict:
    """Send ``typed`` as the unit's return: its template holding them is checked and stored as an
    upload is (the unit's link: ``Sender.UNIT``; the office typing for it: ``Sender.OFFICE``, with
    its note of the source), and the draft by ``sender`` is dropped. ``actor``: who the audit log
    names (the office account's login).

    :raises PipelineError: as ``save_draft``.
    """
    sender = Sender(sender)
    source = _source(sender, source)
    rnd = store.round(round_id)
    unit = round_unit(store, round_id, unit_code)
    texts = _checked_typed(store, rnd, unit, typed)
    link = unit.code if sender is Sender.UNIT else None
    note = _note(sender, source)
    with sending(store, round_id, unit_code):  # a double tap's two posts: the second finds the first
        verdict = sent_again(store, round_id, unit, Sent(sender, link, source), lambda at: _workbook(store, rnd, unit, texts, note, at)[1])
        if verdict is None:
            name, data = _workbook(store, rnd, unit, texts, note)
            verdict = submit(store, round_id, data, name, link_unit=link, sender=sender, channel=Channel.FORM, source=source, actor=actor)
    store.drop_draft(round_id, unit_code, sender)
    return verdict
