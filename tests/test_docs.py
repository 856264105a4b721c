"""The README is the newcomer's contract: keep it in step with the code."""

import argparse
import re
from pathlib import Path

import pytest

from civic.cli import parser
from civic.schema import TABLES

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _section(title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", README, re.S | re.M)
    assert match, f"README has no '## {title}' section"
    return match.group(1)


def _cli_commands() -> list[str]:
    actions = [a for a in parser()._actions if isinstance(a, argparse._SubParsersAction)]
    return sorted(actions[0].choices)


def _quick_start_commands() -> list[str]:
    block = re.search(r"```bash\n(.*?)```", _section("Quick start"), re.S).group(1)
    return [line.split("#")[0].strip() for line in block.splitlines() if line.strip()]


@pytest.mark.parametrize("command", _cli_commands())
def test_every_cli_command_is_documented(command):
    assert f"`python -m civic {command}" in _section("CLI reference")


@pytest.mark.parametrize("page", sorted(p.name for p in (ROOT / "pages").glob("*.py")))
def test_every_page_is_in_the_tour(page):
    assert f"`pages/{page}`" in _section("Tour of the pages")


@pytest.mark.parametrize("table", list(TABLES))
def test_every_table_is_documented(table):
    assert f"### `{table}`" in _section("Data dictionary")


def test_data_dictionary_is_generated_from_the_schema():
    import sys

    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from data_dictionary import data_dictionary, readme_section
    finally:
        sys.path.pop(0)
    assert readme_section(README).strip() == data_dictionary().strip(), (
        "README data dictionary is stale: run .venv/bin/python scripts/data_dictionary.py --write README.md"
    )


def test_quick_start_is_two_commands_and_ci_runs_the_test_one():
    commands = _quick_start_commands()
    assert len(commands) == 2, commands
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1] in ci.splitlines(), f".ci/run must run the README's test command {commands[1]!r}"


@pytest.mark.parametrize("requirement", [
    line for name in ("requirements.txt", "requirements-dev.txt")
    for line in (ROOT / name).read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith(("#", "-r"))
])
def test_every_dependency_is_justified(requirement):
    name = re.split(r"[<>=!~\[;]", requirement)[0].strip()
    assert re.search(rf"\b{re.escape(name)}\b", _section("Dependencies")), f"{name} not explained in README"
