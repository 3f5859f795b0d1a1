"""Every command has help with an example and is documented; the developer docs name every
command and stage, their links resolve, and the finding types table matches the catalogue."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.core.errors import Msg

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
DOCS = ROOT / "docs"


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


def _docs_text() -> str:
    return "\n".join(path.read_text(encoding="utf-8") for path in sorted(DOCS.glob("*.md")))


def _command_names(group: click.Group, prefix: str = "tonghop") -> list[str]:
    names = []
    for name, command in sorted(group.commands.items()):
        names.append(f"{prefix} {name}")
        if isinstance(command, click.Group):
            names += _command_names(command, f"{prefix} {name}")
    return names


@pytest.mark.parametrize("name", _command_names(cli))
def test_every_command_and_subcommand_is_in_the_developer_docs(name):
    assert name in _docs_text(), f"{name} is not described in docs/"


STAGES = sorted(p.parent.name for p in (ROOT / "pipeline").glob("*/__init__.py"))


@pytest.mark.parametrize("stage", STAGES)
def test_every_stage_is_in_the_folder_layout(stage):
    layout = (DOCS / "architecture.md").read_text(encoding="utf-8")
    assert re.search(rf"^\s+{stage}/\s", layout, re.MULTILINE), f"pipeline/{stage}/ is missing from the folder layout"
    assert re.search(rf"`{stage}`", layout), f"`{stage}` is missing from the import chain"


def _anchors(path: Path) -> set[str]:
    """The anchors GitHub gives the headings of a markdown file."""
    found = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"#+ (.*)", line)
        if heading:
            found.add(re.sub(r"[^\w\- ]", "", heading.group(1).strip().lower()).replace(" ", "-"))
    return found


def _links(path: Path) -> list[tuple[str, str]]:
    text = re.sub(r"```.*?```", "", path.read_text(encoding="utf-8"), flags=re.DOTALL)
    return [(target, anchor) for target, anchor in re.findall(r"\]\(([^)#\s]*)(?:#([^)\s]*))?\)", text) if "://" not in target]


@pytest.mark.parametrize("page", [README, *sorted(DOCS.glob("*.md"))], ids=lambda p: p.name)
def test_links_between_readme_and_docs_resolve(page):
    links = _links(page)
    if page == README:
        assert any(target.startswith("docs/") and target.endswith(".md") for target, _ in links), "the README points to no page of docs/"
    for target, anchor in links:
        path = (page.parent / target).resolve() if target else page
        assert path.exists(), f"{page.name}: link to {target} that does not exist"
        if anchor and path.suffix == ".md":
            assert anchor in _anchors(path), f"{page.name}: link to {target}#{anchor}, no such heading"


def test_the_finding_types_table_is_up_to_date():
    spec = importlib.util.spec_from_file_location("make_findings", DOCS / "make_findings.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    committed = (DOCS / "findings.md").read_text(encoding="utf-8")
    assert committed == module.findings_markdown(), "docs/findings.md is out of date: run python docs/make_findings.py"
    assert all(f"`{msg.slug}`" in committed for msg in Msg.findings())
