"""A committee's own form folder: its level's form (the bundled commune form, a province's form)
copied under the data folder with the heading set for that committee (``committee``, ``parent``
and ``place`` of ``form.csv``), so that its round's templates and appendix name it ("Ủy ban
MTTQ Việt Nam xã Bản Bo", under "Ủy ban MTTQ Việt Nam tỉnh Lai Châu"). The round keeps the
folder (``rounds.form_dir``) as it keeps any form folder; the form's id and version stay the
level form's, so a committee's return is the same form as every other commune's.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.core.atomic import atomic_path
from pipeline.core.errors import Msg, PipelineError, StoreError
from pipeline.form.csvread import Given
from pipeline.form.definition import load_form
from pipeline.form.period import Period
from pipeline.form.units import load_units
from pipeline.forward.identity import code_key, top_unit
from pipeline.rounds.create import create_round

if TYPE_CHECKING:
    from pipeline.store import RoundRecord, Store

FORMS_DIR = "forms"  # under the data folder: one folder per committee
FRONT = "Ủy ban MTTQ Việt Nam"
# What a unit's official name starts with that is not its place's name.
_SAFE = re.compile(r"[^0-9A-Za-z_-]")  # a code as a folder name
_LEVEL_WORD = re.compile(r"^(?:xã|phường|đặc khu|thị trấn|tỉnh|thành phố|thị xã|quận|huyện)\s+", re.I)


def committee_title(name: str) -> str:
    """The committee of the unit ``name``: ``Xã Bản Bo`` → ``Ủy ban MTTQ Việt Nam xã Bản Bo``
    (the level word in lower case, as the form's ``is_committee`` matches it)."""
    name = " ".join(name.split())
    return f"{FRONT} {name[:1].lower()}{name[1:]}" if _LEVEL_WORD.match(name) else f"{FRONT} {name}"


def place_of(name: str) -> str:
    """The place a unit's name names: ``Xã Bản Bo`` → ``Bản Bo``."""
    return _LEVEL_WORD.sub("", " ".join(name.split()), count=1)


def _heading(form_csv: bytes, values: dict[str, str]) -> bytes:
    """``form.csv`` with the rows of ``values`` set (added when absent), the other rows as they are."""
    rows = list(csv.reader(io.StringIO(form_csv.decode("utf-8-sig"))))
    header, body = rows[0], [row for row in rows[1:] if row]
    left = dict(values)
    body = [[row[0], left.pop(row[0])] if row[0] in left else row for row in body]
    body += [[key, value] for key, value in left.items()]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *body])
    return out.getvalue().encode("utf-8")


def committee_form(data_dir: str | Path, level_form: str | Path, *, code: str, name: str, parent_name: str = "") -> Path:
    """``<data_dir>/forms/<code>``: the form folder ``level_form`` with the heading of the committee
    of unit ``name`` (code ``code``) under the committee of unit ``parent_name`` ("" keeps the
    level form's). Written only when it differs, so a round that keeps it sees no change."""
    source, target = Path(level_form), Path(data_dir) / FORMS_DIR / _SAFE.sub("_", code)
    values = {"committee": committee_title(name), "place": place_of(name)}
    if parent_name:
        values["parent"] = committee_title(parent_name)
    for path in sorted(p for p in source.iterdir() if p.is_file() and p.suffix.lower() == ".csv"):
        data = path.read_bytes()
        if path.name == "form.csv":
            data = _heading(data, values)
        out = target / path.name
        if not out.is_file() or out.read_bytes() != data:
            with atomic_path(out) as tmp:
                tmp.write_bytes(data)
    return target


def _check_own_row(units_path, folder: Path, committee, levels: list[str]) -> None:
    """A list the office gives starts with its own committee (the unit its consolidation is
    forwarded as, ``forward.identity``), so that a list without it, or with a neighbour's row, is
    refused now rather than at "Gửi lên cấp trên", after every area has sent its return.

    :raises PipelineError: ``ROUND_160``, saying the row to add; what ``load_units`` raises.
    """
    top = top_unit(load_units(units_path, load_form(folder)), levels)
    if top is None or code_key(top.code) != code_key(committee.code):
        first = f"{top.code} – {top.name}" if top else "?"
        raise PipelineError(Msg.ROUND_160, name=committee.name, code=committee.code, level=levels[0], first=first)


def _children_list(store: Store, committee, levels: list[str]) -> Given:
    """The committee (at the form's first level) and the committees right under it (at its
    second), as a unit list."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("code", "name", "level"))
    writer.writerow((committee.code, committee.name, levels[0]))
    writer.writerows((child.code, child.name, levels[1]) for child in store.committee_children(committee.code))
    return Given("don_vi.csv", out.getvalue().encode("utf-8"))


def create_committee_round(
    store: Store,
    committee_code: str,
    *,
    level_form: str | Path,
    period: str | Period,
    deadline: str | date | None,
    units_path: str | Path | Given | None = None,
    actor: str = "office",
) -> RoundRecord:
    """A round of the committee ``committee_code``: its own form folder made from ``level_form``
    (``committee_form``), and as units the list given (a commune's residential areas, the
    committee itself first), else the committee and the committees right under it on the server.

    :raises StoreError: no such committee (``ACCOUNT_003``); what ``create_round`` raises.
    :raises PipelineError: a list given that does not start with the committee (``ROUND_160``);
        no list for a committee with none under it (``ROUND_161``).
    """
    committee = store.committee(committee_code)
    if committee is None:
        raise StoreError(Msg.ACCOUNT_003, code=committee_code)
    parent = store.committee(committee.parent_code) if committee.parent_code else None
    folder = committee_form(store.data_dir, level_form, code=committee.code, name=committee.name, parent_name=parent.name if parent else "")
    levels = list(load_form(folder).levels)
    if units_path is not None:
        _check_own_row(units_path, folder, committee, levels)
    if units_path is None and not store.committee_children(committee.code):
        raise PipelineError(Msg.ROUND_161, name=committee.name, code=committee.code, level=levels[0], sub=levels[-1])
    units = units_path if units_path is not None else _children_list(store, committee, levels)
    return create_round(
        store, form_path=folder, units_path=units, period=period, deadline=deadline, actor=actor, committee_code=committee.code
    )
