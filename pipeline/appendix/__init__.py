"""The Word appendix "PHỤ LỤC SỐ LIỆU" for the report drafter: the document (``document``; the
parts of an administrative document it shares with the notices in ``docxparts``), sentences
filled from the totals (``sentences``), the figures to verify (``verification``) and matplotlib
charts (``charts``).

May import: ``core``, ``form``, ``consolidate`` (the result type).
"""
