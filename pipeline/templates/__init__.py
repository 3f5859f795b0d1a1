"""The Excel templates units fill in: one workbook per unit (``build``), what one template is
about (``job``), its guide sheet (``guide``), its styles (``formats``) and live self-checks
(``checks``), stamped copies at scale (``stamp``, ``batch``; ``zipparts`` copies the zip without
compressing again, ``priorcells`` writes each unit's prior figures). The form's rows and their styles
(``table``, ``formats``) are also drawn by the consolidated workbook.

May import: ``core``, ``form``.
"""
