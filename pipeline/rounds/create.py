"""Creating a round, and the links that let each unit send its return.

A unit's link is stable: its token is HMAC-SHA256(server secret, round id, unit code, the unit's
generation), so the office can print or download the list of links as often as it likes and the
links already sent keep working. Re-issuing a unit's link (a link that went astray) bumps its
generation: a new token, and the old link stops working. The store keeps only a hash of each
token (``Store.set_token``), so the database alone holds no working link. The secret is
``TONGHOP_SECRET`` if set, else ``<data folder>/secret.key`` (made once, readable by its owner
only where the system allows it): whoever has it and the data can make every unit's link, so on
a shared or Windows machine, where file permissions protect little, set ``TONGHOP_SECRET``
instead and keep the data folder's backups as private as the list of links.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import hmac
import io
import os
import secrets
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import platformdirs

from pipeline import api
from pipeline.core.errors import Msg, PipelineError
from pipeline.form.csvread import Given
from pipeline.form.definition import load_form
from pipeline.form.period import Period, parse_deadline
from pipeline.form.units import load_units
from pipeline.rounds.checking import round_check
from pipeline.rounds.settings import saved_base_url

if TYPE_CHECKING:
    from pipeline.store import RoundRecord, Store

APP_NAME = "tonghop"
DEFAULT_BASE_URL = "http://127.0.0.1:8000"  # where ``tonghop serve`` listens by default
UNIT_PATH = "/u/"  # a unit's page: <base URL>/u/<token>
LINKS_COLUMNS = ("unit_code", "unit_name", "url")
SECRET_ENV = "TONGHOP_SECRET"
SECRET_FILE = "secret.key"
SECRET_BYTES = 32


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
    units_path: str | Path | Given | None = None,
    period: str | Period,
    deadline: str | date | None,
    actor: str = "office",
    committee_code: str | None = None,
) -> RoundRecord:
    """Create a round: the form and the unit list loaded and checked as ``tonghop templates``
    does, the period (``PERIOD_001``) and the deadline (``PERIOD_002``) checked.

    No unit has a link yet: ``links`` issues them (see the module's docstring).

    :param form_path: the form's folder (default: the bundled form; the round keeps its path).
    :param units_path: the unit list, a CSV as Excel saves it or a workbook, or an upload
        (``Given``); default: the bundled list. The round keeps its units.
    :param committee_code: the committee whose round it is (None: the server owner's).
    """
    chosen = Period.parse(period)
    due = parse_deadline(deadline)
    form = load_form(form_path).for_period(chosen)
    units = load_units(units_path, form)
    form_dir = str(Path(form_path).resolve()) if form_path else ""
    return store.create_round(
        form_dir,
        form.id,
        form.version,
        chosen.code,
        due,
        [(u.code, u.name, u.level) for u in units],
        actor=actor,
        committee_code=committee_code,
    )


def unit_url(base_url: str, token: str) -> str:
    """A unit's link: its page on the server at ``base_url``."""
    return f"{(base_url or DEFAULT_BASE_URL).rstrip('/')}{UNIT_PATH}{token}"


def server_secret(data_dir: str | Path) -> bytes:
    """The secret the links are derived from: ``TONGHOP_SECRET``, else ``<data_dir>/secret.key``,
    made on first use (random, 256 bits, mode 0600)."""
    env = os.environ.get(SECRET_ENV, "")
    if env:
        return env.encode("utf-8")
    path = Path(data_dir) / SECRET_FILE
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w", encoding="ascii") as out:
            out.write(secrets.token_hex(SECRET_BYTES) + "\n")
    except FileExistsError:
        pass
    key = path.read_text(encoding="ascii").strip()
    if not key:
        raise PipelineError(Msg.ROUND_109, where=str(path))
    return key.encode("ascii")


def unit_token(secret: bytes, round_id: str, unit_code: str, generation: int) -> str:
    """The token of a unit's link: HMAC-SHA256 of round, unit and generation (256 bits, URL-safe)."""
    message = f"{round_id}\x1f{unit_code}\x1f{generation}".encode()
    digest = hmac.new(secret, message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def links(
    store: Store,
    round_id: str,
    base_url: str | None = None,
    *,
    units: list[str] | None = None,
    reissue: bool = False,
    actor: str = "office",
) -> list[tuple[str, str, str]]:
    """``(unit_code, unit_name, url)`` of each unit of the round (or of ``units`` only), in the
    list's order. The same links every time; ``reissue``: a new link for each unit asked for,
    and its previous link stops working.

    :param base_url: where the units open the pages; default: the one kept in the data folder
        (``tonghop serve --base-url``), else ``DEFAULT_BASE_URL``.
    :param actor: who the audit log names for the links issued (an office account's login).

    :raises PipelineError: a code of ``units`` is not a unit of the round (``ROUND_102``).
    """
    listed = store.units(round_id)
    if units is not None:
        known = {u.code for u in listed}
        for code in units:
            if code not in known:
                raise PipelineError(Msg.ROUND_102, round=round_id, code=code)
        wanted = set(units)
        listed = [u for u in listed if u.code in wanted]
    secret = server_secret(store.data_dir)
    base_url = base_url or saved_base_url(store.data_dir) or DEFAULT_BASE_URL
    current = store.current_tokens(round_id)  # one query for the round, not two per unit
    tokens, new = {}, {}
    for u in listed:
        # The generation is how many tokens the unit had before: the current one is the last
        # issued (issued - 1) unless it was not derived (an older random link, another secret).
        issued, newest = current.get(u.code, (0, ""))
        token = unit_token(secret, round_id, u.code, issued - 1) if issued and not reissue else ""
        if not token or not hmac.compare_digest(store.token_hash(token), newest):
            token = new[u.code] = unit_token(secret, round_id, u.code, issued)
        tokens[u.code] = token
    if new:
        store.set_tokens(round_id, new, actor)  # one transaction for the units without a link yet
    return [(u.code, u.name, unit_url(base_url, tokens[u.code])) for u in listed]


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


def round_templates(store: Store, round_id: str, out: str | Path, *, units: list[str] | None = None) -> list[Path]:
    """The round's templates (of every unit, or of ``units`` only) written into ``out``, made
    as ``tonghop templates`` makes them with the round's form, period and deadline.

    :raises PipelineError: a code of ``units`` is not a unit of the round (``ROUND_102``).
    """
    rnd = store.round(round_id)
    loaded = round_check(store, rnd).context  # the form still the round's version (ROUND_108)
    listed = store.units(round_id)
    if units is not None:
        missing = sorted(set(units) - {u.code for u in listed})
        if missing:
            raise PipelineError(Msg.ROUND_102, round=round_id, code=missing[0])
        listed = [u for u in listed if u.code in set(units)]
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    chosen = {u.code: loaded.units[u.code] for u in listed}
    context = replace(loaded, units=chosen, options=replace(loaded.options, jobs=1))
    return api.templates_with(context, out=out).paths
