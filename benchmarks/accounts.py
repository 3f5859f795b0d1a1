"""Speed of the office accounts (issue 22): the password hash, 50 logins at once, the national tree.

    python benchmarks/accounts.py
    python benchmarks/accounts.py --logins 50 --repeat 3

(h) one argon2id hash and one check of a password (``pipeline.accounts.passwords``), median and
slowest of ``--samples``; (c) ``--logins`` accounts logging in at once, each from a thread of its
own and its own address, through one store (SQLite, as one ``tonghop serve`` process shares it):
every one answered with its account, the slowest answer timed (the web adds little to this:
the hash is the work); (n) ``tonghop admin init --country`` in a fresh process on a fresh data
folder: 34 provinces, 3,321 communes from the registry (needs ``vietnam-provinces``), its wall
time, then again on the same folder (adds nothing).

Prints a Markdown table and writes ``benchmarks/results-accounts.json``.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]

import system  # noqa: E402

from pipeline.accounts import authenticate, hash_password, init_from_units, passwords, verify  # noqa: E402
from pipeline.store import Store  # noqa: E402

PASSWORD = "mùa xuân nho nhỏ 2026"
TARGETS = {"hash_s": 0.5, "concurrent_s": 10.0, "national_s": 60.0}


def bench_hash(samples: int) -> dict:
    made, checked = [], []
    for _ in range(samples):
        start = time.perf_counter()
        hashed = hash_password(PASSWORD)
        made.append(time.perf_counter() - start)
        start = time.perf_counter()
        assert verify(hashed, PASSWORD)
        checked.append(time.perf_counter() - start)
    return {"hash_median_s": statistics.median(made), "verify_median_s": statistics.median(checked), "slowest_s": max(made + checked)}


def _store_with_accounts(folder: Path, count: int) -> Store:
    units = folder / "uy_ban.csv"
    units.write_text("code,name,level,parent\n" + "".join(f"{i:05d},Xã {i},commune,\n" for i in range(count)), encoding="utf-8")
    store = Store.open(folder / "data")
    init_from_units(store, units)
    hashed = hash_password(PASSWORD)  # one hash for every account: the logins are what is timed
    for i in range(count):
        account = store.add_account(f"vp.{i:05d}", f"Văn phòng {i}", f"{i:05d}", "office", "server")
        store.set_password_hash(account.id, hashed)
    return store


def bench_concurrent(count: int, repeat: int) -> dict:
    runs = []
    with tempfile.TemporaryDirectory(prefix="tonghop-accounts-") as tmp:
        store = _store_with_accounts(Path(tmp), count)
        try:
            for _ in range(repeat):
                runs.append(_logins_at_once(store, count))
        finally:
            store.close()
    best = min(runs, key=lambda r: r["slowest_s"])
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux: the process's peak, hashes included
    return {**best, "runs_s": [round(r["slowest_s"], 2) for r in runs], "peak_rss_mib": round(peak)}


def _logins_at_once(store: Store, count: int) -> dict:
    barrier, answers, times = threading.Barrier(count), [None] * count, [0.0] * count

    def login(i: int) -> None:
        barrier.wait()
        start = time.perf_counter()
        answers[i] = authenticate(store, f"vp.{i:05d}", PASSWORD, f"10.0.{i // 250}.{i % 250}")
        times[i] = time.perf_counter() - start

    threads = [threading.Thread(target=login, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [a.login for a in answers] == [f"vp.{i:05d}" for i in range(count)], "every login answered with its account"
    return {"slowest_s": max(times), "median_s": statistics.median(times)}


def bench_national() -> dict:
    with tempfile.TemporaryDirectory(prefix="tonghop-national-") as tmp:
        command = [sys.executable, "-m", "pipeline", "admin", "init", "--data", str(Path(tmp) / "data"), "--country"]
        walls = []
        for _ in range(2):
            start = time.perf_counter()
            done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
            walls.append(time.perf_counter() - start)
            assert done.returncode == 0, done.stderr
        with Store.open(Path(tmp) / "data") as store:
            committees = store.committees()
    levels = [c.level for c in committees]
    return {"first_s": walls[0], "again_s": walls[1], "provinces": levels.count("province"), "communes": levels.count("commune")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--logins", type=int, default=50)
    parser.add_argument("--samples", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    load = system.loadavg()
    results = {
        "machine": system.describe(),
        "load_before": load,
        "parameters": {
            "time_cost": passwords.TIME_COST,
            "memory_kib": passwords.MEMORY_KIB,
            "parallelism": passwords.PARALLELISM,
            "hash_slots": passwords.HASH_SLOTS,
        },  # fmt: skip
        "hash": bench_hash(args.samples),
        "concurrent": bench_concurrent(args.logins, args.repeat),
        "national": bench_national(),
        "load_after": system.loadavg(),
    }
    (HERE / "results-accounts.json").write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    h, c, n = results["hash"], results["concurrent"], results["national"]
    print("| measurement | size | seconds | target |")
    print("|---|---:|---:|---:|")
    print(
        f"| (h) one hash / one check, median | 1 | {h['hash_median_s']:.3f} / {h['verify_median_s']:.3f} (slowest {h['slowest_s']:.3f}) | < {TARGETS['hash_s']} |"
    )
    print(
        f"| (c) logins at once, slowest answer | {args.logins} | {c['slowest_s']:.2f} (median {c['median_s']:.2f}; runs {c['runs_s']}; peak {c['peak_rss_mib']} MiB) | < {TARGETS['concurrent_s']} |"
    )
    print(
        f"| (n) `tonghop admin init --country` | {n['provinces']} + {n['communes']} | {n['first_s']:.2f} (again: {n['again_s']:.2f}) | < {TARGETS['national_s']} |"
    )
    print(f"load average before {load}, after {results['load_after']}")


if __name__ == "__main__":
    main()
