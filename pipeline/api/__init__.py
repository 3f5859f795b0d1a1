"""The library's front door: what each command does, as functions the CLI calls (and the web
layer, and users' own scripts), one module per command. Arguments are keyword-only; every
function raises a ``PipelineError`` with a Vietnamese message when it cannot do its work.
What a command is judged against is one value (``Context``): ``load_context`` reads it from
paths; ``check_files``, ``consolidate_with`` and ``templates_with`` take it, and the
path-taking ``consolidate`` and ``make_templates`` load it and call them.

May import: every stage below it (``core`` … ``outputs``, ``forward``, ``sample``); never
``rounds``, ``web`` or ``cli``."""

from pipeline.api.base import PathLike, chosen_period, prior_and_crosswalk
from pipeline.api.check import FileCheck, check_context, check_files
from pipeline.api.consolidation import consolidate, consolidate_kept, consolidate_with
from pipeline.api.context import load_context
from pipeline.api.demo import DEMO_PRIOR, DemoRun, demo
from pipeline.api.levels import ForwardRun, UnitList, forward, province_unit_list, provinces
from pipeline.api.report import AppendixRun, make_report, write_report
from pipeline.api.templates import TemplateRun, make_templates, template_data, templates_with
from pipeline.validate.context import Context, Options

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
