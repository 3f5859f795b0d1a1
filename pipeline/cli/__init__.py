"""The ``tonghop`` command line: parse options, call one function of ``pipeline.api`` (or of
``pipeline.rounds`` for ``tonghop round …``, of ``pipeline.accounts`` for ``tonghop admin …``), print (``summary`` words the terminal output).
No pandas, openpyxl or xlsxwriter here.

Every command is registered here, on the group ``cli``; the modules only define them (importing
one registers nothing). The group (``frame.Group``) turns a ``PipelineError`` out of any command
into ``Lỗi: …`` and exit code 2.

May import: every stage below it (it needs ``api``, ``rounds``, the result type and ``core``)."""

import click

from pipeline.cli.admin import admin_group
from pipeline.cli.commands import check, consolidate, demo, report, templates
from pipeline.cli.forward import forward
from pipeline.cli.frame import Group
from pipeline.cli.rounds import round_group
from pipeline.cli.serve import serve
from pipeline.cli.units import units

COMMANDS = (templates, check, consolidate, report, forward, demo, units, round_group, serve, admin_group)


@click.group(cls=Group, commands=COMMANDS)
@click.version_option(package_name="tonghop", message="%(prog)s, phiên bản %(version)s", help="Hiện số phiên bản rồi thoát.")
def cli() -> None:
    """tonghop: tổng hợp số liệu báo cáo của các xã, phường từ biểu mẫu Excel."""


__all__ = ["cli"]
