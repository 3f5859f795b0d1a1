"""``tonghop templates --prior``: every unit's template shows its own prior-period figures.

    python benchmarks/templates_prior.py --n 170        # the largest province
    python benchmarks/templates_prior.py --n 170 --repeat 3 --root /work/main   # another checkout

``bench_prior(n_units, work)`` makes a unit list of ``n_units`` (``returns.make_units``) and a
previous run's output folder holding each unit's figures (``values.csv``, ``totals.csv`` and
``run.json`` of period 2022, as ``tonghop consolidate`` writes them), runs ``tonghop templates
--period 2023 --prior`` in a fresh process and reports its wall time and CPU time (the process
and its workers), after checking that every template was written and that a sample of them show
their own unit's figures in the prior column.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]

import openpyxl  # noqa: E402
import returns  # noqa: E402

from pipeline.core import constants as C  # noqa: E402
from pipeline.form.definition import load_form  # noqa: E402
from pipeline.form.model import Unit  # noqa: E402
from pipeline.templates.build import template_filename  # noqa: E402

PRIOR_PERIOD = "2022"
CHECKED = 5  # templates whose prior column is read back


def prior_figure(unit_index: int, code_index: int) -> int:
    """The prior figure of indicator ``code_index`` of unit ``unit_index``: varied, some large."""
    return (unit_index * 7919 + code_index * 104729) % 2_000_000 if code_index % 3 else unit_index * 13 + code_index


def make_prior(units: list[Unit], folder: Path) -> dict[tuple[str, str], int]:
    """A previous run's output folder with every unit's figures; returns ``(unit, code) -> figure``."""
    form = load_form().for_period(PRIOR_PERIOD)
    folder.mkdir(parents=True, exist_ok=True)
    figures = {}
    for i, unit in enumerate(units):
        for j, ind in enumerate(form.indicators_for(unit.level)):
            figures[unit.code, ind.code] = prior_figure(i, j)
    with (folder / "values.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["unit_code", "code", "value", "file", "sheet", "cell"])
        writer.writerows((unit, code, value, f"{unit}.xlsx", C.DATA_SHEET, "") for (unit, code), value in figures.items())
    with (folder / "totals.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerow(["code", "level", "value"])
    (folder / "run.json").write_text(json.dumps({"period": PRIOR_PERIOD}), encoding="utf-8")
    return figures


def shown(path: Path) -> dict[str, object]:
    """Indicator code -> the figure in a template's prior column (found by its header)."""
    rows = list(openpyxl.load_workbook(path, read_only=True)[C.DATA_SHEET].iter_rows(values_only=True))
    header = next(i for i, row in enumerate(rows) if C.HEADER_CODE in row)
    code, prior = rows[header].index(C.HEADER_CODE), rows[header].index(f"Năm {PRIOR_PERIOD}")
    return {row[code]: row[prior] for row in rows[header + 1 :] if row[code] and row[prior] is not None}


def timed(command: list[str], cwd: Path) -> tuple[float, float]:
    """Wall and CPU seconds (the process and every process it waited for) of ``command``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(cwd)})
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr[-4000:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def bench_prior(n_units: int, work: Path, repeat: int = 1, root: Path = ROOT) -> dict:
    """``tonghop templates --prior`` for ``n_units`` units in ``work``: the fastest of ``repeat`` runs.

    :param root: the checkout whose ``pipeline`` runs (this one by default).
    :returns: ``files``, ``seconds`` (wall, best run), ``cpu`` (CPU of that run), ``walls`` and ``cpus`` of every run.
    """
    work = Path(work)
    work.mkdir(parents=True, exist_ok=True)
    units = returns.make_units(n_units, work / "prior_units.csv")
    figures = make_prior(units, work / "prior_run")
    out = work / "prior_templates"
    command = [sys.executable, "-m", "pipeline", "templates", "--units", str(work / "prior_units.csv"), "--out", str(out),
               "--period", returns.PERIOD, "--prior", str(work / "prior_run")]  # fmt: skip
    runs = [timed(command, Path(root)) for _ in range(max(1, repeat))]
    written = len(list(out.glob("*.xlsx")))
    if written != n_units:
        raise SystemExit(f"tonghop templates --prior wrote {written} of {n_units} files")
    for unit in random.Random(2022).sample(units, min(CHECKED, n_units)):
        want = {code: value for (owner, code), value in figures.items() if owner == unit.code}
        if shown(out / template_filename(unit)) != want:
            raise SystemExit(f"{template_filename(unit)} does not show its unit's prior figures")
    wall, cpu = min(runs)
    return {"files": n_units, "seconds": wall, "cpu": cpu, "walls": [r[0] for r in runs], "cpus": [r[1] for r in runs]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=170, help="units (the largest province has 170)")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout to run (default: this one)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tonghop-prior-") as work:
        print(json.dumps(bench_prior(args.n, Path(work), args.repeat, args.root), indent=1))


if __name__ == "__main__":
    main()
