"""MkDocs hook: before each build, render the rule catalogue (Markdown) into docs/catalogue/ and
publish the rule-file JSON Schema and the contract's schemas under docs/schema/ (all generated,
never edited by hand)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import enforcement_rules as er
from enforcement_rules.review.render import render
from enforcement_rules.rulebook.loader import rule_file_schema
from enforcement_rules.service.published import write_published


def on_pre_build(config: Any) -> None:
    docs = Path(config["docs_dir"])
    render(er.load_rules(), "md", docs / "catalogue")
    schema = docs / "schema"
    schema.mkdir(exist_ok=True)
    (schema / "rule-file.schema.json").write_text(
        json.dumps(rule_file_schema(), ensure_ascii=False, indent=2), "utf-8"
    )
    write_published(schema)
