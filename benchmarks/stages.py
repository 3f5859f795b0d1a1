"""Where `tonghop consolidate` spends its time: a per-stage breakdown, in one process.

    python benchmarks/stages.py RETURNS_DIR --units units.csv --out OUT [--period 2023]

Runs the consolidation the way the command does (the same ``api.consolidate``), with one
process for reading (``jobs=1``) and the CSVs written in the same process as the workbook, so
every stage's wall time is counted here; each stage's function is wrapped with a timer. The
stages nest: the safety scan and the values are parts of reading, the sheets parts of the
workbook. Use ``benchmarks/returns.py`` (or ``run.py --keep``) to make the returns.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

from pipeline.api import consolidation  # noqa: E402
from pipeline.consolidate import collect, combine  # noqa: E402
from pipeline.ingest import readers, sniff  # noqa: E402
from pipeline.outputs import csvfiles, staging  # noqa: E402
from pipeline.workbook import book  # noqa: E402

SPENT: dict[str, float] = defaultdict(float)
CALLS: dict[str, int] = defaultdict(int)

# (stage label, module, function name): the name is replaced in that module's namespace.
STAGES = [
    ("read: whole (disk, safety scan, values)", collect, "read_workbook"),
    ("read: safety scan (inflate + check every part)", sniff, "sniff_data"),
    ("read: values (python-calamine)", readers, "_calamine_sheets"),
    ("extract (cells to figures)", collect, "extract_return"),
    ("check (one return's cells and identity)", collect, "check_return"),
    ("combine (choose, reconcile, sums, compare)", combine, "consolidate_returns"),
    ("write: CSVs", csvfiles, "write_csvs"),
    ("write: workbook", book, "write_workbook"),
    *((f"write: workbook: {name}", book, name) for name in
      ("write_units", "write_unit_prior", "write_parents", "write_relations", "write_files", "write_findings", "write_sources", "write_charts")),
    ("write: notices", staging, "write_notices"),
]  # fmt: skip


def timed(label: str, func):
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return func(*args, **kwargs)
        finally:
            SPENT[label] += time.perf_counter() - start
            CALLS[label] += 1

    return wrapper


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("returns", type=Path)
    parser.add_argument("--units", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--period", default="2023")
    args = parser.parse_args()
    staging.PARALLEL_VALUES = float("inf")  # the CSVs in this process, so their time is counted
    for label, module, name in STAGES:  # write_outputs imports write_csvs and write_workbook when called
        setattr(module, name, timed(label, getattr(module, name)))
    start = time.perf_counter()
    consolidation.consolidate(args.returns, units_path=args.units, out=args.out, jobs=1, period=args.period)
    total = time.perf_counter() - start
    print(f"| stage | seconds | share | calls |\n|---|---:|---:|---:|\n| total (`api.consolidate`, jobs=1) | {total:.2f} | 100 % | 1 |")
    for label, *_ in STAGES:
        print(f"| {label} | {SPENT[label]:.2f} | {100 * SPENT[label] / total:.0f} % | {CALLS[label]} |")


if __name__ == "__main__":
    main()
