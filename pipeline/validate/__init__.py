"""Judging returns and totals: what returns are judged against (``context``), who a return is
from and whether each value is usable (``checks``), whether its identity agrees with itself
(``identity``), the form's rules (``reconcile``) and the comparison with the prior period
(``compare``). Problems become findings, never exceptions.

May import: ``core``, ``form``, ``ingest``.
"""
