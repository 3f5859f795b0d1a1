"""``tonghop demo``: everything on the bundled sample (or an example round)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline.api.base import PathLike
from pipeline.api.consolidation import consolidate
from pipeline.api.report import make_report
from pipeline.api.templates import make_templates
from pipeline.consolidate.result import ConsolidationResult
from pipeline.core import settings
from pipeline.form.definition import load_form
from pipeline.form.units import load_units
from pipeline.sample import EXAMPLES, SAMPLE_PERIOD, build_sample, fill_returns, synthetic_values

# The seed report's 2022 figures, compared with in the demo.
DEMO_PRIOR = settings.SAMPLE_DIR / "prior_2022.csv"


@dataclass(frozen=True)
class DemoRun:
    """What ``demo`` made: the templates, the sample returns, the consolidation and the appendix."""

    templates: list[Path]
    returns: list[Path]
    result: ConsolidationResult
    out_dir: Path
    appendix: Path
    example: str = ""  # the bundled example run (``sample.EXAMPLES``), "" for the Lai Châu 2023 sample


def demo(*, out: PathLike | None = None, example: str | None = None) -> DemoRun:
    """Templates, sample returns, consolidation (compared with the seed's 2022 figures) and the
    Word appendix of the bundled Lai Châu 2023 sample; or, with ``example`` (a key of
    ``sample.EXAMPLES``, such as ``tinh-lai-chau-2025``), of that example's round, whose
    returns carry synthetic figures (``sample.synthetic_values``).

    :param out: the folder to write to (default ``output/demo``, or ``output/demo_<example>``).
    """
    if example:
        return _example_demo(example, Path(out) if out else settings.OUTPUT_DIR / f"demo_{example.replace('-', '_')}")
    out_dir = Path(out or settings.OUTPUT_DIR / "demo")
    templates = make_templates(period=SAMPLE_PERIOD, out=out_dir / "bieu_mau").paths
    form = load_form()
    returns = build_sample(out_dir / "bao_cao_nhan_ve", form, load_units(None, form))
    result, written = consolidate(out_dir / "bao_cao_nhan_ve", period=SAMPLE_PERIOD, out=out_dir, prior_path=DEMO_PRIOR)
    return DemoRun(templates=templates, returns=returns, result=result, out_dir=written, appendix=make_report(written))


def _example_demo(name: str, out_dir: Path) -> DemoRun:
    example = EXAMPLES[name]
    paths = {"form_path": example.form_dir, "units_path": example.units_csv}
    templates = make_templates(period=example.period, out=out_dir / "bieu_mau", **paths).paths
    form = load_form(example.form_dir)
    units = load_units(example.units_csv, form)
    returns = fill_returns(out_dir / "bieu_mau", out_dir / "bao_cao_nhan_ve", units, synthetic_values(form, units))
    result, written = consolidate(out_dir / "bao_cao_nhan_ve", period=example.period, out=out_dir, **paths)
    return DemoRun(templates=templates, returns=returns, result=result, out_dir=written, appendix=make_report(written), example=name)
