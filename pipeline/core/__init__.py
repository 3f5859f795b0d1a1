"""Infrastructure every stage uses: names and limits (``constants``, ``settings``), the
exceptions and the message catalogue (``errors``), findings (``findings``), Vietnamese number
formatting (``vnformat``) and atomic file writing (``atomic``).

May import: nothing of ``pipeline``.
"""
