"""The packages that import their names when first used (``pipeline.api``, the library's front
door, and ``pipeline.rounds``): each name listed is the function or class, never a submodule of
the same name, whatever was imported before."""

from __future__ import annotations

import importlib
import pkgutil
import types

import pytest

import pipeline.api as api
import pipeline.rounds as rounds


@pytest.mark.parametrize("package", [api, rounds], ids=["api", "rounds"])
def test_every_name_is_what_it_says_after_every_submodule_is_imported(package):
    for module in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"{package.__name__}.{module.name}")  # as a test or a script may do first
    for name in package.__all__:
        assert not isinstance(getattr(package, name), types.ModuleType), name
    assert set(package.__all__) == set(dir(package)) | ({"Verdict", "submit"} if package is rounds else set()), (
        "every name listed can be imported"
    )


def test_the_functions_are_callable():
    assert callable(api.demo) and callable(api.check_files) and callable(rounds.submit) and callable(rounds.consolidate_round)
