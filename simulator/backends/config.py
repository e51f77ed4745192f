"""Which AWS backend Trailwatch talks to (`--backend embedded|localstack|aws`) and boto3 clients for it.

- `embedded`: the EMU emulator (simulator/emulator), default http://127.0.0.1:4566. Trailwatch signs its
  own calls with `DELIVERY_ACCESS_KEY_ID`, a documented key that is not the learner's, so the emulator
  can tell Trailwatch's delivery apart from the learner's activity (docs/backends.md).
- `localstack`: LocalStack 4.14.0, default http://localhost:4566, credentials `test`/`test`
  (plain boto3 with `endpoint_url`, as LocalStack's docs describe).
- `aws`: a real account through a named profile (or the default credential chain) and a region;
  `endpoint` is honoured too, so tests can point it at a stand-in.

Clients never retry on their own (`total_max_attempts=1`): `simulator.backends.retry` owns retries, so that
an ambiguous PutLogEvents failure is reconciled with the backend before anything is sent again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import boto3
from botocore.config import Config

BACKENDS = ("embedded", "localstack", "aws")
DEFAULT_ENDPOINTS = {"embedded": "http://127.0.0.1:4566", "localstack": "http://localhost:4566"}
DEFAULT_REGION = "us-east-1"

# Trailwatch's own key on the embedded backend: AKIA + 16 characters like a real key id, made of letters
# that spell its purpose so it is recognisable in any log. Documented in docs/backends.md.
DELIVERY_ACCESS_KEY_ID = "AKIATRAILWATCHDELIVR"
DELIVERY_SECRET_ACCESS_KEY = "trailwatch-delivery-not-a-secret"
LOCALSTACK_CREDENTIALS = ("test", "test")


@dataclass(frozen=True)
class BackendConfig:
    """Where to deliver: the backend kind plus endpoint, region and (for `aws`) profile."""

    kind: str = "embedded"
    endpoint: str | None = None
    region: str = DEFAULT_REGION
    profile: str | None = None
    max_pool_connections: int = 16

    def __post_init__(self) -> None:
        if self.kind not in BACKENDS:
            raise ValueError(f"unknown backend {self.kind!r}; choose from {', '.join(BACKENDS)}")

    @property
    def endpoint_url(self) -> str | None:
        """The endpoint clients use; None means AWS's public endpoints."""
        return self.endpoint or DEFAULT_ENDPOINTS.get(self.kind)

    def describe(self) -> str:
        """One phrase naming the backend for messages: 'the embedded backend at http://…'."""
        if self.kind == "aws":
            where = f"profile {self.profile}" if self.profile else "default credentials"
            at = f" at {self.endpoint}" if self.endpoint else ""
            return f"AWS ({where}, region {self.region}){at}"
        return f"the {self.kind} backend at {self.endpoint_url}"

    def session(self) -> boto3.Session:
        if self.kind == "aws":
            return boto3.Session(profile_name=self.profile, region_name=self.region)
        key, secret = (
            (DELIVERY_ACCESS_KEY_ID, DELIVERY_SECRET_ACCESS_KEY)
            if self.kind == "embedded"
            else LOCALSTACK_CREDENTIALS
        )
        return boto3.Session(aws_access_key_id=key, aws_secret_access_key=secret, region_name=self.region)

    def client(self, service: str, session: boto3.Session | None = None, **config: Any) -> Any:
        """A boto3 client for `service` with retries left to Trailwatch and no per-event validation."""
        settings = {
            "retries": {"total_max_attempts": 1},
            "connect_timeout": 5,
            "read_timeout": 120,
            "max_pool_connections": self.max_pool_connections,
            # botocore validates every one of 10,000 events per PutLogEvents call otherwise;
            # batching.py enforces the limits that matter before the call is made
            "parameter_validation": False,
        }
        settings.update(config)
        if service == "s3" and self.kind != "aws":
            settings.setdefault("s3", {"addressing_style": "path"})
        return (session or self.session()).client(
            service, endpoint_url=self.endpoint_url, config=Config(**settings)
        )
