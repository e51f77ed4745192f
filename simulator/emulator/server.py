"""The embedded AWS backend: moto's server app, wrapped to record CloudTrail, served in-process.

    with EmbeddedEmulator(port=0, delivery_delay=0.2) as emu:
        boto3.client("ec2", endpoint_url=emu.endpoint_url, ...)

A threaded werkzeug server on 127.0.0.1 (default port 4566) runs moto's DomainDispatcherApplication
behind `CloudTrailMiddleware`, behind `QueryProtocolBridge` (CloudWatch over JSON for newer clients); state lives in moto's in-process backends; a delivery thread writes
records to the trails' S3 buckets and CloudWatch Logs groups after `delivery_delay` seconds.
"""

from __future__ import annotations

import socket
import threading
from types import TracebackType

from moto.core import DEFAULT_ACCOUNT_ID
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import BaseWSGIServer, make_server

from simulator.emulator.delivery import DeliveryQueue
from simulator.emulator.identity import IdentityResolver
from simulator.emulator.learner import LearnerCredentials, ensure_learner, learner_key_id
from simulator.emulator.middleware import CloudTrailMiddleware
from simulator.emulator.protocol_bridge import QueryProtocolBridge
from simulator.emulator.recorder import CallRecorder, RecordListener

DEFAULT_PORT = 4566
DEFAULT_DELIVERY_DELAY = 0.5
DEFAULT_REGION = "us-east-1"


class _QuietHandler(MotoRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


def _check_free(host: str, port: int) -> None:
    """Fail with one clear line when the port is taken (werkzeug would print and sys.exit)."""
    if port == 0:
        return
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise RuntimeError(f"cannot listen on {host}:{port}: {exc.strerror}") from exc


class EmbeddedEmulator:
    """moto in-process on `host:port`, recording every API call as CloudTrail."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = DEFAULT_PORT,
        delivery_delay: float = DEFAULT_DELIVERY_DELAY,
        account_id: str = DEFAULT_ACCOUNT_ID,
        learner_user: str = "learner",
        root_access_keys: frozenset[str] = frozenset(),
    ) -> None:
        if delivery_delay < 0:
            raise ValueError(f"delivery_delay must be >= 0 seconds, got {delivery_delay}")
        self.host = host
        self.port = port
        self.account_id = account_id
        self.learner_user = learner_user
        self.delivery = DeliveryQueue(delivery_delay)
        self.identities = IdentityResolver(account_id, learner_user, frozenset(root_access_keys))
        self.recorder = CallRecorder(self.identities, self.delivery)
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None
        self.learner: LearnerCredentials | None = None

    def learner_access_key_id(self) -> str:
        """The learner's access key id (stable for an account and user name)."""
        return learner_key_id(self.account_id, self.learner_user)

    @property
    def endpoint_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def running(self) -> bool:
        return self._server is not None

    def environment(self, region: str = DEFAULT_REGION) -> dict[str, str]:
        """Environment variables that point the aws CLI and boto3 at the emulator."""
        return {
            "AWS_ENDPOINT_URL": self.endpoint_url,
            "AWS_ACCESS_KEY_ID": "test",
            "AWS_SECRET_ACCESS_KEY": "test",
            "AWS_DEFAULT_REGION": region,
        }

    def add_record_listener(self, listener: RecordListener) -> None:
        """Called with every record some logging trail takes (EventBridge routing hooks in here)."""
        self.recorder.add_listener(listener)

    def start(self) -> EmbeddedEmulator:
        if self._server is not None:
            raise RuntimeError(f"emulator already running on {self.endpoint_url}")
        self.learner = ensure_learner(self.account_id, self.learner_user)
        app = QueryProtocolBridge(
            CloudTrailMiddleware(DomainDispatcherApplication(create_backend_app), self.recorder)
        )
        _check_free(self.host, self.port)
        try:
            server = make_server(self.host, self.port, app, threaded=True, request_handler=_QuietHandler)
        except (OSError, SystemExit) as exc:  # werkzeug prints and exits when the bind fails
            raise RuntimeError(f"cannot listen on {self.host}:{self.port}") from exc
        server.daemon_threads = True
        self._server = server
        self.port = server.server_port
        self.delivery.start()
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="emulator-http", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, then deliver what is still pending."""
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join()
        self._server = None
        self._thread = None
        self.delivery.stop(flush=True)

    def __enter__(self) -> EmbeddedEmulator:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
