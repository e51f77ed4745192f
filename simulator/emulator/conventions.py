"""Per-service and per-operation conventions of real CloudTrail records that botocore's
models do not carry: eventName spellings, readOnly exceptions, timestamp text,
global-service regions, apiVersion, S3 data events.

Sources: real records in shared/reference/samples/cloudtrail/ (invictus-ir 2023, Stratus Red
Team 2024) and shared/reference/cloudtrail-format.md; each table says where it comes from.
"""

from __future__ import annotations

# botocore operation -> CloudTrail eventName where they differ.
# S3: real records show GetAccelerateConfiguration, GetBucketLifecycle, PutBucketLifecycle (invictus);
# ListObjectsV2 is logged as ListObjects (AWS S3 "CloudTrail events" page).
# Lambda: real records carry the API version suffix (CreateFunction20150331, GetFunction20150331v2, ...).
EVENT_NAME = {
    ("s3", "GetBucketAccelerateConfiguration"): "GetAccelerateConfiguration",
    ("s3", "PutBucketAccelerateConfiguration"): "PutAccelerateConfiguration",
    ("s3", "GetBucketLifecycleConfiguration"): "GetBucketLifecycle",
    ("s3", "PutBucketLifecycleConfiguration"): "PutBucketLifecycle",
    ("s3", "GetBucketNotificationConfiguration"): "GetBucketNotification",
    ("s3", "PutBucketNotificationConfiguration"): "PutBucketNotification",
    ("s3", "ListObjectsV2"): "ListObjects",
    ("lambda", "CreateFunction"): "CreateFunction20150331",
    ("lambda", "DeleteFunction"): "DeleteFunction20150331",
    ("lambda", "ListFunctions"): "ListFunctions20150331",
    ("lambda", "ListVersionsByFunction"): "ListVersionsByFunction20150331",
    ("lambda", "GetFunction"): "GetFunction20150331v2",
    ("lambda", "UpdateFunctionCode"): "UpdateFunctionCode20150331v2",
    ("lambda", "AddPermission"): "AddPermission20150331v2",
    ("lambda", "RemovePermission"): "RemovePermission20150331v2",
    ("lambda", "Invoke"): "Invoke",
}

_READ_PREFIXES = ("Describe", "Get", "List", "Head", "Lookup", "Search", "Select")
# readOnly true despite the name (invictus: AssumeRole 49/49, KMS Decrypt/Encrypt/GenerateDataKey).
_READ_ONLY_EXTRA = {
    "AssumeRole",
    "AssumeRoleWithSAML",
    "AssumeRoleWithWebIdentity",
    "GetSessionToken",
    "Decrypt",
    "Encrypt",
    "GenerateDataKey",
    "GenerateDataKeyWithoutPlaintext",
    "ReEncrypt",
    "FilterLogEvents",
    "TestMetricFilter",
    "TestEventPattern",
}
# read-only calls whose responses CloudTrail still logs (real AssumeRole records carry credentials).
_READ_WITH_RESPONSE = {
    "AssumeRole",
    "AssumeRoleWithSAML",
    "AssumeRoleWithWebIdentity",
    "GetSessionToken",
    "GetFederationToken",
}

# Timestamp text inside requestParameters/responseElements (cloudtrail-format.md §1):
# IAM "Jul 10, 2023 12:23:05 PM", STS "Jul 10, 2023, 12:09:47 PM", EC2 epoch milliseconds.
TIMESTAMP_STYLE = {"iam": "java", "sts": "java_comma", "ec2": "epoch_millis"}
DEFAULT_TIMESTAMP_STYLE = "java_comma"

# Global services: events recorded in us-east-1 (cloudtrail-format.md §2, awsRegion).
GLOBAL_SERVICES = {"iam": "us-east-1", "cloudfront": "us-east-1", "route53": "us-east-1"}

# apiVersion appears on some services' records (invictus: logs 20140328, route53 2013-04-01).
API_VERSION = {"logs": "20140328", "route53": "2013-04-01"}

# S3 object-level operations: data events (eventCategory Data, managementEvent false).
S3_DATA_EVENTS = {
    "GetObject",
    "PutObject",
    "DeleteObject",
    "DeleteObjects",
    "HeadObject",
    "CopyObject",
    "GetObjectAcl",
    "PutObjectAcl",
    "GetObjectTagging",
    "PutObjectTagging",
    "DeleteObjectTagging",
    "RestoreObject",
    "CreateMultipartUpload",
    "UploadPart",
    "CompleteMultipartUpload",
    "AbortMultipartUpload",
    "ListParts",
    "GetObjectAttributes",
    "SelectObjectContent",
    "GetObjectRetention",
    "PutObjectRetention",
    "GetObjectLegalHold",
    "PutObjectLegalHold",
    "UploadPartCopy",
}


# Data events outside S3 (AWS "Logging data events" page:
# https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-data-events-with-cloudtrail.html):
# Lambda Invoke, SNS Publish/PublishBatch. Value: the data resource type used by event selectors.
OTHER_DATA_EVENTS = {
    ("lambda", "Invoke"): "AWS::Lambda::Function",
    ("sns", "Publish"): "AWS::SNS::Topic",
    ("sns", "PublishBatch"): "AWS::SNS::Topic",
}


def data_resource_type(service: str, operation: str) -> str | None:
    """The data-event resource type of an operation, or None for management events."""
    if service == "s3":
        return "AWS::S3::Object" if operation in S3_DATA_EVENTS else None
    return OTHER_DATA_EVENTS.get((service, operation))


# Services whose errorCode is the SDK exception (botocore error shape) name rather than the wire code:
# IAM writes NoSuchEntityException for the wire code NoSuchEntity (invictus: GetRole, GetInstanceProfile,
# DeleteLoginProfile). Other query services keep the wire code until a real record says otherwise.
EXCEPTION_NAMED_ERRORS = {"iam"}


def event_name(service: str, operation: str) -> str:
    return EVENT_NAME.get((service, operation), operation)


def is_read_only(event_name_: str) -> bool:
    return event_name_.startswith(_READ_PREFIXES) or event_name_ in _READ_ONLY_EXTRA


def logs_response(event_name_: str, read_only: bool) -> bool:
    """Whether responseElements carries the response (read-only calls log null)."""
    return not read_only or event_name_ in _READ_WITH_RESPONSE
