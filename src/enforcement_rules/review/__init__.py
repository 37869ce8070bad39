"""Stage 5, review: the rule set and its decisions for legal staff to read.

`explain` puts a decision into Chinese and English words, `render` writes the catalogue (Markdown
or a static site, with its `templates/`), `coverage` the kind × version table, and `diff` the
decisions a rule change moves (over the same walk as `check`). It may import every lower stage:
contract, rule book, deciding and proving.
"""
