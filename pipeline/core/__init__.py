"""Infrastructure every stage uses: names and limits (``constants``, ``settings``), the
exceptions and the message catalogue (``errors``), findings (``findings``), Vietnamese number
formatting (``vnformat``), atomic file writing (``atomic``) and row heights of spreadsheet text
(``sheetlayout``), processes (``pool``) and the garbage collector around them (``collector``).

May import: nothing of ``pipeline``.
"""
