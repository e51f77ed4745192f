"""One-line descriptions of action parameters (and optional facts) for the generated action reference
(docs/authoring-scenarios.md).

``describe(action, schema)`` fills each property that has no ``description`` from ``BY_ACTION`` ("action.param")
or, failing that, ``COMMON`` ("param"). Keeping them here keeps the action modules short; the registry applies
them when an action registers, and a test checks that no parameter is left undocumented.
"""

from __future__ import annotations

import copy

COMMON = {
    "source_ip": "use this address instead of the actor's first IP",
    "denied": "the call is refused: AccessDenied (Client.UnauthorizedOperation for EC2), nothing changes",
    "mean_gap_s": "mean seconds between consecutive requests",
    "vpc": "VPC id or name (default: the actor's account's VPC)",
    "bucket": "bucket name or purpose, e.g. customer-records (default customer-records)",
    "objects": "number of objects (at most the bucket's objects)",
    "port": "TCP port",
    "operation": "which variant of the call",
    "role_name": "name of the role",
    "target_type": "kind of principal the policy goes on",
    "target_name": "name of that user/role/group (default: the actor)",
    "policy_arn": "ARN of the managed policy",
    "cidr": "address range, e.g. 0.0.0.0/0",
    "protocol": "IP protocol",
    "count": "number of instances",
    "region": "region of the call",
}
BY_ACTION = {
    "assume_role.session_name": "role session name (default botocore-session-<epoch>)",
    "assume_role.duration_seconds": "lifetime of the temporary credentials",
    "authorize_security_group_ingress.request_style": "flat (aws ec2 ... --port --cidr) or structured ipPermissions",
    "brute_force.sprayed_users": "how many random users to try when no targets are given",
    "brute_force.attempts_per_user": "password guesses per user name",
    "brute_force.unknown_usernames": "guesses with user names that do not exist",
    "brute_force.succeed": "end with a successful sign-in of the actor's own user",
    "change_instance_state.operation": "terminate or stop",
    "change_instance_state.count": "how many random app/batch instances when none are listed",
    "console_login.outcome": "success or failure",
    "copy_to_external.destination_bucket": "bucket in the outside account",
    "create_login_profile.target_user": "user whose console password is set (default: the actor)",
    "create_login_profile.update": "change an existing password (UpdateLoginProfile) instead",
    "create_policy_version.policy_arn": "customer-managed policy to rewrite (default built from policy_name)",
    "create_policy_version.policy_name": "name of that policy in the actor's account",
    "create_policy_version.version_number": "number of the new default version (v2, v3, ...)",
    "create_user.user_name": "name of the new IAM user",
    "create_user.attach_policy_arn": "managed policy attached to it (empty: none)",
    "create_user.with_access_key": "also create an access key for it",
    "create_vpc_peering.peer_account": "outside account owning the peer VPC",
    "denied_attempts.calls": "service:Action names of the refused calls",
    "denied_attempts.repeat": "how many times each call is tried",
    "get_secret_value.denied_secrets": "substrings of secrets the actor may not read",
    "get_secret_value.rounds": "how many times every secret is read",
    "inbound_connections.sessions": "number of TCP sessions",
    "inbound_connections.min_duration_s": "shortest accepted session",
    "inbound_connections.max_duration_s": "longest accepted session",
    "inbound_connections.max_bytes_out": "most bytes the server sends back in one session",
    "modify_internet_gateway.operation": "create and attach a new gateway, or detach (and delete) the VPC's",
    "modify_internet_gateway.gateway_id": "gateway to detach (default: the VPC's)",
    "modify_network_acl.operation": "create, replace or delete an entry",
    "modify_network_acl.rule_number": "entry number (lower numbers are evaluated first)",
    "modify_network_acl.egress": "outbound entry instead of inbound",
    "modify_network_acl.rule_action": "allow or deny",
    "modify_network_acl.port_from": "first port of the range",
    "modify_network_acl.port_to": "last port of the range",
    "modify_route_table.table": "which route table of the VPC",
    "modify_route_table.operation": "create, replace or delete a route",
    "modify_route_table.destination": "destination CIDR of the route",
    "outbound_transfer.bytes": "bytes uploaded",
    "outbound_transfer.rate_bytes_per_s": "upload speed (decides how long the transfer lasts)",
    "port_scan.ports": "ports to probe (default: 26 common service ports)",
    "put_bucket_policy.grant": "public (Principal *) or one outside account",
    "put_bucket_policy.grantee_account": "the outside account when grant is account",
    "put_event_selectors.include_management_events": "keep recording management events",
    "put_event_selectors.read_write_type": "ReadOnly, WriteOnly or All",
    "put_event_selectors.keep_data_events": "keep the trail's S3 data-event selector",
    "put_inline_policy.policy_name": "name of the inline policy",
    "put_inline_policy.actions": "the policy's Action (a string or a list)",
    "run_instances.instance_type": "EC2 instance type",
    "run_instances.region": "region to launch in (default one the bank does not use)",
    "run_instances.image_id": "AMI id",
    "run_instances.vcpu_limit_first": "first attempt fails with Client.VcpuLimitExceeded, then half as many launch",
    "schedule_key_deletion.operation": "schedule the key's deletion or disable it",
    "schedule_key_deletion.pending_window_days": "waiting period before deletion (7-30 days)",
    "share_ebs_snapshot.target_account": "outside account allowed to create volumes from the snapshot",
    "stop_config_recording.operations": "stop the recorder and/or delete the delivery channel",
    "update_assume_role_policy.trusted_account": "outside account the role will trust",
    "update_trail.changes": "which settings to weaken",
    "web_attack.phases": "attack phases to run, in order",
    "web_attack.scan_requests": "requests of the discovery scan",
    "web_attack.sqli_requests": "SQL injection requests",
    "web_attack.traversal_requests": "path traversal requests",
    "web_attack.exfiltration_requests": "large successful responses carrying stolen data",
    "web_attack.exfil_response_bytes": "typical size of one such response",
}


