"""Stage 1, the contract: what other bureau software sends and receives.

The closed code lists (`vocabulary`), the input `Violation` (`facts`), the output `Decision`
(`decision`, with its `Citation` and `FineRange` parts), the typed errors (`errors`) and the strict
JSON ⇄ attrs converter (`codec`). It knows no law and no engine, and it may import nothing else
of the library: every other stage builds on it.
"""
