"""Deterministic credential sessions shared by every source (so one session looks the same everywhere).

Instance-profile credentials of an EC2 instance rotate every ``INSTANCE_CRED_PERIOD`` seconds at a phase
fixed per instance; each period has one ASIA key and one creationDate. CloudTrail management events,
S3 data events and access logs of the same instance must use ``instance_credentials`` to agree.

    instance_credentials(world, instance_id, t_seconds) -> (creation_epoch_seconds, "ASIA...")
    temporary_key(salt) -> "ASIA..."   (stable for a salt such as f"{user}|{session start}")
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

from simulator.world.model import World

INSTANCE_CRED_PERIOD = 3 * 3600
_B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def _h(text: str, n: int = 8) -> bytes:
    return hashlib.blake2b(text.encode(), digest_size=n).digest()


@lru_cache(maxsize=65536)
def temporary_key(salt: str) -> str:
    """A 20-character ASIA… access key id derived from salt."""
    return "ASIA" + "".join(_B32[b % 32] for b in _h(salt, 16))


@lru_cache(maxsize=4096)
def _phase(seed: int, student: str | None, instance_id: str) -> int:
    return int.from_bytes(_h(f"{seed}|{student}|{instance_id}|phase"), "big") % INSTANCE_CRED_PERIOD


def instance_phase(world: World, instance_id: str) -> int:
    return _phase(world.seed, world.student, instance_id)


def instance_credentials(world: World, instance_id: str, t_seconds: float) -> tuple[int, str]:
    """(creationDate epoch, access key id) of the instance's role session valid at t."""
    phase = instance_phase(world, instance_id)
    start = int((int(t_seconds) - phase) // INSTANCE_CRED_PERIOD) * INSTANCE_CRED_PERIOD + phase
    return start, temporary_key(f"{world.seed}|{world.student}|{instance_id}|{start}")
