"""A rule as a check that reads well: "Các nguồn … cộng lại bằng tổng …", the wording the
template's check block and the workbook show before "Đạt" or the difference.

``rules.csv`` may give each rule its own wording in the optional ``check`` column; a rule
without one gets a wording derived here from its expression and the indicators' labels
("Số khu dân cư văn hóa không lớn hơn số khu dân cư").
"""

from __future__ import annotations

from collections.abc import Callable

from pipeline.core.vnformat import format_number
from pipeline.form.expression import Expression, Ref, Term

# What each comparison says, read as a check that holds.
OP_WORDS = {"==": "bằng", "<=": "không lớn hơn", "<": "nhỏ hơn", ">=": "không nhỏ hơn", ">": "lớn hơn"}

Namer = Callable[[Ref], str]  # the name of a reference (code, level) in a sentence


def derive_check(expression: Expression, name: Namer) -> str:
    """The check ``expression`` makes, in words: ``A, B và C cộng lại bằng D``."""
    text = f"{_side(expression.lhs, name)} {OP_WORDS[expression.op]} {_side(expression.rhs, name)}"
    return text[:1].upper() + text[1:]


def _side(terms: tuple[Term, ...], name: Namer) -> str:
    """One side of a comparison: ``A``, ``A cộng B``, ``A, B và C cộng lại``, ``A trừ B``."""
    words = [_mid(name(t.ref)) if t.ref is not None else format_number(t.constant) for t in terms]
    if not words:
        return "0"
    if any(t.sign < 0 for t in terms):
        return "".join((("trừ " if i == 0 else " trừ ") if t.sign < 0 else ("" if i == 0 else " cộng ")) + w
                       for i, (t, w) in enumerate(zip(terms, words, strict=True)))  # fmt: skip
    if len(words) == 1:
        return words[0]
    if len(words) == 2:
        return f"{words[0]} cộng {words[1]}"
    return f"{', '.join(words[:-1])} và {words[-1]} cộng lại"


def _mid(text: str) -> str:
    """``text`` as a word inside a sentence: its capital dropped unless it starts an acronym ("MTTQ")."""
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


def reference_namer(labels: dict[str, str], levels: dict[str, str]) -> Namer:
    """Name references by the indicators' ``labels`` (code -> label), a level-qualified one
    followed by its level's name in brackets (``levels``: level -> name)."""

    def name(ref: Ref) -> str:
        code, level = ref
        label = labels.get(code, code)
        return f"{label} ({levels.get(level, level)})" if level else label

    return name
