"""Speed of a collection round on the web at national scale: uploads, the status board, the round's consolidation.

    python benchmarks/web.py
    python benchmarks/web.py --national 3321 --province 600 --keep benchmarks/data/web

Makes a unit list of ``--national`` units and one filled return per unit (``returns.py``), a
store with two rounds (``pipeline.rounds``): a province of the list's first ``--province``
units and the national round, and has most units send a return (some several versions, some
reviewed) through the store. Then, with ``tonghop serve`` running in a process of its own
(waitress, as the office runs it), times:

(u) one upload of a normal return, ``POST /u/<token>`` with ``Accept: application/json``
(answered: checked, stored, verdict), one unit after another; (c) ``--concurrent`` units
uploading at once, each from a thread of its own to its own link: every one answered accepted
and stored; (b) the status board ``GET /rounds/<id>`` (office login) of each round; (l) the page of links
of the national round ``GET /rounds/<id>/links`` (a page of 100 units with their QR codes: the
first view, then again) and ``links.csv`` of every unit;
(r) ``tonghop round consolidate`` of every unit's stored return in a fresh process (wall time),
its totals checked against what the returns hold; (f) the form for typing a return on a phone,
``GET /u/<token>/nhap``, of a commune with a version in use (its figures filled in and checked),
and what the phone downloads for it (the page, its stylesheet and script); (s) a save with checks,
``POST /u/<token>/nhap/kiem-tra`` (JSON) of a whole return typed as text: the draft kept, checked.

Prints a Markdown table to paste into the README and writes ``benchmarks/results-web.json``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]

import returns  # noqa: E402
import run  # noqa: E402
import system  # noqa: E402
from measure import measure, summarise  # noqa: E402

from pipeline import api, rounds  # noqa: E402
from pipeline.core.vnformat import format_number  # noqa: E402
from pipeline.form.definition import load_form  # noqa: E402
from pipeline.rounds.submit import finding  # noqa: E402
from pipeline.store import Store  # noqa: E402
from pipeline.templates.build import template_filename  # noqa: E402

ADMIN_TOKEN = "benchmark-admin-token"
TARGETS = {"upload_s": 1.0, "concurrent_s": 10.0, "board_s": 1.0, "consolidate_s": 10.0, "links_s": 2.0, "form_s": 0.3, "save_s": 0.3}
FORM_KIB = 150  # what the phone downloads for the typing form, at most
MISSING_EVERY = 10  # units i with i % MISSING_EVERY == MISSING_AT have sent nothing when the board is timed
MISSING_AT = 3
REJECTED_EVERY = 9  # ... first sent another unit's return through their link (rejected), then their own
TWICE_EVERY = 13  # ... sent their return twice (two accepted versions)
APPROVED_EVERY = 4  # ... were approved by the office
RETURNED_EVERY = 31  # ... were returned for correction
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# -- the data: rounds filled through the store ------------------------------------------------


def sample_findings(form, units_csv: Path, files: dict[str, Path], units) -> dict[str, tuple[list[dict], dict]]:
    """What the check finds and reads in one return of each level (stored for the others too)."""
    first = {}
    for unit in units:
        first.setdefault(unit.level, unit)
    checked = api.check_files([files[u.code] for u in first.values()], units_path=units_csv, period=returns.PERIOD)
    return {level: ([finding(p) for p in check.problems], check.values) for level, check in zip(first, checked, strict=True)}


def send(
    store: Store,
    round_id: str,
    unit,
    path: Path,
    found: list[dict],
    figures: dict | None = None,
    *,
    accepted: bool = True,
    link: str | None = None,
) -> int:
    """A return as ``rounds.submit`` records it, without checking it again."""
    data = path.read_bytes()
    errors = sum(f["severity"] == "error" for f in found)
    warnings = sum(f["severity"] == "warning" for f in found)
    return store.add_submission(
        round_id, sha256=store.put_blob(data), filename=path.name, sender="unit", link_unit=link or unit.code,
        unit_code=unit.code, accepted=accepted, errors=errors, warnings=warnings, findings=found, saved_at=None,
        figures=figures if accepted else None,
    )  # fmt: skip


def fill(store: Store, round_id: str, units, files: dict[str, Path], findings: dict[str, tuple[list[dict], dict]], skip: set[str]) -> int:
    """Every unit not in ``skip`` sends its return; some send several versions, some are reviewed."""
    count = 0
    for i, unit in enumerate(units):
        if unit.code in skip:
            continue
        if i % REJECTED_EVERY == 1 and i + 1 < len(units):
            other = units[i + 1]
            wrong = [{"severity": "error", "rule": "ROUND_101", "sheet": "", "cell": "", "message": f"Tệp của {other.name}."}]
            send(store, round_id, other, files[other.code], wrong, accepted=False, link=unit.code)
            count += 1
        if i % TWICE_EVERY == 2:
            send(store, round_id, unit, files[unit.code], *findings[unit.level])
            count += 1
        sub = send(store, round_id, unit, files[unit.code], *findings[unit.level])
        count += 1
        if i % APPROVED_EVERY == 0:
            store.review(round_id, sub, "approve")
        elif i % RETURNED_EVERY == 5:
            store.review(round_id, sub, "return", "Mục 3 thiếu số liệu, đề nghị bổ sung.")
    return count


def make_round(store: Store, units_csv: Path, units, deadline: date):
    rnd = rounds.create_round(store, units_path=units_csv, period=returns.PERIOD, deadline=deadline.strftime("%d/%m/%Y"))
    start = time.perf_counter()
    tokens = {code: url.rsplit("/", 1)[1] for code, _name, url in rounds.links(store, rnd.id)}
    print(f"round {rnd.id}: {len(units)} units, links in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    return rnd.id, tokens


# -- the server and its clients ---------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of process ``pid`` so far (Linux ``/proc``; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(data: Path, port: int) -> subprocess.Popen:
    """``tonghop serve`` in a process of its own, once it answers."""
    env = {**os.environ, "TONGHOP_ADMIN_TOKEN": ADMIN_TOKEN, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "pipeline", "serve", "--data", str(data), "--port", str(port), "--no-browser"]
    proc = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            request("127.0.0.1", port, "GET", "/u/none")
            return proc
        except OSError:
            if proc.poll() is not None:
                raise SystemExit(f"tonghop serve stopped: {proc.stderr.read().decode()}") from None
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("tonghop serve did not answer within 60 s")


def request(host: str, port: int, method: str, path: str, body: bytes = b"", headers: dict | None = None) -> tuple[int, dict, bytes]:
    conn = http.client.HTTPConnection(host, port, timeout=120)
    try:
        conn.request(method, path, body=body or None, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def multipart(field: str, filename: str, data: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    head = f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{filename}"\r\nContent-Type: {XLSX}\r\n\r\n'
    return head.encode() + data + f"\r\n--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def upload(port: int, token: str, path: Path) -> tuple[float, dict]:
    """One unit's ``POST /u/<token>``: seconds until the answer, and the JSON verdict."""
    body, kind = multipart("file", path.name, path.read_bytes())
    start = time.perf_counter()
    code, _headers, answer = request("127.0.0.1", port, "POST", f"/u/{token}", body, {"Content-Type": kind, "Accept": "application/json"})
    seconds = time.perf_counter() - start
    if code != 200:
        raise SystemExit(f"upload answered {code}: {answer[:500]!r}")
    return seconds, json.loads(answer)


