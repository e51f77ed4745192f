"""Employees and service users: working sessions sampled as a non-homogeneous Poisson process.

Per window and user the session rate is ``sessions_per_hour`` times an activity factor of the user's local
time (working hours, lunch dip, evenings, weekends, public holidays of the user's calendar). Each session
has one tool (console, aws-cli, boto3, terraform), one source IP (office egress, home or VPN), one TLS
client and a burst of calls with exponential gaps; console sessions may start with ConsoleLogin, CLI
sessions of users with cross-account roles start with an AssumeRole chain.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo

import numpy as np

from simulator.baseline.cloudtrail_mixes import MIXES
from simulator.baseline.cloudtrail_render import Actor, CtRenderer, EventSink, emit_call
from simulator.baseline.cloudtrail_special import access_denied, assume_role, console_login, ec2_unauthorized
from simulator.engine.context import WindowContext
from simulator.formats.cloudtrail import assumed_role_identity, iam_user_identity
from simulator.world import Profile, User, World
from simulator.world.sessions import temporary_key

# tool -> (mean calls per session, mean gap between calls in seconds)
TOOL_SHAPE = {"console": (22, 9.0), "aws-cli": (6, 25.0), "boto3": (35, 0.6), "terraform": (140, 0.15)}
P_DENIED = 0.008  # identity-policy denials per human call (real sample: 2 % incl. attack tooling)
P_LOGIN = 0.4  # share of console sessions that begin with a sign-in (others reuse an earlier session)
P_LOGIN_FAIL = 0.04
P_OTHER_REGION = 0.08


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def activity_factor(world: World, p: Profile, t: float, local: dt.datetime | None = None) -> float:
    """Relative activity of a person at UTC epoch t in their own time zone (``local``: t in that zone)."""
    if local is None:
        local = dt.datetime.fromtimestamp(t, _zone(p.timezone))
    h = local.hour + local.minute / 60
    off = local.date() in world.holidays.get(p.holiday_calendar, frozenset())
    if local.weekday() >= 5 or off:
        return p.weekend_factor * (1.0 if 9 <= h < 18 else 0.2) * (0.3 if off else 1.0)
    if p.work_start <= h < p.work_end:
        return 0.6 if 12 <= h < 13 else 1.0
    if p.work_end <= h < p.work_end + 2 or p.work_start - 1 <= h < p.work_start:
        return 0.15
    return 0.01


def every(s: int, e: int, period: int, phase: int) -> np.ndarray:
    """Epoch seconds t in [s, e) with t % period == phase."""
    first = s + (phase - s) % period
    return np.arange(first, e, period, dtype=np.int64)


def _pick(rng: np.random.Generator, weighted: tuple[tuple[str, float], ...]) -> str:
    w = np.array([x[1] for x in weighted])
    return weighted[int(rng.choice(len(weighted), p=w / w.sum()))][0]


def _mix(name: str) -> tuple[list[str], np.ndarray]:
    m = MIXES[name]
    w = np.array(list(m.values()), dtype=float)
    return list(m), w / w.sum()


class HumanPlanner:
    def __init__(self, world: World, r: CtRenderer) -> None:
        self.world = world
        self.r = r
        self.mixes = {k: _mix(k) for k in MIXES}
        self.roles_by_arn = {x.arn: x for x in world.roles}

    def session_ip(self, rng: np.random.Generator, u: User, workday: bool) -> str:
        w = self.world
        if not u.is_human:
            return w.office_egress_ips[3]
        if workday and rng.random() < u.profile.office_share:
            return w.office_egress_ips[int(rng.integers(0, len(w.office_egress_ips)))]
        if rng.random() < 0.3:
            return w.vpn_egress_ips[int(rng.integers(0, len(w.vpn_egress_ips)))]
        return u.home_ips[int(rng.integers(0, len(u.home_ips)))]

    def run(self, ctx: WindowContext, sink: EventSink) -> None:
        rng = ctx.rng("cloudtrail.humans")
        s, e = ctx.start_ms // 1000, ctx.end_ms // 1000
        mid = (s + e) / 2
        humans = [u for u in self.world.users if u.is_human]
        local = {z: dt.datetime.fromtimestamp(mid, _zone(z)) for z in {u.profile.timezone for u in humans}}
        rates = np.array(
            [
                u.profile.sessions_per_hour
                * activity_factor(self.world, u.profile, mid, local[u.profile.timezone])
                for u in humans
            ]
        ) * ((e - s) / 3600)
        counts = rng.poisson(rates)
        for k in np.flatnonzero(counts).tolist():
            for start in np.sort(rng.integers(s, e, size=int(counts[k]))).tolist():
                self.session(rng, humans[k], int(start), e, sink)
        for u in self.world.users:
            if not u.is_human:
                for start in self.service_starts(rng, u, s, e).tolist():
                    self.session(rng, u, int(start), e, sink)

    def service_starts(self, rng: np.random.Generator, u: User, s: int, e: int) -> np.ndarray:
        ny = dt.datetime.fromtimestamp(s, _zone("America/New_York"))
        workday = ny.weekday() < 5 and ny.date() not in self.world.holidays["US"]
        if u.profile.api_mix == "ci":  # deploy pipelines during the US working day
            rate = 1.2 if workday and 9 <= ny.hour < 18 else 0.05
            return np.sort(rng.integers(s, e, size=rng.poisson(rate * (e - s) / 3600)))
        if u.profile.api_mix == "backup":  # nightly at 02:10 New York time
            day = dt.datetime.fromtimestamp(s, _zone("America/New_York")).replace(hour=2, minute=10, second=0)
            cands = [int((day + dt.timedelta(days=k)).timestamp()) for k in (-1, 0, 1)]
            return np.array([c for c in cands if s <= c < e], dtype=np.int64)
        return every(s, e, 3600, 1800)  # reporting job at half past every hour

    def session(self, rng: np.random.Generator, u: User, start: int, end: int, sink: EventSink) -> None:
        p, w = u.profile, self.world
        tool = _pick(rng, p.tools)
        agents = dict(u.user_agents)
        agent = agents.get(tool) or next(iter(agents.values()))
        local = dt.datetime.fromtimestamp(start, _zone(p.timezone))
        ip = self.session_ip(rng, u, local.weekday() < 5)
        tls = 0 if tool == "console" or rng.random() < 0.75 else 1
        region = w.regions[1] if rng.random() < P_OTHER_REGION else w.home_region
        mean_calls, gap = TOOL_SHAPE[tool]
        n = 1 + int(rng.negative_binomial(2, 2 / (2 + mean_calls)))
        if not u.is_human:
            n = {"ci": 80, "backup": 120, "reporting": 10}[p.api_mix] + int(rng.integers(0, 20))
            gap = 0.4
        times = start + np.cumsum(rng.exponential(gap, n)).astype(np.int64) + 1
        times = times[times < end]
        mix = "terraform" if tool == "terraform" else p.api_mix
        if tool == "console":
            creation = start
            if rng.random() < P_LOGIN:
                if rng.random() < P_LOGIN_FAIL:
                    console_login(
                        sink,
                        start - int(rng.integers(5, 40)),
                        u.account_id,
                        u.name,
                        u.principal_id,
                        ip,
                        agent,
                        False,
                        False,
                    )
                console_login(sink, start, u.account_id, u.name, u.principal_id, ip, agent, p.mfa, True)
            else:
                creation = max(start - int(rng.integers(600, 4 * 3600)), start - start % 86400)
            ident = iam_user_identity(
                u.account_id,
                u.name,
                u.principal_id,
                temporary_key(f"{u.arn}|{creation}"),
                session_creation=creation,
                mfa=p.mfa,
            )
            actor = Actor(ident, u.account_id, ip, agent, tool, u.arn, tls, console=True)
        else:
            caller = Actor(
                iam_user_identity(u.account_id, u.name, u.principal_id, u.access_key_id),
                u.account_id,
                ip,
                agent,
                tool,
                u.arn,
                tls,
            )
            actor = caller
            if p.assume_roles and (not u.is_human or rng.random() < 0.6):
                role = self.roles_by_arn[p.assume_roles[int(rng.integers(0, len(p.assume_roles)))]]
                if u.is_human:
                    sess = (
                        f"aws-go-sdk-{start}{int(rng.integers(10**8, 10**9))}0"
                        if tool == "terraform"
                        else f"botocore-session-{start}"
                    )
                else:
                    sess = f"jenkins-deploy-{int(rng.integers(1000, 9999))}"
                key = temporary_key(f"{role.arn}|{sess}")
                assume_role(sink, start, caller, role, sess, key)
                ident = assumed_role_identity(
                    role.account_id, role.name, role.path, role.principal_id, sess, key, start
                )
                actor = Actor(ident, role.account_id, ip, agent, tool, ident["arn"], tls)
        self.calls(rng, actor, mix, times, region, sink, u.is_human)

    def calls(
        self,
        rng: np.random.Generator,
        actor: Actor,
        mix: str,
        times: np.ndarray,
        region: str,
        sink: EventSink,
        human: bool,
    ) -> None:
        keys, weights = self.mixes[mix]
        n = len(times)
        if n == 0:
            return
        picks = rng.choice(len(keys), size=n, p=weights).tolist()
        u = rng.random((n, 3)).tolist()
        r = self.r
        cat = r.catalog
        local: dict[tuple, tuple] = {}  # (api, variant, error) -> rendering inputs, for this actor
        ids, rows, time_bytes, time_cache = sink.ids, sink.rows, sink.time_bytes, sink.time_cache
        ident, ident_e, ip, acct = actor.ident_bytes, actor.ident_escaped, actor.ip.encode(), actor.account_id
        day = dt.datetime.fromtimestamp(int(times[0]), dt.UTC).date()
        apis: dict[int, tuple] = {}
        for i, t in enumerate(times.tolist()):
            k = picks[i]
            a = apis.get(k)
            if a is None:
                api = cat[keys[k]]
                reg = r.region_for(api, region)
                a = apis[k] = (api, reg, r.variants(api, actor.account_id, reg, day))
            api, reg, variants = a
            ui = u[i]
            vi = int(ui[0] * len(variants))
            err = variants[vi].error
            if human and ui[1] < P_DENIED:
                if api.source == "ec2.amazonaws.com":
                    ec2_unauthorized(sink, t, actor, api.name, variants[vi].params, reg)
                    continue
                err = access_denied(actor.arn, api.source, api.name)
            elif err is None:
                for code, msg, prob in api.errors:
                    if ui[2] < prob:
                        err = (code, msg)
                        break
            key = (k, vi, err)
            entry = local.get(key)
            if entry is None:
                ua, ua_e = r.user_agent(actor, api)
                entry = local[key] = (
                    r.template(api, actor.account_id, reg, vi, actor, err),
                    ua,
                    ua_e,
                    api.is_s3,
                )
            tpl, ua, ua_e, is_s3 = entry
            # emit_template inlined: this loop renders most records
            if is_s3:
                rid, xid = ids.s3_request_id(), ids.amz_id2()
            else:
                rid, xid = ids.uuid(), b""
            eid = ids.uuid()
            tb = time_cache.get(t) or time_bytes(t)
            record, escaped = tpl.render_both(ident, ident_e, tb, ip, ua, ua_e, xid, rid, eid)
            rows.append((t, acct, reg, record, eid, escaped))
            if api.key == SECRET_READ and err is None:
                # Secrets Manager decrypts the secret with KMS on the caller's behalf (as simulator/actions/
                # kms_secrets.py writes it): same secret index, invokedBy secretsmanager.amazonaws.com
                emit_call(r, sink, t, on_behalf(actor, SECRETS_MANAGER, t), cat["kms.Decrypt"], reg, vi)


SECRET_READ = "secretsmanager.GetSecretValue"
SECRETS_MANAGER = "secretsmanager.amazonaws.com"


def on_behalf(actor: Actor, service: str, t: int) -> Actor:
    """The caller as an AWS service acting for it (forward access session): a long-term IAM user key becomes
    a temporary session key, ``invokedBy`` names the service, source IP and agent are the service."""
    ident = actor.ident
    if ident.get("type") == "IAMUser" and "sessionContext" not in ident:
        ident = iam_user_identity(ident["accountId"], ident["userName"], ident["principalId"],
                                  temporary_key(f"fas|{actor.arn}|{t}"), session_creation=t)
    return Actor({**ident, "invokedBy": service}, actor.account_id, service, service, "service", actor.arn, tls=-1)
