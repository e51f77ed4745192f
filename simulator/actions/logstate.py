"""What the scenario has done to its own logging so far (kept in ``StepContext.state["logging"]``).

After StopLogging, DeleteTrail or PutEventSelectors without management events a trail delivers nothing
(or no management events) until StartLogging / a new selector; after DeleteFlowLogs a flow log writes no
more records. Actions ask here before emitting, so records of a step inside a gap are not injected and
the gap itself is reported as a fact. AWS: "When you stop logging, CloudTrail stops delivering events to
the S3 bucket and CloudWatch Logs" (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_StopLogging.html).

After UpdateTrail detaches the CloudWatch Logs group, the trail still writes to S3 but no longer to CloudWatch
Logs (metric filters go blind); injected records keep going to the trail files, and the engine should drop the
trail's CloudWatch Logs copies from that time.

The state is JSON-like: {"trails": {account: [[off_ms, on_ms|None, "all"|"management"], ...]},
"flow_logs": {fl_id: deleted_ms}, "cloudwatch": {account: detached_ms}}. ``gaps(state)`` lists them for the
engine (baseline suppression); ``delivered_by_trail`` / ``delivered_to_cloudwatch`` / ``delivered_by_flow_log``
turn them into record masks the engine can apply to baseline records.
"""

from __future__ import annotations

import numpy as np


def _log(state: dict) -> dict:
    log = state.setdefault("logging", {"trails": {}, "flow_logs": {}, "cloudwatch": {}})
    log.setdefault("cloudwatch", {})
    return log


def trail_off(state: dict, account_id: str, t_ms: int, scope: str = "all") -> None:
    """The account's trail stops delivering ``scope`` ("all" or "management") from t_ms."""
    spans = _log(state)["trails"].setdefault(account_id, [])
    if spans and spans[-1][1] is None:
        if spans[-1][2] == "all" or scope == "management":
            return
        spans[-1][1] = t_ms
    spans.append([t_ms, None, scope])


def trail_on(state: dict, account_id: str, t_ms: int) -> None:
    spans = _log(state)["trails"].get(account_id, [])
    if spans and spans[-1][1] is None:
        spans[-1][1] = t_ms


def cloudtrail_logged(state: dict, account_id: str, t_ms: int, management: bool = True) -> bool:
    """Whether a record of this account at t_ms reaches the trail."""
    for off, on, scope in _log(state)["trails"].get(account_id, []):
        if off < t_ms and (on is None or t_ms < on) and (scope == "all" or management):
            return False
    return True


def flow_log_deleted(state: dict, flow_log_id: str, t_ms: int) -> None:
    _log(state)["flow_logs"].setdefault(flow_log_id, t_ms)


def flow_logged(state: dict, flow_log_id: str, t_ms: int) -> bool:
    deleted = _log(state)["flow_logs"].get(flow_log_id)
    return deleted is None or t_ms < deleted


def cloudwatch_detached(state: dict, account_id: str, t_ms: int) -> None:
    """The account's trail stops delivering to CloudWatch Logs from t_ms (S3 delivery goes on)."""
    _log(state)["cloudwatch"].setdefault(account_id, t_ms)


def gaps(state: dict) -> dict:
    """The logging gaps the scenario caused (for the engine to suppress baseline records in them)."""
    log = _log(state)
    out = {
        "trails": {a: [list(s) for s in spans] for a, spans in log["trails"].items()},
        "flow_logs": dict(log["flow_logs"]),
    }
    if log["cloudwatch"]:
        out["cloudwatch"] = dict(log["cloudwatch"])
    return out


# --- for the engine: which baseline records a scenario's gaps hide (vectorised over record times) ----------


def delivered_by_trail(
    log_gaps: dict, account_id: str, times_ms: np.ndarray, management: np.ndarray | bool = True
) -> np.ndarray:
    """Boolean mask over records of one account: True where the trail still delivers them (S3 and CloudWatch
    Logs). ``log_gaps`` is ``gaps(state)`` (ScenarioRun.log_gaps); a record at the very moment logging stops is
    still delivered (the StopLogging call itself is)."""
    t = np.asarray(times_ms, dtype=np.int64)
    mgmt = np.broadcast_to(np.asarray(management, dtype=bool), t.shape)
    keep = np.ones(t.shape, dtype=bool)
    for off, on, scope in log_gaps.get("trails", {}).get(account_id, []):
        inside = (t > off) & ((t < on) if on is not None else True)
        keep &= ~(inside & (mgmt if scope == "management" else True))
    return keep


def delivered_to_cloudwatch(log_gaps: dict, account_id: str, times_ms: np.ndarray) -> np.ndarray:
    """Mask of the trail's CloudWatch Logs copies still written (UpdateTrail detached the log group at some time)."""
    t = np.asarray(times_ms, dtype=np.int64)
    detached = log_gaps.get("cloudwatch", {}).get(account_id)
    return np.ones(t.shape, dtype=bool) if detached is None else t <= detached


def delivered_by_flow_log(log_gaps: dict, flow_log_id: str, times_ms: np.ndarray) -> np.ndarray:
    """Mask of one flow log's records (by capture start) still written after a DeleteFlowLogs."""
    t = np.asarray(times_ms, dtype=np.int64)
    deleted = log_gaps.get("flow_logs", {}).get(flow_log_id)
    return np.ones(t.shape, dtype=bool) if deleted is None else t < deleted
