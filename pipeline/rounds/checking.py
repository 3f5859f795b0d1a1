"""What a round's returns are checked and consolidated against (its form for the period, its
units, its deadline: a ``validate.context.Context``), made from the store once per round and
process, not at every upload: loading the form and folding the names of some 3,000 units would
otherwise be most of the work of checking one return. Uploads and the round's consolidation
(``consolidation``, with its prior figures added) and templates (``create``) share it.

A round's unit list never changes once it is created; its form folder may be edited (and must
then still be the round's version, ``ROUND_108``): the cache is keyed by the round and by the
content of the form's folder (a few small CSV files, hashed at each upload), so an edited form
is loaded and checked again at the next upload.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.core import settings
from pipeline.form.model import Unit
from pipeline.form.period import Period
from pipeline.rounds.setup import form_path, round_form
from pipeline.validate.context import Context, Options

if TYPE_CHECKING:
    from pipeline.store import RoundRecord, Store, UnitRecord

CACHED_ROUNDS = 8  # rounds kept in memory (a context of 3,000 units is about a megabyte)


@dataclass(frozen=True)
class RoundCheck:
    """A round's units (in the list's order) and the context its returns are checked in;
    ``signature``: a hash of the round, its form's files and its units (what reading and
    checking a return depends on, with the period and deadline: ``outcomes``)."""

    units: list[UnitRecord]
    context: Context
    signature: str = ""


_cache: OrderedDict[tuple, RoundCheck] = OrderedDict()
_lock = threading.Lock()  # one thread loads a round; the others wait for it rather than load it too


def form_signature(folder: str | None) -> str:
    """A hash of the names and contents of the CSV files of the form's folder (None: the bundled form)."""
    root = Path(folder) if folder else settings.DEFINITIONS_DIR
    digest = hashlib.sha256()
    try:
        for path in sorted(p for p in root.iterdir() if p.suffix.lower() == ".csv" and p.is_file()):
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    except OSError:
        return ""  # loading the form says what is wrong
    return digest.hexdigest()


def round_check(store: Store, rnd: RoundRecord, *, fold: bool = True) -> RoundCheck:
    """The round's units and check context, loaded once (``ROUND_108`` if its form changed version).

    :param fold: the units' names folded too, for recognising a return by its unit's name (an
        upload's check); a consolidation makes a context of its own from this one (with the
        prior figures) and folds there, only if a return needs it."""
    key = (str(store.data_dir), rnd.id, rnd.created_at, form_signature(form_path(rnd)))
    with _lock:
        found = _cache.get(key)
        if found is None:
            found = _load(store, rnd, key[1:])
            _cache[key] = found
            while len(_cache) > CACHED_ROUNDS:
                _cache.popitem(last=False)
        if fold:
            found.context.folded_names  # noqa: B018 - folded here, under the lock, not by the first uploads at once
        _cache.move_to_end(key)
        return found


def _load(store: Store, rnd: RoundRecord, key: tuple) -> RoundCheck:
    period = Period.parse(rnd.period)
    form = round_form(rnd).for_period(period)  # the form folder still holds the round's version
    units = store.units(rnd.id)  # checked when the round was created
    listed = [Unit(u.code, u.name, u.level) for u in units]
    context = Context.of(form, listed, period.code, options=Options(deadline=rnd.deadline))
    digest = hashlib.sha256(repr(key).encode())
    for unit in listed:
        digest.update(f"\0{unit.code}\t{unit.name}\t{unit.level}".encode())
    return RoundCheck(units=units, context=context, signature=digest.hexdigest())


def clear() -> None:
    """Forget every round (tests; a process that edits rounds' forms in place)."""
    with _lock:
        _cache.clear()
