"""The rule-file JSON Schema documents every field in Chinese and English (editors show it)."""

from __future__ import annotations

import re
from typing import Any

from enforcement_rules.rulebook.loader import rule_file_schema

HAN = re.compile(r"[\u4e00-\u9fff]")


def _undocumented(node: Any, path: str) -> list[str]:
    missing: list[str] = []
    if not isinstance(node, dict):
        return missing
    for name, child in node.get("properties", {}).items():
        text = f"{child.get('title', '')} {child.get('description', '')}"
        if not (HAN.search(text) and re.search(r"[A-Za-z]{3}", text)):
            missing.append(f"{path}/{name}")
        missing += _undocumented(child, f"{path}/{name}")
    for key in ("items", "additionalProperties"):
        missing += _undocumented(node.get(key), f"{path}/{key}")
    for name, child in node.get("$defs", {}).items():
        missing += _undocumented(child, f"#/{name}")
    return missing


def test_every_field_has_a_chinese_and_english_title_or_description() -> None:
    assert _undocumented(rule_file_schema(), "") == []
