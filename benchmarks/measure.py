"""Run a command in a fresh process and measure it: wall time, CPU time, peak memory.

Each command runs against one copy of the source (``src``: this checkout, or the code before a
change exported by ``run.py --before``), so both are measured the same way, side by side.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import system

# Runs a command, then reports its wall time, CPU time and the peak RSS of its largest process.
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


def measure(command: list[str], src: Path) -> dict:
    """Run ``command`` in a fresh process with ``src`` first on the import path: wall time, CPU
    time of the process tree, peak memory (largest process, and the tree's sampled PSS sum)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(src), os.environ.get("PYTHONPATH")]))}
    proc = subprocess.Popen([sys.executable, "-c", WRAPPER, *command], stdout=subprocess.PIPE, text=True, cwd=src, env=env)
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
        raise SystemExit(f"{' '.join(command)} failed ({result['rc']}) in {src}:\n{result['stderr']}")
    result["max_rss_mib"] = result.pop("max_rss_kib") / 1024
    result["tree_pss_mib"] = peak["tree"] / 2**20
    return result


def summarise(runs: list[dict]) -> dict:
    """The fastest run (other work on the machine only ever slows a run down), every run's wall
    time, and the most memory seen in any run."""
    best = min(runs, key=lambda r: r["wall"])
    return {**best, "walls": [r["wall"] for r in runs], **{k: max(r[k] for r in runs) for k in ("max_rss_mib", "tree_pss_mib")}}


def side_by_side(repeat: int, sides: dict[str, Path], command: list[str], before_each=None, after_each=None) -> dict[str, dict]:
    """``command`` run ``repeat`` times on every side (``{"before": src, "after": src}``),
    alternating, so a change in the machine's load falls on both; ``{side}`` in the command is
    the side's name (an output folder per side); ``before_each(side)`` runs first each time (to
    remove the previous run's output), ``after_each(side)`` after (to check it)."""
    runs: dict[str, list[dict]] = {side: [] for side in sides}
    for _ in range(max(1, repeat)):
        for side, src in sides.items():
            if before_each:
                before_each(side)
            runs[side].append(measure([part.replace("{side}", side) for part in command], src))
            if after_each:
                after_each(side)
    return {side: summarise(done) for side, done in runs.items()}


def last_json(stdout: str) -> dict:
    """The JSON line a worker prints last."""
    return json.loads(stdout.strip().splitlines()[-1])


def export(ref: str, work: Path) -> Path:
    """The source of commit ``ref`` in ``work/src-before`` (``git archive``: no checkout touched)."""
    target = work / "src-before"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "-C", str(Path(__file__).resolve().parent.parent), "archive", ref], capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target
