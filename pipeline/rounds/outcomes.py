"""Where the outcome of each return sent to a round is remembered (``consolidate.remembered``):
checked once when it arrives, not read again when the round is consolidated. A national
round's 3,321 returns are then consolidated in the time it takes to write the outputs.

The place is a hash of everything reading and checking a return depends on: the program (its
source files and the reading libraries' versions), the round, its form's files and units
(``RoundCheck.signature``), the period and deadline, and the file (its content's hash, the name
it is shown by, the time it was received). Any of them changed is another place: the return
is read again, never judged by a stale outcome. The outcomes live in ``outcome_cache/`` in the
store's data folder, one SQLite file per program; those of other programs (an upgrade) are
removed the first time this program opens its own. Not part of a backup: a restored store
reads its returns again once, and remembers them then.
"""

from __future__ import annotations

import hashlib
import sys
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.consolidate.remembered import Remembered

if TYPE_CHECKING:
    from pipeline.rounds.checking import RoundCheck
    from pipeline.store import Store

OUTCOMES_DIR = "outcome_cache"
SUFFIX = ".sqlite"
READERS = ("python-calamine", "openpyxl")  # the libraries whose reading an outcome holds


@cache
def program_signature() -> str:
    """A hash of this program's source files, the reading libraries' versions and Python's."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256(sys.version.encode())
    for name in READERS:
        try:
            digest.update(f"\0{name}={metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"\0{name}=".encode())
    for source in sorted(package.rglob("*.py")):
        digest.update(b"\0" + source.relative_to(package).as_posix().encode() + b"\0" + source.read_bytes())
    return digest.hexdigest()[:20]


def outcome_place(store: Store, checked: RoundCheck, sha256: str, label: str, received: float) -> Remembered:
    """Where the outcome of the stored file ``sha256``, shown as ``label`` and received at
    ``received`` (a timestamp), read against the round's context (``checked.context``), is remembered."""
    context, options = checked.context, checked.context.options
    parts = (checked.signature, context.period, options.deadline, options.fix_days, options.factor, sha256, label, repr(received))
    return Remembered(_memory(store.data_dir), hashlib.sha256(repr(parts).encode()).hexdigest())


@cache
def _memory(data_dir: Path) -> Path:
    """This program's memory of outcomes; other programs' removed (once per process)."""
    root = Path(data_dir) / OUTCOMES_DIR
    own = root / f"{program_signature()}{SUFFIX}"
    if root.is_dir():
        for other in root.iterdir():
            if not other.name.startswith(own.name) and other.is_file() and not other.is_symlink():
                other.unlink(missing_ok=True)  # with its write-ahead log
    return own
