"""Speed of rounds at every level: a province of communes, each collecting from its residential areas.

    python benchmarks/chain.py                       # 170 communes of 12 residential areas (2,040 village returns)
    python benchmarks/chain.py --communes 5 --areas 3 --keep benchmarks/data/chain

Makes a store (SQLite) with the province committee and ``--communes`` communes under it, the
province's round (the bundled province form) and each commune's round of ``--areas``
residential areas (the bundled commune form, its own form folder per commune), and every
return of every round as its unit fills its template (the template's value cells written, as
the web form writes them; figures from ``pipeline.sample``). Then times, in one process:

(s) the rounds created; (u) every village's and commune's own return uploaded (``rounds.submit``,
through the unit's link: checked, stored, verdict); (f) each commune's round consolidated and
forwarded into the province's round (``rounds.upward.forward_round``); (p) the province's round
consolidated (its totals checked against the sum of every return); (b) the province's board,
``GET /rounds/<id>`` with the office's login (Flask's test client: the view and its template,
no network), with each commune's own round's progress, best of ``--repeat``.

Prints a Markdown table and writes ``benchmarks/results-chain.json``. Not part of the tests.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]

from pipeline import rounds  # noqa: E402
from pipeline.core.constants import LEVEL_ALL  # noqa: E402
from pipeline.form.csvread import Given  # noqa: E402
from pipeline.form.definition import load_form  # noqa: E402
from pipeline.forward.upper import upper_template_of  # noqa: E402
from pipeline.rounds.committee_form import create_committee_round  # noqa: E402
from pipeline.rounds.progress import children_progress  # noqa: E402
from pipeline.rounds.typedbook import Blank, fill  # noqa: E402
from pipeline.rounds.upward import forward_round  # noqa: E402
from pipeline.sample import COMMUNE_EXAMPLE, EXAMPLES, area_list_csv, area_values, committee_values  # noqa: E402
from pipeline.web import create_app  # noqa: E402

ADMIN_TOKEN = "benchmark-admin-token"
PROVINCE_FORM = EXAMPLES["tinh-lai-chau-2025"].form_dir
PROVINCE = ("12", "Tỉnh Lai Châu")
PERIOD = "2025"
TARGETS = {"board_s": 1.0}
NOT_ASKED_ABOVE = {"HOUSEHOLDS"}  # the commune form's own indicator, not sent up


def own_figures(form_dir: Path, level: str) -> dict[str, int]:
    return committee_values(load_form(form_dir), level)


def area_list(code: str, name: str, areas: int) -> Given:
    return Given("khu_dan_cu.csv", area_list_csv(code, name, areas))


def filled_returns(store, round_id: str, figures: dict[str, dict[str, int]], tmp: Path) -> list[tuple[str, str, bytes]]:
    """``(unit code, file name, bytes)`` of each unit of ``figures``: its template from the round
    (``round_templates``) with its figures written in the value cells."""
    now = datetime.now(timezone.utc)
    out = []
    codes = sorted(figures, key=len, reverse=True)  # a village's code holds its commune's
    for path in rounds.round_templates(store, round_id, tmp / round_id, units=list(figures)):
        data = path.read_bytes()
        upper = upper_template_of(data, path)
        blank = Blank(path.name, data, upper.part, {s.code: s.cell for s in upper.slots}, upper.note_cell)
        code = next(c for c in codes if c in path.name)
        out.append((code, path.name, fill(blank, figures[code], "", now)))
    return out


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    value = fn(*args, **kwargs)
    return value, time.perf_counter() - start


def build(store, communes: int, areas: int, tmp: Path):
    """The committees, the rounds, and every return to upload; the province's expected totals."""
    names = [(f"{10000 + i:05d}", f"Xã Thử Nghiệm {i}") for i in range(1, communes + 1)]
    store.add_committees([(*PROVINCE, "province", None)] + [(code, name, "commune", PROVINCE[0]) for code, name in names])
    start = time.perf_counter()
    province = create_committee_round(store, PROVINCE[0], level_form=PROVINCE_FORM, period=PERIOD, deadline=None)
    commune_rounds = {
        code: create_committee_round(store, code, level_form=COMMUNE_EXAMPLE.form_dir, period=PERIOD, deadline=None, units_path=area_list(code, name, areas)).id
        for code, name in names
    }  # fmt: skip
    created = time.perf_counter() - start
    expected = Counter(own_figures(PROVINCE_FORM, "province"))
    uploads = [
        (province.id, item) for item in filled_returns(store, province.id, {PROVINCE[0]: own_figures(PROVINCE_FORM, "province")}, tmp)
    ]
    own = own_figures(COMMUNE_EXAMPLE.form_dir, "commune")
    for code, round_id in commune_rounds.items():
        figures = {code: own} | {f"{code}{i:03d}": area_values(i) for i in range(1, areas + 1)}
        uploads += [(round_id, item) for item in filled_returns(store, round_id, figures, tmp)]
        for values in figures.values():
            expected.update({k: v for k, v in values.items() if k not in NOT_ASKED_ABOVE})
    return province.id, commune_rounds, uploads, expected, created


