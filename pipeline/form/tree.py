"""The tree of units: an optional ``parent`` column of ``units.csv`` names each unit's parent group
(commune → district → province before 2025; village → commune after), so a consolidation also
totals each parent over every unit below it.

A parent is any row of the list. A parent that sends no return (a former district, a cluster
"cụm") is a row with the ``level`` column left blank: a *group*, named by its ``code`` and
``name``; it gets no template and is never expected to report. Checked here, with the file's row
in every message: a parent that is not a row (``TREE_001``), a unit its own parent
(``TREE_002``), parents that go round in a circle (``TREE_003``) and a group no row names as its
parent, most likely a unit whose level was forgotten (``TREE_004``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pipeline.core.errors import FormDefinitionError, Msg
from pipeline.form.csvrows import Row

PARENT_COLUMN = "parent"


@dataclass(frozen=True)
class UnitTree:
    """Rows of the unit list by code, as typed in its ``code`` column.

    :ivar parent: code → its parent's code, for every row with a parent.
    :ivar names: code → name, for every row (units and groups).
    :ivar levels: code → level, for every row; ``""`` for a group (a parent that sends no return).
    """

    parent: dict[str, str]
    names: dict[str, str]
    levels: dict[str, str]

    @property
    def order(self) -> list[str]:
        """Every code in the file's order."""
        return list(self.levels)

    @property
    def groups(self) -> set[str]:
        return {code for code, level in self.levels.items() if not level}

    def children(self) -> dict[str, list[str]]:
        """code → its children's codes, in the file's order (only codes that have children)."""
        found: dict[str, list[str]] = {}
        for code in self.order:
            if code in self.parent:
                found.setdefault(self.parent[code], []).append(code)
        return found

    def chain(self, code: str) -> list[str]:
        """``code`` and its ancestors, nearest first."""
        up = [code]
        while up[-1] in self.parent:
            up.append(self.parent[up[-1]])
        return up

    def depth_first(self) -> list[tuple[str, int]]:
        """Every parent (a code that has children) as ``(code, depth)``, each before those below
        it, the tops at depth 0; siblings in the file's order."""
        children, out = self.children(), []

        def visit(code: str, depth: int) -> None:
            if code in children:
                out.append((code, depth))
                for child in children[code]:
                    visit(child, depth + 1)

        for code in self.order:
            if code not in self.parent:
                visit(code, 0)
        return out


def parse_tree(rows: list[Row], fname: str, allowed: str, key: Callable[[str], str]) -> UnitTree | None:
    """The tree of a unit list's rows (codes already checked unique), or None without a ``parent``
    column (or with one left blank and a level on every row).

    A parent typed without its leading zeros (Excel drops them: ``3386`` for ``03386``) names the
    one row whose code it equals once zeros are dropped.

    :param allowed: the form's levels, named in ``TREE_004``.
    :param key: a code as compared with others (``units.code_key``).
    :raises FormDefinitionError: a parent unknown, a unit its own parent, a circle, an empty group.
    """
    if not rows or PARENT_COLUMN not in rows[0][1] or not any(row[PARENT_COLUMN] or not row["level"] for _, row in rows):
        return None  # no parent column, or one left blank: no tree
    line_of = {row["code"]: line for line, row in rows}
    parent = {row["code"]: _resolve(row, line, line_of, fname, key) for line, row in rows if row[PARENT_COLUMN]}
    tree = UnitTree(parent, {row["code"]: row["name"] for _, row in rows}, {row["code"]: row["level"] for _, row in rows})
    _check_circles(tree, line_of, fname)
    named = set(parent.values())
    for code in tree.order:
        if not tree.levels[code] and code not in named:
            raise FormDefinitionError(Msg.TREE_004, where=f"{fname} › dòng {line_of[code]}", code=code, allowed=allowed)
    return tree


def _resolve(row: dict[str, str], line: int, line_of: dict[str, int], fname: str, key: Callable[[str], str]) -> str:
    """The code of the row ``row``'s parent names (``TREE_001``, ``TREE_002``)."""
    wanted, where = row[PARENT_COLUMN], f"{fname} › dòng {line}"
    if wanted not in line_of:
        same = [code for code in line_of if key(code) == key(wanted)]
        if len(same) != 1:
            raise FormDefinitionError(Msg.TREE_001, where=where, code=row["code"], parent=wanted)
        wanted = same[0]
    if wanted == row["code"]:
        raise FormDefinitionError(Msg.TREE_002, where=where, code=row["code"])
    return wanted


def _check_circles(tree: UnitTree, line_of: dict[str, int], fname: str) -> None:
    """``TREE_003`` at the first row (in the file's order) whose parents lead back to it."""
    done: set[str] = set()
    for code in tree.order:
        path: list[str] = []
        node = code
        while node in tree.parent and node not in done and node not in path:
            path.append(node)
            node = tree.parent[node]
        if node in path:
            circle = path[path.index(node) :]
            first = min(circle, key=line_of.__getitem__)
            at = circle.index(first)
            circle = [*circle[at:], *circle[:at], first]
            raise FormDefinitionError(
                Msg.TREE_003,
                where=f"{fname} › dòng {line_of[first]}", circle=" → ".join(circle),
                rows=", ".join(str(line_of[c]) for c in sorted(set(circle), key=line_of.__getitem__)),
            )  # fmt: skip
        done.update(path)
