"""tonghop: collect figures from communes and wards through Excel templates and consolidate them.

The public API, for scripts and for the CLI and web layers (imported on first use, so that
``import pipeline.core.errors`` stays cheap in worker processes)::

    from pipeline import consolidate, load_form
    result, out_dir = consolidate("bao_cao_2023/", period="2023")
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

_EXPORTS = {
    "make_templates": "pipeline.api",
    "check_files": "pipeline.api",
    "consolidate": "pipeline.api",
    "consolidate_with": "pipeline.api",
    "templates_with": "pipeline.api",
    "load_context": "pipeline.api",
    "Context": "pipeline.api",
    "make_report": "pipeline.api",
    "demo": "pipeline.api",
    "province_unit_list": "pipeline.api",
    "FileCheck": "pipeline.api",
    "DemoRun": "pipeline.api",
    "TemplateRun": "pipeline.api",
    "ConsolidationResult": "pipeline.consolidate.result",
    "FormDefinition": "pipeline.form.model",
    "load_form": "pipeline.form.definition",
    "load_units": "pipeline.form.units",
    "load_prior": "pipeline.form.prior",
    "load_crosswalk": "pipeline.form.crosswalk",
    "read_consolidation": "pipeline.outputs.readback",
    "Findings": "pipeline.core.findings",
    "Problem": "pipeline.core.findings",
    "Msg": "pipeline.core.errors",
    "PipelineError": "pipeline.core.errors",
}
__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'pipeline' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