def login(port: int) -> str:
    """The office's session cookie (``/?token=``)."""
    code, headers, _ = request("127.0.0.1", port, "GET", f"/?token={ADMIN_TOKEN}")
    cookie = next((v for k, v in headers.items() if k.lower() == "set-cookie"), "")
    if code not in (302, 303) or not cookie:
        raise SystemExit(f"office login failed ({code})")
    return cookie.split(";", 1)[0]


def board(port: int, cookie: str, round_id: str, repeat: int) -> dict:
    """``GET /rounds/<id>`` ``repeat`` times (after one untimed warm-up)."""
    walls, size = [], 0
    for attempt in range(repeat + 1):
        start = time.perf_counter()
        code, _headers, page = request("127.0.0.1", port, "GET", f"/rounds/{round_id}", headers={"Cookie": cookie})
        if code != 200:
            raise SystemExit(f"board answered {code}")
        if attempt:
            walls.append(time.perf_counter() - start)
        size = len(page)
    return {"seconds": min(walls), "median": statistics.median(walls), "walls": walls, "kib": size / 1024}


def links_page(port: int, cookie: str, round_id: str, repeat: int, pid: int) -> dict:
    """``GET /rounds/<id>/links`` of a page never shown (its QR codes made), then of page 1
    ``repeat`` times (made once per process); and ``links.csv`` of every unit. With the server's
    CPU time for each (the wall time grows with the machine's load, the CPU time hardly)."""
    timed = {}
    for name, path, times in (("first", "/links?page=2", 1), ("again", "/links", repeat + 1), ("csv", "/links.csv", 2)):
        walls, size, before = [], 0, cpu_seconds(pid)
        for _ in range(times):
            start = time.perf_counter()
            code, _headers, page = request("127.0.0.1", port, "GET", f"/rounds/{round_id}{path}", headers={"Cookie": cookie})
            if code != 200:
                raise SystemExit(f"{path} answered {code}")
            walls.append(time.perf_counter() - start)
            size = len(page)
        timed[name] = {"seconds": min(walls[-max(1, times - 1) :]), "kib": size / 1024, "server_cpu_s": (cpu_seconds(pid) - before) / times}
    return timed


