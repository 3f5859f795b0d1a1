"""What the pipeline is told: the form definition (levels, sections, indicators, rules, charts),
the rule expressions and blank-value policy, the unit list and the prior period's figures, all
read from CSV files however Excel saved them, or workbooks (``csvread``, ``csvbook``, row by
row in ``csvrows``, figures in ``csvnumbers``); and a province's unit list from the official catalogue
(``registry``: the optional package ``vietnam-provinces``, imported there only). Declaring, never
executing.

May import: ``core``.
"""
