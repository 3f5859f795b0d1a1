"""The Excel templates units fill in: one workbook per unit (``build``), its styles (``formats``)
and live self-checks (``checks``), stamped copies at scale (``stamp``, ``batch``).

May import: ``core``, ``form``.
"""
