"""Every command has help with an example and is documented in the README."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import cli

README = Path(__file__).resolve().parents[1] / "README.md"


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_command_has_help_with_example(name):
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0
    assert "Ví dụ:" in result.output and f"tonghop {name}" in result.output


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_command_in_readme(name):
    assert f"tonghop {name}" in README.read_text(encoding="utf-8")


def test_readme_starts_with_the_two_commands():
    head = README.read_text(encoding="utf-8").splitlines()[:15]
    assert any("make demo" in line for line in head) and any("make test" in line for line in head)
