"""Deadline day for a large province: every unit uploads its return through Caddy (HTTPS), in
bursts of ``--burst`` at once, to two ``tonghop serve`` processes on one PostgreSQL.

    python benchmarks/deadline.py                          # 2,210 units (170 communes, 2,040 areas) over 10 minutes
    python benchmarks/deadline.py --units 300 --minutes 0  # smaller, bursts back to back

A throwaway PostgreSQL server (``tests.conftest.Postgres``), a round of ``--units`` units made
through the store, two ``tonghop serve --behind-proxy --base-url https://localhost:<port>``
processes on it (one data folder), and Caddy from ``deploy/Caddyfile`` (``tls internal``, the
requests shared in turn between the two, ``tests/deploy/caddy.py``). Each unit sends its return,
``POST /u/<token>`` with ``Accept: application/json`` over a TLS connection of its own (as a
phone does); one unit in ``--twice-every`` sends a second version in a later burst. Bursts start
evenly over ``--minutes``. Then the store is read: every upload answered 200 and accepted, each
stored exactly once under its unit with the bytes sent (none lost, none numbered twice), and the
servers' logs say how the uploads were shared between them. Prints the answer times (median, p99, slowest) and writes
``benchmarks/results-deadline.json``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]

import returns  # noqa: E402
import system  # noqa: E402
from web import multipart  # noqa: E402

from pipeline import rounds  # noqa: E402
from pipeline.store import Store  # noqa: E402
from pipeline.templates.build import template_filename  # noqa: E402
from tests import serving  # noqa: E402
from tests.conftest import Postgres  # noqa: E402
from tests.deploy import caddy  # noqa: E402

TARGET_P99_S = 2.0
SERVERS = 2


def start_servers(data: Path, url: str, site: str, count: int) -> tuple[list, list[int]]:
    """``count`` ``tonghop serve`` processes on the database ``url`` (one data folder)."""
    processes, ports = [], []
    for i in range(count):
        port = serving.free_port()
        command = [sys.executable, "-m", "pipeline", "serve", "--data", str(data), "--db", url, "--host", "127.0.0.1",
                   "--port", str(port), "--base-url", site, "--behind-proxy", "--no-browser"]  # fmt: skip
        processes.append(serving.start(command, port, data.parent, data.parent / f"serve{i}.log"))
        ports.append(port)
    return processes, ports


def upload(https_port: int, folder: Path, token: str, path: Path) -> tuple[float, int, dict]:
    """One unit's upload through Caddy on a new TLS connection: seconds, status, JSON verdict."""
    body, kind = multipart("file", path.name, path.read_bytes())
    start = time.perf_counter()
    status, _, answer = caddy.request(
        https_port, folder, "POST", f"/u/{token}", {"Content-Type": kind, "Accept": "application/json"}, body=body
    )
    seconds = time.perf_counter() - start
    return seconds, status, json.loads(answer) if status == 200 else {"error": answer[:300].decode(errors="replace")}


def plan(codes: list[str], burst: int, twice_every: int) -> list[list[str]]:
    """The bursts: every unit once, then one in ``twice_every`` again (in a later burst)."""
    sends = codes + codes[::twice_every]
    return [sends[i : i + burst] for i in range(0, len(sends), burst)]


def run_bursts(bursts: list[list[str]], minutes: float, send) -> list[tuple[str, float, int, dict]]:
    """Each burst's uploads at once, the bursts' starts spread evenly over ``minutes``."""
    spacing = minutes * 60 / len(bursts) if bursts else 0
    done: list[tuple[str, float, int, dict]] = []
    began = time.monotonic()
    with ThreadPoolExecutor(max(len(b) for b in bursts)) as pool:
        for n, codes in enumerate(bursts):
            time.sleep(max(0.0, began + n * spacing - time.monotonic()))
            done += [(code, *answer) for code, answer in zip(codes, pool.map(send, codes), strict=True)]
            print(f"burst {n + 1}/{len(bursts)}: slowest {max(a[1] for a in done[-len(codes) :]):.2f} s", file=sys.stderr)
    return done