# -- the measurements ------------------------------------------------------------------------


def typing_form(port: int, token: str, figures: dict, repeat: int) -> dict:
    """(f) ``GET /u/<token>/nhap`` and (s) ``POST /u/<token>/nhap/kiem-tra`` ``repeat`` times
    each (after one untimed warm-up), ``figures`` typed the Vietnamese way (``1.200.000``)."""
    typed = {f"so_{code}": format_number(v) if isinstance(v, (int, float)) else str(v or "") for code, v in figures.items()}
    body = urlencode(typed).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}
    timed = {}
    for name, method, path, sent, extra in (
        ("form", "GET", f"/u/{token}/nhap", b"", {}),
        ("save", "POST", f"/u/{token}/nhap/kiem-tra", body, headers),
    ):
        walls, size = [], 0
        for attempt in range(repeat + 1):
            start = time.perf_counter()
            code, _headers, answer = request("127.0.0.1", port, method, path, sent, extra)
            if code != 200:
                raise SystemExit(f"{path} answered {code}: {answer[:300]!r}")
            if attempt:
                walls.append(time.perf_counter() - start)
            size = len(answer)
        timed[name] = {"seconds": min(walls), "median": statistics.median(walls), "kib": size / 1024}
    if json.loads(answer)["readings"].keys() != {key[3:] for key in typed}:
        raise SystemExit("the save did not read every figure typed")
    static = sum(len(request("127.0.0.1", port, "GET", f"/static/{name}")[2]) for name in ("style.css", "entry.js"))
    timed["form"]["phone_kib"] = timed["form"]["kib"] + static / 1024
    return timed


def time_uploads(port: int, store: Store, round_id: str, tokens: dict, files: dict, codes: list[str]) -> dict:
    walls = []
    for code in codes:
        seconds, verdict = upload(port, tokens[code], files[code])
        if not verdict["accepted"]:
            raise SystemExit(f"upload of {code} not accepted: {verdict}")
        walls.append(seconds)
    return {"n": len(codes), "seconds": max(walls), "median": statistics.median(walls), "walls": walls}


