"""Edge cases of ``parse`` with a glob, on hand-written log lines, against Python's ``re``.

A glob's ``*`` is a lazy ``(.*?)`` (a trailing one takes the rest of the line), the literal text between
them is matched as is, a line the pattern does not match gets null fields, and an empty capture is an empty
string, not null (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-Parse.html: "If a
log event doesn't match the specified pattern, you still see it in the results, but without the extracted
fields"). The explorer cuts globs with one repeated separator with ``string_split`` and runs the others, and
lines holding a newline, through RE2; every case here must give what ``re.search`` gives with that regex.
"""

from __future__ import annotations

import gzip
import re
from urllib.parse import quote

import orjson
import pytest

from labapp.explorer.insights_parse import split_glob
from labapp.explorer.query import run_insights
from labapp.explorer.store import EventStore

GROUP = "/edge/app"
LINES = [
    "a b c d",
    "a  b",  # empty capture between two separators
    " lead",
    "trail ",
    "single",
    "a b\nc d",  # "." does not cross the newline: the regex path
    "x\ny z",
    "é ü ö ß",
    "k1=v1;k2=v2;k3=v3",
    "user=bob,1,2; user=al,3,4;",
    "user=bob,1;",
    "user=x,y,z",  # head and separators but no tail
    "head user=,,;",
    "(1)[2]{3}.4+5?6|7^8$9\\0",
    "a.b.c.d.e.f.g.h.i.j.k.l.m",
    "aaa",
    "aaaa",
    "x::y:::z",
    "10 20 30 40 50 60 70 80 90 100 110 120 130 140 150",
    '{"eventName":"ConsoleLogin","awsRegion":"us-east-1"}',
]
GLOBS = [
    "* *",
    "* * *",
    "*",
    "**",
    "* * * *",
    "*;*;*",
    "k1=*;*;*",
    "user=*,*,*;",
    "user=*,*;",
    "(*)[*]{*}.*+*?*|*^*$*\\*",
    "*.*.*.*.*.*.*.*.*.*.*.*.*",  # 13 fields, "." a regex metacharacter
    "a*a*",
    "*aa*",
    "*::*",
    "*::*:*",
    " * ",
    "* * * * * * * * * * * * * *",  # 14 fields (more than 9)
    '"eventName":"*","awsRegion":"*"',
    "=*;",
    "ü *",
    "*;",  # one wildcard, a tail only
    "user=*",  # one wildcard, a head only
    'eventName":"*"',
    "*;*;",  # the tail is the separator
    " *  ",
]


def reference(glob: str, line: str) -> tuple[str | None, ...]:
    pieces = glob.split("*")
    pattern = "(.*?)".join(re.escape(p) for p in pieces)
    if pattern.endswith("(.*?)"):
        pattern = pattern[: -len("(.*?)")] + "(.*)"
    m = re.search(pattern, line)
    return m.groups() if m else (None,) * (len(pieces) - 1)


def insights_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> EventStore:
    root = tmp_path_factory.mktemp("parse-edges")
    data = root / "dataset"
    folder = data / "cloudwatch" / quote(GROUP, safe="") / "stream-1"
    folder.mkdir(parents=True)
    with gzip.open(folder / "000.jsonl.gz", "wb") as fh:
        for i, line in enumerate(LINES):
            fh.write(orjson.dumps({"timestamp": 1_772_400_000_000 + i * 1000, "message": line}) + b"\n")
    manifest = {"log_groups": [{"name": GROUP, "source": "app"}], "files": [], "time_range": {}}
    (data / "manifest.json").write_bytes(orjson.dumps(manifest))
    return EventStore.open(data, root / "cache")


def parsed(store: EventStore, query: str) -> dict[str, tuple[str | None, ...]]:
    result = run_insights(store, query, [GROUP], 0, 2**53)
    assert result.events and len(result.events) == len(LINES)
    out = {}
    for row, event in zip(result.rows, result.events, strict=True):
        assert event is not None
        out[event.message] = tuple(row)
    return out


@pytest.mark.parametrize("glob", GLOBS)
def test_glob_fields_equal_python_re(store: EventStore, glob: str) -> None:
    names = [f"f{i}" for i in range(glob.count("*"))]
    query = f"parse @message {insights_string(glob)} as {', '.join(names)} | display {', '.join(names)}"
    got = parsed(store, query)
    for line in LINES:
        want = tuple("" if v is None else v for v in reference(glob, line))  # a null field shows as ""
        assert got[line] == want, (glob, line)


@pytest.mark.parametrize("glob", GLOBS)
def test_unmatched_lines_get_null_fields_and_empty_captures_stay(store: EventStore, glob: str) -> None:
    n = glob.count("*")
    names = [f"f{i}" for i in range(n)]
    parse = f"parse @message {insights_string(glob)} as {', '.join(names)}"
    for i, name in enumerate(names):
        fields = [reference(glob, line)[i] for line in LINES]
        present = f"{parse} | filter ispresent({name}) | stats count(*)"
        empty = f"{parse} | filter strlen({name}) = 0 | stats count(*)"
        assert count(store, present) == sum(v is not None for v in fields), (glob, name)
        assert count(store, empty) == sum(v == "" for v in fields), (glob, name)


def count(store: EventStore, query: str) -> int:
    return int(run_insights(store, query, [GROUP], 0, 2**53).rows[0][0])


def test_chained_parse_reads_a_parsed_field(store: EventStore) -> None:
    query = 'parse @message "*;*;*" as a, b, c | parse b "*=*" as key, value | display key, value'
    got = parsed(store, query)
    for line in LINES:
        b = reference("*;*;*", line)[1]
        want = (None, None) if b is None else reference("*=*", b)
        assert got[line] == tuple("" if v is None else v for v in want), line


def test_split_glob_takes_one_wildcard_or_one_repeated_non_empty_separator() -> None:
    g = split_glob("* * *")
    assert g is not None and (g.head, g.sep, g.tail, g.fields) == ("", " ", "", 3)
    g = split_glob("user=*,*,*;")
    assert g is not None and (g.head, g.sep, g.tail, g.fields) == ("user=", ",", ";", 3)
    g = split_glob('"eventName":"*"')  # one wildcard: strpos/substr
    assert g is not None and (g.head, g.sep, g.tail, g.fields) == ('"eventName":"', "", '"', 1)
    g = split_glob('"eventName":"*","awsRegion":"*"')  # two wildcards: the text between is the separator
    assert g is not None and (g.head, g.sep, g.tail) == ('"eventName":"', '","awsRegion":"', '"')
    assert split_glob("**") is None  # an empty separator
    assert split_glob("*::*:*") is None  # two different separators
    assert split_glob("a=*,b=*,c=*;") is None  # ",b=" and ",c=" differ
