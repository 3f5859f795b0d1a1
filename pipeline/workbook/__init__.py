"""The consolidated workbook ``tong_hop.xlsx``, rendered from a consolidation result: the sheets
(``book``, ``sheets``, ``review``), native charts (``charts``), shared layout and styles.

May import: ``core``, ``form``, ``templates`` (the form's rows and styles), ``consolidate`` (the result type).
"""
