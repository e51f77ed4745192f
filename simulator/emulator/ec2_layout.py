"""How CloudTrail lays out the request of the classic EC2 APIs: list names, and the lists it always
writes (as `{}` when empty) with the key order of real records.

All entries come from the real records in shared/reference/samples/cloudtrail/invictus-ir_aws_dataset
(e.g. DescribeVpcs `{"vpcSet": {}, "filterSet": {}}`, DescribeRouteTables
`{"maxResults": 100, "routeTableIdSet": {}, "filterSet": {...}}`, CreateTags `resourcesSet`).
Lists not named here become `<queryName>Set` (`Filter` -> `filterSet`).
"""

from __future__ import annotations

# botocore member name -> CloudTrail list name, for every EC2 operation
LIST_NAMES = {
    "InstanceIds": "instancesSet",
    "VpcIds": "vpcSet",
    "SubnetIds": "subnetSet",
    "ImageIds": "imagesSet",
    "Owners": "ownersSet",
    "PublicIps": "publicIpsSet",
    "AllocationIds": "allocationIdsSet",
    "RegionNames": "regionSet",
    "ZoneNames": "availabilityZoneSet",
    "ZoneIds": "availabilityZoneIdSet",
    "SnapshotIds": "snapshotSet",
    "RestorableByUserIds": "sharedUsersSet",
    "VolumeIds": "volumeSet",
    "KeyNames": "keySet",
    "Resources": "resourcesSet",
    "VpnConnectionIds": "vpnConnectionSet",
    "VpnGatewayIds": "vpnGatewaySet",
    "CustomerGatewayIds": "customerGatewaySet",
    "DhcpOptionsIds": "dhcpOptionsSet",
    "AttributeNames": "accountAttributeNameSet",
}
# (operation, member) -> list name where the same member name means something else elsewhere
OPERATION_LIST_NAMES = {
    ("DescribeSecurityGroups", "GroupIds"): "securityGroupIdSet",
    ("DescribeSecurityGroups", "GroupNames"): "securityGroupSet",
    ("DescribePlacementGroups", "GroupIds"): "placementGroupIdSet",
    ("DescribePlacementGroups", "GroupNames"): "placementGroupSet",
    ("CreateNetworkInterface", "Groups"): "groupSet",
}
# (operation, member) -> key of the one-key objects a list of scalars becomes
ITEM_KEYS = {
    ("CreateNetworkInterface", "Groups"): "groupId",
    ("DescribeAccountAttributes", "AttributeNames"): "attributeName",
}

# operation -> key order of real records; the `...Set` keys are written as {} when not sent
LAYOUT = {
    "DescribeAccountAttributes": ("accountAttributeNameSet", "filterSet"),
    "DescribeAddresses": ("publicIpsSet", "filterSet", "allocationIdsSet"),
    "DescribeAvailabilityZones": ("availabilityZoneSet", "availabilityZoneIdSet", "filterSet"),
    "DescribeCustomerGateways": ("customerGatewaySet", "filterSet"),
    "DescribeDhcpOptions": ("maxResults", "dhcpOptionsSet", "filterSet"),
    "DescribeImages": ("executableBySet", "imagesSet", "ownersSet", "filterSet", "includeDeprecated"),
    "DescribeInstanceStatus": ("instancesSet", "filterSet", "maxResults", "includeAllInstances"),
    "DescribeInstances": ("maxResults", "instancesSet", "filterSet"),
    "DescribeInternetGateways": ("maxResults", "internetGatewayIdSet", "filterSet"),
    "DescribeKeyPairs": ("keySet", "filterSet", "keyPairIdSet", "includePublicKey"),
    "DescribeNetworkAcls": ("maxResults", "networkAclIdSet", "filterSet"),
    "DescribeNetworkInterfaces": ("networkInterfaceIdSet", "filterSet"),
    "DescribePlacementGroups": ("placementGroupSet", "placementGroupIdSet", "filterSet"),
    "DescribeRegions": ("regionSet", "allRegions"),
    "DescribeRouteTables": ("maxResults", "routeTableIdSet", "filterSet"),
    "DescribeSecurityGroups": ("maxResults", "securityGroupSet", "securityGroupIdSet", "filterSet"),
    "DescribeSnapshots": ("maxResults", "snapshotSet", "ownersSet", "sharedUsersSet", "filterSet"),
    "DescribeSubnets": ("maxResults", "subnetSet", "filterSet"),
    "DescribeVolumeStatus": ("volumeSet", "filterSet", "maxResults"),
    "DescribeVolumes": ("maxResults", "volumeSet", "filterSet"),
    "DescribeVpcClassicLink": ("vpcSet", "filterSet"),
    "DescribeVpcPeeringConnections": ("maxResults", "vpcPeeringConnectionIdSet", "filterSet"),
    "DescribeVpcs": ("maxResults", "vpcSet", "filterSet"),
    "DescribeVpnConnections": ("vpnConnectionSet", "filterSet"),
    "DescribeVpnGateways": ("vpnGatewaySet", "filterSet"),
    "CreateSecurityGroup": ("groupName", "groupDescription", "vpcId", "tagSpecificationSet"),
}


def list_name(operation: str, member: str) -> str | None:
    return OPERATION_LIST_NAMES.get((operation, member)) or LIST_NAMES.get(member)


def apply_layout(operation: str, params: dict | None) -> dict | None:
    """Add the always-written empty lists and put keys in the real order."""
    order = LAYOUT.get(operation)
    if order is None:
        return params
    params = dict(params or {})
    for key in order:
        if key.endswith("Set") and key != "tagSpecificationSet":  # tags appear only when sent
            params.setdefault(key, {})
    out = {k: params[k] for k in order if k in params}
    out.update((k, v) for k, v in params.items() if k not in out)
    return out
