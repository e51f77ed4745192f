"""boto3 clients for the live checks, pointed at the configured backend (see BACKEND in labapp/__init__)."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config

CHECKS_USER_AGENT = "trailwatch-lab-checks"


class NoBackend(RuntimeError):
    """BACKEND is "none": there is nothing to check against."""


class Backend:
    """Makes (and caches) boto3 clients for one check run."""

    def __init__(self, config: dict[str, Any]) -> None:
        self.kind = str(config.get("BACKEND") or "none")
        self.region = str(config.get("AWS_REGION") or "us-east-1")
        self.endpoint = config.get("EMULATOR_ENDPOINT") if self.kind == "embedded" else None
        timeout = float(config.get("CHECK_TIMEOUT_SECONDS") or 3)
        # the checks' own calls are recorded by CloudTrail like any other; the user agent names them so a
        # learner reading the trail can tell them apart from their own calls
        self._botocore = Config(
            connect_timeout=timeout,
            read_timeout=timeout,
            retries={"max_attempts": 1},
            user_agent_extra=CHECKS_USER_AGENT,
        )
        self._credentials: dict[str, str] = {}
        if self.kind == "embedded":
            self._credentials = {
                "aws_access_key_id": str(config.get("AWS_ACCESS_KEY_ID") or "test"),
                "aws_secret_access_key": str(config.get("AWS_SECRET_ACCESS_KEY") or "test"),
            }
        self._clients: dict[str, Any] = {}

    def client(self, service: str) -> Any:
        if self.kind == "none":
            raise NoBackend("no AWS backend is configured (BACKEND is 'none')")
        if service not in self._clients:
            self._clients[service] = boto3.client(
                service,
                region_name=self.region,
                endpoint_url=self.endpoint,
                config=self._botocore,
                **self._credentials,
            )
        return self._clients[service]
