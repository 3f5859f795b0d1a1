"""A national round's consolidation (issue 24): ``tonghop round consolidate`` of N stored returns
(one per commune) against a plain ``tonghop consolidate`` of the same files in a folder.

    python benchmarks/rounds_speed.py                   # 3,321 units, SQLite
    python benchmarks/rounds_speed.py --n 500 --keep benchmarks/data/round500
    python benchmarks/rounds_speed.py --db postgresql://…   # an empty PostgreSQL database
    python benchmarks/rounds_speed.py --keep benchmarks/data/round3321 --reuse --profile

Makes a unit list of N units and their filled returns (``returns.py``), a round of them in a
store (SQLite in the data folder, or PostgreSQL ``--db``: the returns in ``blob_chunks`` then),
and files each return as an upload files it (``put_blob``, the check of ``api.check_files``
against the round's context, ``add_submission``; received over the days around the deadline).
The same files, each with its received time as its file time, go in a folder. Then times, each
in a fresh process (wall time; CPU of the process tree): (r) ``tonghop round consolidate`` and
(p) ``tonghop consolidate`` of the folder with the round's units, period and deadline; the
overhead is (r) / (p) - 1. Each command is run ``--repeat`` times alternately, the fastest
kept. The outputs' CSVs are compared (``files.csv``, ``run.json`` name where the files came
from, so they differ). ``--profile`` adds a cProfile of the round's consolidation, in process.
``--baseline DIR`` times (b) the round's consolidation by another checkout's code too (say
``git archive main``), in turn with the others, and compares every CSV of the two byte for byte.

Prints a Markdown table and writes ``benchmarks/results-rounds-<database>.json``.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]

import returns  # noqa: E402
import system  # noqa: E402
from run import WRAPPER, measure  # noqa: E402

from pipeline import api  # noqa: E402
from pipeline.consolidate.collect import Kept  # noqa: E402
from pipeline.form.definition import load_form  # noqa: E402
from pipeline.store import Store  # noqa: E402

DEADLINE = "15/01/2024"
FIRST_RECEIVED = datetime(2024, 1, 5, 8, 0, tzinfo=timezone.utc)  # returns arrive over 15 days around the deadline
SPREAD_S = 15 * 86400
TARGETS = {"round_s": 4.0, "overhead": 0.10}
SETUP_FILE = "round.json"
DIFFERENT = {"files.csv", "run.json"}  # name where the files came from


def received_at(index: int, n: int) -> datetime:
    return FIRST_RECEIVED + timedelta(seconds=SPREAD_S * index // max(n, 1))


def setup(n: int, work: Path, url: str | None, jobs: int) -> dict:
    """The unit list, the returns, the round with one stored return per unit, and the folder."""
    from pipeline import rounds
    from pipeline.rounds.checking import round_check
    from pipeline.rounds.submit import finding

    units_csv = work / "units.csv"
    units = returns.make_units(n, units_csv)
    folder = work / "returns"
    returns.make_returns(load_form(), units, folder, jobs)
    paths = sorted(folder.iterdir())
    with Store.open(work / "data", url) as store:
        rnd = rounds.create_round(store, units_path=units_csv, period=returns.PERIOD, deadline=DEADLINE)
        context = round_check(store, rnd).context
        for index, path in enumerate(paths):
            when = received_at(index, len(paths))
            os.utime(path, (when.timestamp(), when.timestamp()))
            sha = store.put_blob(path.read_bytes())
            (check,) = api.check_files([Kept(store.blob_path(sha), path.name, when.timestamp())], context=context)
            assert check.accepted and check.unit_code, (path.name, check.problems[:2])
            found = [finding(p) for p in check.problems]
            store.add_submission(
                rnd.id, sha256=sha, filename=path.name, sender="unit", link_unit=check.unit_code, unit_code=check.unit_code,
                accepted=True, errors=sum(f["severity"] == "error" for f in found), warnings=sum(f["severity"] == "warning" for f in found),
                findings=found, saved_at=check.saved_at, received_at=when, figures=check.values,
            )  # fmt: skip
    spec = {"n": n, "round": rnd.id, "url": url, "units": str(units_csv), "returns": str(folder)}
    (work / SETUP_FILE).write_text(json.dumps(spec), encoding="utf-8")
    return spec


def commands(spec: dict, work: Path, jobs: int) -> dict[str, list[str]]:
    db = ["--db", spec["url"]] if spec["url"] else []
    python = [sys.executable, "-m", "pipeline"]
    return {
        "round": [*python, "round", "consolidate", "--data", str(work / "data"), *db, "--round", spec["round"], "--out", str(work / "out-round")],
        "plain": [*python, "consolidate", spec["returns"], "--units", spec["units"], "--period", returns.PERIOD, "--deadline", DEADLINE,
                  "--jobs", str(jobs), "--out", str(work / "out-plain")],
    }  # fmt: skip


def measure_code(command: list[str], root: Path) -> dict:
    """``measure`` of ``command`` (``python -m pipeline …``) run by the code of checkout ``root``."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    done = subprocess.run([sys.executable, "-c", WRAPPER, *command], capture_output=True, text=True, cwd=root, env=env, check=True)
    result = json.loads(done.stdout)
    if result["rc"] != 0:
        raise SystemExit(f"{' '.join(command)} failed ({result['rc']}):\n{result['stderr']}")
    return {**result, "max_rss_mib": result.pop("max_rss_kib") / 1024}


def compare(a: Path, b: Path, skip: set[str] = DIFFERENT) -> list[str]:
    """The CSVs of two outputs that differ (but ``skip``: those that name where the files came from)."""
    names = sorted({p.name for p in a.glob("*.csv")} | {p.name for p in b.glob("*.csv")})
    return [name for name in names if name not in skip and (not (a / name).is_file() or not (b / name).is_file() or (a / name).read_bytes() != (b / name).read_bytes())]  # fmt: skip


