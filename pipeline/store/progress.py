"""How far rounds have got, counted in the database for many rounds at once (a province's board
shows the own round of each of its 170 communes): per round and level, its units other than the
round's committee, and how many of them have an accepted return (so a version in use)."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from pipeline.store.schema import round_units, rounds, submissions


class ProgressStore:
    """The progress methods of ``Store`` (which provides ``_read``)."""

    def units_sent(self, round_ids: Iterable[str]) -> dict[str, dict[str, tuple[int, int]]]:
        """Round id → level → (its units other than the round's committee, those of them with an
        accepted return), in one query for all ``round_ids``."""
        ids = list(dict.fromkeys(round_ids))
        if not ids:
            return {}
        ru, sub = round_units, submissions
        sent = sa.exists().where(sub.c.round_id == ru.c.round_id, sub.c.unit_code == ru.c.code, sub.c.accepted.is_(True))
        query = (
            sa.select(ru.c.round_id, ru.c.level, sa.func.count(), sa.func.sum(sa.case((sent, 1), else_=0)))
            .select_from(ru.join(rounds, rounds.c.id == ru.c.round_id))
            .where(ru.c.round_id.in_(ids), sa.or_(rounds.c.committee_code.is_(None), ru.c.code != rounds.c.committee_code))
            .group_by(ru.c.round_id, ru.c.level)
        )
        out: dict[str, dict[str, tuple[int, int]]] = {}
        with self._read() as conn:
            for round_id, level, total, done in conn.execute(query):
                out.setdefault(round_id, {})[level] = (int(total), int(done or 0))
        return out
