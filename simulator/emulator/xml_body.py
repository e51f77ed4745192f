"""Parse a small XML request body into the dict shape CloudTrail writes for S3 bodies.

Elements become keys, repeated elements become lists, attributes keep their names
(`xmlns`, `xmlns:xsi`, `xsi:type`) as in AWS's S3 examples, and the root element's
name is the outer key: `{"CreateBucketConfiguration": {"LocationConstraint": ..., "xmlns": ...}}`.
"""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree

_XSI = "http://www.w3.org/2001/XMLSchema-instance"


def _local(tag: str) -> tuple[str, str | None]:
    if tag.startswith("{"):
        ns, _, name = tag[1:].partition("}")
        return name, ns
    return tag, None


def _element(elem: ElementTree.Element, parent_ns: str | None) -> Any:
    name, ns = _local(elem.tag)
    children = list(elem)
    if not children and not elem.attrib and (ns == parent_ns or ns is None):
        return (elem.text or "").strip()
    out: dict[str, Any] = {}
    for child in children:
        child_name, _ = _local(child.tag)
        value = _element(child, ns)
        if child_name in out:
            if not isinstance(out[child_name], list):
                out[child_name] = [out[child_name]]
            out[child_name].append(value)
        else:
            out[child_name] = value
    for attr, value in elem.attrib.items():
        attr_name, attr_ns = _local(attr)
        if attr_ns == _XSI:
            out[f"xsi:{attr_name}"] = value
            out["xmlns:xsi"] = _XSI
        else:
            out[attr_name] = value
    if ns and ns != parent_ns:
        out["xmlns"] = ns
    if not children and elem.text and elem.text.strip():
        out["#text"] = elem.text.strip()
    return out


def xml_to_dict(body: bytes) -> dict[str, Any]:
    """`{root_name: content}` for an XML document, `{}` when it does not parse."""
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError:
        return {}
    name, _ = _local(root.tag)
    return {name: _element(root, None)}
