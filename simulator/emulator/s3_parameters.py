"""S3's own CloudTrail conventions: requestParameters from the URI, host, subresource query and
body; additionalEventData; resources.

Real shapes (invictus-ir records, cloudtrail-format.md §7): CreateBucket
`{bucketName, Host, x-amz-acl}`, GetBucketAcl `{bucketName, Host, acl: ""}`, PutBucketPolicy
`{bucketPolicy: {...}, bucketName, Host, policy: ""}`, ListBuckets `{Host}`, GetObject
`{bucketName, Host, key}`; `resources` lists the bucket (and the object for data events);
responseElements is null.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import orjson

from simulator.emulator.api_request import ApiRequest, IdentifiedCall

# query keys botocore adds for routing, not part of the request AWS logs
_SKIP_QUERY = {"x-id"}
_SKIP_HEADERS = {
    "x-amz-content-sha256",
    "x-amz-date",
    "x-amz-security-token",
    "x-amz-user-agent",
    "x-amz-sdk-checksum-algorithm",
    "x-amz-checksum-crc32",
    "x-amz-checksum-crc32c",
    "x-amz-checksum-sha1",
    "x-amz-checksum-sha256",
    "x-amz-checksum-crc64nvme",
    "x-amz-decoded-content-length",
    "x-amz-checksum-mode",
    "x-amz-trailer",
}
_NO_RESOURCES = {"ListBuckets", "CreateBucket", "ListDirectoryBuckets"}


def aws_host(bucket: str | None, region: str) -> str:
    """The Host AWS would have seen: virtual-hosted bucket endpoint, or the service endpoint."""
    endpoint = "s3.amazonaws.com" if region == "us-east-1" else f"s3.{region}.amazonaws.com"
    return f"{bucket}.{endpoint}" if bucket else endpoint


def s3_request_parameters(
    req: ApiRequest, call: IdentifiedCall, params: dict[str, Any], region: str
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    shape = call.operation.input_shape
    payload = shape.serialization.get("payload") if shape is not None else None
    if payload and payload in params:
        value = params[payload]
        if call.operation.name == "PutBucketPolicy":
            try:
                out["bucketPolicy"] = orjson.loads(value)
            except (orjson.JSONDecodeError, TypeError):
                out["bucketPolicy"] = value
        elif isinstance(value, dict):
            out.update(value)
    if call.bucket:
        out["bucketName"] = call.bucket
    out["Host"] = aws_host(call.bucket, region)
    if "Key" in params:
        out["key"] = params["Key"]
    for key, values in req.query.items():
        if key not in _SKIP_QUERY:
            out[key] = values[0] if values else ""
    if shape is not None:
        for member in shape.members.values():
            ser = member.serialization
            name = str(ser.get("name", "")).lower()
            if ser.get("location") == "header" and name.startswith("x-amz-") and name not in _SKIP_HEADERS:
                if name in req.headers:
                    out[name] = req.headers[name]
    return out


def s3_additional_data(req: ApiRequest, bytes_out: int) -> dict[str, Any]:
    """additionalEventData of S3 records (no CipherSuite: the emulator speaks plain HTTP)."""
    by_query = "X-Amz-Credential" in req.query
    id2 = base64.b64encode(hashlib.sha384(req.body + req.path.encode()).digest()).decode()
    return {
        "SignatureVersion": "SigV4",
        "bytesTransferredIn": len(req.body),
        "AuthenticationMethod": "QueryString" if by_query else "AuthHeader",
        "x-amz-id-2": id2,
        "bytesTransferredOut": bytes_out,
    }


def s3_resources(call: IdentifiedCall, account_id: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    if call.bucket is None or call.operation.name in _NO_RESOURCES:
        return []
    bucket = {"accountId": account_id, "type": "AWS::S3::Bucket", "ARN": f"arn:aws:s3:::{call.bucket}"}
    if "Key" in params:
        return [{"type": "AWS::S3::Object", "ARN": f"arn:aws:s3:::{call.bucket}/{params['Key']}"}, bucket]
    return [bucket]
