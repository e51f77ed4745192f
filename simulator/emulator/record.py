"""Build the CloudTrail record for one API call, fields in the order AWS writes them.

Key order, eventTime text, eventVersion and the S3 user-agent brackets come from SIM-CT's
simulator/formats/cloudtrail.py (cloudtrail-format.md §1); requestParameters/responseElements
shapes from `naming`, `operation_fixes` and `s3_parameters`.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import uuid
from dataclasses import dataclass
from typing import Any

from simulator.emulator import conventions
from simulator.emulator.api_request import ApiRequest, IdentifiedCall
from simulator.emulator.ec2_wrapped import EC2_WRAPPED_OPERATIONS, wrapped_request, wrapped_response
from simulator.emulator.identity import Caller
from simulator.emulator.naming import Renamer
from simulator.emulator.operation_fixes import fix_error_message, fix_request, fix_response
from simulator.emulator.request_decode import decode_json, decode_query, decode_rest
from simulator.emulator.response_decode import ParsedResponse
from simulator.emulator.s3_parameters import s3_additional_data, s3_request_parameters, s3_resources
from simulator.formats import cloudtrail as ct_format


def clean_error_message(message: str) -> str:
    """Undo moto's Python-set formatting of ids: `'{'sg-1'}'` -> `'sg-1'` (AWS names the id plainly)."""
    return re.sub(r"\{'([^{}]*)'\}", r"\1", message)


def other_resources(service: str, call: IdentifiedCall, params: dict[str, Any]) -> list[dict[str, Any]]:
    """`resources` outside S3: AssumeRole lists the role (real records, cloudtrail-format.md §7);
    SNS Publish lists the topic (data-event shape: accountId, type, ARN)."""
    if service == "sts" and call.operation.name.startswith("AssumeRole") and "RoleArn" in params:
        arn = str(params["RoleArn"])
        parts = arn.split(":")
        account = parts[4] if len(parts) > 4 else ""
        return [{"accountId": account, "type": "AWS::IAM::Role", "ARN": arn}]
    if service == "sns" and call.operation.name in ("Publish", "PublishBatch") and "TopicArn" in params:
        arn = str(params["TopicArn"])
        parts = arn.split(":")
        return [{"accountId": parts[4] if len(parts) > 4 else "", "type": "AWS::SNS::Topic", "ARN": arn}]
    return []


_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def request_id_for(service_request_id: str | None, is_s3: bool) -> str:
    """The service's request id when it has AWS's shape (UUID; S3: 16 upper-hex), else a fresh one.

    moto answers EC2 calls with the literal `request-id` and STS with 52 random characters.
    """
    if is_s3:
        if service_request_id and re.fullmatch(r"[0-9A-F]{16}", service_request_id):
            return service_request_id
        return secrets.token_hex(8).upper()
    if service_request_id and _UUID.match(service_request_id):
        return service_request_id
    return str(uuid.uuid4())


@dataclass(frozen=True)
class RecordedCall:
    """A built record and what trail selectors need to know about it."""

    record: dict[str, Any]
    account_id: str
    region: str
    read_only: bool
    management: bool
    event_source: str
    data_resource_type: str | None = None
    data_resource_arn: str | None = None


def request_parameters(req: ApiRequest, call: IdentifiedCall) -> dict[str, Any]:
    """The request's input members under botocore names."""
    protocol = call.protocol
    op = call.operation
    if protocol in ("query", "ec2"):
        return decode_query(op, req.form, ec2=protocol == "ec2")
    if protocol == "json":
        return decode_json(op, req.body)
    return decode_rest(op, call.labels, req.query, req.headers, req.body, protocol)


