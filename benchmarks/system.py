"""The machine, memory of a process tree, and the benchmark's table."""

from __future__ import annotations

import os
import platform
from importlib import metadata
from pathlib import Path

PACKAGES = ("openpyxl", "XlsxWriter", "pandas", "numpy", "python-calamine", "defusedxml")
PAGE = os.sysconf("SC_PAGE_SIZE")


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def _memory(pid: int) -> int:
    """Proportional set size (shared pages split between the processes sharing them), else RSS."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
    except (OSError, ValueError, IndexError):
        return 0


def tree_pss(root: int, include_root: bool = True) -> int:
    """Bytes used now by ``root`` and all its descendants (Linux ``/proc``; 0 elsewhere)."""
    if not Path("/proc").is_dir():
        return 0
    tree, todo, total = _children(), [root], 0
    while todo:
        pid = todo.pop()
        if pid != root or include_root:
            total += _memory(pid)
        todo += tree.get(pid, [])
    return total


def loadavg() -> list[float]:
    try:
        return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]
    except OSError:
        return []


def describe() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in _lines("/proc/cpuinfo") if line.startswith("model name")), platform.processor())
    mem = next((line.split(":", 1)[1].strip() for line in _lines("/proc/meminfo") if line.startswith("MemTotal")), "")
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "-"
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "nproc": cores,
        "cpu": cpu,
        "memory": mem,
        "python": platform.python_version(),
        "system": platform.platform(),
        "packages": versions,
    }


def _lines(path: str) -> list[str]:
    try:
        return Path(path).read_text().splitlines()
    except OSError:
        return []


# Issue 24's targets, on this 2-core machine, each a ratio or a time measured in the same run.
TARGETS = {
    "consolidate_over_floor": 3.0,  # (a) at most 3x the floor (c)
    "common_over_consolidate": 25.0,  # (a) at least 25x faster than the common approach (b)
    "consolidate_tree_mib": 600.0,  # (a) peak memory of the whole process tree
    "templates_after_over_before": 0.5,  # (d) at most half of the time before
    "prior_s": 3.0,  # (f) 170 templates with prior figures
    "round_s": 4.0,  # (g) a round's consolidation of 3,321 stored returns
    "round_overhead": 0.10,  # (g) with nothing remembered (every return read), over a plain consolidation of the same files
    "check_cpu_ms": 50.0,  # (h) one return's check
}
AT_LEAST = {"common_over_consolidate"}


def _peak(step: dict) -> float:
    return max(step["max_rss_mib"], step["tree_pss_mib"])


def targets(r: dict) -> dict:
    """Each target: (measured, goal, met); measured on this checkout ("after")."""
    after = {key: r[key]["after"] for key in ("consolidate", "templates", "prior", "check") if key in r}
    measured = {
        "consolidate_over_floor": after["consolidate"]["seconds"] / r["floor"]["seconds"],
        "common_over_consolidate": r["common"]["extrapolated_s"] / after["consolidate"]["seconds"],
        "consolidate_tree_mib": _peak(after["consolidate"]),
        "prior_s": after["prior"]["seconds"],
        "check_cpu_ms": after["check"]["median_ms"],
    }
    if "before" in r["templates"]:
        measured["templates_after_over_before"] = r["templates"]["after"]["seconds"] / r["templates"]["before"]["seconds"]
    if "round" in r:
        measured["round_s"] = r["round"]["round"]["after"]["seconds"]
        measured["round_overhead"] = r["round"]["overhead"]["after"]
    done = {}
    for key, value in measured.items():
        goal = TARGETS[key]
        done[key] = (value, goal, value >= goal if key in AT_LEAST else value <= goal)
    return done


def _cell(step: dict | None, n: int) -> str:
    if step is None:
        return "–"
    tree = f" / {step['tree_pss_mib']:.0f}" if step.get("tree_pss_mib") else ""
    return f"{step['seconds']:.2f} s (CPU {step.get('cpu_s', 0):.1f} s; {step['max_rss_mib']:.0f}{tree} MiB)"


def markdown(r: dict) -> str:
    m, n = r["machine"], r["n"]
    versions = ", ".join(f"{k} {v}" for k, v in m["packages"].items())
    both = "before" in r["consolidate"]
    lines = [
        f"#### {n:,} returns / units (`python benchmarks/run.py --n {n} --jobs {r['jobs']} --repeat {r['repeat']} --before {r['before']}`)",
        "",
        f"Machine: {m['nproc']} cores ({m['cpu']}), {m['memory']} memory; Python {m['python']}; {versions}.",
        f"Load average before / after: {r['load_before']} / {r['load_after']}. Returns are {r['return_bytes'] / 1024:.0f} KB each.",
        "",
        f"| measurement | {'before (' + r['before'] + ') | ' if both else ''}this checkout |",
        f"|---|{'---:|' if both else ''}---:|",
    ]

    def row(label: str, key: str) -> str:
        cells = [_cell(r[key].get("before"), n)] if both else []
        return f"| {label} | {' | '.join([*cells, _cell(r[key]['after'], n)])} |"

    lines += [
        row(f"(a) `tonghop consolidate --jobs {r['jobs']}`, {n:,} returns", "consolidate"),
        row(f"(d) `tonghop templates`, {n:,} units", "templates"),
        row(f"(f) `tonghop templates --prior`, {r['prior']['after']['files']} units", "prior"),
    ]
    if "round" in r:
        g = r["round"]
        for part, label in (
            ("round", "(g) `tonghop round consolidate`, outcomes remembered at upload"),
            ("unread", "(g) the same, nothing remembered (every return read)"),
            ("plain", "(g) plain `tonghop consolidate`, same files"),
        ):
            cells = ["–"] if both else []  # the store is made by this checkout: the code before is not run on it
            lines.append(f"| {label}, {g['n']:,} returns ({g['database']}) | {' | '.join([*cells, _cell(g[part]['after'], n)])} |")
    check = [f"{r['check'][side]['median_ms']:.1f} ms" for side in (("before", "after") if both else ("after",))]
    lines += [
        f"| (h) one return's check, CPU (median of 50) | {' | '.join(check)} |",
        "",
        f"Same run: (b) the common approach {r['common']['extrapolated_s']:.1f} s"
        f"{' (extrapolated from ' + str(r['common']['files']) + ' files)' if r['common']['sampled'] else ''}; "
        f"(c) the floor {r['floor']['seconds']:.2f} s; (e) `build_template` per unit {r['build_loop']['extrapolated_s']:.1f} s.",
        f"Seconds: the fastest of {r['repeat']} run(s) per side, alternated; memory: largest process / sampled PSS of the tree.",
        "",
        "Targets:" if n == 10_000 else f"Targets are set for 10,000 returns; this run has N = {n:,}.",
    ]
    for key, (value, goal, ok) in r["targets"].items():
        lines.append(f"- {key}: {value:.2f} (target {'≥' if key in AT_LEAST else '≤'} {goal:g}) {'✓' if ok else '✗ MISSED'}")
    return "\n".join(lines)
