"""Typing a return on the web instead of filling the Excel template: the unit through its link
(``/u/<token>/nhap``) or the office for a unit that phoned its figures in
(``/rounds/<id>/units/<code>/nhap``, with the source of the figures). One page (``entry.html``)
for both: every indicator of the unit's level in the form's sections, each with its unit, last
period's figure and the figure as it will be counted; the problems beside their fields in the
words of the upload page, a summary at the top. "Lưu nháp" keeps a draft, "Gửi báo cáo" sends.

Works without JavaScript (a form post, then a redirect); ``static/entry.js`` asks
``…/nhap/kiem-tra`` (JSON) as the officer types, keeps the figures on the phone until the server
confirms the send, and says when the network is gone. The readings and every check are the
library's (``rounds.entry``): this module only arranges what it answers."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from http import HTTPStatus

from flask import Blueprint, flash, get_template_attribute, jsonify, redirect, render_template, request, url_for

from pipeline.accounts import Action
from pipeline.core import settings
from pipeline.core.constants import Sender
from pipeline.core.errors import Msg, PipelineError
from pipeline.core.vnformat import format_typed, format_vn_time
from pipeline.rounds.entry import check_typed, entry_form, save_draft, submit_typed
from pipeline.web.access import actor, allowed
from pipeline.web.base import store, wants_json
from pipeline.web.plain import form_notes
from pipeline.web.unit_link import unit_of_link

bp = Blueprint("entry", __name__)
PREFIX = "so_"  # an input's name is its indicator's code after this
SOURCE = "nguon"  # the office's note of where the figures came from
SAVE, SEND = "luu", "gui"  # the two buttons' values of ``action``
PATIENCE_MS = 60_000  # how long the script waits for an answer before saying the network failed


@dataclass(frozen=True)
class Place:
    """Where the form is and who types: the unit through its link, or the office for it."""

    round_id: str
    code: str
    sender: Sender
    form_url: str  # the page (and where its form posts)
    check_url: str  # the JSON check, as the script asks it
    back_url: str  # the page the form came from
    token: str = ""

    @property
    def office(self) -> bool:
        return self.sender is Sender.OFFICE

    @property
    def local_key(self) -> str:
        """The key of the figures kept on the phone: one per round, unit and sender; no token in it."""
        return "tonghop-nhap-" + hashlib.sha256(f"{self.round_id}/{self.code}/{self.sender.value}".encode()).hexdigest()[:24]


def _unit_place(token: str) -> Place:
    rnd, unit = unit_of_link(token)
    return Place(
        rnd.id, unit.code, Sender.UNIT, url_for("entry.unit_page", token=token), url_for("entry.unit_check", token=token),
        url_for("unit_link.show", token=token), token,
    )  # fmt: skip


def _office_place(round_id: str, code: str) -> Place:
    urls = {"round_id": round_id, "code": code}
    return Place(
        round_id, code, Sender.OFFICE, url_for("entry.office_page", **urls), url_for("entry.office_check", **urls),
        url_for("office_unit.show", **urls),
    )  # fmt: skip


def _typed() -> dict[str, str]:
    """The figures of the posted form, by indicator code, as typed."""
    return {name[len(PREFIX) :]: value for name, value in request.form.items() if name.startswith(PREFIX)}


def _source() -> str:
    return request.form.get(SOURCE, "").strip()


def _parts(check) -> dict:
    """What the page shows of a check (``TypedCheck``): the notes beside each field and the summary."""
    notes = form_notes(check.findings) if check else []
    beside: dict[str, list] = {}
    for note in notes:
        for code in note.codes:
            beside.setdefault(code, []).append(note)
    return {"notes": notes, "beside": beside, "readings": check.readings if check else {}, "checked": check is not None}


def _checked(place: Place, values: dict[str, str]):
    """The library's check of ``values``; None when it refuses them (a text too long, a field
    not of the form): the page then says why above the form (``_refused``)."""
    try:
        return check_typed(store(), place.round_id, place.code, values, sender=place.sender)
    except PipelineError as err:
        if err.status != HTTPStatus.BAD_REQUEST:
            raise
        return None


def _page(place: Place, *, typed: dict[str, str] | None = None, source: str | None = None, error: str = "", status: int = 200):
    """The form: ``typed`` what the officer posted (else the draft, else the version in use),
    checked when there is anything in it."""
    form = entry_form(store(), place.round_id, place.code, place.sender)
    values = typed if typed is not None else {f.code: f.start for s in form.sections for f in s.fields}
    check = _checked(place, values) if any(v.strip() for v in values.values()) else None
    saved = Msg.WEB_100.render(time=format_vn_time(form.draft.saved_at)) if form.draft and request.args.get(SAVE) else ""
    kept = source if source is not None else (form.draft.source if form.draft else "")
    return render_template(
        "entry.html", place=place, entry=form, values=values, source=kept, error=error, saved=saved, prefix=PREFIX,
        source_field=SOURCE, patience_ms=PATIENCE_MS, source_limit=settings.LIMIT_NOTE_CHARS, typed_limit=settings.LIMIT_TYPED_CHARS, save=SAVE, send=SEND, **_parts(check),
    ), status  # fmt: skip


def _answer(check) -> dict:
    """The JSON of a check for the script: the library's answer, and the page's parts rendered
    by the same macros as the page (the summary, the notes beside each field)."""
    parts = _parts(check)
    summary = get_template_attribute("entry_parts.html", "summary")
    notes = get_template_attribute("entry_parts.html", "notes")
    return check.as_json() | {
        "summary": str(summary(parts["notes"])),
        "beside": {code: str(notes(found)) for code, found in parts["beside"].items()},
    }


def _refused(place: Place, err: PipelineError, typed: dict[str, str], source: str):
    """What the library refused (the office's note of the source missing, a field not of the
    form): said in Vietnamese, the figures typed kept on the page."""
    if wants_json():
        return jsonify({"error": err.status, "message": str(err), "stored": False}), err.status
    return _page(place, typed=typed, source=source, error=str(err), status=err.status)


def _post(place: Place):
    """Either button, with or without the script: a draft kept (and checked), or the return sent."""
    typed, source, sending = _typed(), _source(), request.form.get("action") == SEND
    try:
        if not sending:
            check = save_draft(store(), place.round_id, place.code, typed, sender=place.sender, source=source)
        else:
            verdict = submit_typed(
                store(), place.round_id, place.code, typed, sender=place.sender, source=source, actor=actor() if place.office else None
            )
    except PipelineError as err:
        if err.status != HTTPStatus.BAD_REQUEST:
            raise
        return _refused(place, err, typed, source)
    if not sending:
        if wants_json():
            return jsonify(_answer(check) | {"saved": Msg.WEB_100.render(time=format_vn_time(check.saved_at))})
        return redirect(f"{place.form_url}?{SAVE}=1#tom-tat", code=303)
    if place.office:
        flash(Msg.WEB_108.render(errors=verdict.errors, warnings=verdict.warnings))
        done = url_for("office_unit.show", round_id=place.round_id, code=place.code) + f"#ban-{verdict.submission_id}"
    else:
        done = url_for("unit_link.show", token=place.token, gui=verdict.submission_id) + "#ket-qua"
    if wants_json():
        return jsonify(verdict.as_json() | {"submission_id": verdict.submission_id, "next": done})
    return redirect(done, code=303)


def _check(place: Place):
    """The script's check as the officer types, in JSON: the draft kept (the office's only once
    it wrote the source of the figures; before, checked and not kept)."""
    if place.office and not _source():
        return jsonify(_answer(check_typed(store(), place.round_id, place.code, _typed(), sender=place.sender)))
    try:
        check = save_draft(store(), place.round_id, place.code, _typed(), sender=place.sender, source=_source())
    except PipelineError as err:
        if err.status != HTTPStatus.BAD_REQUEST:
            raise
        return jsonify({"error": err.status, "message": str(err), "stored": False}), err.status
    return jsonify(_answer(check))


@bp.context_processor
def _texts() -> dict:
    """``msg('WEB_104', time='{time}')``: a catalogue text for the script, its fields left for it to
    fill; ``exact(figure)``: a figure with every decimal it has, as its input holds it."""
    return {"msg": lambda name, **fields: Msg[name].render(**fields), "exact": format_typed}


@bp.get("/u/<token>/nhap")
def unit_page(token: str):
    return _page(_unit_place(token))


@bp.post("/u/<token>/nhap")
def unit_post(token: str):
    return _post(_unit_place(token))


@bp.post("/u/<token>/nhap/kiem-tra")
def unit_check(token: str):
    return _check(_unit_place(token))


@bp.get("/rounds/<round_id>/units/<code>/nhap")
@allowed(Action.ACT_ROUND)
def office_page(round_id: str, code: str):
    return _page(_office_place(round_id, code))


@bp.post("/rounds/<round_id>/units/<code>/nhap")
@allowed(Action.ACT_ROUND)
def office_post(round_id: str, code: str):
    return _post(_office_place(round_id, code))


@bp.post("/rounds/<round_id>/units/<code>/nhap/kiem-tra")
@allowed(Action.ACT_ROUND)
def office_check(round_id: str, code: str):
    return _check(_office_place(round_id, code))
