"""A safe evaluator for rule expressions such as ``A + B - C == D`` or ``X[city] <= X[all]``.

Expressions are parsed with ``ast`` and only a whitelist of nodes is accepted: indicator
codes, ``CODE[level]`` references, numbers, ``+``, ``-`` (binary and unary), parentheses
and exactly one comparison. Nothing is ever passed to ``eval``.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum

from pipeline.core import settings
from pipeline.core.constants import RuleStatus
from pipeline.core.vnformat import format_number

_COMPARATORS: dict[type, tuple[str, Callable[[float, float], bool]]] = {
    ast.Eq: ("==", operator.eq),
    ast.LtE: ("<=", operator.le),
    ast.Lt: ("<", operator.lt),
    ast.GtE: (">=", operator.ge),
    ast.Gt: (">", operator.gt),
}

# A reference: (code, level or None for "the level being evaluated").
Ref = tuple[str, "str | None"]
Lookup = Callable[[str, "str | None"], "float | None"]


class ExpressionError(ValueError):
    """The expression is not one this evaluator accepts (message in Vietnamese)."""


class BlankPolicy(str, Enum):
    """Whether a rule is skipped when some of its values are blank (DHIS2's missing value
    strategies). Blank values of a rule that is not skipped count as 0."""

    SKIP_ANY = "skip_any"  # skip the rule if any of its values is blank
    SKIP_ALL = "skip_all"  # skip the rule only if all of its values are blank
    NEVER = "never"  # never skip

    def __str__(self) -> str:
        return self.value

    def skipped(self, present, total: int):
        """Whether a rule reading ``total`` values, ``present`` of them not blank, is skipped.

        ``present`` is a count, or a pandas Series of counts (one per row) for which the answer
        is a boolean Series. A rule reading no value (constants only) is never skipped.
        """
        if self is BlankPolicy.SKIP_ANY:
            return present < total
        if self is BlankPolicy.SKIP_ALL:
            return (present == 0) & (total > 0)
        return present < 0  # False (element-wise for a Series): a count is never negative

    def excel_condition(self, cells: Sequence[str]) -> str | None:
        """The Excel condition under which the rule reading ``cells`` is skipped, e.g. ``COUNT(E12,E13)=0``;
        ``None`` when it is never skipped."""
        if self is BlankPolicy.NEVER or not cells:
            return None
        refs = ",".join(cells)
        return f"COUNT({refs})=0" if self is BlankPolicy.SKIP_ALL else f"COUNT({refs})<{len(cells)}"


@dataclass(frozen=True)
class Term:
    """``sign * (reference or constant)``; a side of a comparison is a list of terms."""

    sign: int
    ref: Ref | None = None
    constant: float = 0.0

    def text(self, name: Callable[[str, str], str] | None = None) -> str:
        """``CODE`` or ``CODE[level]``; with ``name``, what ``name(code, level)`` calls it, and a
        constant written the Vietnamese way (``1.000``)."""
        if self.ref is None:
            return format_number(self.constant) if name is not None else _number_text(self.constant)
        code, level = self.ref
        if name is not None:
            return name(code, level)
        return f"{code}[{level}]" if level else code


@dataclass(frozen=True)
class Expression:
    """A parsed rule: ``lhs <op> rhs`` where each side is a sum of signed terms."""

    source: str
    lhs: tuple[Term, ...]
    op: str
    rhs: tuple[Term, ...]

    @property
    def refs(self) -> tuple[Ref, ...]:
        seen: dict[Ref, None] = {}
        for term in self.lhs + self.rhs:
            if term.ref is not None:
                seen.setdefault(term.ref, None)
        return tuple(seen)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(code for code, _ in self.refs))

    def side_text(self, side: str, name: Callable[[str, str], str] | None = None) -> str:
        """One side as written (``A + B``), or with each reference named by ``name(code, level)``."""
        terms = self.lhs if side == "lhs" else self.rhs
        out = ""
        for i, term in enumerate(terms):
            if i == 0:
                out = ("-" if term.sign < 0 else "") + term.text(name)
            else:
                out += (" - " if term.sign < 0 else " + ") + term.text(name)
        return out

    def evaluate(self, lookup: Lookup, blank: BlankPolicy | str = BlankPolicy.NEVER) -> Evaluation:
        """Evaluate with ``lookup(code, level)`` giving a number or ``None`` for blank.

        :param blank: a ``BlankPolicy`` or its name: ``skip_any``, ``skip_all`` or ``never``.
        """
        values = {ref: lookup(*ref) for ref in self.refs}
        blanks = [ref for ref, value in values.items() if value is None]
        if BlankPolicy(blank).skipped(len(values) - len(blanks), len(values)):
            return Evaluation(None, None, None, RuleStatus.SKIPPED, tuple(blanks))
        lhs = _sum(self.lhs, values)
        rhs = _sum(self.rhs, values)
        holds = _COMPARE[self.op](round(lhs, 9), round(rhs, 9))
        return Evaluation(lhs, rhs, lhs - rhs, RuleStatus.OK if holds else RuleStatus.FAILED, tuple(blanks))


@dataclass(frozen=True)
class Evaluation:
    lhs: float | None
    rhs: float | None
    difference: float | None
    status: RuleStatus
    blanks: tuple[Ref, ...] = ()


_COMPARE = {symbol: fn for symbol, fn in _COMPARATORS.values()}
_TOO_LONG = f"biểu thức quá dài (tối đa {settings.LIMIT_RULE_TERMS} số hạng); hãy tách thành nhiều quy tắc"


def _sum(terms: tuple[Term, ...], values: dict[Ref, float | None]) -> float:
    total = 0.0
    for term in terms:
        value = term.constant if term.ref is None else (values.get(term.ref) or 0.0)
        total += term.sign * value
    return total


def _number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def parse_expression(source: str) -> Expression:
    """Parse ``source`` into an ``Expression`` or raise ``ExpressionError``."""
    text = (source or "").strip()
    if not text:
        raise ExpressionError("biểu thức trống")
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as err:
        raise ExpressionError(f"sai cú pháp ở ký tự {err.offset}" if err.offset else "sai cú pháp") from None
    except (RecursionError, MemoryError, ValueError):  # Python's parser gives up on very long or deep expressions
        raise ExpressionError(_TOO_LONG) from None
    node = tree.body
    if not isinstance(node, ast.Compare) or len(node.ops) != 1:
        raise ExpressionError("cần đúng một phép so sánh (==, <=, <, >=, >)")
    op_type = type(node.ops[0])
    if op_type not in _COMPARATORS:
        raise ExpressionError("phép so sánh không được hỗ trợ")
    lhs = tuple(_terms(node.left, text))
    rhs = tuple(_terms(node.comparators[0], text))
    if len(lhs) + len(rhs) > settings.LIMIT_RULE_TERMS:
        raise ExpressionError(_TOO_LONG)
    return Expression(text, lhs, _COMPARATORS[op_type][0], rhs)


def _terms(root: ast.AST, text: str) -> list[Term]:
    """The signed terms of a sum, left to right (walked without recursion: a sum may be long)."""
    terms: list[Term] = []
    stack = [(root, 1)]
    while stack:
        node, sign = stack.pop()
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub)):
            stack.append((node.right, sign if isinstance(node.op, ast.Add) else -sign))
            stack.append((node.left, sign))
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            stack.append((node.operand, -sign if isinstance(node.op, ast.USub) else sign))
        else:
            terms.append(_term(node, sign, text))
            if len(terms) > settings.LIMIT_RULE_TERMS:
                raise ExpressionError(_TOO_LONG)
    return terms


def _term(node: ast.AST, sign: int, text: str) -> Term:
    """One code, ``CODE[level]`` or number (``text``: the expression, to quote from)."""
    if isinstance(node, ast.Name):
        return Term(sign, (node.id, None))
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
        level = node.slice
        if isinstance(level, ast.Name):
            return Term(sign, (node.value.id, level.id))
        raise ExpressionError(f"cấp trong ngoặc vuông của {node.value.id} phải là tên cấp, ví dụ {node.value.id}[city]")
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        if not abs(node.value) <= settings.LIMIT_FIGURE:
            raise ExpressionError(f"số {_quote(text, node)} quá lớn (tối đa {format_number(settings.LIMIT_FIGURE)})")
        return Term(sign, None, float(node.value))
    raise ExpressionError(f"không chấp nhận '{_quote(text, node)}' (chỉ dùng mã chỉ tiêu, số, + và -)")


def _quote(text: str, node: ast.AST, width: int = 40) -> str:
    """The part of ``text`` that ``node`` was parsed from, cut to ``width`` characters."""
    part = ast.get_source_segment(text, node) or type(node).__name__
    return part if len(part) <= width else part[:width] + "…"
