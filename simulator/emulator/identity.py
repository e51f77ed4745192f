"""Who made a call: the CloudTrail `userIdentity` for an access key, read from moto's IAM and STS state.

- a key of an IAM user -> `IAMUser`;
- a key moto's STS issued for AssumeRole -> `AssumedRole` with `sessionContext`;
- a key registered as the account's root key -> `Root`;
- any other key (e.g. `test`) -> the learner's admin IAM user: the emulator treats unknown
  credentials as that user's, and the record names that user and its real access key id.
The identity blocks come from SIM-CT's builders in simulator/formats/cloudtrail.py (real key order).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from moto.iam.models import iam_backends
from moto.sts.models import sts_backends

from simulator.formats.cloudtrail import assumed_role_identity, iam_user_identity, root_identity


@dataclass(frozen=True)
class Caller:
    """The resolved identity of a call and the account it acts in."""

    account_id: str
    user_identity: dict[str, Any]


def _epoch(value: dt.datetime) -> float:
    if value.tzinfo is None:  # moto keeps naive UTC datetimes
        value = value.replace(tzinfo=dt.UTC)
    return value.timestamp()


def _find_key(access_key: str) -> tuple[str, Any] | None:
    for account_id, account in list(iam_backends.items()):
        key = account["aws"].access_keys.get(access_key)
        if key is not None:
            return account_id, key
    return None


def _iam_user(account_id: str, user: Any, access_key: str) -> dict[str, Any]:
    identity = iam_user_identity(account_id, user.name, user.id, access_key)
    identity["arn"] = user.arn  # keeps a non-default IAM path (user/<path>/<name>)
    return identity


def _assumed_role(account_id: str, access_key: str, key: Any) -> dict[str, Any] | None:
    role_backend = sts_backends[account_id]["aws"]
    session = role_backend.get_assumed_role_from_access_key(access_key)
    if session is None:
        return None
    role_name = session.role_arn.split("/")[-1]
    resource = session.role_arn.split(":role", 1)[-1]  # "/<path>/<name>"
    role_path = resource[: len(resource) - len(role_name)] or "/"
    iam = iam_backends[account_id]["aws"]
    try:
        role_id = iam.get_role_by_arn(session.role_arn).id
    except Exception:  # the role was deleted after the session was issued
        role_id = session.user_id.split(":", 1)[0]
    return assumed_role_identity(
        account_id, role_name, role_path, role_id, session.session_name, access_key, _epoch(key.create_date)
    )


class IdentityResolver:
    """Maps access keys to CloudTrail identities; unknown keys become the default user."""

    def __init__(self, default_account: str, default_user: str, root_keys: frozenset[str]) -> None:
        self.default_account = default_account
        self.default_user = default_user
        self.root_keys = root_keys

    def default_access_key(self) -> str | None:
        user = iam_backends[self.default_account]["aws"].users.get(self.default_user)
        if user is None or not user.access_keys:
            return None
        return user.access_keys[0].access_key_id

    def is_known(self, access_key: str) -> bool:
        return access_key in self.root_keys or _find_key(access_key) is not None

    def resolve(self, access_key: str | None) -> Caller:
        if access_key in self.root_keys:
            return Caller(self.default_account, root_identity(self.default_account, access_key))
        found = _find_key(access_key) if access_key else None
        if found is not None:
            account_id, key = found
            if key.user_name:
                user = iam_backends[account_id]["aws"].users.get(key.user_name)
                if user is not None:
                    return Caller(account_id, _iam_user(account_id, user, access_key))
            identity = _assumed_role(account_id, access_key, key)
            if identity is not None:
                return Caller(account_id, identity)
        return self._default()

    def _default(self) -> Caller:
        acct = self.default_account
        user = iam_backends[acct]["aws"].users.get(self.default_user)
        if user is None:
            return Caller(acct, {"type": "Unknown", "principalId": "Anonymous", "accountId": acct})
        key = user.access_keys[0].access_key_id if user.access_keys else ""
        return Caller(acct, _iam_user(acct, user, key))
