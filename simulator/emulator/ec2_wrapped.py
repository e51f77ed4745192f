"""The other way CloudTrail writes EC2 calls: newer EC2 APIs are logged as the raw query request
and the raw XML response, each wrapped in one key.

Real records (invictus-ir, Stratus Red Team) of e.g. CreateFlowLogs / DeleteFlowLogs /
DescribeNatGateways look like
    requestParameters: {"DeleteFlowLogsRequest": {"FlowLogId": {"tag": 1, "content": "fl-..."}}}
    responseElements:  {"DeleteFlowLogsResponse": {"xmlns": "http://ec2.amazonaws.com/doc/2016-11-15/",
                        "requestId": "...", "unsuccessful": ""}}
Query names are kept as sent, an indexed element carries its index as `tag` (a scalar becomes
`{"tag": N, "content": value}`), one element stands alone and several form a list; "true"/"false"
become booleans and integer members numbers. The response is the XML document as a dict, list
elements still named `item`.
"""

from __future__ import annotations

from typing import Any

from botocore.model import OperationModel, Shape

from simulator.emulator.request_decode import has_prefix, indices, query_key, scalar
from simulator.emulator.xml_body import xml_to_dict

# EC2 operations whose real records use the wrapped form (every one seen in the invictus-ir samples).
EC2_WRAPPED_OPERATIONS = frozenset(
    {
        "CreateFlowLogs",
        "DeleteFlowLogs",
        "DescribeFlowLogs",
        "CreateNatGateway",
        "DeleteNatGateway",
        "DescribeNatGateways",
        "DescribeAddressTransfers",
        "DescribeAddressesAttribute",
        "DescribeEgressOnlyInternetGateways",
        "DescribeHosts",
        "DescribeInstanceCreditSpecifications",
        "DescribeLaunchTemplates",
        "DescribeVpcClassicLinkDnsSupport",
        "DescribeVpcEndpointServiceConfigurations",
        "DescribeVpcEndpoints",
    }
)


EC2_XMLNS = "http://ec2.amazonaws.com/doc/2016-11-15/"


def _booleans(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _booleans(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_booleans(v) for v in value]
    if value in ("true", "false"):
        return value == "true"
    return value


def _one_or_many(items: list[Any]) -> Any:
    return items[0] if len(items) == 1 else items


def _wrapped(shape: Shape, flat: dict[str, str], prefix: str) -> Any:
    kind = shape.type_name
    if kind == "structure":
        out: dict[str, Any] = {}
        for name, member in shape.members.items():
            key = query_key(name, member, ec2=True)
            sub = f"{prefix}.{key}" if prefix else key
            if has_prefix(flat, sub):
                out[key] = _wrapped(member, flat, sub)
        return out
    if kind == "list":
        items = []
        for i in indices(flat, prefix):
            value = _wrapped(shape.member, flat, f"{prefix}.{i}")
            items.append({"tag": i, **value} if isinstance(value, dict) else {"tag": i, "content": value})
        return _one_or_many(items) if items else {}
    if kind == "map":
        return {}
    raw = flat.get(prefix)
    return None if raw is None else scalar(shape, raw)


def wrapped_request(op: OperationModel, form: dict[str, str]) -> dict[str, Any]:
    """`{"<Operation>Request": {...}}` from the query form fields."""
    fields = {k: v for k, v in form.items() if k not in ("Action", "Version")}
    body = _wrapped(op.input_shape, fields, "") if op.input_shape is not None else {}
    return {f"{op.name}Request": _booleans(body)}


def wrapped_response(op: OperationModel, body: bytes, request_id: str) -> dict[str, Any] | None:
    """`{"<Operation>Response": {xmlns, ...}}` from the XML answer, with the record's request id."""
    document = xml_to_dict(body)
    if not document:
        return None
    root = next(iter(document.values()))
    if not isinstance(root, dict):
        return None
    # AWS's namespace ends in a slash (moto drops it); requestId follows it; an empty
    # <unsuccessful/> list is written even when moto leaves it out (real DeleteFlowLogs records)
    content: dict[str, Any] = {"xmlns": EC2_XMLNS, "requestId": request_id}
    content.update((k, v) for k, v in root.items() if k not in ("xmlns", "requestId"))
    if op.output_shape is not None and "Unsuccessful" in op.output_shape.members:
        content.setdefault("unsuccessful", "")
    return {f"{op.name}Response": _booleans(content)}
