"""Parameter types that speak Vietnamese: their name in the help (``TỆP``, ``THƯ_MỤC``, ``SỐ``) and
the reason a value is refused. Click's own types word both in English."""

from __future__ import annotations

import os

import click

from pipeline.core.errors import Msg
from pipeline.core.vnformat import format_number

FILE, FOLDER, ANY = "TỆP", "THƯ_MỤC", "TỆP_HOẶC_THƯ_MỤC"


class Path(click.Path):
    """``click.Path`` with Vietnamese metavars and messages (``CLI_010`` … ``CLI_013``)."""

    def get_metavar(self, param, ctx=None) -> str:  # click < 8.2 passes no ctx
        return FOLDER if not self.file_okay else FILE if not self.dir_okay else ANY

    def _kind(self) -> str:
        return "thư mục" if not self.file_okay else "tệp" if not self.dir_okay else "tệp hoặc thư mục"

    def convert(self, value, param, ctx):
        shown = os.fsdecode(value) if isinstance(value, (str, bytes, os.PathLike)) else str(value)
        if os.path.isdir(shown) and not self.dir_okay:
            self.fail(Msg.CLI_011.render(path=shown), param, ctx)
        if os.path.exists(shown) and not os.path.isdir(shown) and not self.file_okay:
            self.fail(Msg.CLI_012.render(path=shown), param, ctx)
        if self.exists and not os.path.exists(shown):
            self.fail(Msg.CLI_010.render(kind=self._kind(), path=shown), param, ctx)
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter:
            self.fail(Msg.CLI_013.render(path=shown), param, ctx)


def _describe(low, high, low_open: bool, high_open: bool) -> str:
    """``từ 1 đến 64``, ``lớn hơn 1``, ``từ 0 trở lên``."""
    low_text = None if low is None else format_number(low)
    high_text = None if high is None else format_number(high)
    if low_text is not None and high_text is not None and not (low_open or high_open):
        return f"từ {low_text} đến {high_text}"
    parts = []
    if low_text is not None:
        parts.append(f"lớn hơn {low_text}" if low_open else f"từ {low_text} trở lên")
    if high_text is not None:
        parts.append(f"nhỏ hơn {high_text}" if high_open else f"không quá {high_text}")
    return " và ".join(parts)


class _Range:
    """A number range refused in Vietnamese (``CLI_014``) and described as ``từ 1 đến 64``."""

    what = "một số"

    def get_metavar(self, param, ctx=None) -> str:
        return "SỐ"

    def _describe_range(self) -> str:
        return _describe(self.min, self.max, self.min_open, self.max_open)

    def convert(self, value, param, ctx):
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter:
            self.fail(Msg.CLI_014.render(value=value, what=self.what, range=self._describe_range()), param, ctx)


class IntRange(_Range, click.IntRange):
    what = "một số nguyên"


class FloatRange(_Range, click.FloatRange):
    what = "một số"
