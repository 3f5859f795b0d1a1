"""Creating a round, and the links that let each unit send its return.

Only a hash of each unit's token is stored, so a link can be shown once only: ``links`` issues a
new token for each unit asked for, and the unit's previous link stops working. This is the safer
of the two ways to hand out links: a copy of the data folder or of the database (a backup, a
shared drive, a lost laptop) holds no working link, so nobody can send a return in a unit's name
with it; a file of links kept beside the store would be such a key, and file permissions do not
protect it on Windows, where the office machine usually runs. The cost: the list must be made
once and kept by the office (``tonghop round links --out``); for a unit that lost its link, make
its link again alone (``units=[code]``): the other units' links stay valid.
"""

from __future__ import annotations

import csv
import io
import os
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import platformdirs

from pipeline.core.errors import Msg, PipelineError
from pipeline.form.definition import load_form
from pipeline.form.period import Period, parse_deadline
from pipeline.form.units import load_units

if TYPE_CHECKING:
    from pipeline.store import RoundRecord, Store

APP_NAME = "tonghop"
DEFAULT_BASE_URL = "http://127.0.0.1:8000"  # where ``tonghop serve`` listens by default
UNIT_PATH = "/u/"  # a unit's page: <base URL>/u/<token>
LINKS_COLUMNS = ("unit_code", "unit_name", "url")


def default_data_dir() -> Path:
    """Where the store lives unless ``--data`` says otherwise: the user's data folder
    (``~/.local/share/tonghop`` or ``$XDG_DATA_HOME/tonghop`` on Linux, ``~/Library/Application
    Support/tonghop`` on macOS, ``%LOCALAPPDATA%\\tonghop`` on Windows). Not the roaming
    ``%APPDATA%``: a roaming profile is copied at every logon, and the store keeps every file sent."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False, roaming=False))


def create_round(
    store: Store,
    *,
    form_path: str | Path | None = None,
    units_path: str | Path | None = None,
    period: str | Period,
    deadline: str | date | None,
    actor: str = "office",
) -> RoundRecord:
    """Create a round: the form and the unit list loaded and checked as ``tonghop templates``
    does, the period (``PERIOD_001``) and the deadline (``PERIOD_002``) checked.

    No unit has a link yet: ``links`` issues them (see the module's docstring).

    :param form_path: the form's folder (default: the bundled form; the round keeps its path).
    :param units_path: the unit list (default: the bundled list); the round keeps a copy of it.
    """
    chosen = Period.parse(period)
    due = parse_deadline(deadline)
    form = load_form(form_path).for_period(chosen)
    units = load_units(units_path, form)
    form_dir = str(Path(form_path).resolve()) if form_path else ""
    return store.create_round(form_dir, form.id, form.version, chosen.code, due, [(u.code, u.name, u.level) for u in units], actor=actor)


def unit_url(base_url: str, token: str) -> str:
    """A unit's link: its page on the server at ``base_url``."""
    return f"{(base_url or DEFAULT_BASE_URL).rstrip('/')}{UNIT_PATH}{token}"


def links(store: Store, round_id: str, base_url: str = DEFAULT_BASE_URL, *, units: list[str] | None = None) -> list[tuple[str, str, str]]:
    """``(unit_code, unit_name, url)`` of each unit of the round (or of ``units`` only), in the
    list's order, each with a NEW token: the unit's previous link stops working.

    :raises PipelineError: a code of ``units`` is not a unit of the round (``ROUND_102``).
    """
    listed = store.units(round_id)
    if units is not None:
        known = {u.code for u in listed}
        for code in units:
            if code not in known:
                raise PipelineError(Msg.ROUND_102.render(round=round_id, code=code))
        wanted = set(units)
        listed = [u for u in listed if u.code in wanted]
    return [(u.code, u.name, unit_url(base_url, store.issue_token(round_id, u.code))) for u in listed]


def links_csv(rows: list[tuple[str, str, str]]) -> bytes:
    """The links as a CSV file ``unit_code,unit_name,url``, UTF-8 with a BOM (Excel reads the
    Vietnamese names right only with it)."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(LINKS_COLUMNS)
    writer.writerows(rows)
    return text.getvalue().encode("utf-8-sig")


def open_private(path: Path) -> BinaryIO:
    """A new or emptied file, readable by its owner only where the system allows it, opened for
    writing: a file of links is a key to every unit's page. Open it before ``links`` issues the
    tokens, so that a file that cannot be written never leaves the units without working links."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb")
