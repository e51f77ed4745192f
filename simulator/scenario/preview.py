"""Text rendering of a compiled scenario for ``trailwatch scenario preview``."""

from __future__ import annotations

from simulator.scenario.compile import ScenarioRun, iso


def _table(rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return ["  ".join(c.ljust(widths[i]) for i, c in enumerate(r)).rstrip() for r in rows]


def render_preview(run: ScenarioRun, *, answers: bool = False) -> str:
    s = run.scenario
    lines = [f"{s.id}: {s.title}",
             f"seed {run.seed}, student {run.student or '-'}, {iso(s.start_ms)} .. {iso(s.end_ms)}, "
             f"scale {run.config.scale}, {len(run.config.injections)} injected records", ""]
    rows = [("STEP", "TIME (UTC)", "ACTOR", "ACTION", "SOURCE IP", "RECORDS")]
    for e in run.timeline:
        recs = ", ".join(f"{k} {v}" for k, v in e.records.items()) or "none (logging off)"
        rows.append((e.step, iso(e.time_ms), e.actor, e.action, e.source_ip, recs))
    lines += _table(rows)
    lines += ["", "actors:"]
    for aid, a in run.actors.items():
        who = a["arn"] or a["name"]
        lines.append(f"  {aid}: {a['kind']} {who} from {', '.join(a['source_ips'])}")
    if run.log_gaps.get("trails") or run.log_gaps.get("flow_logs"):
        lines.append("logging gaps:")
        for acct, spans in run.log_gaps.get("trails", {}).items():
            for off, on, scope in spans:
                lines.append(f"  trail of {acct}: {scope} off {iso(off)} .. {iso(on) if on else 'end'}")
        for fl, t in run.log_gaps.get("flow_logs", {}).items():
            lines.append(f"  flow log {fl}: deleted {iso(t)}")
    if answers and run.answer_key:
        lines += ["", "answer key:"]
        for qid, entry in run.answer_key.items():
            value = entry["value"]
            extra = ""
            if entry["type"] == "number" and entry.get("tolerance"):
                extra = f" (+/- {entry['tolerance']:g})"
            elif entry["type"] == "time":
                extra = f" (+/- {entry['tolerance_seconds']} s)"
            lines.append(f"  {qid}: {', '.join(value) if isinstance(value, list) else value}{extra}")
    return "\n".join(lines)
