"""Speed at national scale: consolidate N returns and write N templates, against the usual ways.

    python benchmarks/run.py --n 1000
    python benchmarks/run.py --n 10000 --jobs 2 --keep benchmarks/data/10000

Makes a unit list of N units and their filled returns (``returns.py``), then times, each in a
process of its own (wall time; peak memory as the largest single process, from
``getrusage(RUSAGE_CHILDREN)``, and as the process tree's sampled sum of RSS):

(a) ``tonghop consolidate`` end to end; (b) the common approach, a ``pandas.read_excel``
(openpyxl) loop summed with pandas (a random sample of ``--sample-common`` files when N > 1000,
extrapolated); (c) the floor, unzipping and inflating every part of every return;
(d) ``tonghop templates`` end to end; (e) ``build_template`` once per unit (a sample of
``--sample-build`` units when N > 1000, extrapolated).

Prints a Markdown table to paste into the README and writes ``benchmarks/results-<n>.json``.
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
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]

import approaches  # noqa: E402
import returns  # noqa: E402
import system  # noqa: E402

from pipeline.form.definition import load_form  # noqa: E402

# Runs a command, then reports its wall time and the peak RSS of its largest process.
WRAPPER = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"wall": wall, "rc": done.returncode, "max_rss_kib": usage.ru_maxrss, "cpu_s": usage.ru_utime + usage.ru_stime,
                  "stdout": done.stdout[-4000:], "stderr": done.stderr[-4000:]}))
"""
SAMPLE_EVERY = 0.1  # seconds between samples of the process tree's memory (reading smaps costs CPU)
TARGETS = {"consolidate_s": 15.0, "speedup_vs_common": 8.0, "templates_s": 30.0, "peak_mib": 1024.0}


def measure(command: list[str]) -> dict:
    """Run ``command`` in a fresh process; wall time, peak RSS (largest process, sampled tree sum)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    proc = subprocess.Popen([sys.executable, "-c", WRAPPER, *command], stdout=subprocess.PIPE, text=True, cwd=ROOT, env=env)
    peak = {"tree": 0}
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(SAMPLE_EVERY):
            peak["tree"] = max(peak["tree"], system.tree_pss(proc.pid, include_root=False))

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    out, _ = proc.communicate()
    stop.set()
    thread.join()
    result = json.loads(out)
    if result["rc"] != 0:
        raise SystemExit(f"{' '.join(command)} failed ({result['rc']}):\n{result['stderr']}")
    result["max_rss_mib"] = result.pop("max_rss_kib") / 1024
    result["tree_pss_mib"] = peak["tree"] / 2**20
    return result


def best_of(repeat: int, command: list[str]) -> dict:
    """The fastest of ``repeat`` runs (other work on the machine only ever slows a run down);
    memory is the largest seen in any run. ``walls`` lists every run."""
    runs = [measure(command) for _ in range(max(1, repeat))]
    best = min(runs, key=lambda r: r["wall"])
    return {**best, "walls": [r["wall"] for r in runs], **{k: max(r[k] for r in runs) for k in ("max_rss_mib", "tree_pss_mib")}}


def run_worker(name: str, args: dict, tmp: Path, repeat: int = 1) -> dict:
    spec = tmp / f"{name}.json"
    spec.write_text(json.dumps(args), encoding="utf-8")
    outer = best_of(repeat, [sys.executable, str(HERE / "run.py"), "--worker", name, str(spec)])
    inner = json.loads(outer["stdout"].strip().splitlines()[-1])
    return {**inner, "process_wall": outer["wall"], "max_rss_mib": outer["max_rss_mib"], "tree_pss_mib": outer["tree_pss_mib"]}


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


def bench_consolidate(n: int, jobs: int, work: Path, args) -> dict:
    form = load_form()
    units_csv = work / "units.csv"
    units = returns.make_units(n, units_csv)
    start = time.perf_counter()
    expected = returns.make_returns(form, units, work / "returns", jobs)
    made = time.perf_counter() - start
    print(f"made {n} returns in {made:.1f} s", file=sys.stderr)
    paths = sorted(str(p) for p in (work / "returns").iterdir())
    out_dir = work / "out"
    a = best_of(args.repeat, [sys.executable, "-m", "pipeline", "consolidate", str(work / "returns"), "--units", str(units_csv),
                 "--out", str(out_dir), "--jobs", str(jobs), "--period", returns.PERIOD])  # fmt: skip
    check_totals(out_dir, expected, n)
    sampled = random.Random(2023).sample(paths, args.sample_common) if n > 1000 else paths
    b = run_worker("common", {"paths": sampled}, work)
    c = run_worker("floor", {"paths": paths}, work, args.repeat)
    return {"made_returns_s": made, "return_bytes": sum(Path(p).stat().st_size for p in paths) / len(paths),
            "consolidate": {"files": n, "seconds": a["wall"], "walls": a["walls"], "max_rss_mib": a["max_rss_mib"], "tree_pss_mib": a["tree_pss_mib"],
                            "summary": a["stdout"].splitlines()[:1]},
            "common": {**b, "extrapolated_s": b["seconds"] * n / b["files"], "sampled": len(sampled) < n},
            "floor": c}  # fmt: skip


def bench_templates(n: int, work: Path, args) -> dict:
    units_csv = work / "units.csv"
    out = work / "templates"
    d = best_of(
        args.repeat,
        [sys.executable, "-m", "pipeline", "templates", "--units", str(units_csv), "--out", str(out), "--period", returns.PERIOD],
    )
    written = len(list(out.glob("*.xlsx")))
    if written != n:
        raise SystemExit(f"tonghop templates wrote {written} of {n} files")
    sample = sorted(random.Random(7).sample(range(n), args.sample_build)) if n > 1000 else list(range(n))
    e = run_worker("build", {"units": str(units_csv), "out": str(work / "built"), "sample": sample}, work)
    return {"templates": {"files": n, "seconds": d["wall"], "walls": d["walls"], "max_rss_mib": d["max_rss_mib"], "tree_pss_mib": d["tree_pss_mib"]},
            "build_loop": {**e, "extrapolated_s": e["seconds"] * n / e["files"], "sampled": len(sample) < n}}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="units (and returns)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processes for consolidate (and making data)")
    parser.add_argument("--keep", type=Path, help="keep the data and outputs in this folder")
    parser.add_argument("--repeat", type=int, default=1, help="run (a), (c) and (d) this many times, keep the fastest")
    parser.add_argument("--sample-common", type=int, default=500)
    parser.add_argument("--sample-build", type=int, default=300)
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
        before = system.loadavg()
        results = {"n": args.n, "jobs": args.jobs, "repeat": args.repeat, "machine": system.describe(), "load_before": before}
        results.update(bench_consolidate(args.n, args.jobs, work, args))
        results.update(bench_templates(args.n, work, args))
        results["load_after"] = system.loadavg()
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    results["ratios"] = system.ratios(results)
    results["targets"] = system.targets(results, TARGETS)
    path = HERE / f"results-{args.n}.json"
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    print(system.markdown(results))
    print(f"\nResults written to {path.relative_to(ROOT)}.")


if __name__ == "__main__":
    main()
