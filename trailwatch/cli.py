"""The ``trailwatch`` command: a root click group whose subcommands live with the code they drive.

Subcommands are imported lazily so that ``trailwatch --help`` and a quick ``pattern test``
do not pay for numpy, Faker or the emulator at start-up.
"""

from __future__ import annotations

import importlib

import click

from trailwatch import __version__

# command name -> ("module:attribute" of a click command or group, one-line help for listings)
COMMANDS: dict[str, tuple[str, str]] = {
    "generate": ("simulator.cli:generate", "Generate a labelled dataset of AWS logs."),
    "pattern": ("grader.filterpattern.cli:pattern", "Test CloudWatch Logs filter patterns."),
    "eventpattern": ("grader.eventbridge.cli:eventpattern", "Test EventBridge event patterns."),
    "alarm": ("grader.alarms.cli:alarm", "Evaluate CloudWatch metric alarms."),
    "scenario": ("simulator.scenario.cli:scenario", "List, write, validate and preview scenarios."),
    "grade": ("grader.grading.cli:grade", "Grade one learner's detections and answers."),
    "grade-batch": ("grader.grading.cli:grade_batch", "Grade a class of submissions."),
    "deliver": ("simulator.backends.cli:deliver", "Deliver a generated dataset into an AWS backend."),
    "up": ("simulator.live.cli:up", "Start the embedded AWS emulator and the lab web app."),
    "replay": ("simulator.live.cli:replay", "Replay a scenario against the clock into a backend."),
    "teardown": ("simulator.backends.cli:teardown", "Remove every resource Trailwatch created in a backend."),
}


class LazyGroup(click.Group):
    """A group that imports each subcommand only when it is invoked or listed."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = COMMANDS.get(cmd_name)
        if entry is None:
            return None
        module_name, attr = entry[0].split(":")
        command: click.Command = getattr(importlib.import_module(module_name), attr)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # Listing must not import every subsystem, so the help text comes from COMMANDS.
        rows = [(name, COMMANDS[name][1]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup)
@click.version_option(__version__, prog_name="trailwatch")
def main() -> None:
    """Trailwatch: practise AWS logging and monitoring security offline."""
