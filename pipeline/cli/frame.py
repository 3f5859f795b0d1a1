"""Click's frame in Vietnamese: the help ("Cách dùng", "Tùy chọn", "Lệnh"), and usage errors
(unknown option, missing argument, a file that does not exist…) printed as ``Lỗi: …`` with a hint
to the command's help, exit code 2; and a ``PipelineError`` that stops a command, caught once by
the group and printed as ``Lỗi: …``, exit code 2. Click has no Vietnamese catalogue; the wording is done here
by subclassing (formatter, context, command, group), never by patching click.

Every line the commands print goes through ``echo``."""

from __future__ import annotations

import difflib
import importlib
import sys

import click

from pipeline.core.errors import Msg, PipelineError
from pipeline.core.text import clean_text, console_streams, for_console

USAGE = "Cách dùng: "
HEADINGS = {"Options": "Tùy chọn", "Commands": "Lệnh", "Positional arguments": "Đối số", "Arguments": "Đối số"}
HELP_TEXT = "Hiện hướng dẫn này rồi thoát."
OPTIONS_METAVAR = "[TÙY_CHỌN]"
COMMAND_METAVAR = "LỆNH [ĐỐI_SỐ]..."
USAGE_EXIT = 2  # as click's own usage errors


def echo(line: str, *, err: bool = False) -> None:
    """Print one line; every line the commands print goes through here. Names and messages are
    cleaned for a terminal (no control character, so no escape sequence, reaches it) and written
    as the console's encoding can show them (cp1258, ASCII: ``for_console``)."""
    stream = sys.stderr if err else sys.stdout
    click.echo(for_console(clean_text(line, terminal=True), getattr(stream, "encoding", None)), err=err)


class Failed(click.ClickException):
    """A command that could not do its work (a ``PipelineError``): ``Lỗi: …`` on standard error,
    exit code 2 (a producing command that produced nothing, STYLE 15)."""

    exit_code = USAGE_EXIT

    def show(self, file=None) -> None:
        echo(f"Lỗi: {self.message}", err=True)


class Formatter(click.HelpFormatter):
    """Help text with Vietnamese headings and usage line."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, USAGE if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        super().write_heading(HEADINGS.get(heading, heading))


class Context(click.Context):
    formatter_class = Formatter


class UsageError(click.UsageError):
    """A usage error already worded in Vietnamese: shown as the usage line, ``Lỗi: …`` and the
    hint ``Xem hướng dẫn: tonghop … --help``."""

    def show(self, file=None) -> None:
        if self.ctx is not None:
            echo(self.ctx.get_usage(), err=True)
        echo(f"Lỗi: {self.message}", err=True)
        if self.ctx is not None:
            echo(Msg.CLI_009.render(command=self.ctx.command_path), err=True)


def _param_name(param) -> str:
    if param is None:
        return "tham số"
    if isinstance(param, click.Argument):
        return param.human_readable_name.rstrip(".")  # "TỆP..." of a repeatable argument: no dots in a sentence
    return " / ".join(param.opts)


def _option(ctx, name: str):
    command = ctx.command if ctx is not None else None
    return next((p for p in getattr(command, "params", []) if name in getattr(p, "opts", ())), None)


def translated(err: click.UsageError) -> str:
    """The Vietnamese message of one of click's usage errors (its fields, not its English text)."""
    ctx = err.ctx
    if isinstance(err, click.NoSuchOption):
        known = [o for p in (getattr(ctx.command, "params", []) if ctx else []) for o in getattr(p, "opts", ())]
        close = difflib.get_close_matches(err.option_name, [*known, "--help"])
        suggestion = f" (có phải là {', '.join(close)}?)" if close else ""
        return Msg.CLI_001.render(option=err.option_name, suggestion=suggestion)
    if isinstance(err, click.BadOptionUsage):
        option = _option(ctx, err.option_name)
        if option is not None and option.is_flag:
            return Msg.CLI_003.render(option=err.option_name)
        metavar = (option.metavar or option.type.get_metavar(option, ctx)) if option is not None else None
        return Msg.CLI_002.render(option=err.option_name, metavar=metavar or "giá trị")
    if isinstance(err, click.MissingParameter):
        return Msg.CLI_004.render(name=_param_name(err.param))
    if isinstance(err, click.BadParameter):
        return Msg.CLI_005.render(name=_param_name(err.param), reason=err.message)
    return Msg.CLI_008.render(reason=err.message)


def vietnamese(err: click.ClickException) -> click.ClickException:
    """``err`` as a Vietnamese ``UsageError`` (the help shown when no argument is given, and errors
    already in Vietnamese, pass through)."""
    no_args = getattr(click.exceptions, "NoArgsIsHelpError", ())
    if isinstance(err, (UsageError, no_args)) or not isinstance(err, click.UsageError):
        return err
    return UsageError(translated(err), err.ctx)


class Command(click.Command):
    """A command whose help and usage errors are in Vietnamese."""

    context_class = Context

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("options_metavar", OPTIONS_METAVAR)
        super().__init__(*args, **kwargs)

    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = HELP_TEXT
        return option

    def make_context(self, info_name, args, parent=None, **extra):
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.ClickException as err:
            raise vietnamese(err) from None

    def parse_args(self, ctx, args):
        """Click's parsing, but extra arguments are refused in Vietnamese (``CLI_007``)."""
        allowed, ctx.allow_extra_args = ctx.allow_extra_args, True
        try:
            rest = super().parse_args(ctx, args)
        except click.UsageError as err:
            err.ctx = err.ctx or ctx  # the parser's own errors come without the context
            raise
        finally:
            ctx.allow_extra_args = allowed
        if rest and not allowed and not ctx.resilient_parsing:
            raise UsageError(Msg.CLI_007.render(extra=" ".join(f"'{a}'" for a in rest)), ctx)
        return rest


class LazyCommands(dict):
    """A group's commands by name, each given as ``"module:attribute"`` and imported at its first
    use: listing the names imports nothing, looking a command up imports its module alone."""

    def __getitem__(self, name: str) -> click.Command:
        found = super().__getitem__(name)
        if isinstance(found, str):
            module, _, attribute = found.partition(":")
            found = getattr(importlib.import_module(module), attribute)
            super().__setitem__(name, found)
        return found

    def get(self, name: str, default=None):
        return self[name] if name in self else default

    def values(self):
        return [self[name] for name in self]

    def items(self):
        return [(name, self[name]) for name in self]


class Group(Command, click.Group):
    """The ``tonghop`` group: Vietnamese frame for itself and its commands; before anything is
    printed (help and click's own messages too), the console streams are set to never fail on a
    character their encoding lacks; a ``PipelineError`` out of any of its commands ends the
    command as ``Failed`` (the one place the commands' errors are caught)."""

    command_class = Command

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("subcommand_metavar", COMMAND_METAVAR)
        super().__init__(*args, **kwargs)

    def main(self, *args, **kwargs):
        console_streams()
        return super().main(*args, **kwargs)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except PipelineError as err:
            raise Failed(str(err)) from err

    def resolve_command(self, ctx, args):
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None:
            raise UsageError(Msg.CLI_006.render(command=name, commands=", ".join(self.list_commands(ctx))), ctx)
        return super().resolve_command(ctx, args)
