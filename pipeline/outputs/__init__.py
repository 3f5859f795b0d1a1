"""Every output of a consolidation written as one set (``staging``), one run at a time per
folder (``lock``): the CSVs (``csvfiles``) and the workbook; and the same files read back.

May import: every stage below it (``core`` to ``workbook`` and ``appendix``).
"""
