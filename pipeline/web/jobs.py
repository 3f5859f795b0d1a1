"""The round's consolidation job as the board shows it (and ``/api/…/consolidation`` gives it
to the board's script): where it stands, who started it when (Vietnam time), files read n/N,
how it ended. The job itself is ``rounds.jobs``'s; this module only words it."""

from __future__ import annotations

from pipeline import rounds
from pipeline.core.constants import Sender
from pipeline.core.errors import Msg
from pipeline.core.vnformat import format_number, format_vn_time
from pipeline.store import JobRecord

ACTORS = {str(sender): sender.label for sender in Sender}  # who did it, as pages name them


def actor_label(actor: str) -> str:
    return ACTORS.get(actor, actor)


def job_view(job: JobRecord | None) -> dict | None:
    """What the board shows of the round's latest consolidation job (None: never started on the
    web): ``state`` (running, done, failed, abandoned), who started it and when, files read,
    the summary or the message of what stopped it."""
    if job is None:
        return None
    state = "abandoned" if rounds.is_abandoned(job) else job.state
    total = job.total or 0
    view = {
        "state": state,
        "actor": actor_label(job.actor),
        "started": format_vn_time(job.started_at),
        "finished": format_vn_time(job.finished_at),
        "done": job.done,
        "total": total,
        "read": f"{format_number(job.done)}/{format_number(total)}" if total else "…",
        "percent": round(100 * job.done / total) if total else 0,
        "result": job.result,
        "error": job.error,
    }
    if state == "abandoned":
        view["error"] = Msg.ROUND_121.render(
            round=job.round_id, since=view["started"], done=format_number(job.done), total=format_number(total)
        )
    return view


def running_message(job: JobRecord) -> str:
    """The answer to a press while the round's consolidation is running (``ROUND_120``)."""
    total = format_number(job.total) if job.total else "…"
    return Msg.ROUND_120.render(
        round=job.round_id, actor=actor_label(job.actor), since=format_vn_time(job.started_at), done=format_number(job.done), total=total
    )
