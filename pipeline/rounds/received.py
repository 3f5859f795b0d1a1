"""What a round receives may be a zip of returns (a ward sends three by Zalo, the office drops
what Windows zipped): each file inside is submitted on its own, with its own verdict, exactly
as if it had been sent alone (``submit.submit``), under the name ``Báo cáo.zip/BC Tân Phong.xlsx``.

The zip's own bytes are kept in the store too, named in the round's audit log with the
submissions made from it: nothing received is lost. Through a unit's link, a file inside of
another unit follows the rule of any file of another unit sent through a link (``ROUND_101``:
not accepted, kept). Every file inside is received when the zip was (the upload's time). A zip
refused whole (damaged, password, a limit broken: ``ingest.archive``) is one submission, the
zip itself, with the finding that says why; a file nested deeper than ``archive.MAX_DEPTH``
zips is one with the same finding.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.consolidate.collect import list_files, read_failure
from pipeline.core.constants import Sender, Severity
from pipeline.core.errors import Msg, PipelineError, WorkbookReadError
from pipeline.ingest.archive import Listed, is_archive, list_zip, member_data
from pipeline.rounds.board import unit_status
from pipeline.rounds.setup import safe_name
from pipeline.rounds.submit import Verdict, finding, submit

if TYPE_CHECKING:
    from pipeline.store import Store

ACTION_ZIP = "upload"  # the audit line of a zip is one of the upload's


def submit_received(store: Store, round_id: str, data: bytes, filename: str, **sent: Any) -> list[Verdict]:
    """``submit`` what was sent: one verdict for a file, one for each file inside a zip.

    :param filename: the name the sender gave it.
    :param sent: ``link_unit``, ``sender``, ``received_at``, ``actor``, as ``submit`` takes them.
    """
    try:
        listed = (list_zip(data) or []) if is_archive(data) else []
    except WorkbookReadError:  # refused whole: the zip is one submission, its check says why
        listed = []
    if not listed:
        return [submit(store, round_id, data, filename, **sent)]
    zip_name = safe_name(filename)
    verdicts = [_submit_member(store, round_id, data, zip_name, item, sent) for item in listed]
    sha = store.put_blob(data)
    numbers = ", ".join(str(v.submission_id) for v in verdicts)
    detail = f"Tệp nén '{zip_name}' (sha256 {sha}): {len(verdicts)} tệp bên trong, thành các bản nộp số {numbers}"
    store.log(round_id, sent.get("actor") or sent.get("sender", Sender.UNIT), ACTION_ZIP, sent.get("link_unit"), detail)
    return verdicts


def _submit_member(store: Store, round_id: str, data: bytes, zip_name: str, item: Listed, sent: dict[str, Any]) -> Verdict:
    inside = "/".join(safe_name(part) for part in [zip_name, *item.name.split("/")[:-1]] if part)
    name = item.name.rsplit("/", 1)[-1]
    try:
        member = member_data(data, item.chain) if not item.failure else b""
    except WorkbookReadError as err:
        item, member = Listed(item.chain, item.name, item.mtime, err), b""
    if item.failure:
        return _refused(store, round_id, f"{inside}/{safe_name(name)}", item.failure, sent)
    return submit(store, round_id, member, name, inside=inside, **sent)


def _refused(store: Store, round_id: str, shown: str, failure: WorkbookReadError, sent: dict[str, Any]) -> Verdict:
    """A file inside that is not read (nested too deep, too large): a submission without bytes of
    its own (the zip's hold it) and the finding that says why."""
    link_unit = sent.get("link_unit")
    found = [finding(read_failure(shown, failure, Severity.ERROR))]
    errors = sum(f["severity"] == Severity.ERROR.value for f in found)
    sub_id = store.add_submission(
        round_id, sha256=store.put_blob(b""), filename=shown, sender=sent.get("sender", Sender.UNIT), link_unit=link_unit, unit_code=None,
        accepted=False, errors=errors, warnings=0, findings=found, saved_at=None, received_at=sent.get("received_at"),
        actor=sent.get("actor"),
    )  # fmt: skip
    state = unit_status(store, round_id, link_unit).status if link_unit else None
    return Verdict(
        submission_id=sub_id, filename=shown, unit_code="", unit_name="", link_unit=link_unit, accepted=False, status=state,
        errors=errors, warnings=0, findings=found,
    )  # fmt: skip


def add_paths(store: Store, round_id: str, paths: list[str | Path], *, sender: Sender | str = Sender.OFFICE) -> list[Verdict]:
    """The office drops many files at once (what arrived by Zalo or email): each file (each file
    inside a zip: ``received``), and each return in a folder and its subfolders (found as ``tonghop consolidate`` finds them: Office
    lock files and links skipped), is submitted without a link: recognised by its metadata and
    filed under its unit. Each is received at its own file time (when the office got it).

    :raises PipelineError: a folder has no file at all (``CLI_015``).
    """
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found, _skipped = list_files(path)
            if not found:
                raise PipelineError(Msg.CLI_015, where=str(path))
            files += found
        else:
            files.append(path)
    verdicts = []
    for path in files:
        got = datetime.fromtimestamp(path.stat().st_mtime, tz=timezone.utc)
        verdicts += submit_received(store, round_id, path.read_bytes(), path.name, sender=sender, received_at=got)
    return verdicts
