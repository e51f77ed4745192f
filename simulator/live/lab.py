"""What `trailwatch up` runs: the embedded emulator seeded with the lab world, the live services, persistence,
an optional scenario replay, and the lab web app.

``Lab(LabOptions(...)).start()`` returns once everything serves; ``stop()`` shuts it down and saves. The
emulator runs as the world's prod account (the learner's account), so replayed records and the learner's
own calls name the same account. The lab app (``labapp.create_app``, when the package has it) gets the
emulator endpoint, the inbox, the live monitor and the replay controller through its config keys
(labapp/__init__.py documents them) and is served by werkzeug's threaded server.
"""

from __future__ import annotations

import importlib.util
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from werkzeug.serving import BaseWSGIServer, make_server

from simulator.emulator import EmbeddedEmulator
from simulator.live.clock import SystemClock
from simulator.live.persistence import StateStore
from simulator.live.replay import ApiSink, InProcessSink, ReplayController
from simulator.live.replay_schedule import load_replay
from simulator.live.scenario_data import scenario_dataset
from simulator.live.services import LiveServices
from simulator.live.world_seed import seed_world
from simulator.world.build import build_world

REGION = "us-east-1"


@dataclass(frozen=True)
class LabOptions:
    emulator_port: int = 4566
    web_port: int = 8080
    host: str = "127.0.0.1"
    backend: str = "embedded"
    endpoint: str | None = None
    scenario: str | None = None
    dataset: Path | None = None
    seed: int = 1
    student: str | None = None
    speed: float = 60.0
    state_dir: Path = Path("instance/emulator-state")
    save_interval: float = 30.0
    delivery_delay: float = 0.5
    web: bool = True


class Lab:
    def __init__(self, options: LabOptions) -> None:
        self.options = options
        self.world = build_world(options.seed, options.student)
        self.account_id = self.world.account("prod").id
        self.services: LiveServices | None = None
        self.replay: ReplayController | None = None
        self.web_server: BaseWSGIServer | None = None
        self._web_thread: threading.Thread | None = None
        self.web_note = ""
        self.first_accounts: Path | None = None
        self.dataset: Path | None = None

    @property
    def endpoint_url(self) -> str:
        if self.services is not None:
            return self.services.emulator.endpoint_url
        from simulator.backends.config import BackendConfig

        return BackendConfig(self.options.backend, self.options.endpoint).endpoint_url or "(AWS)"

    @property
    def web_url(self) -> str | None:
        if self.web_server is None:
            return None
        return f"http://{self.options.host}:{self.web_server.server_port}"

    def start(self) -> Lab:
        try:
            return self._start()
        except BaseException:
            self.stop()
            raise

    def _start(self) -> Lab:
        o = self.options
        if o.backend == "embedded":
            emulator = EmbeddedEmulator(o.host, o.emulator_port, o.delivery_delay, account_id=self.account_id)
            self.services = LiveServices(
                emulator,
                SystemClock(),
                StateStore(o.state_dir, o.save_interval),
                seed=lambda: seed_world(self.world, self.account_id, REGION),
            ).start()
        dataset = o.dataset
        if dataset is None and o.scenario is not None:
            dataset = scenario_dataset(o.scenario, o.seed, o.student, o.state_dir.parent / "replay-datasets")
        self.dataset = dataset
        if dataset is not None:
            self.replay = ReplayController(load_replay(dataset), self._sink(), SystemClock(), o.speed)
            self.replay.prepare()
        if o.web:
            self._start_web()
        return self

    def _sink(self) -> Any:
        if self.options.backend == "embedded":
            return InProcessSink(self.account_id, REGION)
        from simulator.backends.config import BackendConfig

        return ApiSink(BackendConfig(self.options.backend, self.options.endpoint, REGION))

    def _start_web(self) -> None:
        if importlib.util.find_spec("labapp") is None:
            self.web_note = "the lab app package is not installed; only the emulator runs"
            return
        import labapp

        if not hasattr(labapp, "create_app"):
            self.web_note = "labapp has no create_app yet; only the emulator runs"
            return
        config: dict[str, Any] = {
            "BACKEND": "aws" if self.options.backend == "aws" else "embedded",
            "EMULATOR_ENDPOINT": self.endpoint_url,
            "AWS_REGION": REGION,
            "INBOX": self.services.inbox if self.services else None,
            "LIVE_MONITOR": self.services.monitor if self.services else None,
            "REPLAY_CONTROLLER": self.replay,
        }
        if self.dataset is not None:  # the explorer, lab 1 and the tools read the dataset being replayed
            config["DATASET_DIR"] = str(self.dataset)
        app = labapp.create_app(config, instance_path=str(self.options.state_dir.resolve().parent))
        self.first_accounts = labapp.ensure_first_accounts(app)
        try:
            self.web_server = make_server(self.options.host, self.options.web_port, app, threaded=True)
        except (OSError, SystemExit) as exc:  # werkzeug prints and exits when the port is taken
            raise RuntimeError(
                f"cannot serve the lab app on {self.options.host}:{self.options.web_port}: {exc}"
            ) from None
        self.web_server.daemon_threads = True
        self._web_thread = threading.Thread(target=self.web_server.serve_forever, name="lab-web", daemon=True)
        self._web_thread.start()

    def stop(self) -> None:
        if self.replay is not None:
            self.replay.stop()
        if self.web_server is not None:
            self.web_server.shutdown()
            self.web_server.server_close()
            if self._web_thread is not None:
                self._web_thread.join()
            self.web_server = None
        if self.services is not None:
            self.services.stop()

    def banner(self) -> str:
        o = self.options
        env = {
            "AWS_ENDPOINT_URL": self.endpoint_url,
            "AWS_ACCESS_KEY_ID": "test",
            "AWS_SECRET_ACCESS_KEY": "test",
            "AWS_DEFAULT_REGION": REGION,
        }
        lines = ["Trailwatch lab is up."]
        lines.append(
            f"  Lab app:   {self.web_url}"
            if self.web_url
            else f"  Lab app:   not started ({self.web_note or 'disabled'})"
        )
        if self.first_accounts is not None:
            lines.append(f"  Sign in:   first accounts (delete the file once you have changed them) in {self.first_accounts}:")
            lines += [f"             {line}" for line in self.first_accounts.read_text().splitlines()]
        if self.services is not None:
            learner = self.services.emulator.learner
            state = "restored from" if self.services.restored else "new lab world, saved to"
            lines += [
                f"  Emulator:  {self.endpoint_url}  (account {self.account_id}, region {REGION})",
                f"  Learner:   IAM user {learner.user_name if learner else 'learner'}",
                f"             access key {learner.access_key_id if learner else ''}  secret {learner.secret_access_key if learner else ''}",
                "             (credentials test/test, or any key IAM does not know, act as this user)",
                f"  State:     {state} {o.state_dir}",
            ]
        else:
            lines.append(
                f"  Backend:   {o.backend} at {self.endpoint_url} (its own alarm evaluation runs there)"
            )
        if self.replay is not None:
            when = (
                "running"
                if self.replay.status()["state"] == "running"
                else "ready (start it from the lab app)"
            )
            lines.append(f"  Replay:    {len(self.replay.plan.items)} items at {o.speed:g}x, {when}")
        lines += [
            "",
            "For the aws CLI and boto3:",
            "  export " + " ".join(f"{k}={v}" for k, v in env.items()),
        ]
        return "\n".join(lines)
