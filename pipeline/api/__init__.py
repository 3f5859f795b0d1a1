"""The library's front door: what each command does, as functions the CLI calls (and the web
layer, and users' own scripts), one module per command. Arguments are keyword-only; every
function raises a ``PipelineError`` with a Vietnamese message when it cannot do its work.

May import: every stage below it (``core`` … ``outputs``, ``forward``, ``sample``); never
``rounds``, ``web`` or ``cli``."""

from pipeline.api.base import PathLike, chosen_period
from pipeline.api.check import FileCheck, check_context, check_files
from pipeline.api.consolidation import consolidate, consolidate_kept
from pipeline.api.demo import DEMO_PRIOR, DemoRun, demo
from pipeline.api.levels import ForwardRun, UnitList, forward, province_unit_list, provinces
from pipeline.api.report import AppendixRun, make_report, write_report
from pipeline.api.templates import TemplateRun, make_templates

__all__ = [
    "DEMO_PRIOR",
    "AppendixRun",
    "DemoRun",
    "FileCheck",
    "ForwardRun",
    "PathLike",
    "TemplateRun",
    "UnitList",
    "check_context",
    "check_files",
    "chosen_period",
    "consolidate",
    "consolidate_kept",
    "demo",
    "forward",
    "make_report",
    "make_templates",
    "province_unit_list",
    "provinces",
    "write_report",
]
