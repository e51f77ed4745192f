"""API catalog part 1: EC2, IAM, STS and S3 management calls (shapes from the real invictus-ir records)."""

from __future__ import annotations

from simulator.baseline.cloudtrail_catalog import (
    S3,
    Api,
    Variant,
    _api,
    _bucket_cfg,
    _const,
    _ec2,
    _filter,
    _items,
    _none,
)


def infra_apis() -> list[Api]:
    return [
        _ec2(
            "DescribeInstances",
            lambda e: (
                [Variant({"instancesSet": {}, "filterSet": {}})]
                + [
                    Variant({"instancesSet": _items("instanceId", [i]), "filterSet": {}})
                    for i in e.instances[:6]
                ]
            ),
        ),
        _ec2(
            "DescribeInstanceStatus",
            _const({"instancesSet": {}, "filterSet": {}, "maxResults": 1000, "includeAllInstances": False}),
        ),
        _ec2(
            "DescribeSecurityGroups",
            lambda e: (
                [Variant({"securityGroupSet": {}, "securityGroupIdSet": {}, "filterSet": {}})]
                + [
                    Variant(
                        {
                            "securityGroupSet": {},
                            "securityGroupIdSet": _items("groupId", [g]),
                            "filterSet": {},
                        }
                    )
                    for g in e.sgs
                ]
            ),
        ),
        _ec2(
            "DescribeVpcs",
            lambda e: (
                [Variant({"vpcSet": {}, "filterSet": {}})]
                + [Variant({"vpcSet": _items("vpcId", [v]), "filterSet": {}}) for v in e.vpcs]
            ),
        ),
        _ec2(
            "DescribeSubnets",
            lambda e: (
                [Variant({"subnetSet": {}, "filterSet": _filter("vpc-id", [v])}) for v in e.vpcs]
                or [Variant({"subnetSet": {}, "filterSet": {}})]
            ),
        ),
        _ec2(
            "DescribeRouteTables",
            lambda e: (
                [Variant({"routeTableIdSet": {}, "filterSet": _filter("vpc-id", [v])}) for v in e.vpcs]
                or [Variant({"routeTableIdSet": {}, "filterSet": {}})]
            ),
        ),
        _ec2(
            "DescribeTags",
            lambda e: [Variant({"filterSet": _filter("resource-id", [i])}) for i in e.instances[:6]],
        ),
        _ec2("DescribeVolumes", _const({"volumeSet": {}, "filterSet": {}})),
        _ec2(
            "DescribeSnapshots",
            _const(
                {
                    "snapshotSet": {},
                    "ownersSet": _items("owner", ["self"]),
                    "sharedUsersSet": {},
                    "filterSet": {},
                }
            ),
        ),
        _ec2(
            "DescribeImages",
            _const(
                {
                    "executableBySet": {},
                    "imagesSet": {},
                    "ownersSet": _items("owner", ["self"]),
                    "filterSet": {},
                }
            ),
        ),
        _ec2(
            "DescribeAvailabilityZones",
            _const({"availabilityZoneSet": {}, "availabilityZoneIdSet": {}, "filterSet": {}}),
        ),
        _ec2("DescribeAccountAttributes", _const({"accountAttributeNameSet": {}, "filterSet": {}})),
        _ec2("DescribeRegions", _const({"regionSet": {}, "allRegions": True})),
        _ec2("DescribeNetworkInterfaces", _const({"networkInterfaceIdSet": {}, "filterSet": {}})),
        _ec2("DescribeAddresses", _const({"publicIpsSet": {}, "allocationIdsSet": {}, "filterSet": {}})),
        _ec2(
            "DescribeKeyPairs",
            _const({"keySet": {}, "filterSet": {}, "keyPairIdSet": {}, "includePublicKey": False}),
        ),
        _ec2("DescribeNatGateways", _const({"DescribeNatGatewaysRequest": {"MaxResults": 1000}})),
        _ec2("DescribeLaunchTemplates", _const({"DescribeLaunchTemplatesRequest": {"MaxResults": 1}})),
        _ec2(
            "StartInstances",
            lambda e: [Variant({"instancesSet": _items("instanceId", [i])}) for i in e.instances[:4]],
            ro=False,
        ),
        _ec2(
            "StopInstances",
            lambda e: [
                Variant({"instancesSet": _items("instanceId", [i]), "force": False}) for i in e.instances[:4]
            ],
            ro=False,
        ),
        _ec2(
            "CreateTags",
            lambda e: [
                Variant(
                    {
                        "resourcesSet": _items("resourceId", [i]),
                        "tagSet": {"items": [{"key": "Owner", "value": "platform"}]},
                    }
                )
                for i in e.instances[:4]
            ],
            ro=False,
        ),
        _api("iam", "GetUser", _none, global_service=True),
        _api("iam", "ListUsers", _none, global_service=True),
        _api("iam", "ListRoles", _none, global_service=True),
        _api("iam", "ListPolicies", _const({"scope": "Local", "onlyAttached": False}), global_service=True),
        _api(
            "iam", "GetRole", lambda e: [Variant({"roleName": r}) for r in e.roles[:12]], global_service=True
        ),
        _api(
            "iam",
            "ListAttachedRolePolicies",
            lambda e: [Variant({"roleName": r}) for r in e.roles[:12]],
            global_service=True,
        ),
        _api(
            "iam",
            "ListAccessKeys",
            lambda e: [Variant({"userName": u}) for u in e.users] or [Variant(None)],
            global_service=True,
        ),
        _api("iam", "ListMFADevices", _none, global_service=True),
        _api("iam", "GetAccountSummary", _none, global_service=True),
        _api(
            "iam",
            "ListGroupsForUser",
            lambda e: [Variant({"userName": u}) for u in e.users] or [Variant(None)],
            global_service=True,
        ),
        _api("sts", "GetCallerIdentity", _none),
        _api("s3", "ListBuckets", lambda e: [Variant({"Host": "s3.amazonaws.com"}, None, None, 6322)]),
        Api(
            "s3.GetBucketLocation",
            S3,
            "GetBucketLocation",
            True,
            lambda e: (
                [
                    Variant(
                        {"bucketName": b, "location": "", "Host": f"s3.{e.region}.amazonaws.com"},
                        [{"accountId": e.account_id, "type": "AWS::S3::Bucket", "ARN": f"arn:aws:s3:::{b}"}],
                        None,
                        137,
                    )
                    for b in e.buckets
                ]
                or [Variant({"Host": "s3.amazonaws.com"}, None, None, 6322)]
            ),
        ),
        Api("s3.GetBucketAcl", S3, "GetBucketAcl", True, _bucket_cfg("acl", None, lambda b: True, 552)),
        Api(
            "s3.GetBucketPolicy",
            S3,
            "GetBucketPolicy",
            True,
            _bucket_cfg(
                "policy",
                ("NoSuchBucketPolicy", "The bucket policy does not exist"),
                lambda b: "logs" in b or "static" in b,
                1203,
            ),
        ),
        Api(
            "s3.GetBucketVersioning",
            S3,
            "GetBucketVersioning",
            True,
            _bucket_cfg("versioning", None, lambda b: True, 113),
        ),
        Api(
            "s3.GetBucketEncryption",
            S3,
            "GetBucketEncryption",
            True,
            _bucket_cfg("encryption", None, lambda b: True, 282),
        ),
        Api(
            "s3.GetBucketLogging",
            S3,
            "GetBucketLogging",
            True,
            _bucket_cfg("logging", None, lambda b: True, 237),
        ),
        Api(
            "s3.GetBucketPublicAccessBlock",
            S3,
            "GetBucketPublicAccessBlock",
            True,
            _bucket_cfg(
                "publicAccessBlock",
                (
                    "NoSuchPublicAccessBlockConfiguration",
                    "The public access block configuration was not found",
                ),
                lambda b: "static" not in b,
                356,
            ),
        ),
        Api(
            "s3.GetBucketWebsite",
            S3,
            "GetBucketWebsite",
            True,
            _bucket_cfg(
                "website",
                ("NoSuchWebsiteConfiguration", "The specified bucket does not have a website configuration"),
                lambda b: "static" in b,
                244,
            ),
        ),
        Api(
            "s3.GetBucketCors",
            S3,
            "GetBucketCors",
            True,
            _bucket_cfg(
                "cors",
                ("NoSuchCORSConfiguration", "The CORS configuration does not exist"),
                lambda b: "static" in b,
                300,
            ),
        ),
        Api(
            "s3.GetBucketLifecycle",
            S3,
            "GetBucketLifecycle",
            True,
            _bucket_cfg(
                "lifecycle",
                ("NoSuchLifecycleConfiguration", "The lifecycle configuration does not exist"),
                lambda b: "logs" in b,
                410,
            ),
        ),
        Api(
            "s3.GetBucketTagging",
            S3,
            "GetBucketTagging",
            True,
            _bucket_cfg(
                "tagging", ("NoSuchTagSet", "The TagSet does not exist"), lambda b: "artifacts" not in b, 220
            ),
        ),
    ]
