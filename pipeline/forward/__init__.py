"""A consolidation sent up as the next level's return: the upper committee's template
(``upper``) filled with this consolidation's totals (``fill``), by editing only its value
cells (``cells``).

May import: every stage below it (``core`` to ``outputs``).
"""
