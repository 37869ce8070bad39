"""Stage 2, the rule book: the law as data, read from `rules/` into a validated `RuleSet`.

Safe YAML reading with a line for every value (`safe_yaml`), the `when` condition language
(`conditions`), the rule model (`model`), the shipped JSON Schemas (`schemas/`) and the
all-or-nothing `loader`. It may import the contract only; nothing here decides a fact.
"""
