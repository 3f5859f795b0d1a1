"""The store's committees: the tree of Fatherland Front committees one server serves (the
registry's province and communes, or any unit list's tree), each kept by its official code with
its parent. Committees are only added: running the same initialisation twice adds nothing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from pipeline.core.errors import Msg, StoreError
from pipeline.core.vnformat import utc_now
from pipeline.store.schema import committees


@dataclass(frozen=True)
class CommitteeRecord:
    """A committee: its official code, name, level and the code of the committee above it."""

    code: str
    name: str
    level: str
    parent_code: str | None
    created_at: datetime


def _committee(row: sa.Row) -> CommitteeRecord:
    return CommitteeRecord(row.code, row.name, row.level, row.parent_code, row.created_at)


def _parents_first(rows: Sequence[tuple[str, str, str, str | None]], known: set[str]) -> list[tuple[str, str, str, str | None]]:
    """``rows`` ordered so that each comes after its parent (a parent already kept counts as
    placed). :raises StoreError: a parent that is neither kept nor among the rows (``ACCOUNT_001``)."""
    pending, placed, out = list(rows), set(known), []
    while pending:
        ready = [row for row in pending if row[3] is None or row[3] in placed]
        if not ready:
            raise StoreError(Msg.ACCOUNT_001, code=pending[0][0], parent=pending[0][3])
        out.extend(ready)
        placed.update(row[0] for row in ready)
        pending = [row for row in pending if row[0] not in placed]
    return out


class CommitteeStore:
    """The committees' methods of ``Store`` (which provides ``_write`` and ``_read``)."""

    def add_committees(self, rows: Sequence[tuple[str, str, str, str | None]]) -> list[str]:
        """Keep the committees ``(code, name, level, parent_code)`` not kept yet, in one
        transaction (parents before children, whatever the order given); returns the codes added,
        in the order given. A code already kept is left as it is.

        :raises StoreError: a parent neither kept nor given (``ACCOUNT_001``).
        """
        now = utc_now()
        with self._write() as conn:
            known = set(conn.execute(sa.select(committees.c.code)).scalars())
            new = [row for row in dict((row[0], row) for row in rows).values() if row[0] not in known]
            ordered = _parents_first(new, known)
            if ordered:
                values = [dict(code=c, name=n, level=lv, parent_code=p, created_at=now) for c, n, lv, p in ordered]
                conn.execute(committees.insert(), values)
        return [row[0] for row in new]

    def committees(self) -> list[CommitteeRecord]:
        """Every committee, by code."""
        with self._read() as conn:
            return [_committee(row) for row in conn.execute(committees.select().order_by(committees.c.code))]

    def committee(self, code: str) -> CommitteeRecord | None:
        """The committee ``code``; None when there is none."""
        with self._read() as conn:
            row = conn.execute(committees.select().where(committees.c.code == str(code))).first()
        return None if row is None else _committee(row)

    def committee_chain(self, code: str) -> list[str]:
        """``code`` and the codes of the committees above it, nearest first; [] when no such committee."""
        chain: list[str] = []
        with self._read() as conn:
            current: str | None = str(code)
            while current is not None and current not in chain:
                parent = conn.execute(sa.select(committees.c.parent_code).where(committees.c.code == current)).first()
                if parent is None:
                    break
                chain.append(current)
                current = parent.parent_code
        return chain

    def committee_children(self, code: str) -> list[CommitteeRecord]:
        """The committees right under ``code``, by code."""
        query = committees.select().where(committees.c.parent_code == str(code)).order_by(committees.c.code)
        with self._read() as conn:
            return [_committee(row) for row in conn.execute(query)]

    def committees_under(self, code: str) -> list[CommitteeRecord]:
        """Every committee below ``code`` at any depth, each after its parent (the children of
        one committee by code): the committees whose rounds an office of ``code`` reads."""
        children: dict[str | None, list[CommitteeRecord]] = {}
        for committee in self.committees():
            children.setdefault(committee.parent_code, []).append(committee)
        out, queue = [], list(children.get(str(code), []))
        while queue:
            committee = queue.pop(0)
            out.append(committee)
            queue.extend(children.get(committee.code, []))
        return out
