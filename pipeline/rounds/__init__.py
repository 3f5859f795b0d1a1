"""The collection round ("đợt thu báo cáo"): create a round, give each unit its link, take in
returns (through a unit's link or dropped by the office), show where each unit stands, review,
and consolidate the version in use of each unit. A library layer: the CLI (and the web layer)
call these functions; every check and the consolidation are ``pipeline.api``'s, every record
goes through ``pipeline.store.Store`` (no SQL here).

May import: ``api`` and every stage below it, ``store``. Each name is imported from its module
when first used (``core.lazy``): a round's consolidation loads neither the jobs nor Word's library."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipeline.core.lazy import lazy_names

if TYPE_CHECKING:
    from pipeline.rounds.board import UnitStatus, review, status
    from pipeline.rounds.consolidation import consolidate_round
    from pipeline.rounds.create import (
        DEFAULT_BASE_URL,
        create_round,
        default_data_dir,
        links,
        links_csv,
        round_templates,
        server_secret,
        unit_url,
    )
    from pipeline.rounds.jobs import (
        JobPoller,
        begin_consolidation,
        is_abandoned,
        is_running,
        latest_consolidation,
        output_folder,
        run_consolidation,
    )
    from pipeline.rounds.outputs import NOTICES_ZIP, OutputFile, notices_zip, round_outputs
    from pipeline.rounds.received import add_paths, submit_received
    from pipeline.rounds.settings import check_base_url, office_token, save_base_url, saved_base_url

_MODULES = {
    "pipeline.rounds.board": ("UnitStatus", "review", "status"),
    "pipeline.rounds.consolidation": ("consolidate_round",),
    "pipeline.rounds.create": (
        "DEFAULT_BASE_URL",
        "create_round",
        "default_data_dir",
        "links",
        "links_csv",
        "round_templates",
        "server_secret",
        "unit_url",
    ),
    "pipeline.rounds.jobs": (
        "JobPoller",
        "begin_consolidation",
        "is_abandoned",
        "is_running",
        "latest_consolidation",
        "output_folder",
        "run_consolidation",
    ),
    "pipeline.rounds.outputs": ("NOTICES_ZIP", "OutputFile", "notices_zip", "round_outputs"),
    "pipeline.rounds.received": ("add_paths", "submit_received"),
    "pipeline.rounds.settings": ("check_base_url", "office_token", "save_base_url", "saved_base_url"),
}
__getattr__, __dir__ = lazy_names(_MODULES, globals())

# Imported now: the function ``submit`` has its module's name, which importing the module (as
# ``entry`` does) would otherwise leave in its place.
from pipeline.rounds.submit import Verdict, submit  # noqa: E402

__all__ = [
    "DEFAULT_BASE_URL",
    "NOTICES_ZIP",
    "OutputFile",
    "UnitStatus",
    "Verdict",
    "add_paths",
    "JobPoller",
    "begin_consolidation",
    "check_base_url",
    "consolidate_round",
    "create_round",
    "default_data_dir",
    "is_abandoned",
    "is_running",
    "latest_consolidation",
    "links",
    "links_csv",
    "notices_zip",
    "office_token",
    "review",
    "round_outputs",
    "round_templates",
    "output_folder",
    "run_consolidation",
    "save_base_url",
    "saved_base_url",
    "server_secret",
    "status",
    "submit",
    "submit_received",
    "unit_url",
]
