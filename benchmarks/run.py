"""Speed at national scale, before and after a change, side by side in one run.

    python benchmarks/run.py --n 10000                 # this checkout against BASELINE
    python benchmarks/run.py --n 1000 --before none    # this checkout only
    python benchmarks/run.py --n 10000 --before main --repeat 2 --keep benchmarks/data/10000

Makes a unit list of N units and their filled returns (``returns.py``). The code before
(``--before``, a git commit, exported with ``git archive``) and this checkout are then run on
the same files, alternating, each command in a fresh process (wall time, CPU time of the
process tree, peak memory as the largest process and as the tree's sampled PSS sum):

(a) ``tonghop consolidate`` end to end; (b) the common approach, a ``pandas.read_excel``
(openpyxl) loop summed with pandas (a random sample of ``--sample-common`` files when N > 1000,
extrapolated); (c) the floor, unzipping and inflating every part of every return;
(d) ``tonghop templates`` end to end; (e) ``build_template`` once per unit (a sample of
``--sample-build`` units, extrapolated); (f) ``tonghop templates --prior`` for the first
``--prior-units`` units (every template differs), the prior figures their own returns consolidated;
(g) ``tonghop round consolidate`` of ``--round-units`` returns sent to a round, with their outcomes
remembered as the uploads leave them and with none (every return read), and a plain consolidate
of the same files (``rounds_speed.py``); (h) one return's check, the CPU of ``api.check_files``
with the context loaded (``check_cpu.py``).

Prints a Markdown table to paste into docs/speed.md and writes ``benchmarks/results-<n>.json``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]

import approaches  # noqa: E402
import returns  # noqa: E402
import rounds_speed  # noqa: E402
import system  # noqa: E402
from measure import export, last_json, measure, side_by_side, summarise  # noqa: E402

from pipeline.form.definition import load_form  # noqa: E402

BASELINE = "041e454"  # main when the speed work of issue 24 began
PRIOR_PERIOD = "2024"  # templates for the year after the returns', with the returns' figures as prior


def run_worker(name: str, args: dict, tmp: Path, repeat: int = 1) -> dict:
    spec = tmp / f"{name}.json"
    spec.write_text(json.dumps(args), encoding="utf-8")
    outer = summarise([measure([sys.executable, str(HERE / "run.py"), "--worker", name, str(spec)], ROOT) for _ in range(max(1, repeat))])
    return {
        **last_json(outer["stdout"]),
        "process_wall": outer["wall"],
        "max_rss_mib": outer["max_rss_mib"],
        "tree_pss_mib": outer["tree_pss_mib"],
    }


def check_totals(out_dir: Path, expected: dict[tuple[str, str], int], n: int) -> None:
    """The consolidation saw every return and added the varied figures right."""
    with (out_dir / "totals.csv").open(encoding="utf-8") as handle:
        totals = {(r["code"], r["level"]): int(float(r["value"])) for r in csv.DictReader(handle)}
    wrong = {key: (totals.get(key), want) for key, want in expected.items() if totals.get(key) != want}
    if wrong:
        raise SystemExit(f"consolidated totals differ from the returns written: {wrong}")
    with (out_dir / "submissions.csv").open(encoding="utf-8") as handle:
        received = sum(r["status"] == "received" for r in csv.DictReader(handle))
    if received != n:
        raise SystemExit(f"consolidation received {received} of {n} returns")


def bench_consolidate(n: int, sides: dict[str, Path], work: Path, args) -> dict:
    form = load_form()
    units = returns.make_units(n, work / "units.csv")
    start = time.perf_counter()
    expected = returns.make_returns(form, units, work / "returns", args.jobs)
    made = time.perf_counter() - start
    print(f"made {n} returns in {made:.1f} s", file=sys.stderr)
    paths = sorted(str(p) for p in (work / "returns").iterdir())
    outs = work / "out"
    command = [sys.executable, "-m", "pipeline", "consolidate", str(work / "returns"), "--units", str(work / "units.csv"),
               "--out", str(outs / "{side}"), "--jobs", str(args.jobs), "--period", returns.PERIOD]  # fmt: skip
    a = side_by_side(args.repeat, sides, command, lambda side: shutil.rmtree(outs / side, ignore_errors=True),
                     lambda side: check_totals(outs / side, expected, n))  # fmt: skip
    sampled = random.Random(2023).sample(paths, args.sample_common) if n > 1000 else paths
    b = run_worker("common", {"paths": sampled}, work)
    c = run_worker("floor", {"paths": paths}, work, args.repeat)
    return {"made_returns_s": made, "return_bytes": sum(Path(p).stat().st_size for p in paths) / len(paths),
            "consolidate": {side: {**r, "files": n, "seconds": r["wall"]} for side, r in a.items()},
            "common": {**b, "extrapolated_s": b["seconds"] * n / b["files"], "sampled": len(sampled) < n},
            "floor": c}  # fmt: skip


def bench_templates(n: int, sides: dict[str, Path], work: Path, args) -> dict:
    out = work / "templates"
    command = [
        sys.executable,
        "-m",
        "pipeline",
        "templates",
        "--units",
        str(work / "units.csv"),
        "--out",
        str(out),
        "--period",
        returns.PERIOD,
    ]
    d = side_by_side(args.repeat, sides, command, lambda side: shutil.rmtree(out, ignore_errors=True))
    written = len(list(out.glob("*.xlsx")))
    if written != n:
        raise SystemExit(f"tonghop templates wrote {written} of {n} files")
    sample = sorted(random.Random(7).sample(range(n), args.sample_build)) if n > 1000 else list(range(n))
    e = run_worker("build", {"units": str(work / "units.csv"), "out": str(work / "built"), "sample": sample}, work)
    return {"templates": {side: {**r, "files": n, "seconds": r["wall"]} for side, r in d.items()},
            "build_loop": {**e, "extrapolated_s": e["seconds"] * n / e["files"], "sampled": len(sample) < n}}  # fmt: skip


def bench_prior(sides: dict[str, Path], work: Path, args) -> dict:
    """(f) templates with each unit's prior figures, for the first ``--prior-units`` units (a
    province and its communes): the prior figures are their own returns consolidated (not timed),
    as a province's office makes next year's templates from this year's consolidation."""
    with (work / "units.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))[: args.prior_units + 1]
    units = work / "units-prior.csv"
    with units.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    returns_dir = work / "returns-prior"
    returns_dir.mkdir(exist_ok=True)
    codes = {row[0] for row in rows[1:]}
    for path in (work / "returns").iterdir():
        if path.name.split("_", 1)[0] in codes and not (returns_dir / path.name).exists():
            os.link(path, returns_dir / path.name)
    consolidated = work / "out-prior"
    subprocess.run([sys.executable, "-m", "pipeline", "consolidate", str(returns_dir), "--units", str(units), "--out", str(consolidated),
                    "--period", returns.PERIOD], cwd=ROOT, check=True, capture_output=True)  # fmt: skip
    out = work / "templates-prior"
    command = [sys.executable, "-m", "pipeline", "templates", "--units", str(units), "--out", str(out), "--period", PRIOR_PERIOD,
               "--prior", str(consolidated)]  # fmt: skip
    f = side_by_side(args.repeat, sides, command, lambda side: shutil.rmtree(out, ignore_errors=True))
    return {"prior": {side: {**r, "files": len(rows) - 1, "seconds": r["wall"]} for side, r in f.items()}}


def bench_check(sides: dict[str, Path], work: Path, args) -> dict:
    """(h) one commune return's check, CPU of ``check_files`` with the context loaded."""
    path = sorted((work / "returns").iterdir())[1]
    command = [sys.executable, str(HERE / "check_cpu.py"), str(path), "--units", str(work / "units.csv"), "--period", returns.PERIOD]
    h = side_by_side(1, sides, command)
    return {"check": {side: {**last_json(r["stdout"]), "process_cpu_s": r["cpu_s"]} for side, r in h.items()}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="units (and returns)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processes for consolidate (and making data)")
    parser.add_argument("--before", default=BASELINE, help="git commit to compare with ('none': this checkout only)")
    parser.add_argument("--keep", type=Path, help="keep the data and outputs in this folder")
    parser.add_argument("--repeat", type=int, default=1, help="run (a), (c), (d), (f) this many times per side, keep the fastest")
    parser.add_argument("--sample-common", type=int, default=500)
    parser.add_argument("--sample-build", type=int, default=300)
    parser.add_argument("--prior-units", type=int, default=170, help="units of (f): the largest province has 170 communes")
    parser.add_argument("--round-units", type=int, default=3321, help="returns of (g): every commune of the country (0: skip)")
    parser.add_argument("--worker", nargs=2, metavar=("NAME", "SPEC"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        approaches.worker(args.worker[0], json.loads(Path(args.worker[1]).read_text(encoding="utf-8")))
        return
    if args.n < 2:
        parser.error("--n must be at least 2 (one city, one commune)")
    work = args.keep or Path(tempfile.mkdtemp(prefix="tonghop-bench-"))
    if args.keep and work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True, exist_ok=True)
    try:
        sides = {"after": ROOT} if args.before == "none" else {"before": export(args.before, work), "after": ROOT}
        results = {"n": args.n, "jobs": args.jobs, "repeat": args.repeat, "before": args.before, "machine": system.describe(),
                   "load_before": system.loadavg()}  # fmt: skip
        results.update(bench_consolidate(args.n, sides, work, args))
        results.update(bench_templates(args.n, sides, work, args))
        results.update(bench_prior(sides, work, args))
        results.update(bench_check(sides, work, args))
        if args.round_units:  # the store is made by this checkout's code, which the code before may not open
            results["round"] = rounds_speed.bench_round(
                args.round_units, {"after": ROOT}, work / "round", jobs=args.jobs, repeat=args.repeat
            )
        results["load_after"] = system.loadavg()
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    results["targets"] = system.targets(results)
    path = HERE / f"results-{args.n}.json"
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    print(system.markdown(results))
    print(f"\nResults written to {path.relative_to(ROOT)}.")


if __name__ == "__main__":
    main()
