"""The ``tonghop`` command line: parse options, call one function of ``pipeline.api``, print
(``summary`` words the terminal output). No pandas, openpyxl or xlsxwriter here.

May import: every stage below it (it needs ``api``, the result type and ``core``)."""

from pipeline.cli.commands import cli

__all__ = ["cli"]