def check_store(store: Store, round_id: str, done: list, files: dict[str, Path]) -> dict:
    """Every answered upload stored once under its unit, with the bytes sent; no id twice."""
    stored = store.submissions(round_id)
    by_unit: dict[str, list] = {}
    for sub in sorted(stored, key=lambda s: s.id):
        by_unit.setdefault(sub.link_unit, []).append(sub)
    sent: dict[str, int] = {}
    for code, *_ in done:
        sent[code] = sent.get(code, 0) + 1
    lost = [c for c, n in sent.items() if len(by_unit.get(c, [])) != n]
    ids = [s.id for s in stored]
    wrong = [s.id for s in stored if s.sha256 != hashlib.sha256(files[s.link_unit].read_bytes()).hexdigest() or s.unit_code != s.link_unit]
    return {
        "uploads": len(done),
        "stored": len(stored),
        "units_lost_or_doubled": lost,
        "ids_repeated": len(ids) - len(set(ids)),
        "wrong": wrong,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--units", type=int, default=2210, help="units uploading (default 170 communes + 2,040 areas)")
    parser.add_argument("--burst", type=int, default=50, help="uploads at once")
    parser.add_argument("--minutes", type=float, default=10, help="the bursts' starts spread over this long (0: back to back)")
    parser.add_argument("--twice-every", type=int, default=10, help="one unit in this many sends a second version")
    parser.add_argument("--jobs", type=int, default=2, help="processes for making the returns")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tonghop-deadline-") as tmp:
        results = bench(args, Path(tmp))
    path = HERE / "results-deadline.json"
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    print(markdown(results))
    print(f"\nResults written to {path.relative_to(ROOT)}.")


def bench(args, work: Path) -> dict:
    from pipeline.form.definition import load_form

    units = returns.make_units(args.units, work / "units.csv")[1:]  # the communes' level: one return shape
    returns.make_returns(load_form(), units, work / "returns", args.jobs)
    files = {u.code: work / "returns" / template_filename(u) for u in units}
    database = Postgres()
    database.start()
    processes, proxy = [], None
    try:
        url = f"postgresql://tonghop@/postgres?host={database.folder}&port={database.port}"
        store = Store.open(work / "data", url)
        https_port = serving.free_port()
        site = f"https://localhost:{https_port}"
        rounds.save_base_url(work / "data", site)
        rnd = rounds.create_round(store, units_path=work / "units.csv", period=returns.PERIOD,
                                  deadline=(date.today() + timedelta(days=1)).strftime("%d/%m/%Y"))  # fmt: skip
        tokens = {code: link.rsplit("/", 1)[1] for code, _name, link in rounds.links(store, rnd.id)}
        processes, ports = start_servers(work / "data", url, site, SERVERS)
        proxy = caddy.start(work / "caddy", site, https_port, ports[0], upstreams=ports)
        results = {"machine": system.describe(), "load_before": system.loadavg(), "units": len(units), "burst": args.burst,
                   "minutes": args.minutes, "servers": SERVERS}  # fmt: skip
        started = time.perf_counter()
        done = run_bursts(plan([u.code for u in units], args.burst, args.twice_every), args.minutes,
                          lambda code: upload(https_port, work / "caddy", tokens[code], files[code]))  # fmt: skip
        results["wall_s"] = time.perf_counter() - started
        times = sorted(d[1] for d in done)
        results["answer_s"] = {"median": statistics.median(times), "p99": times[max(0, round(0.99 * len(times)) - 1)], "slowest": times[-1]}
        results["refused"] = [(c, s, a) for c, _, s, a in done if s != 200 or not a.get("accepted")][:10]
        results["store"] = check_store(store, rnd.id, done, files)
        results["per_server"] = [(work / f"serve{i}.log").read_text(encoding="utf-8").count(" POST /u/… ") for i in range(SERVERS)]
        results["load_after"] = system.loadavg()
        store.close()
        return results
    finally:
        if proxy:
            caddy.stop(proxy)
        for process in processes:
            serving.stop(process)
        database.stop()
        database.remove()


def markdown(r: dict) -> str:
    a, s = r["answer_s"], r["store"]
    ok = "✓" if a["p99"] < TARGET_P99_S else "✗ MISSED"
    return "\n".join([
        f"Machine: {r['machine']['nproc']} cores ({r['machine']['cpu']}); load {r['load_before']} → {r['load_after']}",
        "",
        "| measurement | size | result | target |",
        "|---|---:|---:|---:|",
        f"| upload answered through Caddy (HTTPS) by one of {r['servers']} `serve` on one PostgreSQL, bursts of {r['burst']} "
        f"over {r['minutes']:g} min | {s['uploads']} uploads ({r['units']} units) | p99 **{a['p99']:.2f} s**, median {a['median']:.2f}, "
        f"slowest {a['slowest']:.2f} (all in {r['wall_s']:.0f} s) | p99 < {TARGET_P99_S:g} s {ok} |",
        f"| each upload stored once, under its unit, with its bytes | {s['stored']} stored | lost or doubled: {len(s['units_lost_or_doubled'])}, ids repeated: "
        f"{s['ids_repeated']}, wrong file: {len(s['wrong'])}, refused: {len(r['refused'])} (per server: {r['per_server']}) | 0 |",
    ])  # fmt: skip


if __name__ == "__main__":
    main()
