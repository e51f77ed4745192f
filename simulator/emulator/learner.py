"""Seed the learner's admin IAM user straight into moto's IAM backend (no API call, so no record).

The user gets the AWS managed policy AdministratorAccess (only that one policy is loaded from
moto's bundled copy of the managed policies, not all of them) and one access key; credentials
IAM does not know (e.g. `test`/`test`) act as this user.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache

from moto.iam.aws_managed_policies import aws_managed_policies_data
from moto.iam.models import AWSManagedPolicy, iam_backends

ADMIN_POLICY = "AdministratorAccess"


@dataclass(frozen=True)
class LearnerCredentials:
    user_name: str
    arn: str
    access_key_id: str
    secret_access_key: str


def iam_unique_id(prefix: str, seed: str) -> str:
    """A stable IAM-style id: `prefix` + 17 upper-case base32 characters derived from `seed`."""
    digest = hashlib.sha256(seed.encode()).digest()
    return prefix + base64.b32encode(digest).decode()[:17]


def learner_key_id(account_id: str, user_name: str) -> str:
    """`AKIA` + 16 characters, stable for an account and user name."""
    return iam_unique_id("AKIA", f"{account_id}:key:{user_name}")[:20]


@lru_cache(maxsize=1)
def _admin_policy_data() -> dict:
    return json.loads(aws_managed_policies_data)[ADMIN_POLICY]


def ensure_learner(account_id: str, user_name: str) -> LearnerCredentials:
    """Create (once) the learner user with AdministratorAccess and an access key."""
    backend = iam_backends[account_id]["aws"]
    arn = f"arn:aws:iam::aws:policy/{ADMIN_POLICY}"
    if arn not in backend.managed_policies:
        policy = AWSManagedPolicy.from_data(ADMIN_POLICY, account_id, "us-east-1", _admin_policy_data())
        backend.managed_policies[policy.arn] = policy
    user = backend.users.get(user_name)
    if user is None:
        user = backend.create_user("us-east-1", user_name)
        user.id = iam_unique_id("AIDA", f"{account_id}:user:{user_name}")
        backend.attach_user_policy(arn, user_name)
    if not user.access_keys:
        key = backend.create_access_key(user_name)
        # a stable key id, so the credentials Trailwatch prints stay the same between runs
        backend.access_keys.pop(key.access_key_id, None)
        key.access_key_id = learner_key_id(account_id, user_name)
        backend.access_keys[key.access_key_id] = key
    key = user.access_keys[0]
    return LearnerCredentials(user_name, user.arn, key.access_key_id, key.secret_access_key)
