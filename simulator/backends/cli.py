"""`trailwatch deliver` and `trailwatch teardown`: thin click edges over delivery.py and teardown.py."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from botocore.exceptions import BotoCoreError, ClientError

from simulator.backends.config import BACKENDS, DEFAULT_REGION, BackendConfig
from simulator.backends.dataset import DatasetError, load_dataset
from simulator.backends.delivery import DeliveryError, DeliveryOptions, deliver_dataset, explain_error


def _backend_options(fn):
    fn = click.option("--profile", default=None, help="AWS profile (aws backend).")(fn)
    fn = click.option("--region", default=DEFAULT_REGION, show_default=True, help="AWS region.")(fn)
    fn = click.option(
        "--endpoint", default=None, help="Endpoint URL (default: 127.0.0.1:4566 / localhost:4566)."
    )(fn)
    fn = click.option(
        "--backend",
        type=click.Choice(BACKENDS),
        default="embedded",
        show_default=True,
        help="Which AWS backend.",
    )(fn)
    return fn


def _confirm(yes: bool, question: str) -> None:
    if yes:
        return
    if not sys.stdin.isatty():
        raise click.ClickException(f"{question} needs confirmation: run in a terminal or pass --yes")
    if not click.confirm(question, default=False, err=True):
        raise click.ClickException("cancelled, nothing was changed")


@click.command()
@click.argument("dataset", type=click.Path(file_okay=False, path_type=Path))
@_backend_options
@click.option("--create-missing", is_flag=True, help="Create missing buckets and log groups (tagged).")
@click.option(
    "--only", type=click.Choice(["s3", "logs"]), default=None, help="Deliver only S3 or only CloudWatch Logs."
)
@click.option("--workers", default=8, show_default=True, type=click.IntRange(1, 64), help="Parallel uploads.")
@click.option("--yes", is_flag=True, help="aws backend: skip the cost confirmation.")
def deliver(
    dataset: Path,
    backend: str,
    endpoint: str | None,
    region: str,
    profile: str | None,
    create_missing: bool,
    only: str | None,
    workers: int,
    yes: bool,
) -> None:
    """Deliver a generated DATASET: S3 objects to their buckets, log events to their groups and streams.

    Safe to run again: what the backend already holds is read back and not sent twice.
    """
    cfg = BackendConfig(backend, endpoint, region, profile)
    try:
        data = load_dataset(dataset)
    except DatasetError as exc:
        raise click.ClickException(str(exc)) from None
    opts = DeliveryOptions(
        create_missing=create_missing, s3=only != "logs", logs=only != "s3", workers=workers
    )
    if backend == "aws":
        from simulator.backends.cost import estimate

        try:
            cost = estimate(data, include_s3=opts.s3, include_logs=opts.logs)
        except DatasetError as exc:
            raise click.ClickException(str(exc)) from None
        for line in cost.lines():
            click.echo(line, err=True)
        _confirm(yes, f"Deliver dataset {data.dataset_id} to {cfg.describe()}?")
    click.echo(f"Delivering {dataset} (dataset {data.dataset_id}) to {cfg.describe()}", err=True)
    try:
        summary = deliver_dataset(data, cfg, opts)
    except (DeliveryError, DatasetError) as exc:
        raise click.ClickException(str(exc)) from None
    for line in summary.lines():
        click.echo(line)


@click.command()
@_backend_options
@click.option("--dataset-id", default=None, help="Only resources of this dataset id.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def teardown(
    backend: str, endpoint: str | None, region: str, profile: str | None, dataset_id: str | None, yes: bool
) -> None:
    """Remove every bucket (emptied first) and log group Trailwatch created (tagged trailwatch:managed=true)."""
    from simulator.backends.teardown import plan_teardown, run_teardown

    cfg = BackendConfig(backend, endpoint, region, profile)
    try:
        session = cfg.session()
        s3, logs = cfg.client("s3", session), cfg.client("logs", session)
        plan = plan_teardown(s3, logs, dataset_id)
        if plan.empty:
            click.echo(f"Nothing tagged by Trailwatch at {cfg.describe()}.")
            return
        for line in plan.lines():
            click.echo(line, err=True)
        _confirm(yes, f"Delete these from {cfg.describe()}?")
        objects, resources = run_teardown(s3, logs, plan, report=lambda line: click.echo(line, err=True))
    except (ClientError, BotoCoreError) as exc:
        raise click.ClickException(explain_error(exc, cfg)) from None
    click.echo(f"Removed {resources} resources ({objects:,} objects) from {cfg.describe()}.")
