"""Start LocalStack 4.14.0 from `.venv-localstack` on 127.0.0.1:<free port>, without Docker, and stop it.

The venv comes from `make localstack` (Makefile; pins in ../shared/reference/localstack-runtime-constraints.txt).
All of LocalStack's files (filesystem root, volume dir, temp dir) live under the directory given, and the
whole process group is stopped at the end.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
VENV_PYTHON = REPO / ".venv-localstack" / "bin" / "python"
INSTALLED_STAMP = REPO / ".venv-localstack" / ".installed"  # written by `make localstack` after pip succeeded
MISSING = f"LocalStack venv missing ({INSTALLED_STAMP.parent}): `make localstack` installs it"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LocalStackProcess:
    def __init__(self, workdir: Path, port: int | None = None) -> None:
        self.workdir = workdir
        self.port = port or free_port()
        self.proc: subprocess.Popen | None = None
        self.startup_seconds = 0.0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 120.0) -> LocalStackProcess:
        for sub in ("fs", "volume", "tmp"):
            (self.workdir / sub).mkdir(parents=True, exist_ok=True)
        env = dict(os.environ)
        env.update(
            GATEWAY_LISTEN=f"127.0.0.1:{self.port}",
            DNS_ADDRESS="0",
            SKIP_SSL_CERT_DOWNLOAD="1",
            DISABLE_EVENTS="1",  # no analytics calls home
            FILESYSTEM_ROOT=str(self.workdir / "fs"),
            LOCALSTACK_VOLUME_DIR=str(self.workdir / "volume"),
            TMPDIR=str(self.workdir / "tmp"),
        )
        for var in ("AWS_ENDPOINT_URL", "AWS_PROFILE"):
            env.pop(var, None)
        log = open(self.workdir / "localstack.log", "wb")
        started = time.monotonic()
        self.proc = subprocess.Popen(
            [str(VENV_PYTHON), "-m", "localstack.runtime.main"],
            cwd=self.workdir,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, stopped as a whole
        )
        log.close()
        while time.monotonic() - started < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"LocalStack exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.url}/_localstack/health", timeout=2) as resp:
                    if resp.status == 200:
                        self.startup_seconds = time.monotonic() - started
                        return self
            except OSError:
                pass
            time.sleep(0.25)
        self.stop()
        raise RuntimeError(f"LocalStack not ready after {timeout:.0f} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 30) -> str:
        path = self.workdir / "localstack.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        pgid = os.getpgid(self.proc.pid)
        os.killpg(pgid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(pgid, signal.SIGKILL)
            self.proc.wait(timeout=10)
