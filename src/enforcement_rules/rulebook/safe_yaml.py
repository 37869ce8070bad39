"""Safe YAML reading that remembers the line of every value.

PyYAML composes the node graph (no objects are constructed, no tags resolved to code); this module
turns nodes into plain JSON-like data itself, so it can refuse what rule files must not contain
(tags, anchors and aliases, duplicate keys) and keep a line for each path, which the loader puts
into its error messages.
"""

from __future__ import annotations

import math
import re
from typing import Any

import attrs
import yaml

from ..contract.errors import RuleFileError, excerpt

Path = tuple[str | int, ...]

_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}


@attrs.frozen
class YamlDocument:
    """A parsed file: its data and the 1-based line of every path in it."""

    file: str
    data: Any
    lines: dict[Path, int]

    def line_of(self, path: Path) -> int:
        """The line of `path`, or of its nearest ancestor that has one."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(path[:end])
            if line is not None:
                return line
        return 1


class _Builder:
    def __init__(self, file: str):
        self.file = file
        self.lines: dict[Path, int] = {}
        self.seen: set[int] = set()
        self.scalars = yaml.SafeLoader("")

    def fail(self, node: yaml.Node, reason: str) -> RuleFileError:
        return RuleFileError(self.file, node.start_mark.line + 1, None, reason)

    def build(self, node: yaml.Node, path: Path) -> Any:
        if id(node) in self.seen:
            raise self.fail(node, "anchors and aliases (&, *) are not allowed in rule files")
        self.seen.add(id(node))
        if node.tag not in _PLAIN_TAGS:
            raise self.fail(node, f"YAML tag {excerpt(node.tag)} is not allowed in rule files")
        self.lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    raise self.fail(key_node, "a mapping key must be a plain scalar")
                key = str(key_node.value)
                if key == "<<":
                    raise self.fail(key_node, "YAML merge keys (<<) are not allowed")
                if key in result:
                    first = self.lines.get((*path, key), 0)
                    raise self.fail(
                        key_node, f"duplicate key {excerpt(key)} (first at line {first})"
                    )
                self.lines[(*path, key)] = key_node.start_mark.line + 1
                result[key] = self.build(value_node, (*path, key))
                self.lines[(*path, key)] = key_node.start_mark.line + 1
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, index)) for index, item in enumerate(node.value)]
        if node.tag == "tag:yaml.org,2002:timestamp":
            return str(node.value)  # dates stay ISO strings; the model parses them
        value = self.scalars.construct_object(node, deep=True)
        number = isinstance(value, float | int) and not isinstance(value, bool)
        if number and (not math.isfinite(value) or abs(value) > MAX_NUMBER):
            limit = f"{MAX_NUMBER:.0e}"
            raise self.fail(node, f"numbers in rule files are finite and at most {limit}")
        return value


#: The largest number a rule file may hold (amounts are far below; `.inf` and `.nan` are refused).
MAX_NUMBER = 1e15

_RULE_ID_LINE = re.compile(r"^\s*-?\s*id:\s*['\"]?([a-z0-9][a-z0-9-]*)")


def rule_id_near(text: str, line: int | None) -> str | None:
    """The id of the rule whose text holds `line`: the last `id:` at or above it.

    Used where the YAML itself is broken, so there is no structure to read the id from.
    """
    if line is None:
        return None
    found = None
    for current in text.splitlines()[:line]:
        match = _RULE_ID_LINE.match(current)
        if match:
            found = match[1]
    return found


#: libyaml's composer where PyYAML was built with it (its wheels are), else PyYAML's own: the same
#: nodes and marks, several times faster (a rule set is some hundred files, read on every load).
_COMPOSER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(text: str, file: str) -> YamlDocument:
    """Parse one YAML document safely; every defect raises `RuleFileError` with its line."""
    try:
        nodes = list(yaml.compose_all(text, Loader=_COMPOSER))
        if len(nodes) != 1 or nodes[0] is None:
            raise RuleFileError(file, 1, None, "a rule file holds exactly one YAML document")
        builder = _Builder(file)
        data = builder.build(nodes[0], ())
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        reason = f"not valid YAML: {error.problem}"
        raise RuleFileError(file, line, rule_id_near(text, line), reason) from None
    except RuleFileError as error:
        raise RuleFileError(
            file, error.line, rule_id_near(text, error.line), error.reason
        ) from None
    return YamlDocument(file=file, data=data, lines=builder.lines)
