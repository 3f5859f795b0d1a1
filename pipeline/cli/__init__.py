"""The ``tonghop`` command line: parse options, call one function of ``pipeline.api`` (or of
``pipeline.rounds`` for ``tonghop round …``, of ``pipeline.accounts`` for ``tonghop admin …``), print (``summary`` words the terminal output).
No pandas, openpyxl or xlsxwriter here.

Every command is registered here, on the group ``cli``; the modules only define them (importing
one registers nothing). The group (``frame.Group``) turns a ``PipelineError`` out of any command
into ``Lỗi: …`` and exit code 2.

May import: every stage below it (it needs ``api``, ``rounds``, the result type and ``core``)."""

import click

from pipeline.cli.frame import Group, LazyCommands

# Each command's module is imported when the command is used (its help, or a run): ``tonghop
# consolidate`` never loads the store, the accounts or the web server (about 1 s at every start).
COMMANDS = {
    "templates": "pipeline.cli.commands:templates",
    "check": "pipeline.cli.commands:check",
    "consolidate": "pipeline.cli.commands:consolidate",
    "report": "pipeline.cli.commands:report",
    "forward": "pipeline.cli.forward:forward",
    "demo": "pipeline.cli.commands:demo",
    "units": "pipeline.cli.units:units",
    "round": "pipeline.cli.rounds:round_group",
    "serve": "pipeline.cli.serve:serve",
    "admin": "pipeline.cli.admin:admin_group",
}


@click.group(cls=Group, commands=LazyCommands(COMMANDS))
@click.version_option(package_name="tonghop", message="%(prog)s, phiên bản %(version)s", help="Hiện số phiên bản rồi thoát.")
def cli() -> None:
    """tonghop: tổng hợp số liệu báo cáo của các xã, phường từ biểu mẫu Excel."""


__all__ = ["cli"]
