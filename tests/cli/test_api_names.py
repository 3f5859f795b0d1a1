"""The library's front door (``pipeline.api``) imports its functions when first used: each name
it lists is the function or class, never a submodule of the same name, whatever was imported before."""

from __future__ import annotations

import importlib
import pkgutil
import types

import pipeline.api as api


def test_every_name_is_what_it_says_after_every_submodule_is_imported():
    for module in pkgutil.iter_modules(api.__path__):
        importlib.import_module(f"pipeline.api.{module.name}")  # as a test or a script may do first
    for name in api.__all__:
        assert not isinstance(getattr(api, name), types.ModuleType), name
    assert callable(api.demo) and callable(api.check_files)
    assert sorted(api.__all__) == sorted(api._HOME), "every name listed is one the front door can import"
