"""The Excel templates units fill in: one workbook per unit (``build``), what one template is
about (``job``), its guide sheet (``guide``), its styles (``formats``) and live self-checks
(``checks``), stamped copies at scale (``stamp``, ``batch``). The form's rows and their styles
(``table``, ``formats``) are also drawn by the consolidated workbook.

May import: ``core``, ``form``.
"""
