"""A national round's consolidation (issue 24): ``tonghop round consolidate`` of N stored returns
(one per commune) against a plain ``tonghop consolidate`` of the same files in a folder.

    python benchmarks/rounds_speed.py                   # 3,321 units, SQLite, this checkout
    python benchmarks/rounds_speed.py --before main     # and the code of main, side by side
    python benchmarks/rounds_speed.py --db postgresql://…   # an empty PostgreSQL database
    python benchmarks/rounds_speed.py --keep benchmarks/data/round3321 --reuse --profile

Makes a unit list of N units and their filled returns (``returns.py``), a round of them in a
store (SQLite in the data folder, or PostgreSQL ``--db``: the returns in ``blob_chunks`` then),
and sends each return as the office drops a file (``rounds.submit``: kept, checked, its outcome
remembered; received over the days around the deadline). The same files, each with its received
time as its file time, go in a folder. Then times, each in a fresh process (``measure.py``: wall
time, CPU of the process tree), on every side (this checkout, and ``--before``'s code): (r)
``tonghop round consolidate`` as the office runs it after the uploads; (u) the same with no
outcome remembered (``outcome_cache/`` emptied before each: a store just restored, or a new
program), which reads every return; and (p) ``tonghop consolidate`` of the folder with the
round's units, period and deadline. The round's own overhead is (u) / (p) - 1. Each command
runs ``--repeat`` times, alternating, the fastest kept. The CSVs of (r) and of (u) are compared
with (p)'s (but ``files.csv`` and ``run.json``, which name where the files came from), and every
CSV of (r) between the sides, byte for byte. ``--cold`` empties the PostgreSQL store's
``blob_cache`` before each (r) and (u). ``--profile`` adds a cProfile of (r), in process.

Prints a Markdown table and writes ``benchmarks/results-rounds-<database>.json``. ``bench_round``
is what ``run.py`` calls.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import shutil
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
from measure import export, measure, summarise  # noqa: E402

from pipeline.form.definition import load_form  # noqa: E402
from pipeline.rounds.outcomes import OUTCOMES_DIR  # noqa: E402
from pipeline.store import Store  # noqa: E402
from pipeline.store.blobstore import CACHE_DIR  # noqa: E402

DEADLINE = "15/01/2024"
FIRST_RECEIVED = datetime(2024, 1, 5, 8, 0, tzinfo=timezone.utc)  # returns arrive over 15 days around the deadline
SPREAD_S = 15 * 86400
TARGETS = {"round_s": 4.0, "overhead": 0.10}
KINDS = ("round", "unread", "plain")
SETUP_FILE = "round.json"
DIFFERENT = {"files.csv", "run.json"}  # name where the files came from


def received_at(index: int, n: int) -> datetime:
    return FIRST_RECEIVED + timedelta(seconds=SPREAD_S * index // max(n, 1))


def setup(n: int, work: Path, url: str | None, jobs: int) -> dict:
    """The unit list, the returns, the round with one return per unit sent as an office sends
    it (``rounds.submit``: kept, checked, its outcome remembered), and the folder of the same files."""
    from pipeline import rounds

    units_csv = work / "units.csv"
    units = returns.make_units(n, units_csv)
    folder = work / "returns"
    returns.make_returns(load_form(), units, folder, jobs)
    paths = sorted(folder.iterdir())
    with Store.open(work / "data", url) as store:
        rnd = rounds.create_round(store, units_path=units_csv, period=returns.PERIOD, deadline=DEADLINE)
        for index, path in enumerate(paths):
            when = received_at(index, len(paths))
            os.utime(path, (when.timestamp(), when.timestamp()))
            verdict = rounds.submit(store, rnd.id, path.read_bytes(), path.name, sender="office", received_at=when)
            assert verdict.accepted and verdict.unit_code, (path.name, verdict.findings[:2])
    spec = {"n": n, "round": rnd.id, "url": url, "units": str(units_csv), "returns": str(folder)}
    (work / SETUP_FILE).write_text(json.dumps(spec), encoding="utf-8")
    return spec


def commands(spec: dict, work: Path, jobs: int, side: str) -> dict[str, list[str]]:
    db = ["--db", spec["url"]] if spec["url"] else []
    python = [sys.executable, "-m", "pipeline"]
    round_ = [*python, "round", "consolidate", "--data", str(work / "data"), *db, "--round", spec["round"]]
    return {
        "round": [*round_, "--out", str(work / f"out-round-{side}")],
        "unread": [*round_, "--out", str(work / f"out-unread-{side}")],
        "plain": [*python, "consolidate", spec["returns"], "--units", spec["units"], "--period", returns.PERIOD, "--deadline", DEADLINE,
                  "--jobs", str(jobs), "--out", str(work / f"out-plain-{side}")],
    }  # fmt: skip


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
    n: int,
    sides: dict[str, Path],
    work: Path,
    *,
    jobs: int = 2,
    repeat: int = 1,
    url: str | None = None,
    reuse: bool = False,
    cold: bool = False,
) -> dict:
    """Set up (unless ``reuse`` finds it in ``work``), then time (r) and (p) on every side
    (``{"before": src, "after": src}``) ``repeat`` times, alternating: the fastest of each, its
    CPU, every run's wall time, the round's overhead per side, and which CSVs differ."""
    work.mkdir(parents=True, exist_ok=True)
    spec_file = work / SETUP_FILE
    start = time.perf_counter()
    spec = json.loads(spec_file.read_text(encoding="utf-8")) if reuse and spec_file.is_file() else setup(n, work, url, jobs)
    setup_s = time.perf_counter() - start
    runs: dict[str, dict[str, list[dict]]] = {kind: {side: [] for side in sides} for kind in KINDS}
    for _ in range(max(1, repeat)):
        for side, src in sides.items():
            for kind, command in commands(spec, work, jobs, side).items():
                if kind != "plain" and cold:
                    shutil.rmtree(work / "data" / CACHE_DIR, ignore_errors=True)
                if kind == "unread":
                    shutil.rmtree(work / "data" / OUTCOMES_DIR, ignore_errors=True)
                runs[kind][side].append(measure(command, src))
    best = {kind: {side: summarise(found) for side, found in by_side.items()} for kind, by_side in runs.items()}
    result = {
        "n": spec["n"], "database": "postgresql" if spec["url"] else "sqlite", "cold_cache": cold, "jobs": jobs, "setup_s": setup_s,
        **{kind: {side: {"seconds": r["wall"], "cpu_s": r["cpu_s"], "walls": r["walls"], "max_rss_mib": r["max_rss_mib"]} for side, r in by_side.items()}
           for kind, by_side in best.items()},
        "overhead": {side: best["unread"][side]["wall"] / best["plain"][side]["wall"] - 1 for side in sides},
        "overhead_cpu": {side: best["unread"][side]["cpu_s"] / best["plain"][side]["cpu_s"] - 1 for side in sides},
        "summary": best["round"][next(iter(sides))]["stdout"].splitlines()[:1],
        "csv_differ": {f"{kind} ({side})": compare(work / f"out-{kind}-{side}", work / f"out-plain-{side}") for side in sides for kind in ("round", "unread")},
    }  # fmt: skip
    if len(sides) > 1:
        first, *others = sides
        result["sides_differ"] = {side: compare(work / f"out-round-{first}", work / f"out-round-{side}", set()) for side in others}
    return result


def table(r: dict) -> str:
    cold = " (blob cache emptied)" if r["cold_cache"] else ""
    lines = [
        f"| {r['n']:,} returns, {r['database']}{cold} | (r) round consolidate, s (target < {TARGETS['round_s']:.0f}) | CPU (s) "
        f"| (u) the same, nothing remembered, s | CPU (s) | (p) plain consolidate, s | CPU (s) "
        f"| overhead (u)/(p) − 1 (target < {TARGETS['overhead']:.0%}) | CPU |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for side in r["round"]:
        rr, uu, pp = r["round"][side], r["unread"][side], r["plain"][side]
        ok = "✓" if rr["seconds"] < TARGETS["round_s"] else "✗"
        within = "✓" if r["overhead"][side] < TARGETS["overhead"] else "✗"
        lines.append(
            f"| {side} | **{rr['seconds']:.2f}** {ok} | {rr['cpu_s']:.2f} | {uu['seconds']:.2f} | {uu['cpu_s']:.2f} "
            f"| {pp['seconds']:.2f} | {pp['cpu_s']:.2f} | **{r['overhead'][side]:+.1%}** {within} | {r['overhead_cpu'][side]:+.1%} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=3321, help="units of the round, one stored return each")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processes for the plain consolidate (and making data)")
    parser.add_argument("--db", help="an empty PostgreSQL database (default: SQLite in the data folder)")
    parser.add_argument("--before", help="a git commit (or a folder of source) to time side by side with this checkout")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each command on each side, alternating; the fastest kept")
    parser.add_argument("--cold", action="store_true", help="PostgreSQL: the blob cache emptied before each round consolidate")
    parser.add_argument("--keep", type=Path, help="keep the store, returns and outputs in this folder")
    parser.add_argument("--reuse", action="store_true", help="with --keep: reuse the store made by an earlier run")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the round's consolidation too")
    args = parser.parse_args()
    if args.n < 2:
        parser.error("--n must be at least 2 (one city, one commune)")
    work = args.keep or Path(tempfile.mkdtemp(prefix="tonghop-bench-rounds-"))
    if args.keep and work.exists() and not args.reuse:
        shutil.rmtree(work)
    work.mkdir(parents=True, exist_ok=True)
    try:
        sides = {"after": ROOT}
        if args.before:
            before = Path(args.before) if Path(args.before).is_dir() else export(args.before, work)
            sides = {"before": before, "after": ROOT}
        result = bench_round(args.n, sides, work, jobs=args.jobs, url=args.db, repeat=args.repeat, reuse=args.reuse, cold=args.cold)
        result |= {"before": args.before, "machine": system.describe(), "load": system.loadavg()}
        if args.profile:
            print(profile(json.loads((work / SETUP_FILE).read_text(encoding="utf-8")), work))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    (HERE / f"results-rounds-{result['database']}.json").write_text(
        json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    print(table(result))
    for side, names in result["csv_differ"].items():
        if names:
            print(f"{side}: CSV outputs that differ between the round and the folder: {', '.join(names)}")
    for side, names in result.get("sides_differ", {}).items():
        if names:
            print(f"CSV outputs of the round that differ between {next(iter(result['round']))} and {side}: {', '.join(names)}")


if __name__ == "__main__":
    main()
