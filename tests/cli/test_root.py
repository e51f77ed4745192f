"""The root ``trailwatch`` group: lazy listing and every registered subcommand importable."""

import sys

import click
import pytest
from click.testing import CliRunner

from trailwatch import __version__
from trailwatch.cli import COMMANDS, LazyGroup, main


def test_help_lists_every_command_without_importing_them() -> None:
    before = set(sys.modules)
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for name, (_, help_text) in COMMANDS.items():
        assert name in result.output
        assert help_text in result.output
    imported = {m.split(".")[0] for m in set(sys.modules) - before}
    assert not imported & {"simulator", "grader", "labapp", "numpy", "moto"}


def test_version() -> None:
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert __version__ in result.output


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_registered_command_resolves(name: str) -> None:
    group = main
    assert isinstance(group, LazyGroup)
    with click.Context(group) as ctx:
        command = group.get_command(ctx, name)
    assert isinstance(command, click.Command)


def test_unknown_command_is_a_usage_error() -> None:
    result = CliRunner().invoke(main, ["no-such-command"])
    assert result.exit_code == 2
    assert "No such command" in result.output
