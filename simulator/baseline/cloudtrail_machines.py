"""Machine and AWS-service activity: EC2 instance roles (SSM agent, app secrets with KMS on their behalf,
credential refreshes by ec2.amazonaws.com), AWS Config recorder bursts, Auto Scaling health checks,
CloudTrail checking its bucket ACL, Lambda role assumptions.

Service principals call with ``invokedBy`` set, their DNS name as sourceIPAddress and userAgent, and no
tlsDetails (cloudtrail-format.md §2-§3; real AWSService/GetBucketAcl and AssumeRole records).
"""

from __future__ import annotations

import numpy as np

from simulator.baseline.cloudtrail_humans import every
from simulator.baseline.cloudtrail_mixes import MIXES
from simulator.baseline.cloudtrail_render import Actor, CtRenderer, EventSink, emit_call
from simulator.baseline.cloudtrail_special import assume_role
from simulator.engine.context import WindowContext
from simulator.formats.cloudtrail import (
    assumed_role_identity,
    aws_service_identity,
    event_time,
    service_event_identity,
)
from simulator.world import Instance, Role, World
from simulator.world.sessions import instance_credentials, temporary_key
from simulator.world.useragents import JAVA_SDK, SSM_AGENT

SSM_PERIOD = 300
SECRET_PERIOD = 900
CONFIG_SESSION = "AWSConfig-Describe"
KMS_ROTATION = 90 * 86400


def service_actor(service: str, account_id: str) -> Actor:
    return Actor(aws_service_identity(service), account_id, service, service, "service", "", tls=-1)


def role_session_actor(role: Role, session: str, key: str, creation: int, service: str) -> Actor:
    ident = assumed_role_identity(
        role.account_id, role.name, role.path, role.principal_id, session, key, creation, invoked_by=service
    )
    return Actor(ident, role.account_id, service, service, "service", ident["arn"], tls=-1)