def time_concurrent(port: int, store: Store, round_id: str, tokens: dict, files: dict, codes: list[str]) -> dict:
    """Every unit of ``codes`` uploads at once, from a thread of its own."""
    answers: dict[str, tuple[float, dict] | BaseException] = {}
    ready = threading.Barrier(len(codes) + 1)

    def one(code: str) -> None:
        ready.wait()
        try:
            answers[code] = upload(port, tokens[code], files[code])
        except BaseException as err:  # noqa: BLE001 - reported below
            answers[code] = err

    threads = [threading.Thread(target=one, args=(code,)) for code in codes]
    for thread in threads:
        thread.start()
    ready.wait()
    start = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - start
    failed = {code: a for code, a in answers.items() if isinstance(a, BaseException) or not a[1]["accepted"]}
    stored = [code for code in codes if any(s.accepted for s in store.submissions(round_id, code))]
    if failed or len(stored) != len(codes):
        raise SystemExit(f"concurrent uploads: {len(failed)} failed ({failed}), {len(stored)} of {len(codes)} stored")
    walls = sorted(a[0] for a in answers.values())
    return {"n": len(codes), "seconds": wall, "slowest": walls[-1], "median": statistics.median(walls), "stored": len(stored)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--national", type=int, default=3321, help="units of the national round")
    parser.add_argument("--province", type=int, default=600, help="units of the province round (the list's first)")
    parser.add_argument("--uploads", type=int, default=10, help="single uploads timed one after another")
    parser.add_argument("--concurrent", type=int, default=50, help="units uploading at once")
    parser.add_argument("--repeat", type=int, default=5, help="board and consolidation: runs, the fastest kept")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processes for making the returns")
    parser.add_argument("--keep", type=Path, help="keep the data in this folder")
    args = parser.parse_args()
    missing = len(range(MISSING_AT, args.national, MISSING_EVERY))
    if args.province > args.national or args.uploads + args.concurrent > missing:
        parser.error(f"--province at most --national; --uploads + --concurrent at most {missing} (the units yet to send)")
    work = args.keep or Path(tempfile.mkdtemp(prefix="tonghop-web-bench-"))
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    try:
        results = bench(args, work)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    path = HERE / "results-web.json"
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    print(markdown(results))
    print(f"\nResults written to {path.relative_to(ROOT)}.")


def bench(args, work: Path) -> dict:
    form = load_form()
    units = returns.make_units(args.national, work / "units.csv")
    province = returns.make_units(args.province, work / "province.csv")
    expected = returns.make_returns(form, units, work / "returns", args.jobs)
    files = {u.code: work / "returns" / template_filename(u) for u in units}
    findings = sample_findings(form, work / "units.csv", files, units)
    store = Store.open(work / "data")
    deadline = date.today() + timedelta(days=30)
    results: dict = {"machine": system.describe(), "load_before": system.loadavg(), "national": args.national, "province": args.province}
    prov_id, _ = make_round(store, work / "province.csv", province, deadline)
    nat_id, tokens = make_round(store, work / "units.csv", units, deadline)
    late = [u.code for i, u in enumerate(units) if i % MISSING_EVERY == MISSING_AT]
    start = time.perf_counter()
    results["stored"] = {"province": fill(store, prov_id, province, files, findings, set(late)),
                         "national": fill(store, nat_id, units, files, findings, set(late))}  # fmt: skip
    print(f"filled the rounds in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    port = free_port()
    server = serve(work / "data", port)
    try:
        cookie = login(port)
        results["board_province"] = board(port, cookie, prov_id, args.repeat)
        results["board_national"] = board(port, cookie, nat_id, args.repeat)
        results["links"] = links_page(port, cookie, nat_id, args.repeat, server.pid)
        singles, together = late[: args.uploads], late[args.uploads : args.uploads + args.concurrent]
        before = cpu_seconds(server.pid)
        results["upload"] = time_uploads(port, store, nat_id, tokens, files, singles)
        middle = cpu_seconds(server.pid)
        results["concurrent"] = time_concurrent(port, store, nat_id, tokens, files, together)
        results["upload"]["server_cpu_s"] = (middle - before) / len(singles)
        results["concurrent"]["server_cpu_s"] = (cpu_seconds(server.pid) - middle) / len(together)
        typist = next(u for u in units if u.level != units[0].level and u.code not in late)  # a commune that sent its return
        results["typing"] = typing_form(port, tokens[typist.code], findings[typist.level][1], args.repeat)
    finally:
        server.terminate()
        server.wait(30)
    sent = set(late[: args.uploads + args.concurrent])
    fill(store, nat_id, units, files, findings, {u.code for u in units} - (set(late) - sent))
    store.close()
    out = work / "out"
    command = [sys.executable, "-m", "pipeline", "round", "consolidate", "--data", str(work / "data"), "--round", nat_id, "--out", str(out)]
    measured = summarise([measure(command, ROOT) for _ in range(max(1, args.repeat))])
    run.check_totals(out, expected, args.national)
    results["consolidate"] = {"files": args.national, "seconds": measured["wall"], "walls": measured["walls"], "cpu_s": measured["cpu_s"],
                              "max_rss_mib": measured["max_rss_mib"], "tree_pss_mib": measured["tree_pss_mib"]}  # fmt: skip
    results["load_after"] = system.loadavg()
    return results


def _mark(value: float, target: float) -> str:
    return f"< {target:g} s {'✓' if value < target else '✗ MISSED'}"


def markdown(r: dict) -> str:
    m, n, p = r["machine"], r["national"], r["province"]
    u, c, a, bp, bn, lk = r["upload"], r["concurrent"], r["consolidate"], r["board_province"], r["board_national"], r["links"]
    tf, ts = r["typing"]["form"], r["typing"]["save"]
    lines = [
        f"#### A round on the web (`python benchmarks/web.py --national {n} --province {p}`)",
        "",
        f"Machine: {m['nproc']} cores ({m['cpu']}), {m['memory']} memory; Python {m['python']}. "
        f"Load average before / after: {r['load_before']} / {r['load_after']}. Store: SQLite; server: `tonghop serve` (waitress).",
        "",
        "| measurement | size | seconds | target |",
        "|---|---:|---:|---:|",
        f"| (u) one upload, `POST /u/<token>` (JSON verdict), one unit after another | {u['n']} uploads | **{u['seconds']:.2f}** slowest, {u['median']:.2f} median; server CPU {u['server_cpu_s']:.2f} s each | {_mark(u['seconds'], TARGETS['upload_s'])} |",
        f"| (c) units uploading at once, each from its own thread to its own link | {c['n']} units | **{c['seconds']:.2f}** all answered, {c['median']:.2f} median; server CPU {c['server_cpu_s']:.2f} s each | {_mark(c['seconds'], TARGETS['concurrent_s'])} |",
        f"| (b) status board `GET /rounds/<id>`, a province | {p:,} units ({r['stored']['province']:,} files) | **{bp['seconds']:.2f}** ({bp['kib']:.0f} KiB) | {_mark(bp['seconds'], TARGETS['board_s'])} |",
        f"| (b) status board, the national round | {n:,} units ({r['stored']['national']:,} files) | **{bn['seconds']:.2f}** ({bn['kib']:.0f} KiB) | {_mark(bn['seconds'], TARGETS['board_s'])} |",
        f"| (l) links page `GET /rounds/<id>/links`, a page of 100 units never shown (QR codes made) | {n:,} units | **{lk['first']['seconds']:.2f}** ({lk['first']['kib']:.0f} KiB; server CPU {lk['first']['server_cpu_s']:.2f} s) | {_mark(lk['first']['seconds'], TARGETS['links_s'])} |",
        f"| (l) the links page again | {n:,} units | **{lk['again']['seconds']:.2f}** | {_mark(lk['again']['seconds'], TARGETS['links_s'])} |",
        f"| (l) `links.csv` of every unit (streamed) | {n:,} units | **{lk['csv']['seconds']:.2f}** ({lk['csv']['kib']:.0f} KiB; server CPU {lk['csv']['server_cpu_s']:.2f} s) | |",
        f"| (f) the typing form `GET /u/<token>/nhap`, a commune with a version in use | 1 unit | **{tf['seconds']:.3f}** ({tf['kib']:.0f} KiB; {tf['phone_kib']:.0f} KiB with its CSS and script, target < {FORM_KIB} KiB {'✓' if tf['phone_kib'] < FORM_KIB else '✗ MISSED'}) | {_mark(tf['seconds'], TARGETS['form_s'])} |",
        f"| (s) a save with checks `POST /u/<token>/nhap/kiem-tra` (JSON), a whole return typed | 1 return | **{ts['seconds']:.3f}** ({ts['kib']:.0f} KiB) | {_mark(ts['seconds'], TARGETS['save_s'])} |",
        f"| (r) `tonghop round consolidate`, fresh process | {a['files']:,} returns | **{a['seconds']:.2f}** (CPU {a.get('cpu_s', 0):.1f} s, peak {max(a['max_rss_mib'], a['tree_pss_mib']):.0f} MiB) | {_mark(a['seconds'], TARGETS['consolidate_s'])} |",
    ]  # fmt: skip
    return "\n".join(lines)


if __name__ == "__main__":
    main()
