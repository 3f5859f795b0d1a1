"""Fill a template the way a ward officer does, in LibreOffice itself (run by the system
Python that has LibreOffice's ``uno`` bridge; not imported by pytest).

    /usr/bin/python3 tests/uno/officer.py TEMPLATE OUT_DIR PLAN.json

PLAN: {"values": {code: number or text}, "formulas": {code: "=1/0"}, "insert_rows_above": [code, ...],
"rename_sheet": "…"}.
The officer unprotects the sheet (it has no password), inserts a blank row above some rows,
types the values into the "Số liệu" column (text stays text: "120.341.560", "30 triệu"), then
saves the file as .xlsx, .ods and .xls.
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


def main(template, out_dir, plan_path):
    plan = json.load(open(plan_path, encoding="utf-8"))
    pipe = f"tonghop_{uuid.uuid4().hex}"
    profile = f"file://{out_dir}/lo_profile"
    office = subprocess.Popen(
        ["soffice", "--headless", "--invisible", "--norestore", f"-env:UserInstallation={profile}", f"--accept=pipe,name={pipe};urp;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        desktop = connect(pipe)
        doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(template), "_blank", 0, (prop("Hidden", True),))
        sheet = doc.Sheets.getByIndex(0)
        sheet.unprotect("")
        header, code_col, value_col = find_columns(sheet)
        for code in plan.get("insert_rows_above", []):
            sheet.Rows.insertByIndex(row_of(sheet, code_col, code, header), 1)
        for code, value in plan["values"].items():
            cell = sheet.getCellByPosition(value_col, row_of(sheet, code_col, code, header))
            if isinstance(value, str):
                cell.setString(value)
            else:
                cell.setValue(value)
        for code, formula in plan.get("formulas", {}).items():
            sheet.getCellByPosition(value_col, row_of(sheet, code_col, code, header)).setFormula(formula)
        if plan.get("rename_sheet"):
            sheet.setName(plan["rename_sheet"])
        doc.calculateAll()
        base = os.path.splitext(os.path.basename(template))[0]
        for ext, filter_name in (("xlsx", "Calc MS Excel 2007 XML"), ("ods", "calc8"), ("xls", "MS Excel 97")):
            doc.storeToURL(uno.systemPathToFileUrl(os.path.join(out_dir, f"{base}.{ext}")), (prop("FilterName", filter_name),))
        doc.close(True)
    finally:
        try:
            desktop.terminate()
        except Exception:
            pass
        office.terminate()
        office.wait(timeout=30)


if __name__ == "__main__":
    main(*sys.argv[1:4])
