"""The awkward parts of the law, decided and explained (examples/awkward_cases.jsonl):

1. a violation that spans a law change: 从旧兼从轻 applies the lighter 2021 law;
2. a kind that had no penalty provision in the version in force (2002), decided after 2014;
3. the limitation period: discovered more than two years later, no penalty, measures stand;
4. an exempt case: a minor violation corrected at once, without harm;
5. a fine measured by illegal income (2–5 times), with confiscation.

    python examples/awkward_cases.py
"""

from __future__ import annotations

import json
from pathlib import Path

import enforcement_rules as er

rules = er.load_rules()
source = Path(__file__).with_name("awkward_cases.jsonl")
for number, line in enumerate(source.read_text("utf-8").splitlines(), start=1):
    facts = json.loads(line)
    print(f"══ case {number} ══")
    print(er.explain(facts, rules=rules))
    print()
