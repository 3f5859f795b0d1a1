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


def ratios(r: dict) -> dict:
    a, b, c = r["consolidate"]["seconds"], r["common"]["extrapolated_s"], r["floor"]["seconds"]
    return {
        "consolidate_over_common": a / b,
        "common_over_consolidate": b / a,
        "consolidate_over_floor": a / c,
        "templates_over_build_loop": r["templates"]["seconds"] / r["build_loop"]["extrapolated_s"],
        "build_loop_over_templates": r["build_loop"]["extrapolated_s"] / r["templates"]["seconds"],
    }


def _peak(step: dict) -> float:
    return max(step["max_rss_mib"], step["tree_pss_mib"])


def targets(r: dict, goal: dict) -> dict:
    scale = 10_000 / r["n"]  # the targets are for 10,000 returns
    return {
        "consolidate_10k_s": (
            r["consolidate"]["seconds"] * scale,
            goal["consolidate_s"],
            r["consolidate"]["seconds"] * scale < goal["consolidate_s"],
        ),
        "speedup_vs_common": (
            r["ratios"]["common_over_consolidate"],
            goal["speedup_vs_common"],
            r["ratios"]["common_over_consolidate"] >= goal["speedup_vs_common"],
        ),
        "templates_10k_s": (
            r["templates"]["seconds"] * scale,
            goal["templates_s"],
            r["templates"]["seconds"] * scale < goal["templates_s"],
        ),
        "consolidate_peak_mib": (_peak(r["consolidate"]), goal["peak_mib"], _peak(r["consolidate"]) < goal["peak_mib"]),
        "templates_peak_mib": (_peak(r["templates"]), goal["peak_mib"], _peak(r["templates"]) < goal["peak_mib"]),
    }


def _row(label: str, step: dict, n: int, seconds: float | None = None) -> str:
    seconds = step["seconds"] if seconds is None else seconds
    files = f"{step['files']:,} of {n:,} (sample)" if step["files"] < n else f"{n:,}"
    time = f"{step['seconds']:.2f} → **{seconds:.1f}** (extrapolated)" if step["files"] < n else f"**{seconds:.2f}**"
    return f"| {label} | {files} | {time} | {n / seconds:,.0f} | {step['max_rss_mib']:.0f} / {step['tree_pss_mib']:.0f} |"


def markdown(r: dict) -> str:
    m, n, q = r["machine"], r["n"], r["ratios"]
    versions = ", ".join(f"{k} {v}" for k, v in m["packages"].items())
    lines = [
        f"#### {n:,} returns / units (`python benchmarks/run.py --n {n} --jobs {r['jobs']} --repeat {r['repeat']}`)",
        "",
        f"Machine: {m['nproc']} cores ({m['cpu']}), {m['memory']} memory; Python {m['python']}; {versions}.",
        f"Load average before / after: {r['load_before']} / {r['load_after']}. Returns are {r['return_bytes'] / 1024:.0f} KB each.",
        "",
        "| measurement | files | seconds | files/s | peak MiB (largest process / tree) |",
        "|---|---:|---:|---:|---:|",
        _row(f"(a) `tonghop consolidate --jobs {r['jobs']}`, end to end", r["consolidate"], n),
        _row("(b) `pandas.read_excel(engine='openpyxl')` loop, summed with pandas", r["common"], n, r["common"]["extrapolated_s"]),
        _row("(c) floor: unzip and inflate every part", r["floor"], n),
        _row("(d) `tonghop templates`, end to end", r["templates"], n),
        _row("(e) `build_template` (XlsxWriter) per unit, one process", r["build_loop"], n, r["build_loop"]["extrapolated_s"]),
        "",
        f"(a)/(b) = {q['consolidate_over_common']:.3f} (consolidate is {q['common_over_consolidate']:.1f}× faster than the common approach); "
        f"(a)/(c) = {q['consolidate_over_floor']:.1f}; (d)/(e) = {q['templates_over_build_loop']:.3f} "
        f"(templates {q['build_loop_over_templates']:.1f}× faster than a per-file XlsxWriter loop).",
        f"Seconds of (a), (c), (d): the fastest of {r['repeat']} run(s). Peak memory: largest single process (getrusage) / sampled sum of the process tree's PSS. "
        "(b), (c) and (e) run in one process; (b) and (e) are timed on a random sample when N > 1,000.",
        "",
        "Targets (for 10,000 returns):" if n == 10_000 else
        f"Targets are set for 10,000 returns; below, N = {n:,} scaled linearly to 10,000, which counts the fixed start-up"
        " costs (process start, imports, worker pool) 10,000 / N times over: only a run with --n 10000 says whether they are met.",
    ]  # fmt: skip
    for key, (value, goal, ok) in r["targets"].items():
        lines.append(f"- {key}: {value:.1f} (target {'≥' if key.startswith('speedup') else '<'} {goal:g}) {'✓' if ok else '✗ MISSED'}")
    return "\n".join(lines)
