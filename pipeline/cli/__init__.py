"""The ``tonghop`` command line: parse options, call one function of ``pipeline.api`` (or of
``pipeline.rounds`` for ``tonghop round …``), print (``summary`` words the terminal output).
No pandas, openpyxl or xlsxwriter here.

May import: every stage below it (it needs ``api``, ``rounds``, the result type and ``core``)."""

from pipeline.cli.commands import cli
from pipeline.cli.forward import forward
from pipeline.cli.rounds import round_group
from pipeline.cli.serve import serve
from pipeline.cli.units import units

cli.add_command(forward)
cli.add_command(round_group)

__all__ = ["cli", "serve", "units"]
