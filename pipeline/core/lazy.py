"""A package's names imported from their modules when first used (PEP 562), so that a command
loads only what it needs: ``tonghop templates`` never imports pandas, ``tonghop round
consolidate`` not the web pages' modules, Word's library or the jobs."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def lazy_names(modules: dict[str, tuple[str, ...]], namespace: dict[str, Any]) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The ``__getattr__`` and ``__dir__`` of a package whose ``namespace`` (its ``globals()``)
    gives the names of ``modules`` (module -> names), each imported on first use."""
    home = {name: module for module, names in modules.items() for name in names}
    package = namespace["__name__"]

    def __getattr__(name: str) -> Any:
        if name not in home:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(home[name]), name)
        namespace[name] = value  # the next use does not come here
        return value

    def __dir__() -> list[str]:
        return sorted(home)

    return __getattr__, __dir__
