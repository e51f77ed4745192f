"""CloudFormation templates (JSON or YAML, short-form tags too) -> a submission.

Resources read: AWS::Logs::MetricFilter, AWS::CloudWatch::Alarm, AWS::SNS::Topic (with inline
``Subscription``), AWS::SNS::Subscription, AWS::Events::Rule (with inline ``Targets``), AWS::Logs::LogGroup
(for Ref). Intrinsics: Ref (resources, Parameters' Default, pseudo parameters), Fn::GetAtt (Topic
TopicArn/TopicName, Rule Arn, LogGroup Arn), Fn::Sub (string and [string, vars] forms), Fn::Join,
Fn::Select. A resource without a name property gets its logical id as name (CloudFormation would add a
stack prefix and a suffix; the id keeps references consistent). Anything else is a GradingInputError
naming the template and the resource.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import orjson
import yaml

from grader.grading.errors import GradingInputError
from grader.grading.submission import Submission, parse_text, read_text

_SUB = re.compile(r"\$\{([^}!][^}]*)\}")


class _Loader(yaml.SafeLoader):
    pass


def _tag(name: str):
    def construct(loader: yaml.SafeLoader, node: yaml.Node) -> dict[str, Any]:
        if isinstance(node, yaml.ScalarNode):
            value: Any = loader.construct_scalar(node)
            if name == "Fn::GetAtt":
                value = str(value).split(".", 1)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_mapping(node, deep=True)
        return {name: value}

    return construct


for _short, _long in {
    "Ref": "Ref",
    "Sub": "Fn::Sub",
    "GetAtt": "Fn::GetAtt",
    "Join": "Fn::Join",
    "Select": "Fn::Select",
    "ImportValue": "Fn::ImportValue",
    "If": "Fn::If",
    "Equals": "Fn::Equals",
    "Split": "Fn::Split",
}.items():
    _Loader.add_constructor(f"!{_short}", _tag(_long))


class _Resolver:
    def __init__(self, template: dict[str, Any], origin: str) -> None:
        self.origin = origin
        self.resources: dict[str, Any] = template.get("Resources") or {}
        self.parameters: dict[str, Any] = template.get("Parameters") or {}

    def err(self, where: str, msg: str) -> GradingInputError:
        return GradingInputError(self.origin, msg, where)

    def name_of(self, logical: str) -> str:
        res = self.resources[logical]
        props = res.get("Properties") or {}
        key = {
            "AWS::Logs::MetricFilter": "FilterName",
            "AWS::CloudWatch::Alarm": "AlarmName",
            "AWS::SNS::Topic": "TopicName",
            "AWS::Events::Rule": "Name",
            "AWS::Logs::LogGroup": "LogGroupName",
        }.get(res.get("Type"), "")
        value = props.get(key)
        return (
            str(self.value(value, f"Resources.{logical}.Properties.{key}")) if value is not None else logical
        )

    def ref(self, target: str, where: str) -> str:
        pseudo = {
            "AWS::AccountId": "${AWS::AccountId}",
            "AWS::Region": "${AWS::Region}",
            "AWS::Partition": "aws",
            "AWS::StackName": "trailwatch",
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::NoValue": "",
        }
        if target in pseudo:
            return pseudo[target]
        if target in self.parameters:
            default = (self.parameters[target] or {}).get("Default")
            if default is None:
                raise self.err(
                    where, f"parameter {target!r} has no Default; the grader cannot choose a value"
                )
            return str(default)
        if target not in self.resources:
            raise self.err(where, f"Ref to unknown resource or parameter {target!r}")
        if self.resources[target].get("Type") == "AWS::SNS::Topic":
            return f"arn:aws:sns:${{AWS::Region}}:${{AWS::AccountId}}:{self.name_of(target)}"
        return self.name_of(target)

    def getatt(self, logical: str, attr: str, where: str) -> str:
        if logical not in self.resources:
            raise self.err(where, f"Fn::GetAtt of unknown resource {logical!r}")
        kind = self.resources[logical].get("Type")
        name = self.name_of(logical)
        table = {
            ("AWS::SNS::Topic", "TopicArn"): f"arn:aws:sns:${{AWS::Region}}:${{AWS::AccountId}}:{name}",
            ("AWS::SNS::Topic", "TopicName"): name,
            ("AWS::Events::Rule", "Arn"): f"arn:aws:events:${{AWS::Region}}:${{AWS::AccountId}}:rule/{name}",
            (
                "AWS::Logs::LogGroup",
                "Arn",
            ): f"arn:aws:logs:${{AWS::Region}}:${{AWS::AccountId}}:log-group:{name}:*",
            (
                "AWS::CloudWatch::Alarm",
                "Arn",
            ): f"arn:aws:cloudwatch:${{AWS::Region}}:${{AWS::AccountId}}:alarm:{name}",
        }
        if (kind, attr) not in table:
            raise self.err(where, f"Fn::GetAtt {logical}.{attr} is not supported for {kind}")
        return table[(kind, attr)]

    def sub(self, text: str, variables: dict[str, Any], where: str) -> str:
        def one(m: re.Match[str]) -> str:
            name = m.group(1)
            if name in variables:
                return str(self.value(variables[name], where))
            if name.startswith("AWS::"):
                return self.ref(name, where)
            if "." in name:
                logical, attr = name.split(".", 1)
                return self.getatt(logical, attr, where)
            return self.ref(name, where)

        return _SUB.sub(one, text).replace("${!", "${")

    def value(self, node: Any, where: str) -> Any:
        if isinstance(node, list):
            return [self.value(v, f"{where}[{i}]") for i, v in enumerate(node)]
        if not isinstance(node, dict):
            return node
        if len(node) == 1:
            ((key, arg),) = node.items()
            if key == "Ref":
                return self.ref(str(arg), where)
            if key == "Fn::GetAtt":
                parts = arg if isinstance(arg, list) else str(arg).split(".", 1)
                if len(parts) != 2:
                    raise self.err(where, f"Fn::GetAtt needs [LogicalId, Attribute], got {arg!r}")
                return self.getatt(str(parts[0]), str(parts[1]), where)
            if key == "Fn::Sub":
                if isinstance(arg, list):
                    return self.sub(str(arg[0]), dict(arg[1]) if len(arg) > 1 else {}, where)
                return self.sub(str(arg), {}, where)
            if key == "Fn::Join":
                delim, items = arg
                return str(delim).join(str(v) for v in self.value(items, where))
            if key == "Fn::Select":
                index, items = arg
                return self.value(items, where)[int(self.value(index, where))]
            if key.startswith("Fn::"):
                raise self.err(
                    where, f"{key} is not supported by the grader; use Ref, Fn::GetAtt, Fn::Sub or Fn::Join"
                )
        return {k: self.value(v, f"{where}.{k}") for k, v in node.items()}


def _metric_filter(props: dict[str, Any], name: str) -> dict[str, Any]:
    transforms = []
    for t in props.get("MetricTransformations") or []:
        out = {
            "metricName": t.get("MetricName"),
            "metricNamespace": t.get("MetricNamespace"),
            "metricValue": t.get("MetricValue"),
        }
        if "DefaultValue" in t:
            out["defaultValue"] = t["DefaultValue"]
        if "Unit" in t:
            out["unit"] = t["Unit"]
        if t.get("Dimensions"):
            out["dimensions"] = {d["Key"]: d["Value"] for d in t["Dimensions"]}
        transforms.append(out)
    return {
        "logGroupName": props.get("LogGroupName"),
        "filterName": props.get("FilterName", name),
        "filterPattern": props.get("FilterPattern"),
        "metricTransformations": transforms,
    }


def template_to_submission(template: Any, origin: str) -> Submission:
    if not isinstance(template, dict) or not isinstance(template.get("Resources"), dict):
        raise GradingInputError(origin, "not a CloudFormation template (no Resources mapping)")
    r = _Resolver(template, origin)
    sub = Submission(origin)
    for logical, res in r.resources.items():
        where = f"Resources.{logical}"
        if not isinstance(res, dict) or "Type" not in res:
            raise GradingInputError(origin, "a resource needs a Type", where)
        props = r.value(res.get("Properties") or {}, f"{where}.Properties")
        kind, loc = res["Type"], f"{origin}: {where}"
        name = r.name_of(logical)
        if kind == "AWS::Logs::MetricFilter":
            sub.add("metric_filters", _metric_filter(props, name), loc)
        elif kind == "AWS::CloudWatch::Alarm":
            sub.add("alarms", {**props, "AlarmName": name}, loc)
        elif kind == "AWS::SNS::Topic":
            sub.add("topics", {"Name": name}, loc)
            arn = r.ref(logical, where)
            for i, s in enumerate(props.get("Subscription") or []):
                sub.add(
                    "subscriptions",
                    {"TopicArn": arn, "Protocol": s.get("Protocol"), "Endpoint": s.get("Endpoint")},
                    f"{loc}.Properties.Subscription[{i}]",
                )
        elif kind == "AWS::SNS::Subscription":
            sub.add("subscriptions", {k: props.get(k) for k in ("TopicArn", "Protocol", "Endpoint")}, loc)
        elif kind == "AWS::Events::Rule":
            pattern = props.get("EventPattern")
            body = {
                "Name": name,
                "State": props.get("State", "ENABLED"),
                "EventBusName": props.get("EventBusName", "default"),
                "EventPattern": pattern
                if isinstance(pattern, str) or pattern is None
                else orjson.dumps(pattern).decode(),
            }
            sub.add("rules", body, loc)
            if props.get("Targets"):
                sub.add(
                    "targets",
                    {
                        "Rule": name,
                        "Targets": [{"Id": t.get("Id"), "Arn": t.get("Arn")} for t in props["Targets"]],
                    },
                    f"{loc}.Properties.Targets",
                )
    for items in sub.items.values():
        for item in items:
            missing = [k for k, v in item.body.items() if v is None and k not in ("Endpoint", "EventPattern")]
            if missing:
                raise GradingInputError(origin, f"missing {', '.join(missing)}", item.where.split(": ", 1)[1])
    return sub


def load_cfn_template(path: str | Path) -> Submission:
    origin = str(path)
    text = read_text(path)
    if text.lstrip().startswith("{"):
        data = parse_text(text, origin)
    else:
        try:
            data = yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass with CFN tags
        except yaml.YAMLError as e:
            mark = getattr(e, "problem_mark", None)
            at = f"line {mark.line + 1} column {mark.column + 1}: " if mark else ""
            raise GradingInputError(origin, f"{at}invalid YAML: {getattr(e, 'problem', None) or e}") from None
    return template_to_submission(data, origin)
