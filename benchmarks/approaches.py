"""What is timed besides the ``tonghop`` commands, each run in a process of its own by
``run.py --worker NAME``: the common pandas approach, the unzip floor, the per-file build loop.

Each worker prints one JSON line: ``seconds`` (work only, imports excluded), ``files`` and
what it found, so ``run.py`` can check it did the same work.
"""

from __future__ import annotations

import json
import time
import zipfile
from pathlib import Path

HEADER_CODE, HEADER_VALUE = "Mã", "Số liệu"


def common_pandas(paths: list[Path]) -> dict:
    """(b) The approach most scripts take: ``pandas.read_excel`` every sheet with openpyxl, find the
    header row holding "Mã" and "Số liệu", take code -> value below it, then sum with pandas."""
    import pandas as pd

    start = time.perf_counter()
    rows = []
    for path in paths:
        sheets = pd.read_excel(path, engine="openpyxl", sheet_name=None, header=None)
        for frame in sheets.values():
            hits = frame.index[frame.eq(HEADER_CODE).any(axis=1) & frame.eq(HEADER_VALUE).any(axis=1)]
            if not len(hits):
                continue
            header = hits[0]
            labels = list(frame.loc[header])
            table = frame.loc[header + 1 :, [labels.index(HEADER_CODE), labels.index(HEADER_VALUE)]]
            table.columns = ["code", "value"]
            rows.append(table.dropna(subset=["code"]).assign(file=path.name))
    values = pd.concat(rows, ignore_index=True)
    values["value"] = pd.to_numeric(values["value"], errors="coerce")
    totals = values.groupby("code")["value"].sum()
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "files": len(paths), "codes": int(len(totals)), "values": int(values["value"].notna().sum())}


def inflate_floor(paths: list[Path]) -> dict:
    """(c) The floor: open each zip and inflate every part, nothing else."""
    start = time.perf_counter()
    size = 0
    for path in paths:
        with zipfile.ZipFile(path) as book:
            for info in book.infolist():
                size += len(book.read(info))
    return {"seconds": time.perf_counter() - start, "files": len(paths), "inflated_bytes": size}


def build_loop(units_csv: Path, out: Path, sample: list[int]) -> dict:
    """The plain way to write templates: ``build_template`` (XlsxWriter) once per unit, one process."""
    from pipeline.form.definition import load_form
    from pipeline.form.units import load_units
    from pipeline.templates.build import build_template, template_filename

    form = load_form()
    units = load_units(units_csv, form)
    chosen = [units[i] for i in sample]
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    for unit in chosen:
        build_template(form, unit, out / template_filename(unit), "2023")
    return {"seconds": time.perf_counter() - start, "files": len(chosen)}


def worker(name: str, args: dict) -> None:
    """Run one approach and print its JSON result (called in a fresh process)."""
    if name == "common":
        result = common_pandas([Path(p) for p in args["paths"]])
    elif name == "floor":
        result = inflate_floor([Path(p) for p in args["paths"]])
    elif name == "build":
        result = build_loop(Path(args["units"]), Path(args["out"]), args["sample"])
    else:
        raise SystemExit(f"unknown worker {name}")
    print(json.dumps(result))
