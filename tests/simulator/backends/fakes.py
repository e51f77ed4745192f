"""An in-memory CloudWatch Logs client with AWS's GetLogEvents semantics, and fault injection."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError


def client_error(code: str, status: int, op: str = "PutLogEvents") -> ClientError:
    return ClientError(
        {"Error": {"Code": code, "Message": code}, "ResponseMetadata": {"HTTPStatusCode": status}}, op
    )


class FakeLogs:
    """Streams of (timestamp, message) in arrival order; `faults` is a list of (when, error) consumed by
    put_log_events: when = "before" fails without storing, "after" stores the batch and then fails."""

    def __init__(self) -> None:
        self.streams: dict[tuple[str, str], list[tuple[int, str]]] = {}
        self.faults: list[tuple[str, ClientError]] = []
        self.puts = 0

    def create_log_stream(self, logGroupName: str, logStreamName: str) -> dict:
        key = (logGroupName, logStreamName)
        if key in self.streams:
            raise client_error("ResourceAlreadyExistsException", 400, "CreateLogStream")
        self.streams[key] = []
        return {}

    def put_log_events(self, logGroupName: str, logStreamName: str, logEvents: list[dict]) -> dict:
        assert len(logEvents) <= 10_000
        stamps = [e["timestamp"] for e in logEvents]
        assert stamps == sorted(stamps)
        fault = self.faults.pop(0) if self.faults else None
        if fault and fault[0] == "before":
            raise fault[1]
        self.puts += 1
        self.streams[(logGroupName, logStreamName)].extend((e["timestamp"], e["message"]) for e in logEvents)
        if fault:
            raise fault[1]
        return {"nextSequenceToken": "x"}

    def get_log_events(
        self,
        logGroupName: str,
        logStreamName: str,
        startFromHead: bool = False,
        limit: int = 10_000,
        startTime: int | None = None,
        endTime: int | None = None,
        nextToken: str | None = None,
    ) -> dict[str, Any]:
        events = sorted(
            self.streams[(logGroupName, logStreamName)], key=lambda e: e[0]
        )  # stable: arrival order
        if startTime is not None:
            events = [e for e in events if e[0] >= startTime]
        if endTime is not None:
            events = [e for e in events if e[0] < endTime]  # AWS: endTime is exclusive
        offset = int(nextToken or 0)
        page = events[offset : offset + limit] if startFromHead else events[-limit:]
        token = str(offset + len(page)) if startFromHead else "b"
        return {"events": [{"timestamp": t, "message": m} for t, m in page], "nextForwardToken": token}
