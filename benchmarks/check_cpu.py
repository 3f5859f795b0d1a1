"""CPU time of one return's check, the way a round checks an upload: the context loaded once,
then ``api.check_files`` on the file, ``--times`` times; prints the median and the fastest as JSON.

    python benchmarks/check_cpu.py RETURN.xlsx --units units.csv --period 2023

Imports ``pipeline`` from the import path (``run.py`` puts the source measured first on it).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from pipeline.api.check import check_context, check_files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("file")
    parser.add_argument("--units", required=True)
    parser.add_argument("--period", default="2023")
    parser.add_argument("--times", type=int, default=50)
    args = parser.parse_args()
    context = check_context(units_path=args.units, period=args.period)
    (verdict,) = check_files([args.file], context=context)  # the first check warms the caches, as a server's first upload does
    spent = []
    for _ in range(args.times):
        start = time.process_time()
        check_files([args.file], context=context)
        spent.append(time.process_time() - start)
    print(json.dumps({"median_ms": statistics.median(spent) * 1000, "min_ms": min(spent) * 1000, "accepted": verdict.accepted}))


if __name__ == "__main__":
    main()
