"""awards.scoring: exact, deterministic scoring of award entries from judges' scorecards.

This package owns the arithmetic of judging: rubrics and weighted totals (``rubric``),
aggregating several judges (``aggregate``) and ranking entries into standings (``ranking``).
The app calls only the names re-exported here.

It must not import Flask, SQLAlchemy or any other part of ``awards``; it uses the standard
library only, never float or ``statistics``, and never decides anything at random. Values are
Fractions inside and Decimals at the edges; :func:`to_decimal` is the one place that rounds.
"""

from awards.scoring.aggregate import AGGREGATIONS, aggregate, to_decimal
from awards.scoring.ranking import (
    CRITERION_TIE_BREAK_PREFIX,
    TIE_BREAKS,
    RankedRow,
    Settings,
    Standings,
    Tally,
    UnrankedRow,
    competition_ranks,
    compute_standings,
    resolve_tie_break,
)
from awards.scoring.rubric import (
    CriterionSpec,
    RubricSpec,
    ScoringError,
    SheetInput,
    check_score,
    weighted_total,
)

__all__ = [
    "AGGREGATIONS",
    "CRITERION_TIE_BREAK_PREFIX",
    "TIE_BREAKS",
    "CriterionSpec",
    "RankedRow",
    "RubricSpec",
    "ScoringError",
    "Settings",
    "SheetInput",
    "Standings",
    "Tally",
    "UnrankedRow",
    "aggregate",
    "check_score",
    "competition_ranks",
    "compute_standings",
    "resolve_tie_break",
    "to_decimal",
    "weighted_total",
]
