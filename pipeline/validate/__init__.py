"""Judging returns and totals: who a return is from and whether each value is usable
(``checks``), the form's rules (``reconcile``) and the comparison with the prior period
(``compare``). Problems become findings, never exceptions.

May import: ``core``, ``form``, ``ingest``.
"""
