"""Decide one violation and print the decision as JSON and as an explanation.

python examples/single_decision.py
"""

from __future__ import annotations

import enforcement_rules as er

rules = er.load_rules()  # the bundled rules/; er.load_rules("path/to/rules") for your own
facts = {
    "kind": "hazard_not_eliminated",
    "occurred_on": "2023-06-12",
    "sector": "fireworks",
    "hazard": "major",
    "safety_assured": False,
    "workers_in_danger": True,
}
decision = er.decide(facts, rules=rules)

print(decision.to_json(indent=2))  # the JSON contract other bureau software stores
print()
print(er.explain(facts, rules=rules))  # in words, for inspectors and legal staff
