"""Give IAM users created through the API an AWS-shaped unique id (`AIDA` + 17 characters).

moto names users with 20 random lower-case characters; real principal ids of IAM users start with
`AIDA` (cloudtrail-format.md §3). After a successful CreateUser the emulator replaces moto's id in
moto's state and in the response body, so the CreateUser response, GetUser and every later record's
`principalId` agree.
"""

from __future__ import annotations

import re

from moto.iam.models import iam_backends

from simulator.emulator.learner import iam_unique_id

_AWS_SHAPED = re.compile(r"^AIDA[A-Z2-7]{17}$")


def normalize_created_user(user_name: str, body: bytes) -> bytes:
    """Re-id the user moto just created (found by name and its id in `body`); returns the new body."""
    for account_id, account in list(iam_backends.items()):
        user = account["aws"].users.get(user_name)
        if user is None or _AWS_SHAPED.match(user.id) or user.id.encode() not in body:
            continue
        new_id = iam_unique_id("AIDA", f"{account_id}:user:{user_name}:{user.create_date.isoformat()}")
        body = body.replace(user.id.encode(), new_id.encode())
        user.id = new_id
    return body
