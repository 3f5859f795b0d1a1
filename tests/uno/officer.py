"""Fill a template the way a ward officer does, in LibreOffice itself (run by the system
Python that has LibreOffice's ``uno`` bridge; not imported by pytest).

    /usr/bin/python3 tests/uno/officer.py TEMPLATE OUT_DIR PLAN.json

PLAN: {"values": {code: number or text}, "formulas": {code: "=1/0"}, "insert_rows_above": [code, ...],
"rename_sheet": "…", "draft": {"name": "…", "values": {code: …}}, "save_as": "…"}, or a list of
such plans (one LibreOffice for all). The officer unprotects the sheet (it has no password),
inserts a blank row above some rows, types the values into the "Số liệu" column (text stays
text: "120.341.560", "30 triệu") and the formulas, may rename the sheet, may copy it as a draft
placed first and type other figures in the draft, then saves the file as .xlsx, .ods and .xls
(named after the template, or "save_as").
"""

import json
import os
import subprocess
import sys
import time
import uuid

import uno
from com.sun.star.beans import PropertyValue


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def connect(pipe):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    for _ in range(120):
        try:
            ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            return ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        except Exception:
            time.sleep(0.5)
    raise SystemExit("LibreOffice did not answer")


def find_columns(sheet):
    for row in range(60):
        texts = [sheet.getCellByPosition(col, row).getString() for col in range(12)]
        if "Mã" in texts and "Số liệu" in texts:
            return row, texts.index("Mã"), texts.index("Số liệu")
    raise SystemExit("no header row")


def row_of(sheet, code_col, code, start):
    for row in range(start, start + 400):
        if sheet.getCellByPosition(code_col, row).getString() == code:
            return row
    raise SystemExit(f"no row for {code}")


def type_values(sheet, code_col, value_col, header, values):
    for code, value in values.items():
        cell = sheet.getCellByPosition(value_col, row_of(sheet, code_col, code, header))
        if isinstance(value, str):
            cell.setString(value)
        else:
            cell.setValue(value)


def fill(desktop, template, out_dir, plan):
    doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(template), "_blank", 0, (prop("Hidden", True),))
    sheet = doc.Sheets.getByIndex(0)
    sheet.unprotect("")
    header, code_col, value_col = find_columns(sheet)
    for code in plan.get("insert_rows_above", []):
        sheet.Rows.insertByIndex(row_of(sheet, code_col, code, header), 1)
    type_values(sheet, code_col, value_col, header, plan["values"])
    for code, formula in plan.get("formulas", {}).items():
        sheet.getCellByPosition(value_col, row_of(sheet, code_col, code, header)).setFormula(formula)
    if plan.get("rename_sheet"):
        sheet.setName(plan["rename_sheet"])
    if plan.get("draft"):  # Sheet › Duplicate Sheet, placed first
        doc.Sheets.copyByName(sheet.getName(), plan["draft"]["name"], 0)
        type_values(doc.Sheets.getByIndex(0), code_col, value_col, header, plan["draft"]["values"])
    doc.calculateAll()
    base = plan.get("save_as") or os.path.splitext(os.path.basename(template))[0]
    for ext, filter_name in (("xlsx", "Calc MS Excel 2007 XML"), ("ods", "calc8"), ("xls", "MS Excel 97")):
        doc.storeToURL(uno.systemPathToFileUrl(os.path.join(out_dir, f"{base}.{ext}")), (prop("FilterName", filter_name),))
    doc.close(True)


def main(template, out_dir, plan_path):
    plans = json.load(open(plan_path, encoding="utf-8"))
    pipe = f"tonghop_{uuid.uuid4().hex}"
    profile = f"file://{out_dir}/lo_profile"
    office = subprocess.Popen(
        ["soffice", "--headless", "--invisible", "--norestore", f"-env:UserInstallation={profile}", f"--accept=pipe,name={pipe};urp;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        desktop = connect(pipe)
        for plan in plans if isinstance(plans, list) else [plans]:
            fill(desktop, template, out_dir, plan)
    finally:
        try:
            desktop.terminate()
        except Exception:
            pass
        office.terminate()
        office.wait(timeout=30)


if __name__ == "__main__":
    main(*sys.argv[1:4])
