"""The round's board (office): every unit with where it stands, filters and sorting, the
reminder text, the office's upload of many files, consolidation (a job outside the request,
``jobs``) and its outputs, the templates, and the printable page of links (in pages, ``linkpages``)."""

from __future__ import annotations

import io
import tempfile
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, send_from_directory, url_for

from pipeline import rounds
from pipeline.accounts import Action
from pipeline.core.constants import Channel, RoundStatus, Sender
from pipeline.core.errors import PipelineError
from pipeline.form.period import format_date, period_label
from pipeline.rounds.figures import key_totals
from pipeline.rounds.upward import ForwardResult, forward_round
from pipeline.web.access import actor, allowed
from pipeline.web.base import store
from pipeline.web.jobs import job_view, running_message
from pipeline.web.linkpages import page_number, page_of, qr_code
from pipeline.web.plain import sent_how
from pipeline.web.upward import board_upward

bp = Blueprint("board", __name__)

SORTS = {
    "list": None,
    "code": lambda r: r.unit_code,
    "name": lambda r: r.unit_name.casefold(),
    "status": lambda r: list(RoundStatus).index(r.status),
    "received": lambda r: (r.received_at is None, r.received_at or 0),
    "errors": lambda r: (-r.errors, -r.warnings),
}
TO_REMIND = (RoundStatus.MISSING, RoundStatus.ERRORS, RoundStatus.RETURNED)
LINKS_CSV_BATCH = 500  # units whose links are made (and sent) at a time in links.csv


def output_dir(round_id: str) -> Path:
    return rounds.output_folder(current_app.config["DATA_DIR"], round_id)


def outputs(round_id: str) -> list[rounds.OutputFile]:
    """The round's outputs offered for download, people's files first."""
    return rounds.round_outputs(output_dir(round_id))


def reminder(rnd, rows) -> str:
    """The text to paste into Zalo for the units that have not sent or must fix their return."""
    due = f" (hạn nộp {format_date(rnd.deadline)})" if rnd.deadline else ""
    lines = [f"Văn phòng Ủy ban MTTQ đề nghị các đơn vị sau gửi hoặc sửa báo cáo {period_label(rnd.period)}{due}:"]
    for row in rows:
        if row.status is RoundStatus.MISSING:
            lines.append(f"- {row.unit_name}: chưa nộp báo cáo.")
        elif row.status is RoundStatus.ERRORS:
            lines.append(f"- {row.unit_name}: báo cáo còn {row.errors} lỗi, hãy mở đường dẫn nộp báo cáo để xem ô cần sửa rồi gửi lại.")
        elif row.status is RoundStatus.RETURNED:
            lines.append(f"- {row.unit_name}: văn phòng trả lại để sửa: {row.note}")
    return "\n".join(lines) if len(lines) > 1 else ""


def base_url() -> str:
    """Where the units open their links: the one setting (``tonghop serve --base-url``), never the request's Host."""
    return current_app.config["BASE_URL"]


@bp.get("/rounds/<round_id>")
@allowed(Action.VIEW_ROUND)
def show(round_id: str, message: str = "", forwarded: ForwardResult | None = None):
    rnd = store().round(round_id)
    rows = rounds.status(store(), round_id)
    counts = {s: sum(r.status is s for r in rows) for s in RoundStatus}
    text = reminder(rnd, [r for r in rows if r.status in TO_REMIND])
    wanted = request.args.get("status", "")
    shown = [r for r in rows if r.status.value == wanted] if wanted else rows
    sort = request.args.get("sort", "list")
    job = rounds.latest_consolidation(store(), round_id)
    if SORTS.get(sort):
        shown = sorted(shown, key=SORTS[sort])
    return render_template(
        "board.html", rnd=rnd, rows=shown, total=len(rows), counts=counts, reminder=text, status=wanted, sort=sort,
        sorts=SORTS, outputs=outputs(round_id), verdicts=sent_files(round_id, rows), message=message, typed=typed(rows),
        totals=key_totals(store(), round_id, rows), job=job_view(job),
        again=running_message(job) if request.args.get("dang_chay") and rounds.is_running(job) else "",
        units_url=url_for("office_unit.show", round_id=round_id, code="-").removesuffix("-"),  # built once, not per row
        upward=board_upward(round_id, rows, forwarded),
    ), 400 if message else 200  # fmt: skip


def typed(rows) -> dict[str, str]:
    """Unit code → how its version in use came, for the versions typed on the web form (the
    board names them: "nhập trên trang web", "văn phòng nhập thay (theo điện thoại 9/11)"), and
    the versions forwarded from a unit's own round ("chuyển từ đợt … của …")."""
    return {r.unit_code: sent_how(r) for r in rows if r.channel in (Channel.FORM, Channel.FORWARD)}


@bp.post("/rounds/<round_id>/forward")
@allowed(Action.ACT_ROUND)
def forward(round_id: str):
    """ "Gửi lên cấp trên": the round's consolidation sent into the parent committee's round as
    its return; the board then shows what came of it, or why nothing was sent."""
    try:
        result = forward_round(store(), round_id, actor=actor())
    except PipelineError as err:
        return show(round_id, message=str(err))
    return show(round_id, forwarded=result)


