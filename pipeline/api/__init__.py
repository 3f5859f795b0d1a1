"""The library's front door: what each command does, as functions the CLI calls (and the web
layer, and users' own scripts), one module per command. Arguments are keyword-only; every
function raises a ``PipelineError`` with a Vietnamese message when it cannot do its work.
What a command is judged against is one value (``Context``): ``load_context`` reads it from
paths; ``check_files``, ``consolidate_with`` and ``templates_with`` take it, and the
path-taking ``consolidate`` and ``make_templates`` load it and call them.

May import: every stage below it (``core`` … ``outputs``, ``forward``, ``sample``); never
``rounds``, ``web`` or ``cli``.

Each name is imported from its module when first used (PEP 562), so a command loads only what
it needs: writing templates never imports pandas.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipeline.core.lazy import lazy_names

if TYPE_CHECKING:
    from pipeline.api.base import PathLike, chosen_period, prior_and_crosswalk
    from pipeline.api.check import FileCheck, check_context, check_files
    from pipeline.api.consolidation import consolidate, consolidate_kept, consolidate_with
    from pipeline.api.context import load_context
    from pipeline.api.demos import DEMO_PRIOR, DemoRun, demo
    from pipeline.api.levels import ForwardRun, UnitList, forward, province_unit_list, provinces
    from pipeline.api.report import AppendixRun, make_report, write_report
    from pipeline.api.templates import TemplateRun, make_templates, template_data, templates_with
    from pipeline.validate.context import Context, Options

_MODULES = {
    "pipeline.api.base": ("PathLike", "chosen_period", "prior_and_crosswalk"),
    "pipeline.api.check": ("FileCheck", "check_context", "check_files"),
    "pipeline.api.consolidation": ("consolidate", "consolidate_kept", "consolidate_with"),
    "pipeline.api.context": ("load_context",),
    "pipeline.api.demos": ("DEMO_PRIOR", "DemoRun", "demo"),
    "pipeline.api.levels": ("ForwardRun", "UnitList", "forward", "province_unit_list", "provinces"),
    "pipeline.api.report": ("AppendixRun", "make_report", "write_report"),
    "pipeline.api.templates": ("TemplateRun", "make_templates", "template_data", "templates_with"),
    "pipeline.validate.context": ("Context", "Options"),
}
__getattr__, __dir__ = lazy_names(_MODULES, globals())

__all__ = [
    "DEMO_PRIOR",
    "AppendixRun",
    "Context",
    "DemoRun",
    "FileCheck",
    "ForwardRun",
    "Options",
    "PathLike",
    "TemplateRun",
    "UnitList",
    "check_context",
    "check_files",
    "chosen_period",
    "consolidate",
    "consolidate_kept",
    "consolidate_with",
    "demo",
    "forward",
    "load_context",
    "make_report",
    "make_templates",
    "prior_and_crosswalk",
    "province_unit_list",
    "provinces",
    "template_data",
    "templates_with",
    "write_report",
]
