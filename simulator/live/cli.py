"""`trailwatch up` and `trailwatch replay`: thin click edges over lab.py and replay.py."""

from __future__ import annotations

import signal
import threading
from pathlib import Path
from typing import Any

import click

BACKENDS = ("embedded", "localstack", "aws")


class _Signals:
    """SIGINT/SIGTERM set an event; while shutting down, further signals only say to wait (a second Ctrl-C
    must not abort the final save)."""

    def __init__(self) -> None:
        self.stop = threading.Event()
        self.stopping = False
        self._previous = {sig: signal.signal(sig, self._handle) for sig in (signal.SIGINT, signal.SIGTERM)}

    def _handle(self, signum: int, frame: Any) -> None:
        if self.stopping:
            click.echo("Still stopping, saving your work…", err=True)
        self.stop.set()

    def wait(self) -> None:
        while not self.stop.wait(3600):
            pass
        self.stopping = True

    def restore(self) -> None:
        for sig, old in self._previous.items():
            signal.signal(sig, old)


@click.command()
@click.option(
    "--emulator-port",
    default=4566,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Emulator port (0: any free port).",
)
@click.option(
    "--web-port",
    default=8080,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Lab app port (0: any free port).",
)
@click.option("--scenario", default=None, help="Scenario id or path to prepare for replay from the lab app.")
@click.option(
    "--dataset",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=None,
    help="Dataset dir to prepare for replay.",
)
@click.option(
    "--seed", default=1, show_default=True, type=click.IntRange(0, 2**63 - 1), help="World and scenario seed."
)
@click.option("--student", default=None, help="Student id (a different world per student).")
@click.option(
    "--speed",
    default=60.0,
    show_default=True,
    type=click.FloatRange(min=0, min_open=True),
    help="Replay speed of the baseline.",
)
@click.option(
    "--backend", type=click.Choice(BACKENDS), default="embedded", show_default=True, help="AWS backend."
)
@click.option("--endpoint", default=None, help="Endpoint of a localstack/aws backend.")
@click.option(
    "--state-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("instance/emulator-state"),
    show_default=True,
    help="Where the learner's work is saved.",
)
@click.option(
    "--save-interval",
    default=30.0,
    show_default=True,
    type=click.FloatRange(min=0),
    help="Seconds between saves (0: only at shutdown).",
)
@click.option(
    "--delivery-delay",
    default=0.5,
    show_default=True,
    type=click.FloatRange(min=0),
    help="CloudTrail delivery delay, seconds.",
)
@click.option(
    "--start-replay",
    is_flag=True,
    help="Start the --scenario/--dataset replay at once (else from the lab app).",
)
@click.option("--no-web", is_flag=True, help="Do not start the lab app.")
def up(
    emulator_port: int,
    web_port: int,
    scenario: str | None,
    dataset: Path | None,
    seed: int,
    student: str | None,
    speed: float,
    backend: str,
    endpoint: str | None,
    state_dir: Path,
    save_interval: float,
    delivery_delay: float,
    start_replay: bool,
    no_web: bool,
) -> None:
    """Start the embedded AWS emulator with the lab world, the live alarms and the lab web app (Ctrl-C stops)."""
    from simulator.live.lab import Lab, LabOptions
    from simulator.live.scenario_data import ScenarioDataError

    options = LabOptions(
        emulator_port=emulator_port,
        web_port=web_port,
        backend=backend,
        endpoint=endpoint,
        scenario=scenario,
        dataset=dataset,
        seed=seed,
        student=student,
        speed=speed,
        state_dir=state_dir,
        save_interval=save_interval,
        delivery_delay=delivery_delay,
        web=not no_web,
    )
    lab = Lab(options)
    signals = _Signals()
    try:
        try:
            lab.start()  # stops what it started when it fails
        except (RuntimeError, ScenarioDataError) as exc:
            raise click.ClickException(str(exc)) from None
        if start_replay and lab.replay is not None:
            lab.replay.start()
        try:
            click.echo(lab.banner())
            click.echo(
                "\nPress Ctrl-C to stop"
                + (f" (your work is saved in {state_dir})." if backend == "embedded" else ".")
            )
            signals.wait()
        finally:
            signals.stopping = True
            click.echo("Stopping…", err=True)
            lab.stop()
            click.echo(
                "Stopped." + (f" Your work is saved in {state_dir}." if backend == "embedded" else ""),
                err=True,
            )
    finally:
        signals.restore()