def build_record(
    req: ApiRequest,
    call: IdentifiedCall,
    response: ParsedResponse,
    caller: Caller,
    when: dt.datetime,
    response_bytes: int = 0,
) -> RecordedCall:
    service = call.index.model.service_name
    event_source = call.index.event_source
    name = conventions.event_name(service, call.operation.name)
    region = conventions.GLOBAL_SERVICES.get(service, req.region or "us-east-1")
    read_only = conventions.is_read_only(name)
    is_s3 = service == "s3"
    request_id = request_id_for(response.request_id, is_s3)
    renamer = Renamer(
        ec2=call.protocol == "ec2",
        timestamp_style=conventions.TIMESTAMP_STYLE.get(service, conventions.DEFAULT_TIMESTAMP_STYLE),
        operation=call.operation.name,
    )
    params = request_parameters(req, call)
    data_type = conventions.data_resource_type(service, call.operation.name)
    data_event = data_type is not None
    wrapped = call.protocol == "ec2" and call.operation.name in EC2_WRAPPED_OPERATIONS
    if is_s3:
        request_out: dict[str, Any] | None = s3_request_parameters(req, call, params, region)
    elif wrapped:
        request_out = wrapped_request(call.operation, req.form)
    elif call.operation.input_shape is not None and params:
        request_out = renamer.structure(call.operation.input_shape, params, top_level=True)
    else:
        request_out = None
    request_out = fix_request(service, call.operation.name, request_out)

    response_out: dict[str, Any] | None = None
    failed = response.error_code is not None
    if not failed and not is_s3 and conventions.logs_response(name, read_only):
        shape = call.operation.output_shape
        if wrapped:
            response_out = wrapped_response(call.operation, response.body, request_id)
        elif shape is not None and response.output:
            response_out = renamer.structure(shape, response.output, top_level=True)
            if call.protocol == "ec2":
                response_out = {"requestId": request_id, **response_out}
        response_out = fix_response(service, call.operation.name, response_out, caller.account_id)

    error_code = response.error_code
    if failed and service in conventions.EXCEPTION_NAMED_ERRORS:
        error_code = call.index.exception_names.get(error_code, error_code)
    if failed and call.protocol == "ec2":
        error_code = (
            f"Client.{error_code}" if not error_code.startswith(("Client.", "Server.")) else error_code
        )

    user_agent = req.user_agent
    if is_s3:
        user_agent = ct_format.s3_user_agent(user_agent)

    record: dict[str, Any] = {
        "eventVersion": ct_format.event_version(event_source),
        "userIdentity": caller.user_identity,
        "eventTime": ct_format.event_time(when.timestamp()),
        "eventSource": event_source,
        "eventName": name,
        "awsRegion": region,
        "sourceIPAddress": req.source_ip,
        "userAgent": user_agent,
    }
    if failed:
        record["errorCode"] = error_code
        if response.error_message:
            message = clean_error_message(response.error_message)
            record["errorMessage"] = fix_error_message(
                service, error_code, message, region, caller.account_id
            )
    record["requestParameters"] = request_out
    record["responseElements"] = response_out
    if is_s3:
        record["additionalEventData"] = s3_additional_data(req, response_bytes)
    record["requestID"] = request_id
    record["eventID"] = str(uuid.uuid4())
    record["readOnly"] = read_only
    if not failed:
        resources = (
            s3_resources(call, caller.account_id, params) if is_s3 else other_resources(service, call, params)
        )
        if resources:
            record["resources"] = resources
    record["eventType"] = "AwsApiCall"
    if service in conventions.API_VERSION:
        record["apiVersion"] = conventions.API_VERSION[service]
    record["managementEvent"] = not data_event
    record["recipientAccountId"] = caller.account_id
    record["eventCategory"] = "Data" if data_event else "Management"
    data_arn = _data_resource_arn(data_type, call, params, region, caller.account_id)
    record = ct_format.order_record(record)
    return RecordedCall(
        record, caller.account_id, region, read_only, not data_event, event_source, data_type, data_arn
    )


def _data_resource_arn(
    data_type: str | None, call: IdentifiedCall, params: dict[str, Any], region: str, account: str
) -> str | None:
    """The ARN data-event selectors match against (object, function or topic)."""
    if data_type == "AWS::S3::Object" and call.bucket:
        return f"arn:aws:s3:::{call.bucket}/{params.get('Key', '')}"
    if data_type == "AWS::Lambda::Function" and "FunctionName" in params:
        name = str(params["FunctionName"])
        return name if name.startswith("arn:") else f"arn:aws:lambda:{region}:{account}:function:{name}"
    if data_type == "AWS::SNS::Topic" and "TopicArn" in params:
        return str(params["TopicArn"])
    return None
