"""Compile a parsed Logs Insights query into DuckDB SQL over the ``events`` table of an EventStore.

The query is a pipeline, so each command becomes one CTE over the previous one. Field values are text, as
Insights shows them; a comparison with a number literal compares numerically (``TRY_CAST``), one with a
string literal compares text. Each predicate on a missing field is false (so ``not`` of it is true):
two-valued logic. Decisions and sources: docs/lab-tools.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from labapp.explorer.insights_ast import (
    BoolOp,
    Call,
    Compare,
    DedupCmd,
    Field,
    FieldsCmd,
    FilterCmd,
    InList,
    InsightsSyntaxError,
    Like,
    LimitCmd,
    Literal,
    Not,
    ParseCmd,
    Query,
    Regex,
    SortCmd,
    StatsCmd,
)
from labapp.explorer.insights_parse import PARSE_COLUMNS, parse_sql
from labapp.explorer.store import json_path

MAX_ROWS = 10_000
BASE_COLUMNS = "rowid AS seq, ts, grp, stream, log, message, is_json"
DEFAULT_VISIBLE = ("@timestamp", "@message")
SYSTEM_FIELDS = {"@timestamp": "ts", "@message": "message", "@logStream": "stream", "@log": "log"}


def sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def sql_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def re2(source: str) -> str:
    """Insights regexes allow (?<name>...); RE2 (DuckDB) wants (?P<name>...)."""
    return re.sub(r"\(\?<([A-Za-z_])", r"(?P<\1", source)


@dataclass
class Compiled:
    sql: str  # the final rows: visible columns then the hidden event columns (when events are rows)
    histogram_source: str  # SQL of the matched events (for the time histogram and the match count)
    scanned_sql: str
    columns: list[str]  # visible column names, in order
    time_columns: set[str]  # visible columns holding epoch ms (formatted as timestamps)
    event_rows: bool  # rows are log events (no stats): hidden seq/ts/grp/stream/log/message follow
    stats: bool
    # ``sql`` plus a last column with the histogram ("bin:count,..."), computed in the same pass, for
    # queries whose matched records come from a filter stage: prefix + bin expression over ts + suffix
    one_pass_sql: tuple[str, str] | None = None


@dataclass
class _State:
    base: bool = True  # rows are still events
    defined: dict[str, str] = field(default_factory=dict)  # field name -> "num" | "str" | "time"
    visible: list[str] = field(default_factory=list)
    displayed: bool = False  # a display command fixed the visible list
    order: list[tuple[str, bool]] = field(default_factory=list)


class _Compiler:
    def __init__(self, flow_fields: tuple[str, ...], json_fields: tuple[str, ...], where: str) -> None:
        self.flow_fields = set(flow_fields)
        self.json_fields = set(json_fields)
        self.where = where
        self.ctes: list[str] = []
        self.st = _State()
        self.histogram_stage: str | None = None

    # -- naming
    def stage(self, sql: str) -> str:
        name = f"s{len(self.ctes)}"
        self.ctes.append(f"{name} AS ({sql})")
        return name

    @property
    def prev(self) -> str:
        return f"s{len(self.ctes) - 1}"

    # -- expressions: (sql, kind) with kind in str | num | time | bool
    def field_sql(self, f: Field) -> tuple[str, str]:
        name = f.name
        if name in self.st.defined:
            return sql_ident(name), self.st.defined[name]
        if not self.st.base:
            raise InsightsSyntaxError(
                f"Field '{name}' does not exist after stats; available: {', '.join(self.st.defined) or 'none'}",
                f.pos,
            )
        if name in SYSTEM_FIELDS:
            return SYSTEM_FIELDS[name], "time" if name == "@timestamp" else "str"
        if name.startswith("@"):
            raise InsightsSyntaxError(
                f"Unknown system field '{name}' (available: {', '.join(SYSTEM_FIELDS)})", f.pos
            )
        if name in self.flow_fields:
            # flow-log fields are split at load time; JSON logs (CloudTrail) have no such top-level keys
            return sql_ident("f_" + name), "str"
        if name in self.json_fields:
            return sql_ident("j_" + name), "str"
        return f"CASE WHEN is_json THEN json_extract_string(message, {sql_str(json_path(name))}) END", "str"

    def value(self, node: object) -> tuple[str, str]:
        if isinstance(node, Field):
            return self.field_sql(node)
        if isinstance(node, Literal):
            if node.is_number:
                return repr(node.value), "num"
            return sql_str(str(node.value)), "str"
        if isinstance(node, Call):
            arg, kind = self.value(node.args[0])
            if node.name == "ispresent":
                return f"({arg} IS NOT NULL)", "bool"
            if node.name == "isempty":
                return f"({arg} IS NULL OR CAST({arg} AS VARCHAR) = '')", "bool"
            if node.name in ("tolower", "toupper"):
                return f"{'lower' if node.name == 'tolower' else 'upper'}(CAST({arg} AS VARCHAR))", "str"
            if node.name == "strlen":
                return f"length(CAST({arg} AS VARCHAR))", "num"
        if isinstance(node, (Compare, Like, InList, BoolOp, Not)):
            return self.condition(node), "bool"
        raise InsightsSyntaxError("This expression is not supported here", getattr(node, "pos", 0))

    @staticmethod
    def as_num(sql: str, kind: str) -> str:
        return sql if kind in ("num", "time") else f"TRY_CAST({sql} AS DOUBLE)"

    @staticmethod
    def as_text(sql: str, kind: str) -> str:
        return sql if kind == "str" else f"CAST({sql} AS VARCHAR)"

    def condition(self, node: object) -> str:
        if isinstance(node, BoolOp):
            joiner = f" {node.op.upper()} "
            return "(" + joiner.join(self.condition(i) for i in node.items) + ")"
        if isinstance(node, Not):
            return f"(NOT {self.condition(node.operand)})"
        if isinstance(node, Compare):
            (ls, lk), (rs, rk) = self.value(node.left), self.value(node.right)
            if "bool" in (lk, rk):
                raise InsightsSyntaxError("A condition cannot be compared with a value", node.pos)
            if "num" in (lk, rk) or (lk == "time" and rk == "time"):
                pred = f"{self.as_num(ls, lk)} {node.op} {self.as_num(rs, rk)}"
            else:
                pred = f"{self.as_text(ls, lk)} {node.op} {self.as_text(rs, rk)}"
            return f"coalesce({pred}, FALSE)"
        if isinstance(node, Like):
            s, k = self.value(node.operand)
            text = self.as_text(s, k)
            if isinstance(node.pattern, Regex):
                pred = f"regexp_matches({text}, {sql_str(re2(node.pattern.source))})"
            else:
                pred = f"contains({text}, {sql_str(str(node.pattern.value))})"
            pred = f"coalesce({pred}, FALSE)"
            return f"(NOT {pred})" if node.negated else pred
        if isinstance(node, InList):
            s, k = self.value(node.operand)
            if all(v.is_number for v in node.values):
                items = ", ".join(repr(v.value) for v in node.values)
                pred = f"coalesce({self.as_num(s, k)} IN ({items}), FALSE)"
            else:
                items = ", ".join(
                    sql_str(v.value if isinstance(v.value, str) else _num_text(v.value)) for v in node.values
                )
                pred = f"coalesce({self.as_text(s, k)} IN ({items}), FALSE)"
            return f"(NOT {pred})" if node.negated else pred
        if isinstance(node, Call) and node.name in ("ispresent", "isempty"):
            return self.value(node)[0]
        if isinstance(node, (Field, Literal, Call)):
            raise InsightsSyntaxError('Expected a condition here, e.g. field = "value"', node.pos)
        raise InsightsSyntaxError("Unsupported condition", getattr(node, "pos", 0))

    # -- ordering
    def order_sql(self) -> str:
        parts = []
        for expr, desc in self.st.order:
            d = "DESC" if desc else "ASC"
            parts.append(f"{expr} {d} NULLS LAST")
        if self.st.base:
            parts += ["ts DESC", "seq DESC"] if not self.st.order else ["seq DESC"]
        return ", ".join(parts) if parts else "1"

    def sort_exprs(self, f: Field, desc: bool) -> list[tuple[str, bool]]:
        s, k = self.field_sql(f)
        if k in ("num", "time"):
            return [(s, desc)]
        return [(f"TRY_CAST({s} AS DOUBLE)", desc), (s, desc)]

    # -- commands
    def run(self, query: Query) -> Compiled:
        self.stage(f"SELECT {BASE_COLUMNS}{self.flow_select()} FROM events WHERE {self.where}")
        stats_seen = False
        for cmd in query.commands:
            if isinstance(cmd, (StatsCmd, LimitCmd, DedupCmd)) and self.histogram_stage is None:
                self.histogram_stage = self.prev
            if isinstance(cmd, FilterCmd):
                self.stage(f"SELECT * FROM {self.prev} WHERE {self.condition(cmd.condition)}")
            elif isinstance(cmd, FieldsCmd):
                self.cmd_fields(cmd)
            elif isinstance(cmd, ParseCmd):
                self.cmd_parse(cmd)
            elif isinstance(cmd, StatsCmd):
                self.cmd_stats(cmd)
                stats_seen = True
            elif isinstance(cmd, SortCmd):
                order: list[tuple[str, bool]] = []
                for key in cmd.keys:
                    order += self.sort_exprs(key.expr, key.descending)  # type: ignore[arg-type]
                self.st.order = order
            elif isinstance(cmd, LimitCmd):
                self.stage(f"SELECT * FROM {self.prev} ORDER BY {self.order_sql()} LIMIT {cmd.count}")
            elif isinstance(cmd, DedupCmd):
                keys = ", ".join(self.field_sql(f)[0] for f in cmd.fields)
                self.stage(
                    f"SELECT * FROM {self.prev} QUALIFY row_number() OVER "
                    f"(PARTITION BY {keys} ORDER BY {self.order_sql()}) = 1"
                )
        if self.histogram_stage is None:
            self.histogram_stage = self.prev
        visible = self.st.visible or list(DEFAULT_VISIBLE)
        cols, time_cols = [], set()
        for name in visible:
            s, k = self.field_sql(Field(name, 0))
            cols.append(f"{s} AS {sql_ident(name)}")
            if k == "time":
                time_cols.add(name)
        hidden = (
            ", seq AS __seq, ts AS __ts, grp AS __grp, stream AS __stream, message AS __message"
            if self.st.base
            else ""
        )
        with_ = "WITH " + ",\n".join(self.ctes)
        tail = f" FROM {self.prev} ORDER BY {self.order_sql()} LIMIT {MAX_ROWS}"
        sql = f"{with_}\nSELECT {', '.join(cols)}{hidden}{tail}"
        hist = f"{with_}\nSELECT ts FROM {self.histogram_stage}"
        scanned = f"SELECT count(*) FROM events WHERE {self.where}"
        one_pass = None
        h = self.histogram_stage
        if h != "s0" and stats_seen:
            # the matched records come from a filter (or parse) stage: materialise it once and count its
            # histogram bins in the same statement instead of evaluating the filter a second time. Only
            # for stats queries: there DuckDB keeps just the columns the stats need; for event rows it
            # materialises whole events, slower than a second pass when millions match (measured).
            ctes = [
                f"{h} AS MATERIALIZED (" + c[len(h) + 5 :] if c.startswith(f"{h} AS (") else c
                for c in self.ctes
            ]
            one_pass = (
                "WITH " + ",\n".join(ctes) + f"\nSELECT {', '.join(cols)}{hidden}, "
                "(SELECT string_agg(__b || ':' || __n, ',' ORDER BY __b) FROM (SELECT ",
                f" AS __b, count(*) AS __n FROM {h} GROUP BY __b)) AS __histogram{tail}",
            )
        return Compiled(sql, hist, scanned, visible, time_cols, self.st.base, stats_seen, one_pass)

    def flow_select(self) -> str:
        return "".join(f", {sql_ident('f_' + f)}" for f in sorted(self.flow_fields)) + "".join(
            f", {sql_ident('j_' + f)}" for f in sorted(self.json_fields)
        )

    def define(self, cols: list[tuple[str, str, str]], drop: list[str] | None = None) -> None:
        """Add (name, sql, kind) columns to the rows, replacing same-named ones (and dropping ``drop``)."""
        replaced = [sql_ident(n) for n, _, _ in cols if n in self.st.defined] + (drop or [])
        star = f"* EXCLUDE ({', '.join(replaced)})" if replaced else "*"
        select = ", ".join(f"{s} AS {sql_ident(n)}" for n, s, _ in cols)
        self.stage(f"SELECT {star}, {select} FROM {self.prev}")
        for n, _, k in cols:
            self.st.defined[n] = k

    def show(self, names: list[str], replace: bool) -> None:
        if replace:
            self.st.visible = list(dict.fromkeys(names))
            self.st.displayed = True
        elif not self.st.displayed:
            self.st.visible = list(dict.fromkeys(self.st.visible + names))

    def cmd_fields(self, cmd: FieldsCmd) -> None:
        new = []
        for p in cmd.items:
            if isinstance(p.expr, Field) and p.expr.name == p.name:
                self.field_sql(p.expr)  # checks the field exists (after stats)
                continue
            s, k = self.value(p.expr)
            new.append((p.name, s, "str" if k == "bool" else k))
        if new:
            self.define(new)
        self.show([p.name for p in cmd.items], replace=cmd.display)

    def cmd_parse(self, cmd: ParseCmd) -> None:
        src, k = self.value(cmd.source)
        src = self.as_text(src, k)
        text_sql, fields_sql = parse_sql(src, cmd)
        self.stage(f"SELECT *, {text_sql} FROM {self.prev}")
        cols = [(name, f, "str") for name, f in zip(cmd.names, fields_sql, strict=True)]
        self.define(cols, drop=list(PARSE_COLUMNS))

    def cmd_stats(self, cmd: StatsCmd) -> None:
        select, groups, defined, order = [], [], {}, []
        for g in cmd.groups:
            if isinstance(g.expr, Call) and g.expr.name == "bin":
                period = int(g.expr.args[0].value)  # type: ignore[attr-defined]
                s, k = f"(ts // {period}) * {period}", "time"
            else:
                s, k = self.field_sql(g.expr)  # type: ignore[arg-type]
            select.append(f"{s} AS {sql_ident(g.name)}")
            groups.append(s)
            defined[g.name] = k
            order.append((sql_ident(g.name), False))
        for a in cmd.aggregates:
            call = a.expr
            assert isinstance(call, Call)
            if call.star:
                s = "count(*)"
            else:
                arg, k = self.field_sql(call.args[0])  # type: ignore[arg-type]
                s = {
                    "count": f"count({arg})",
                    "count_distinct": f"count(DISTINCT {arg})",
                }.get(call.name) or f"{call.name}({self.as_num(arg, k)})"
            select.append(f"{s} AS {sql_ident(a.name)}")
            defined[a.name] = "num"
        group_by = f" GROUP BY {', '.join(groups)}" if groups else ""
        self.stage(f"SELECT {', '.join(select)} FROM {self.prev}{group_by}")
        self.st = _State(base=False, defined=defined, visible=list(defined), order=order)


def _num_text(v: float) -> str:
    return str(int(v)) if v == int(v) else repr(v)


def compile_query(
    query: Query, where: str, flow_fields: tuple[str, ...] = (), json_fields: tuple[str, ...] = ()
) -> Compiled:
    """SQL for ``query`` over the events selected by ``where`` (log groups and time range); ``flow_fields``
    and ``json_fields`` name the store's pre-split flow-log and pre-extracted JSON columns."""
    return _Compiler(flow_fields, json_fields, where).run(query)
