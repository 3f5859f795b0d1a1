"""The Word appendix "PHỤ LỤC SỐ LIỆU" for the report drafter: the document (``document``),
sentences filled from the totals (``sentences``) and matplotlib charts (``charts``).

May import: ``core``, ``form``, ``consolidate`` (the result type).
"""
