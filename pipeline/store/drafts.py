"""The store's drafts: the figures a unit (or the office for it) typed on the web form and saved
without sending, one per unit and sender. A draft is work in progress, not a record of what
happened: it is replaced at each save and dropped once the figures are sent (the submission then
keeps them, with the workbook made of them)."""

from __future__ import annotations

import json
from datetime import datetime

import sqlalchemy as sa

from pipeline.core.constants import Sender
from pipeline.core.vnformat import utc_now
from pipeline.store.records import DraftRecord
from pipeline.store.rows import check_unit, round_row
from pipeline.store.schema import drafts


def _key(round_id: str, unit_code: str, sender: Sender | str):
    return sa.and_(drafts.c.round_id == round_id, drafts.c.unit_code == unit_code, drafts.c.sender == Sender(sender).value)


class DraftStore:
    """The drafts' methods of ``Store`` (which provides ``_write`` and ``_read``)."""

    def save_draft(
        self, round_id: str, unit_code: str, sender: Sender | str, figures: dict[str, str], source: str = "", *, now: datetime | None = None
    ) -> DraftRecord:
        """Keep ``figures`` (code → text as typed) as the unit's draft by ``sender``, replacing the one before."""
        sender = Sender(sender)
        saved = now or utc_now()
        texts = {str(code): str(text) for code, text in figures.items()}
        values = {"figures": json.dumps(texts, ensure_ascii=False), "source": str(source), "saved_at": saved}
        with self._write() as conn:
            round_row(conn, round_id)
            check_unit(conn, round_id, unit_code)
            updated = conn.execute(drafts.update().where(_key(round_id, unit_code, sender)).values(**values)).rowcount
            if not updated:
                conn.execute(drafts.insert().values(round_id=round_id, unit_code=unit_code, sender=sender.value, **values))
        return DraftRecord(round_id, unit_code, sender, texts, str(source), saved)

    def draft(self, round_id: str, unit_code: str, sender: Sender | str) -> DraftRecord | None:
        """The unit's draft by ``sender``, None when there is none."""
        with self._read() as conn:
            row = conn.execute(drafts.select().where(_key(round_id, unit_code, sender))).first()
        if row is None:
            return None
        return DraftRecord(row.round_id, row.unit_code, Sender(row.sender), json.loads(row.figures), row.source, row.saved_at)

    def drop_draft(self, round_id: str, unit_code: str, sender: Sender | str) -> None:
        """Forget the unit's draft by ``sender`` (its figures were sent); nothing when there is none."""
        with self._write() as conn:
            conn.execute(drafts.delete().where(_key(round_id, unit_code, sender)))
