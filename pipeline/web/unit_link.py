"""A unit's own page, opened through its link ``/u/<token>`` (no account): its name, period and
deadline, its template, the upload form (as many tries as needed), the verdict of the file just
sent with each finding in plain words at its cell (``web.plain``), the history of its uploads
(numbered among its own, older ones folded) and the office's notes.
``POST /u/<token>`` with ``Accept: application/json`` answers the verdict as JSON."""

from __future__ import annotations

import tempfile
from pathlib import Path

from flask import Blueprint, Response, abort, jsonify, redirect, render_template, request, url_for

from pipeline import rounds
from pipeline.core.constants import ReviewState
from pipeline.core.errors import Msg
from pipeline.rounds.board import sent_by, unit_status
from pipeline.rounds.history import numbered
from pipeline.rounds.setup import safe_name
from pipeline.web.base import store, wants_json
from pipeline.web.plain import grouped

bp = Blueprint("unit_link", __name__)
# What the file chooser offers: every format the checker reads (``ingest.sniff``: Excel and its
# old format, LibreOffice and its flat XML, Excel's XML and web page) and a zip of them.
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ACCEPT = ".xlsx,.xlsm,.xls,.ods,.fods,.xml,.htm,.html,.zip"


def unit_of_link(token: str):
    """The round and the unit of a link; 404 for a link that is no unit's."""
    found = store().unit_for_token(token)
    if found is None:
        abort(404)
    round_id, code = found
    unit = store().unit(round_id, code)
    return store().round(round_id), unit


def _page(token: str, sent: frozenset[int] = frozenset(), error: str = "", code: int = 200):
    """The page; the verdicts of the uploads ``sent`` on top (one, or each file of a zip; not
    again in the history below them), each upload numbered among the unit's own ("Lần gửi thứ 2")."""
    rnd, unit = unit_of_link(token)
    row = unit_status(store(), rnd.id, unit.code)
    own = [s for s in store().submissions(rnd.id, of_unit=unit.code) if sent_by(s, unit.code)]
    history = list(reversed(own))
    verdicts = [s for s in own if s.id in sent]  # a stored upload has what the verdict shows
    notes = [s for s in history if s.review is ReviewState.RETURNED and s.note]
    return render_template(
        "unit.html", token=token, rnd=rnd, unit=unit, row=row, history=[s for s in history if s not in verdicts], notes=notes,
        verdicts=verdicts, error=error, number=numbered(own), grouped=grouped, accept=ACCEPT,
    ), code  # fmt: skip


@bp.get("/u/<token>")
def show(token: str):
    """The page; ``?gui=<id>`` shows the verdict of that upload of this unit (where an upload
    redirects to, so reloading the page never sends the file again); ``?gui=12,13`` those of the
    files inside a zip."""
    sent = frozenset(int(part) for part in request.args.get("gui", "").split(",") if part.strip().isdigit())
    return _page(token, sent=sent)


def _refused(token: str, message: str):
    """A request that sent no file, or several: nothing is stored, the page (or JSON) says why."""
    if wants_json():
        return jsonify({"error": 400, "message": message, "stored": False}), 400
    return _page(token, error=message, code=400)


@bp.post("/u/<token>")
def upload(token: str):
    """One file through the link: checked, stored, answered. Several files in one request are
    refused, none stored (never the first kept and the others dropped unseen)."""
    rnd, unit = unit_of_link(token)
    files = [f for f in request.files.getlist("file") if f and f.filename]
    if not files:
        return _refused(token, Msg.WEB_004.render())
    if len(files) > 1:
        return _refused(token, Msg.WEB_003.render(count=len(files), names=", ".join(safe_name(f.filename) for f in files)))
    sent = files[0]
    verdicts = rounds.submit_received(store(), rnd.id, sent.read(), sent.filename, link_unit=unit.code)
    if wants_json():  # a zip of several files: one verdict for each, in ``files``
        return jsonify(verdicts[0].as_json() if len(verdicts) == 1 else {"files": [v.as_json() for v in verdicts]})
    gui = ",".join(str(v.submission_id) for v in verdicts)
    return redirect(url_for("unit_link.show", token=token, gui=gui), code=303)  # post, redirect, get


@bp.get("/u/<token>/template.xlsx")
def template(token: str):
    rnd, unit = unit_of_link(token)
    with tempfile.TemporaryDirectory(prefix="tonghop-") as tmp:
        (path,) = rounds.round_templates(store(), rnd.id, tmp, units=[unit.code])
        data = Path(path).read_bytes()
        name = Path(path).name
    quoted = name.encode("ascii", "ignore").decode() or "bieu_mau.xlsx"
    return Response(data, mimetype=XLSX, headers={"Content-Disposition": f'attachment; filename="{quoted}"'})


@bp.get("/u/<token>/ban-nop/<int:submission_id>.xlsx")
def sent_workbook(token: str, submission_id: int):
    """The workbook a unit sent (its figures typed on the web, or a file it uploaded): only a
    submission this unit sent, and only a workbook; 404 for anything else."""
    rnd, unit = unit_of_link(token)
    sub = next((s for s in store().submissions(rnd.id, of_unit=unit.code) if s.id == submission_id and sent_by(s, unit.code)), None)
    if sub is None or not sub.filename.lower().endswith(".xlsx"):
        abort(404)
    name = sub.filename.encode("ascii", "ignore").decode() or "bao_cao.xlsx"
    return Response(store().blob(sub.sha256), mimetype=XLSX, headers={"Content-Disposition": f'attachment; filename="{name}"'})