def board_time(data_dir: Path, round_id: str, repeat: int) -> tuple[float, str]:
    app = create_app(data_dir, admin_token=ADMIN_TOKEN)
    try:
        client = app.test_client()
        client.get(f"/?token={ADMIN_TOKEN}")
        runs = []
        for _ in range(repeat):
            start = time.perf_counter()
            page = client.get(f"/rounds/{round_id}")
            runs.append(time.perf_counter() - start)
            assert page.status_code == 200
        return min(runs), page.get_data(as_text=True)
    finally:
        app.extensions["tonghop_store"].close()


def run(args: argparse.Namespace, work: Path) -> dict:
    from pipeline.store import Store

    data_dir = work / "data"
    store = Store.open(data_dir)
    province, commune_rounds, uploads, expected, created = build(store, args.communes, args.areas, work / "mau")
    times = []
    for round_id, (code, name, data) in uploads:
        verdict, took = timed(rounds.submit, store, round_id, data, name, link_unit=code)
        assert verdict.accepted, (code, verdict.findings[:2])
        times.append(took)
    forwards = []
    for round_id in commune_rounds.values():
        result, took = timed(forward_round, store, round_id, actor="benchmark")
        assert result.verdict.accepted and not [p for p in result.problems if p.severity == "warning"], result.problems[:2]
        forwards.append(took)
    (result, _), consolidated = timed(rounds.consolidate_round, store, province, work / "tinh")
    rows = result.totals[result.totals["level"] == LEVEL_ALL]
    totals = {code: int(value) for code, value in zip(rows["code"], rows["value"], strict=True) if value == value}
    assert totals == dict(expected), "the province's totals are not the sum of every return"
    progress, progress_s = timed(children_progress, store, province)
    assert len(progress) == args.communes and all(p.submitted == p.total == args.areas for p in progress.values())
    store.close()
    board_s, page = board_time(data_dir, province, args.repeat)
    assert next(iter(progress.values())).text in page
    return {
        "communes": args.communes,
        "areas": args.areas,
        "village_returns": args.communes * args.areas,
        "create_rounds_s": round(created, 2),
        "uploads": len(times),
        "upload_total_s": round(sum(times), 1),
        "upload_median_s": round(statistics.median(times), 3),
        "upload_slowest_s": round(max(times), 3),
        "forward_total_s": round(sum(forwards), 1),
        "forward_median_s": round(statistics.median(forwards), 3),
        "forward_slowest_s": round(max(forwards), 3),
        "province_consolidate_s": round(consolidated, 2),
        "children_progress_s": round(progress_s, 3),
        "board_s": round(board_s, 3),
    }


def table(r: dict) -> str:
    mark = "✓" if r["board_s"] < TARGETS["board_s"] else "✗"
    return "\n".join(
        [
            "| step | size | time (s) |",
            "|---|---:|---:|",
            f"| (s) rounds created (the province's and each commune's, its own form folder) | {r['communes'] + 1} rounds | {r['create_rounds_s']} |",
            f"| (u) returns uploaded one after another (checked, stored, verdict) | {r['uploads']} returns | {r['upload_total_s']} (median {r['upload_median_s']}, slowest {r['upload_slowest_s']}) |",
            f"| (f) each commune consolidated and forwarded into the province's round | {r['communes']} communes | {r['forward_total_s']} (median {r['forward_median_s']}, slowest {r['forward_slowest_s']}) |",
            f"| (p) the province's round consolidated, totals checked | {r['communes'] + 1} returns | {r['province_consolidate_s']} |",
            f"| children's progress (``children_progress``) | {r['communes']} rounds | {r['children_progress_s']} |",
            f"| (b) the province's board with each commune's progress (target < 1 s) | {r['communes'] + 1} units | **{r['board_s']}** {mark} |",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--communes", type=int, default=170, help="communes of the province, each with a round of its own")
    parser.add_argument("--areas", type=int, default=12, help="residential areas of each commune")
    parser.add_argument("--repeat", type=int, default=3, help="board: runs, the fastest kept")
    parser.add_argument("--keep", type=Path, help="keep the data in this folder")
    args = parser.parse_args()
    if args.keep:
        shutil.rmtree(args.keep, ignore_errors=True)
        args.keep.mkdir(parents=True)
        result = run(args, args.keep)
    else:
        with tempfile.TemporaryDirectory(prefix="tonghop-chain-") as tmp:
            result = run(args, Path(tmp))
    (HERE / "results-chain.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(table(result))


if __name__ == "__main__":
    main()