DENIED_FACT = {"denied": "whether the call was refused"}
FLOW_FACT = {"flow_records": "flow records written (every flow log of the VPC)"}
LOGGING_FACT = {"logging": "whether the trail is logging after the call"}
MORE_FACTS: dict[str, dict[str, str]] = {
    "assume_role": DENIED_FACT,
    "attach_policy": {**DENIED_FACT, "target_type": "user, role or group"},
    "change_instance_state": DENIED_FACT,
    "create_access_key": DENIED_FACT,
    "create_login_profile": {"updated": "an existing password was changed"},
    "stop_logging": LOGGING_FACT,
    "start_logging": LOGGING_FACT,
    "delete_trail": LOGGING_FACT,
    "inbound_connections": {**FLOW_FACT, "port": "destination port", "sessions": "sessions attempted"},
    "modify_route_table": {"vpc_id": "VPC of the route table"},
    "outbound_transfer": {
        **FLOW_FACT,
        "port": "destination port",
        "source_private_ip": "the instance's address",
    },
    "port_scan": FLOW_FACT,
    "put_inline_policy": {"target_type": "user, role or group"},
    "run_instances": {**DENIED_FACT, "image_id": "AMI launched"},
    "schedule_key_deletion": {"pending_window_days": "waiting period in days"},
    "web_attack": {**FLOW_FACT, "alb": "load balancer name"},
    "bulk_s3_download": {**FLOW_FACT, "instance_id": "instance the download ran on (from_instance)"},
    "create_vpc_peering": DENIED_FACT,
}


def more_facts(action: str, facts: dict[str, str]) -> dict[str, str]:
    """An action's fact descriptions plus the optional ones it reports in some variants."""
    return {**facts, **{k: v for k, v in MORE_FACTS.get(action, {}).items() if k not in facts}}


def describe(action: str, schema: dict) -> dict:
    """A copy of an action's parameter schema with every property described."""
    out = copy.deepcopy(schema)
    for name, prop in out.get("properties", {}).items():
        if "description" not in prop:
            text = BY_ACTION.get(f"{action}.{name}") or COMMON.get(name)
            if text:
                prop["description"] = text
    return out
