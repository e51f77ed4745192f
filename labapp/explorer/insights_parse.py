"""DuckDB SQL for the Logs Insights ``parse`` command: a glob with ``*`` wildcards or a regex with named groups.

Semantics (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-Parse.html): a glob's
``*`` is a lazy ``(.*?)`` and a trailing ``*`` takes the rest of the line; literal text matches as is; an event
the pattern does not match keeps the fields null ("you still see it in the results, but without the
extracted fields"); an empty capture is an empty string. The reference is the RE2 regex of
:func:`parse_pattern` run with ``regexp_extract``, which every pattern may use. Two faster forms give the
same fields on every line without a newline (the regex's ``.`` does not cross one, so lines holding a
newline keep the regex):

* one wildcard, ``head*tail``: ``strpos``/``substr`` (the text after the first ``head``, up to the first
  ``tail`` in it); about half the CPU time of the regex (``"\"eventName\":\"*\""`` over the 3.9 M events of
  the 7-day benchmark dataset: 1.25 s -> 0.65 s);
* several wildcards with one separator between each, ``head*sep*sep*...*tail`` (``"* * * *"``, ``"*/*/*"``,
  ``"user=*,*,*;"``): ``string_split`` on ``sep`` of the text after ``head``. The lazy groups stop at the
  next ``sep`` each, which is where a left-to-right split cuts, and the last field is what follows the
  (n-1)th separator, up to the first ``tail`` in it (or the n-th part when ``tail`` is ``sep``). The 14
  fields of a flow log line, ``"* * * ... *"``: 15.7 s -> 0.6 s over the same 3.9 M events.

Cheaper-looking forms measured slower: a ``strpos`` chain per wildcard (nested lambdas: 13.7 s for a day
of flow logs; stacked stages: DuckDB inlines each stage into the next and the plan grows exponentially),
``list_reduce`` over the pieces, and a struct of all fields built in one lambda (2.8 s vs 0.56 s).

Why the leftmost ``head`` is right: the regex takes the leftmost start where the whole pattern matches; a
later ``head`` leaves less text, so if the rest fails after the first one it fails after any other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from labapp.explorer.insights_ast import ParseCmd

# the scratch columns parse_sql's first stage adds (the caller drops them once the fields are defined)
PARSE_COLUMNS = ("__text", "__parse")


def _sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


@dataclass(frozen=True)
class SplitGlob:
    """A glob ``head*sep*sep*...*tail`` with ``fields`` wildcards (``sep`` is empty when there is one)."""

    head: str
    sep: str
    tail: str
    fields: int


def split_glob(glob: str) -> SplitGlob | None:
    """The glob as a :class:`SplitGlob` when it has one wildcard, or when every text between two of its
    wildcards is the same non-empty separator; else None (such globs run as a regex)."""
    pieces = glob.split("*")
    if len(pieces) == 2:
        return SplitGlob(pieces[0], "", pieces[1], 1)
    middle = pieces[1:-1]
    if middle[0] == "" or any(p != middle[0] for p in middle):
        return None
    return SplitGlob(pieces[0], middle[0], pieces[-1], len(pieces) - 1)


def _after_head(src: str, g: SplitGlob) -> str:
    if not g.head:
        return src
    at = f"strpos({src}, {_sql_str(g.head)})"
    return f"CASE WHEN {at} > 0 THEN substr({src}, {at} + {len(g.head)}) END"


def split_text_sql(src: str, g: SplitGlob) -> str:
    """SQL of what the fields are cut from: the text after the first ``head`` (one wildcard), or the list
    ``string_split`` makes of it; null when ``src`` has no ``head``."""
    text = _after_head(src, g)
    return text if g.fields == 1 else f"string_split({text}, {_sql_str(g.sep)})"


def split_fields_sql(col: str, g: SplitGlob) -> tuple[str, list[str]]:
    """The condition under which the line matches and the SQL of each field, over the column ``col`` that
    holds :func:`split_text_sql`."""
    n, tail = g.fields, _sql_str(g.tail)
    if n == 1:
        if not g.tail:
            return f"{col} IS NOT NULL", [col]
        at = f"strpos({col}, {tail})"
        return f"{at} > 0", [f"substr({col}, 1, {at} - 1)"]
    first = [f"{col}[{i + 1}]" for i in range(n - 1)]
    if g.tail == g.sep:  # the last field ends at the next separator
        return f"len({col}) > {n}", [*first, f"{col}[{n}]"]
    rest = f"array_to_string({col}[{n}:], {_sql_str(g.sep)})"  # what follows the (n-1)th separator
    if not g.tail:
        return f"len({col}) >= {n}", [*first, rest]
    at = f"strpos({rest}, {tail})"
    return f"len({col}) >= {n} AND {at} > 0", [*first, f"substr({rest}, 1, {at} - 1)"]


def parse_pattern(cmd: ParseCmd) -> tuple[str, bool]:
    """The RE2 pattern of a parse command (capture group k holds the k-th field) and whether it may match
    the empty string. A glob's ``*`` is a lazy ``(.*?)`` and a trailing ``*`` takes the rest of the line."""
    if cmd.glob is None:
        return named_groups_only(cmd.regex or ""), True  # a regex may match "" in ways not worth analysing
    pieces = cmd.glob.split("*")
    pattern = "(.*?)".join(re.escape(p) for p in pieces)
    if pattern.endswith("(.*?)"):
        pattern = pattern[: -len("(.*?)")] + "(.*)"
    return pattern, not any(pieces)


