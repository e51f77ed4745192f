"""The lab's inbox: messages SNS delivered to email and email-json subscriptions, which moto drops.

There is no mail server in the lab, so the inbox stands in for the learner's mailbox; the lab app lists it.
Every delivery to a confirmed ``email``/``email-json`` subscription (moto confirms them at once) becomes an
``InboxMessage``. ``email-json`` bodies are the SNS notification document AWS sends (Type, MessageId,
TopicArn, Subject, Message, Timestamp, SignatureVersion, Signature, SigningCertURL, UnsubscribeURL;
https://docs.aws.amazon.com/sns/latest/dg/sns-message-and-json-formats.html); ``email`` bodies are the
message text. The signature fields are placeholders (nothing in the lab can verify them).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass

import orjson
from moto.sns.models import Subscription

from simulator.live.hooks import on_sns_delivery

EMAIL_PROTOCOLS = ("email", "email-json")
MAX_MESSAGES = 10_000


@dataclass(frozen=True)
class InboxMessage:
    index: int
    received_at: str  # ISO 8601 UTC, milliseconds
    protocol: str
    endpoint: str  # the subscribed address
    topic_arn: str
    subscription_arn: str
    message_id: str
    subject: str | None
    message: str
    body: str  # what the mailbox shows: the text, or the JSON document for email-json

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def _iso_now() -> str:
    now = dt.datetime.now(dt.UTC)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


class Inbox:
    """Thread-safe list of the email deliveries since ``start()`` (oldest first, capped at 10,000)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._messages: list[InboxMessage] = []
        self._next = 0
        self._remove: Callable[[], None] | None = None

    def start(self) -> Inbox:
        if self._remove is None:
            self._remove = on_sns_delivery(self._on_delivery)
        return self

    def stop(self) -> None:
        if self._remove is not None:
            self._remove()
            self._remove = None

    def _on_delivery(self, sub: Subscription, message: str, message_id: str, subject: str | None) -> None:
        if sub.protocol not in EMAIL_PROTOCOLS:
            return
        received = _iso_now()
        body = message
        if sub.protocol == "email-json":
            doc = {
                "Type": "Notification",
                "MessageId": message_id,
                "TopicArn": sub.topic_arn,
                "Subject": subject,
                "Message": message,
                "Timestamp": received,
                "SignatureVersion": "1",
                "Signature": "",
                "SigningCertURL": "",
                "UnsubscribeURL": f"https://sns.{sub.topic_arn.split(':')[3]}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn={sub.arn}",
            }
            if subject is None:
                del doc["Subject"]
            body = orjson.dumps(doc).decode()
        with self._lock:
            self._messages.append(
                InboxMessage(
                    self._next,
                    received,
                    sub.protocol,
                    sub.endpoint,
                    sub.topic_arn,
                    sub.arn,
                    message_id,
                    subject,
                    message,
                    body,
                )
            )
            self._next += 1
            del self._messages[:-MAX_MESSAGES]

    def messages(self, endpoint: str | None = None, since: int = 0) -> list[InboxMessage]:
        """Messages (optionally for one address) with ``index >= since``, oldest first."""
        with self._lock:
            return [
                m for m in self._messages if m.index >= since and (endpoint is None or m.endpoint == endpoint)
            ]

    def clear(self) -> None:
        with self._lock:
            self._messages.clear()

    def dump(self) -> list[dict[str, object]]:
        with self._lock:
            return [m.to_dict() for m in self._messages]

    def load(self, items: list[dict[str, object]]) -> None:
        with self._lock:
            self._messages = [InboxMessage(**item) for item in items]  # type: ignore[arg-type]
            self._next = max((m.index for m in self._messages), default=-1) + 1
