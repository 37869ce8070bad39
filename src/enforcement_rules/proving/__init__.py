"""Stage 4, proving: show that a rule set is consistent and that its examples hold.

`space` walks the fact space class by class, `verify` reports gaps, conflicts, unreachable rules
and broken invariants over that walk, `reference` is a plain-Python evaluator the engine is
checked against, `examples` runs the rule files' own examples, and `toolkit` gives hypothesis
strategies and property assertions. It may import the contract, the rule book and deciding.
"""