def named_groups_only(source: str) -> str:
    """The regex with each named group ``(?<n>`` / ``(?P<n>`` turned into a plain group and every other
    capturing group made non-capturing, so the k-th named group is capture group k."""
    out, i, in_class = [], 0, False
    while i < len(source):
        c = source[i]
        if c == "\\":
            out.append(source[i : i + 2])
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
        elif c == "(":
            m = re.match(r"\(\?P?<([A-Za-z_][A-Za-z0-9_]*)>", source[i:])
            if m:
                out.append("(")
                i += m.end()
                continue
            if not source.startswith("(?", i):
                out.append("(?:")
                i += 1
                continue
        out.append(c)
        i += 1
    return "".join(out)


def parse_sql(src: str, cmd: ParseCmd) -> tuple[str, list[str]]:
    """SQL for ``cmd`` over the text expression ``src``: the select list of a first stage (the columns
    PARSE_COLUMNS) and, over that stage, the SQL of each field in ``cmd.names`` order."""
    pattern, may_match_empty = parse_pattern(cmd)
    # One regex evaluation per row: regexp_extract with a name list returns every capture group as a
    # struct (the index form takes one group per call and only groups 0-9). Capture group 1 wraps the
    # whole pattern so a match is told from a miss (which gives empty strings); a pattern that can match
    # the empty string is checked with regexp_matches only on rows whose whole match is empty.
    names = ["m"] + [f"g{i}" for i in range(len(cmd.names))]
    struct = f"regexp_extract({src}, {_sql_str('(' + pattern + ')')}, [{', '.join(map(_sql_str, names))}])"
    matched = "r.m <> ''"
    if may_match_empty:
        matched = f"({matched} OR regexp_matches({src}, {_sql_str(pattern)}))"
    # the lambda names the struct once, so DuckDB evaluates the regex once per row however many
    # fields are used later (a plain CASE over a struct column inlines the regex into each reference)
    parsed = f"list_transform([{struct}], lambda r: CASE WHEN {matched} THEN r END)[1]"
    regex_fields = [f"__parse.g{i}" for i in range(len(cmd.names))]
    split = split_glob(cmd.glob) if cmd.glob is not None else None
    if split is None:
        return f"NULL::VARCHAR AS __text, {parsed} AS __parse", regex_fields
    # __text is a column of its own, so DuckDB cuts each line once however many fields are used
    newline = f"contains({src}, chr(10))"
    text = (
        f"CASE WHEN {newline} THEN NULL ELSE {split_text_sql(src, split)} END AS __text, "
        f"CASE WHEN {newline} THEN {parsed} END AS __parse"
    )
    cond, fields = split_fields_sql("__text", split)
    return text, [
        f"CASE WHEN {cond} THEN {f} ELSE {r} END" for f, r in zip(fields, regex_fields, strict=True)
    ]
