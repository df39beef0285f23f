"""Explanations: why each ranked entry has its score and why it is above the next one.

This module owns :func:`explain`: per ranked entry, each judge's raw criterion scores and
weighted total, the method and settings that produced the score (a plain, JSON-ready dict), and
the reason it is above the row directly below it (the score, the first tie-break that separated
them, or nothing: tied).

It must not recompute or change the standings it is given (it reads them), round except in the
plain description, or import anything outside the standard library and ``awards.scoring``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from awards.scoring.aggregate import to_decimal
from awards.scoring.ranking import RankedRow, Standings, collect_sheets
from awards.scoring.rubric import RubricSpec, SheetInput

__all__ = ["SCORE", "TIED", "Explanation", "VersusNext", "explain"]

# Reasons in VersusNext besides a tie-break key.
SCORE = "score"
TIED = "tied"


@dataclass(frozen=True)
class VersusNext:
    """Why this row is above ``entry``, the row directly below it."""

    entry: str
    reason: str  # "score", a tie-break key (e.g. "median", "criterion:impact"), or "tied"
    value: Fraction | None  # this row's score or tie-break value; None when tied
    next_value: Fraction | None  # the same for the row below
    difference: Fraction | None  # value - next_value (> 0); None when tied


@dataclass(frozen=True)
class Explanation:
    entry: str
    rank: int
    score: Fraction
    # ((judge, ((criterion, raw score), ...), raw weighted total), ...) by judge key, rubric order
    breakdown: tuple[tuple[str, tuple[tuple[str, Decimal], ...], Fraction], ...]
    method: dict  # plain description of how the score was made, see explain()
    versus_next: VersusNext | None  # None for the last ranked row


def _versus(row: RankedRow, below: RankedRow) -> VersusNext:
    if row.score != below.score:
        return VersusNext(below.entry, SCORE, row.score, below.score, row.score - below.score)
    for (key, value), (_, next_value) in zip(row.tie_break_values, below.tie_break_values, strict=True):
        if value != next_value:
            return VersusNext(below.entry, key, value, next_value, value - next_value)
    return VersusNext(below.entry, TIED, None, None, None)


def explain(
    rubric: RubricSpec, sheets: Iterable[SheetInput], standings: Standings
) -> dict[str, Explanation]:
    """``{entry: Explanation}`` for every ranked row of ``standings``, best first.

    ``sheets`` must be the scorecards the standings were computed from. The breakdown shows raw
    scores and raw weighted totals even when the settings normalise (the normalised totals the
    score was aggregated from are ``row.judge_totals``). ``method`` holds ``method`` (the row's
    label, e.g. "trimmed_mean:1" or "z:mean"), ``judges``, ``score`` (2 places, as a string) and
    the settings: ``aggregation``, ``trim``, ``auto_trim_from``, ``quorum``, ``tie_breaks``,
    ``normalise``. Unranked entries have no explanation.
    """
    table = collect_sheets(rubric, sheets)
    settings = standings.settings
    rows = standings.rows
    result: dict[str, Explanation] = {}
    for index, row in enumerate(rows):
        cards = table.scores.get(row.entry, {})
        breakdown = tuple(
            (
                judge,
                tuple((code, cards[judge][code]) for code in rubric.codes),
                table.totals[row.entry][judge],
            )
            for judge in sorted(cards)
        )
        method = {
            "method": row.method,
            "judges": len(row.judge_totals),
            "score": str(to_decimal(row.score)),
            "aggregation": settings.method,
            "trim": settings.trim,
            "auto_trim_from": settings.auto_trim_from,
            "quorum": settings.quorum,
            "tie_breaks": list(settings.tie_breaks),
            "normalise": settings.normalise,
        }
        below = rows[index + 1] if index + 1 < len(rows) else None
        result[row.entry] = Explanation(
            entry=row.entry,
            rank=row.rank,
            score=row.score,
            breakdown=breakdown,
            method=method,
            versus_next=None if below is None else _versus(row, below),
        )
    return result