class MachinePlanner:
    def __init__(self, world: World, r: CtRenderer) -> None:
        self.world = world
        self.r = r
        self.nat_ip = {n.az: n.public_ip for n in world.nat_gateways}
        self.vpc_nat = {n.vpc_id: n.public_ip for n in world.nat_gateways}
        mix = MIXES["config"]
        w = np.array(list(mix.values()), dtype=float)
        self.config_mix = (list(mix), w / w.sum())

    def egress_ip(self, inst: Instance) -> str:
        if inst.public_ip:
            return inst.public_ip
        return (
            self.nat_ip.get(inst.az)
            if inst.account_id == self.world.alb.account_id
            else self.vpc_nat[inst.vpc_id]
        )

    def run(self, ctx: WindowContext, sink: EventSink) -> None:
        s, e = ctx.start_ms // 1000, ctx.end_ms // 1000
        rng = ctx.rng("cloudtrail.machines")
        for inst in self.world.instances:
            self.instance(rng, inst, s, e, sink)
        for acct in self.world.accounts:
            self.config(rng, acct.id, s, e, sink)
        self.autoscaling(rng, s, e, sink)
        self.cloudtrail_acl(rng, s, e, sink)
        self.lambda_role(s, e, sink)
        self.kms_rotation(s, e, sink)

    def instance(self, rng: np.random.Generator, inst: Instance, s: int, e: int, sink: EventSink) -> None:
        w, r = self.world, self.r
        role = w.role(inst.role_name, inst.account_id)
        phase = int(rng.integers(0, SSM_PERIOD))
        actors: dict[int, Actor] = {}

        def actor_at(t: int) -> Actor:
            creation, key = instance_credentials(w, inst.id, t)
            a = actors.get(creation)
            if a is None:
                ident = assumed_role_identity(
                    inst.account_id,
                    role.name,
                    role.path,
                    role.principal_id,
                    inst.id,
                    key,
                    creation,
                    ec2_role_delivery="2.0",
                )
                a = actors[creation] = Actor(
                    ident, inst.account_id, self.egress_ip(inst), SSM_AGENT, "ssm-agent", ident["arn"], tls=1
                )
            return a

        for t in range(s - s % 3600, e, 3600):  # credential refreshes inside the window
            for c in {instance_credentials(w, inst.id, t)[0], instance_credentials(w, inst.id, t + 3599)[0]}:
                if s <= c < e:
                    key = instance_credentials(w, inst.id, c)[1]
                    assume_role(
                        sink,
                        c,
                        service_actor("ec2.amazonaws.com", inst.account_id),
                        role,
                        inst.id,
                        key,
                        duration=21600,
                    )
        ssm = r.catalog["ssm.UpdateInstanceInformation"]
        assoc = r.catalog["ssm.ListInstanceAssociations"]
        vi = [i.id for i in w.instances if i.account_id == inst.account_id].index(inst.id)
        jitter = rng.integers(0, 4, size=64)
        for k, t in enumerate(every(s, e, SSM_PERIOD, phase).tolist()):
            t += int(jitter[k % 64])
            emit_call(r, sink, t, actor_at(t), ssm, w.home_region, vi)
            if k % 6 == 0:
                emit_call(r, sink, t + 1, actor_at(t), assoc, w.home_region, vi)
        if inst.tier != "app" or not w.secrets.get(inst.account_id):
            return
        get = r.catalog["secretsmanager.GetSecretValue"]
        dec = r.catalog["kms.Decrypt"]
        for t in every(s, e, SECRET_PERIOD, int(rng.integers(0, SECRET_PERIOD))).tolist():
            a = actor_at(t)
            app = Actor(a.ident, a.account_id, a.ip, JAVA_SDK, "sdk-java", a.arn, tls=1)
            emit_call(r, sink, t, app, get, w.home_region, 0)
            on_behalf = Actor(
                {**a.ident, "invokedBy": "secretsmanager.amazonaws.com"},
                a.account_id,
                "secretsmanager.amazonaws.com",
                "secretsmanager.amazonaws.com",
                "service",
                a.arn,
                tls=-1,
            )
            emit_call(r, sink, t, on_behalf, dec, w.home_region, 0)

    def config(self, rng: np.random.Generator, account_id: str, s: int, e: int, sink: EventSink) -> None:
        """One AWS Config discovery burst per hour per account."""
        w, r = self.world, self.r
        role = w.role("AWSServiceRoleForConfig", account_id)
        keys, p = self.config_mix
        for start in every(s, e, 3600, int(rng.integers(0, 3600))).tolist():
            key = temporary_key(f"{role.arn}|{start}")
            assume_role(
                sink, start, service_actor("config.amazonaws.com", account_id), role, CONFIG_SESSION, key
            )
            actor = role_session_actor(role, CONFIG_SESSION, key, start, "config.amazonaws.com")
            n = int(rng.integers(20, 60))
            times = start + 1 + np.cumsum(rng.exponential(2.0, n)).astype(np.int64)
            picks = rng.choice(len(keys), size=n, p=p)
            for t, k in zip(times.tolist(), picks.tolist(), strict=True):
                if t >= e:
                    break
                api = r.catalog[keys[k]]
                reg = r.region_for(api, w.home_region)
                nv = len(r.variants(api, account_id, reg))
                err = (
                    ("ThrottlingException", "Rate exceeded")
                    if rng.random() < 0.01 and not api.is_s3
                    else None
                )
                emit_call(r, sink, t, actor, api, reg, int(rng.integers(0, nv)), err)

    def autoscaling(self, rng: np.random.Generator, s: int, e: int, sink: EventSink) -> None:
        w, r = self.world, self.r
        role = w.role("AWSServiceRoleForAutoScaling", w.alb.account_id)
        api = r.catalog["ec2.DescribeInstanceStatus"]
        for t in every(s, e, 300, int(rng.integers(0, 300))).tolist():
            creation = t - t % 3600
            actor = role_session_actor(
                role,
                "AutoScaling",
                temporary_key(f"{role.arn}|{creation}"),
                creation,
                "autoscaling.amazonaws.com",
            )
            emit_call(r, sink, t, actor, api, w.home_region, 0)

    def cloudtrail_acl(self, rng: np.random.Generator, s: int, e: int, sink: EventSink) -> None:
        """CloudTrail checks the ACL of the log bucket it delivers to (recorded by the bucket owner)."""
        w, r = self.world, self.r
        bucket = w.bucket(w.trails[0].s3_bucket)
        api = r.catalog["s3.GetBucketAcl"]
        actor = service_actor("cloudtrail.amazonaws.com", bucket.account_id)
        variants = r.variants(api, bucket.account_id, bucket.region)
        vi = next(i for i, v in enumerate(variants) if v.params["bucketName"] == bucket.name)
        base = r.base_record(api, variants[vi], bucket.region, actor, None)
        for _trail in w.trails:  # each trail checks the bucket it delivers to
            for t in every(s, e, 600, int(rng.integers(0, 600))).tolist():
                rec = dict(base)
                rec["eventTime"] = event_time(t)
                rec["userAgent"] = "cloudtrail.amazonaws.com"
                rec["additionalEventData"] = {
                    **base["additionalEventData"],
                    "x-amz-id-2": sink.ids.amz_id2().decode(),
                }
                rec["requestID"] = sink.ids.s3_request_id().decode()
                rec["eventID"] = sink.ids.uuid().decode()
                rec["sharedEventID"] = sink.ids.uuid().decode()
                sink.add_dict(t, rec)

    def kms_rotation(self, s: int, e: int, sink: EventSink) -> None:
        """Automatic rotation of each account's customer managed key (rotation period 90 days), an
        AwsServiceEvent shaped like the example on AWS's "AWS service events" page
        (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/non-api-aws-service-events.html)."""
        for account_id, key_arn in self.world.kms_keys.items():
            phase = int(temporary_key(key_arn)[4:12].encode().hex(), 16) % KMS_ROTATION
            for t in every(s, e, KMS_ROTATION, phase).tolist():
                region, key_id = key_arn.split(":")[3], key_arn.rsplit("/", 1)[1]
                rec = {
                    "eventVersion": "1.08",
                    "userIdentity": service_event_identity(account_id, "AWS Internal"),
                    "eventTime": event_time(t),
                    "eventSource": "kms.amazonaws.com",
                    "eventName": "RotateKey",
                    "awsRegion": region,
                    "sourceIPAddress": "AWS Internal",
                    "userAgent": "AWS Internal",
                    "requestParameters": None,
                    "responseElements": None,
                    "eventID": sink.ids.uuid().decode(),
                    "readOnly": False,
                    "resources": [{"accountId": account_id, "type": "AWS::KMS::Key", "ARN": key_arn}],
                    "eventType": "AwsServiceEvent",
                    "recipientAccountId": account_id,
                    "serviceEventDetails": {"rotationType": "AUTOMATIC", "keyId": key_id},
                    "eventCategory": "Management",
                }
                sink.add_dict(t, rec, ordered=True)

    def lambda_role(self, s: int, e: int, sink: EventSink) -> None:
        """The statement generator runs at five past every hour; Lambda assumes its execution role."""
        w = self.world
        role = w.role("anybank-statement-generator-role", w.alb.account_id)
        for t in every(s, e, 3600, 300).tolist():
            assume_role(
                sink,
                t,
                service_actor("lambda.amazonaws.com", role.account_id),
                role,
                "anybank-statement-generator",
                temporary_key(f"{role.arn}|{t}"),
                duration=43200,
            )
