"""enforcement-rules: work-safety enforcement law as declarative, reviewable, tested rules.

import enforcement_rules as er
rules = er.load_rules()                       # the bundled rules/, or er.load_rules(path)
decision = er.decide({"kind": "blocked_exits", "occurred_on": "2025-09-09"}, rules=rules)
decision.measures, decision.penalties, decision.fines, decision.to_dict()
er.decide_inspection({"findings": [facts, other_facts]})  # one inspection, several findings
print(er.explain({"kind": "blocked_exits", "occurred_on": "2025-09-09"}))  # in words
"""

from .contract.citation import Citation
from .contract.decision import Decision, FiredRule
from .contract.errors import (
    EnforcementRulesError,
    EngineError,
    FactError,
    FactErrors,
    NoApplicableLawError,
    RuleConflictError,
    RuleFileError,
    RuleSetError,
    UncoveredKindError,
)
from .contract.facts import Violation
from .contract.fines import FineRange
from .contract.inspection import Inspection, InspectionDecision
from .contract.version import library_version
from .contract.vocabulary import (
    Authority,
    Circumstance,
    FineTarget,
    Hazard,
    Hearing,
    Measure,
    Penalty,
    PenaltyAdjustment,
    PenaltyBasis,
    Procedure,
    Section,
    Sector,
)
from .deciding.decider import Decider, decide, decide_many, default_rules
from .deciding.inspection import decide_inspection
from .review.explain import explain_facts as explain
from .rulebook.loader import bundled_rules_dir, load_rules
from .rulebook.model import Rule, RuleSet

#: The installed package's version (its metadata: one source of truth, `pyproject.toml`).
__version__ = library_version()

__all__ = [
    "Authority",
    "Circumstance",
    "Citation",
    "Decider",
    "Decision",
    "EnforcementRulesError",
    "EngineError",
    "FactError",
    "FactErrors",
    "FineRange",
    "FineTarget",
    "FiredRule",
    "Hazard",
    "Hearing",
    "Inspection",
    "InspectionDecision",
    "Measure",
    "NoApplicableLawError",
    "Penalty",
    "PenaltyAdjustment",
    "PenaltyBasis",
    "Procedure",
    "Rule",
    "RuleConflictError",
    "RuleFileError",
    "RuleSet",
    "RuleSetError",
    "Section",
    "Sector",
    "UncoveredKindError",
    "Violation",
    "bundled_rules_dir",
    "decide",
    "decide_inspection",
    "decide_many",
    "default_rules",
    "explain",
    "load_rules",
]