def profile(spec: dict, work: Path, top: int = 35) -> str:
    """cProfile of the round's consolidation in this process (cumulative time, the first ``top``)."""
    from pipeline import rounds

    with Store.open(work / "data", spec["url"]) as store:
        profiler = cProfile.Profile()
        profiler.enable()
        rounds.consolidate_round(store, spec["round"], work / "out-profile")
        profiler.disable()
    out = tempfile.SpooledTemporaryFile(mode="w+")
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(top)
    out.seek(0)
    return out.read()


def bench_round(
    n: int, work: Path, jobs: int = 2, *, url: str | None = None, repeat: int = 1, reuse: bool = False, baseline: Path | None = None
) -> dict:
    """Set up (unless ``reuse`` finds it in ``work``), then time the round's consolidation and the
    plain one alternately ``repeat`` times (and the round's by ``baseline``'s code); the fastest
    of each, their CPU, the overhead."""
    work.mkdir(parents=True, exist_ok=True)
    spec_file = work / SETUP_FILE
    start = time.perf_counter()
    spec = json.loads(spec_file.read_text(encoding="utf-8")) if reuse and spec_file.is_file() else setup(n, work, url, jobs)
    setup_s = time.perf_counter() - start
    runs: dict[str, list[dict]] = {"round": [], "plain": []} | ({"baseline": []} if baseline else {})
    for _ in range(max(1, repeat)):
        for name, command in commands(spec, work, jobs).items():
            runs[name].append(measure(command))
            if name == "round" and baseline:
                runs["baseline"].append(measure_code([*command[:-1], str(work / "out-baseline")], baseline))
    best = {name: min(found, key=lambda r: r["wall"]) for name, found in runs.items()}
    result = {
        "n": spec["n"], "database": "postgresql" if spec["url"] else "sqlite", "jobs": jobs, "setup_s": setup_s,
        **{f"{name}_s": best[name]["wall"] for name in runs},
        **{f"{name}_cpu_s": best[name]["cpu_s"] for name in runs},
        **{f"{name}_walls": [r["wall"] for r in found] for name, found in runs.items()},
        **{f"{name}_max_rss_mib": max(r["max_rss_mib"] for r in found) for name, found in runs.items()},
        "summary": best["round"]["stdout"].splitlines()[:1],
        "csv_differ": compare(work / "out-round", work / "out-plain"),
    }  # fmt: skip
    if baseline:
        result["baseline_csv_differ"] = compare(work / "out-round", work / "out-baseline", set())
    result["overhead"] = result["round_s"] / result["plain_s"] - 1
    result["overhead_cpu"] = result["round_cpu_s"] / result["plain_cpu_s"] - 1
    return result


def table(r: dict) -> str:
    ok = {"round_s": r["round_s"] < TARGETS["round_s"], "overhead": r["overhead"] < TARGETS["overhead"]}
    mark = {k: "✓" if v else "✗" for k, v in ok.items()}
    return "\n".join(
        [
            f"| {r['n']:,} returns, {r['database']} | wall (s) | CPU, process tree (s) |",
            "|---|---:|---:|",
            f"| (r) `tonghop round consolidate` (target < {TARGETS['round_s']:.0f} s) | **{r['round_s']:.2f}** {mark['round_s']} | {r['round_cpu_s']:.2f} |",
            f"| (p) `tonghop consolidate` of the same files | {r['plain_s']:.2f} | {r['plain_cpu_s']:.2f} |",
            *(
                [f"| (b) the round's, by the baseline's code | {r['baseline_s']:.2f} | {r['baseline_cpu_s']:.2f} |"]
                if "baseline_s" in r
                else []
            ),
            f"| the round's overhead (r)/(p) − 1 (target < {TARGETS['overhead']:.0%}) | **{r['overhead']:+.1%}** {mark['overhead']} | {r['overhead_cpu']:+.1%} |",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=3321, help="units of the round, one stored return each")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processes for the plain consolidate (and making data)")
    parser.add_argument("--db", help="an empty PostgreSQL database (default: SQLite in the data folder)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each command, alternately; the fastest kept")
    parser.add_argument("--keep", type=Path, help="keep the store, returns and outputs in this folder")
    parser.add_argument("--reuse", action="store_true", help="with --keep: reuse the store made by an earlier run")
    parser.add_argument("--baseline", type=Path, help="another checkout whose round consolidate is timed in turn (before/after)")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the round's consolidation too")
    args = parser.parse_args()
    if args.n < 2:
        parser.error("--n must be at least 2 (one city, one commune)")
    work = args.keep or Path(tempfile.mkdtemp(prefix="tonghop-bench-rounds-"))
    if args.keep and work.exists() and not args.reuse:
        shutil.rmtree(work)
    try:
        result = bench_round(args.n, work, args.jobs, url=args.db, repeat=args.repeat, reuse=args.reuse, baseline=args.baseline)
        result["machine"] = system.describe()
        result["load"] = system.loadavg()
        if args.profile:
            print(profile(json.loads((work / SETUP_FILE).read_text(encoding="utf-8")), work))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    (HERE / f"results-rounds-{result['database']}.json").write_text(
        json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    print(table(result))
    if result.get("baseline_csv_differ"):
        print(f"CSV outputs that differ between this code and the baseline's: {', '.join(result['baseline_csv_differ'])}")
    if result["csv_differ"]:
        print(f"CSV outputs that differ between the round and the folder: {', '.join(result['csv_differ'])}")


if __name__ == "__main__":
    main()