def sent_files(round_id: str, rows) -> list[tuple]:
    """The files of one office drop, ``?gui=12,13,14`` (submission ids; ids of other rounds are
    ignored): each stored submission of this round with the name of the unit it was filed under."""
    wanted = {int(part) for part in request.args.get("gui", "").split(",") if part.strip().isdigit()}
    if not wanted:
        return []
    names = {r.unit_code: r.unit_name for r in rows}
    return [(s, names.get(s.unit_code or "", "")) for s in store().submissions(round_id) if s.id in wanted]


@bp.post("/rounds/<round_id>/upload")
@allowed(Action.ACT_ROUND)
def upload(round_id: str):
    """The office drops the files it received: each filed under its unit, then the board showing
    their verdicts (post, redirect, get: reloading the page never sends the files again)."""
    files = [f for f in request.files.getlist("files") if f and f.filename]
    if not files:
        return show(round_id, message="Chưa chọn tệp nào. Hãy chọn hoặc kéo thả các tệp báo cáo rồi bấm Gửi.")
    verdicts = [
        v for f in files for v in rounds.submit_received(store(), round_id, f.read(), f.filename, sender=Sender.OFFICE, actor=actor())
    ]
    sent = ",".join(str(v.submission_id) for v in verdicts)
    return redirect(url_for("board.show", round_id=round_id, gui=sent) + "#da-nhan", code=303)


@bp.post("/rounds/<round_id>/consolidate")
@allowed(Action.ACT_ROUND)
def consolidate(round_id: str):
    """Start the round's consolidation as a job in a thread of its own (no request waits for
    it), then the board, which shows its progress; a press while it runs shows the running job."""
    job, started = rounds.begin_consolidation(store(), round_id, actor=actor())
    if started:
        work = threading.Thread(
            target=rounds.run_consolidation, args=(store(), job.id, round_id, output_dir(round_id)), kwargs={"actor": job.actor},
            name=f"tonghop-consolidate-{round_id}", daemon=True,
        )  # fmt: skip
        work.start()
    again = {} if started else {"dang_chay": 1}
    return redirect(url_for("board.show", round_id=round_id, **again) + "#ket-qua", code=303)


@bp.get("/rounds/<round_id>/output/<path:name>")
@allowed(Action.VIEW_ROUND)
def output(round_id: str, name: str):
    """One of the round's outputs (only those ``rounds.round_outputs`` lists: never another file)."""
    if name not in {o.name for o in outputs(round_id)}:
        abort(404)
    if name == rounds.NOTICES_ZIP:
        return Response(rounds.notices_zip(output_dir(round_id)), mimetype="application/zip",
                        headers={"Content-Disposition": f"attachment; filename={name}"})  # fmt: skip
    return send_from_directory(output_dir(round_id), name, as_attachment=True)


@bp.get("/rounds/<round_id>/templates.zip")
@allowed(Action.VIEW_ROUND)
def templates_zip(round_id: str):
    rnd = store().round(round_id)
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory(prefix="tonghop-") as tmp:
        paths = rounds.round_templates(store(), round_id, tmp)
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in paths:
                archive.write(path, path.name)
    name = f"bieu_mau_{rnd.period}_{rnd.id}.zip"
    return Response(buffer.getvalue(), mimetype="application/zip", headers={"Content-Disposition": f"attachment; filename={name}"})


@bp.get("/rounds/<round_id>/links")
@allowed(Action.ACT_ROUND)
def links(round_id: str):
    """One page of the units' links (``?page=``, ``?q=`` a name or code), each with its QR code."""
    rnd = store().round(round_id)
    page = page_of(store().units(round_id), request.args.get("q", ""), request.args.get("page", 1))
    rows = rounds.links(store(), round_id, base_url(), units=[u.code for u in page.units]) if page.units else []
    cards = [(code, name, url, qr_code(url)) for code, name, url in rows]
    return render_template("links.html", rnd=rnd, cards=cards, page=page)


@bp.get("/rounds/<round_id>/links.csv")
@allowed(Action.ACT_ROUND)
def links_csv(round_id: str):
    """Every unit's link, sent as it is made (a round of thousands of units starts at once)."""
    codes = [u.code for u in store().units(round_id)]
    name = f"duong_dan_{round_id}.csv"
    rows = _csv_batches(store(), round_id, base_url(), codes)
    return Response(rows, mimetype="text/csv", headers={"Content-Disposition": f"attachment; filename={name}"})


def _csv_batches(opened, round_id: str, base: str, codes: list[str]) -> Iterator[bytes]:
    """links.csv in pieces of ``LINKS_CSV_BATCH`` units: the header (and BOM) with the first."""
    for start in range(0, max(len(codes), 1), LINKS_CSV_BATCH):
        batch = codes[start : start + LINKS_CSV_BATCH]
        text = rounds.links_csv(rounds.links(opened, round_id, base, units=batch) if batch else [])
        yield text if start == 0 else text.split(b"\r\n", 1)[1]


@bp.post("/rounds/<round_id>/units/<code>/reissue")
@allowed(Action.ACT_ROUND)
def reissue(round_id: str, code: str):
    rounds.links(store(), round_id, base_url(), units=[code], reissue=True, actor=actor())
    page = page_number(store().units(round_id), code)
    return redirect(url_for("board.links", round_id=round_id, page=page) + f"#u{code}")
