"""awards.scoring: exact, deterministic scoring of award entries from judges' scorecards.

This package owns the arithmetic of judging: rubrics and weighted totals (``rubric``),
aggregating several judges (``aggregate``), ranking entries into standings (``ranking``), and the
read-only analyses of a panel built on them: moderation flags (``moderation``), agreement
statistics (``agreement``), leave-one-judge-out robustness (``robustness``), explanations
(``explain``) and per-criterion profiles against the category median (``profile``).
``python -m awards.scoring.bench`` times them at national scale. The app calls only the names
re-exported here.

It must not import Flask, SQLAlchemy or any other part of ``awards``; it uses the standard
library only, never float or ``statistics``, and never decides anything at random. Values are
Fractions inside and Decimals at the edges; :func:`to_decimal` is the one place that rounds for
display, and :func:`square_root` (40 digits, deterministic) the one inexact step.
"""

from awards.scoring.aggregate import AGGREGATIONS, aggregate, square_root, standard_deviation, to_decimal
from awards.scoring.agreement import Agreement, Block, complete_block, icc, kendalls_w
from awards.scoring.explain import Explanation, VersusNext, explain
from awards.scoring.moderation import Disagreement, OutlierJudge, criterion_disagreements, outlier_judges
from awards.scoring.profile import CriterionProfile, criterion_profile, nearest_level
from awards.scoring.ranking import (
    CRITERION_TIE_BREAK_PREFIX,
    TIE_BREAKS,
    RankedRow,
    Settings,
    SheetTable,
    Standings,
    Tally,
    UnrankedRow,
    collect_sheets,
    competition_ranks,
    compute_standings,
    normalised_totals,
    rank,
    resolve_tie_break,
)
from awards.scoring.robustness import JudgeInfluence, leave_one_judge_out, podium, podium_decided_by
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
    "Agreement",
    "Block",
    "CriterionProfile",
    "CriterionSpec",
    "Disagreement",
    "Explanation",
    "JudgeInfluence",
    "OutlierJudge",
    "RankedRow",
    "RubricSpec",
    "ScoringError",
    "Settings",
    "SheetInput",
    "SheetTable",
    "Standings",
    "Tally",
    "UnrankedRow",
    "VersusNext",
    "aggregate",
    "check_score",
    "collect_sheets",
    "competition_ranks",
    "complete_block",
    "compute_standings",
    "criterion_disagreements",
    "criterion_profile",
    "explain",
    "icc",
    "kendalls_w",
    "leave_one_judge_out",
    "nearest_level",
    "normalised_totals",
    "outlier_judges",
    "podium",
    "podium_decided_by",
    "rank",
    "resolve_tie_break",
    "square_root",
    "standard_deviation",
    "to_decimal",
    "weighted_total",
]
