"""What a caller sees for bad input: typed errors that name the field and what is allowed.

python examples/handling_bad_input.py
"""

from __future__ import annotations

import enforcement_rules as er

bad_inputs = [
    {"kind": "blocked_exits", "occurred_on": "2024-02-30"},  # no such day
    {"kind": "blocked_exits", "occurred_on": "2024-03-01", "hazard": "huge"},  # unknown code
    {"kind": "blocked_exits", "occurred_on": "2024-03-01", "overdue": "yes", "colour": "red"},
    {"kind": "jaywalking", "occurred_on": "2024-03-01"},  # not a kind of the rule set
    {"kind": "no_safety_funding", "occurred_on": "2024-03-01"},  # valid, not encoded yet
    {"kind": "blocked_exits", "occurred_on": "1999-03-01"},  # before any encoded law
]

for facts in bad_inputs:
    try:
        er.decide(facts)
    except er.FactErrors as errors:  # several fields wrong at once
        for error in errors.errors:
            print(f"field {error.field!r}: {error.problem} (allowed: {error.allowed})")
    except er.FactError as error:  # one field wrong
        print(f"field {error.field!r}: {error.problem} (allowed: {error.allowed})")
    except er.UncoveredKindError as error:
        print(f"not encoded yet: {error.kind}")
    except er.NoApplicableLawError as error:
        print(f"no law version: {error}")
