"""Stage 6, the bureau's annual enforcement plan: the plan as data and its shortfall report.

`model` loads a plan file (with `plan.schema.json`), `records` reads inspection records, and
`report` measures them against the plan. It may import the lower stages (contract to review), not
its sibling `cases`.
"""
