"""What a caller sees for bad input: typed errors that name the field, what is allowed and, where
it can tell, what was meant.

python examples/handling_bad_input.py
"""

from __future__ import annotations

import json

import enforcement_rules as er

bad_inputs = [
    {"kind": "blocked_exits", "occurred_on": "2024-02-30"},  # no such day
    {"kind": "blocked_exits", "occurred_on": "2024/03/01"},  # not written YYYY-MM-DD
    {"kind": "blocked_exits", "occurred_on": "2052-03-01"},  # after the decision day (today)
    {"kind": "blocked_exits", "occurred_on": "2024-03-01", "hazard": "huge"},  # unknown code
    {"kind": "blocked_exits", "occured_on": "2024-03-01"},  # a misspelt field: one error
    {"kind": "blocked_exits", "occurred_on": "2024-03-01", "overdue": "yes", "colour": "red"},
    {"kind": "blocked_exit", "occurred_on": "2024-03-01"},  # a misspelt kind
    {"kind": "安全出口被锁闭", "occurred_on": "2024-03-01"},  # the kind in Chinese words
    {"kind": "jaywalking", "occurred_on": "2024-03-01"},  # not a kind of the rule set
    {"kind": "blocked_exits", "occurred_on": "1999-03-01"},  # before any encoded law
]

for facts in bad_inputs:
    try:
        er.decide(facts)
    except er.FactErrors as errors:  # several fields wrong at once
        for error in errors.errors:
            print(f"field {error.field!r}: {error.problem}; meant: {error.suggestion}")
    except er.FactError as error:  # one field wrong
        print(f"field {error.field!r}: {error.problem}; meant: {error.suggestion}")
    except er.NoApplicableLawError as error:
        print(f"no law version: {error}")
    # A valid kind whose provisions a rule set does not encode raises er.UncoveredKindError
    # (the bundled rules cover every kind of the vocabulary).

# A batch: each bad fact's error in its place, the others decided; every error has one JSON
# shape (type, field, allowed, suggestion, message), as the command line and the service print.
results = er.decide_many(
    [*bad_inputs[6:8], {"kind": "blocked_exits", "occurred_on": "2024-03-01"}], errors="collect"
)
for result in results:
    if isinstance(result, er.EnforcementRulesError):
        shape = result.to_dict()
        print(json.dumps({k: shape[k] for k in ("type", "field", "suggestion")}))
    else:
        print(f"decided: {result.law_version}")
