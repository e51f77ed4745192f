"""Lab 1's annotated record: one CloudTrail record picked from the learner's own dataset.

The dataset is what ``trailwatch generate`` writes (docs/datasets.md): the manifest lists the S3
CloudTrail files; the record chosen is the first failed console sign-in in file order, else the
first IAM-user write call, else the first record, so the same dataset always gives the same record.
"""

from __future__ import annotations

import functools
import gzip
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import orjson

# What each top-level field tells an investigator (our words; field meanings from
# https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html)
FIELD_NOTES: dict[str, str] = {
    "eventVersion": "Version of the record format; newer versions add fields, they never change old ones.",
    "userIdentity": "Who made the request: the kind of identity, its ARN, account, access key and, for roles, "
    "the session it came from. This is the first thing to read in an investigation.",
    "eventTime": "When the request finished, in UTC. Line events up across logs with this.",
    "eventSource": "The AWS service that received the call (its endpoint name).",
    "eventName": "The API action that was called.",
    "awsRegion": "The region the request went to.",
    "sourceIPAddress": "Where the request came from: an IP address, or a service name when AWS acted for you.",
    "userAgent": "The tool that sent the request: console, CLI, an SDK, or a service.",
    "errorCode": "Present only when the call failed: AWS's error code.",
    "errorMessage": "Present only when the call failed: the reason in words.",
    "requestParameters": "What the caller asked for (arguments of the call); null when there were none.",
    "responseElements": "What the service answered for a call that changed something; null for reads and failures.",
    "additionalEventData": "Extra facts some events carry, e.g. whether a console sign-in used MFA.",
    "requestID": "The service's id for the request; quote it when you talk to AWS support.",
    "eventID": "CloudTrail's unique id for this record; use it to remove duplicates.",
    "readOnly": "Whether the call only read data (true) or could change something (false).",
    "eventType": "AwsApiCall, AwsServiceEvent or AwsConsoleSignIn.",
    "managementEvent": "True for control-plane (management) events, false for data events such as S3 reads.",
    "recipientAccountId": "The account that received this record.",
    "eventCategory": "Management or Data: which kind of trail selector records it.",
    "tlsDetails": "TLS version and cipher the client used, and the host name it asked for.",
    "sessionCredentialFromConsole": "True when the call used credentials of a console session.",
    "resources": "The resources the call touched, when CloudTrail can name them.",
    "sharedEventID": "Links the copies of one event delivered to more than one account.",
    "vpcEndpointId": "The VPC endpoint the request went through, if any.",
}


def dataset_dir_for(user: Mapping[str, Any], config: Mapping[str, Any]) -> str | None:
    """The learner's own dataset: ``STUDENT_DATASETS_DIR/<student_id or username>/`` when it holds a
    manifest, else the class dataset ``DATASET_DIR`` (the same rule as the log explorer)."""
    root = config.get("STUDENT_DATASETS_DIR")
    if root:
        for key in (user.get("student_id"), user.get("username")):
            if key and "/" not in str(key) and not str(key).startswith("."):
                candidate = Path(root) / str(key)
                if (candidate / "manifest.json").is_file():
                    return str(candidate)
    found = config.get("DATASET_DIR")
    return str(found) if found else None


class DatasetError(ValueError):
    """DATASET_DIR is missing or holds no CloudTrail file."""


def _pick(records: list[dict[str, Any]]) -> dict[str, Any] | None:
    for rec in records:
        if rec.get("eventName") == "ConsoleLogin" and rec.get("errorMessage"):
            return rec
    for rec in records:
        if rec.get("userIdentity", {}).get("type") == "IAMUser" and rec.get("readOnly") is False:
            return rec
    return records[0] if records else None


@functools.lru_cache(maxsize=8)
def annotated_record(dataset_dir: str) -> tuple[str, dict[str, Any]]:
    """(file path relative to the dataset, record) of lab 1; raises DatasetError."""
    root = Path(dataset_dir)
    manifest_path = root / "manifest.json"
    if not manifest_path.is_file():
        raise DatasetError(f"{manifest_path} does not exist; run `trailwatch generate --out {root}` first")
    manifest = orjson.loads(manifest_path.read_bytes())
    files = [
        f["path"]
        for f in manifest.get("files", [])
        if f.get("source") == "cloudtrail" and f.get("kind") == "s3"
    ]
    fallback: tuple[str, dict[str, Any]] | None = None
    for path in files[:200]:  # the first few hours are enough to find a sign-in
        records = orjson.loads(gzip.decompress((root / path).read_bytes())).get("Records", [])
        chosen = _pick(records)
        if chosen is None:
            continue
        if chosen.get("eventName") == "ConsoleLogin":
            return path, chosen
        fallback = fallback or (path, chosen)
    if fallback is None:
        raise DatasetError(f"{root} holds no CloudTrail log file")
    return fallback


def field_value(record: dict[str, Any], dotted: str) -> Any:
    """``userIdentity.userName`` -> the value (None when absent)."""
    value: Any = record
    for part in dotted.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value
