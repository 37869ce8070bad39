"""Stage 3, deciding: facts in, one `Decision` out, through durable_rules.

`normalise` turns a `Violation` into the engine's message, `partition` cuts the fact space into
classes, `engine` (the only importer of durable_rules) fires the rules, `resolve` turns fired rules
into a decision, `temporal` and `severity` choose between law versions (从旧兼从轻), and `decider`
holds the public `Decider`, `decide` and `decide_many` with their caches. It may import the
contract and the rule book.
"""
