"""Decide a JSON Lines file of violations in one batch and print a summary line for each.

python examples/batch_from_jsonl.py [examples/cases.jsonl]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import enforcement_rules as er

source = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).with_name("cases.jsonl"))
cases = [json.loads(line) for line in source.read_text("utf-8").splitlines() if line.strip()]
decisions = er.decide_many(cases)  # same results as er.decide one by one, faster

for case, decision in zip(cases, decisions, strict=True):
    fines = ", ".join(f"{f.target.value} ≤ {f.max_yuan:,.0f}" for f in decision.fines) or "-"
    print(
        f"{case['occurred_on']} {case['kind']:<30} {decision.law_version:<28} "
        f"measures={','.join(decision.measures)} penalties={','.join(decision.penalties) or '-'} "
        f"fines={fines} section={decision.section}"
    )
