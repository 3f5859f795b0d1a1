"""Every output of a consolidation written as one set (``staging``), one run at a time per
folder (``lock``): the CSVs (``csvfiles``) and the workbook; and the same files read back
(``readback``, ``readfiles``), whatever Excel did to them, with what they hold checked (``crosscheck``).

May import: every stage below it (``core`` to ``workbook`` and ``appendix``).
"""