@click.command()
@click.option(
    "--scenario", default=None, help="Scenario id or path (its dataset is generated once and cached)."
)
@click.option(
    "--dataset",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=None,
    help="A dataset dir from `trailwatch generate`.",
)
@click.option(
    "--seed", default=1, show_default=True, type=click.IntRange(0, 2**63 - 1), help="Scenario seed."
)
@click.option("--student", default=None, help="Student id.")
@click.option(
    "--speed",
    default=60.0,
    show_default=True,
    type=click.FloatRange(min=0, min_open=True),
    help="How much faster than real time the baseline runs.",
)
@click.option(
    "--lead-in",
    default=None,
    type=click.IntRange(min=0),
    help="Seconds of baseline to replay before the first attack step (default: all).",
)
@click.option("--no-s3", is_flag=True, help="Replay CloudWatch Logs events only.")
@click.option(
    "--backend",
    type=click.Choice(BACKENDS),
    default="embedded",
    show_default=True,
    help="Where to replay to.",
)
@click.option("--endpoint", default=None, help="Endpoint URL (default: 127.0.0.1:4566 / localhost:4566).")
@click.option("--region", default="us-east-1", show_default=True, help="Region.")
@click.option("--profile", default=None, help="AWS profile (aws backend).")
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("instance/replay-datasets"),
    show_default=True,
    help="Where scenario datasets are cached.",
)
def replay(
    scenario: str | None,
    dataset: Path | None,
    seed: int,
    student: str | None,
    speed: float,
    lead_in: int | None,
    no_s3: bool,
    backend: str,
    endpoint: str | None,
    region: str,
    profile: str | None,
    cache_dir: Path,
) -> None:
    """Replay a scenario (or dataset) against the clock into a running backend: baseline sped up, attack steps
    in real time, timestamps shifted to now. Ctrl-C stops."""
    from simulator.backends.config import BackendConfig
    from simulator.backends.dataset import DatasetError
    from simulator.live.clock import SystemClock
    from simulator.live.replay import ApiSink, ReplayController
    from simulator.live.replay_schedule import load_replay
    from simulator.live.scenario_data import ScenarioDataError, scenario_dataset

    if (scenario is None) == (dataset is None):
        raise click.UsageError("give exactly one of --scenario or --dataset")
    try:
        if dataset is None:
            assert scenario is not None
            dataset = scenario_dataset(scenario, seed, student, cache_dir)
        plan = load_replay(dataset, include_s3=not no_s3, lead_in_s=lead_in)
    except (DatasetError, ScenarioDataError) as exc:
        raise click.ClickException(str(exc)) from None
    config = BackendConfig(backend, endpoint, region, profile)
    controller = ReplayController(plan, ApiSink(config), SystemClock(), speed)
    try:
        controller.start()
    except Exception as exc:  # botocore connection/client errors: one line naming the backend
        raise click.ClickException(f"cannot replay into {config.describe()}: {exc}") from None
    status = controller.status()
    click.echo(
        f"Replaying {status['total_items']} items from {dataset} into {config.describe()} at {speed:g}x"
    )
    for step in status["steps"]:
        click.echo(f"  step {step['step']}: {step['dataset_time']} -> {step['replay_time']}")
    done = threading.Event()

    def watch() -> None:
        controller.wait()
        done.set()

    threading.Thread(target=watch, daemon=True).start()
    previous = signal.signal(signal.SIGINT, lambda *_: done.set())
    try:
        while not done.wait(10):
            s = controller.status()
            click.echo(
                f"  {s['dataset_position']} ({s['phase']}): {s['sent_events']} events, {s['sent_objects']} objects sent",
                err=True,
            )
    finally:
        signal.signal(signal.SIGINT, previous)
        controller.stop()
    final = controller.status()
    if final["state"] == "failed":
        raise click.ClickException(f"replay failed: {final['error']}")
    click.echo(
        f"Replay {final['state']}: {final['sent_events']} events, {final['sent_objects']} objects sent"
    )
