"""What the pipeline is told: the form definition (levels, sections, indicators, rules, charts), the
rule expressions, the unit list and the prior period's figures. Declaring, never executing.

May import: ``core``.
"""
