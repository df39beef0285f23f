"""Moderation flags: where judges disagree on a criterion, and which judges score out of line.

This module owns :func:`criterion_disagreements` (the "2 levels" rule on raw criterion scores)
and :func:`outlier_judges` (a judge's mean gap to the rest of the panel, in panel standard
deviations). Flags are for a human moderator to look at; they never change a score or a rank.

It must not rank, round except for the displayed distance (via :func:`to_decimal`), use float
or ``statistics``, or import anything outside the standard library and ``awards.scoring``.
Sheets are checked exactly as :func:`awards.scoring.compute_standings` checks them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from awards.scoring.aggregate import as_fraction, standard_deviation, to_decimal
from awards.scoring.ranking import collect_sheets
from awards.scoring.rubric import RubricSpec, ScoringError, SheetInput

__all__ = ["Disagreement", "OutlierJudge", "criterion_disagreements", "outlier_judges"]


@dataclass(frozen=True)
class Disagreement:
    entry: str
    criterion: str
    low: Decimal  # lowest raw score given
    high: Decimal  # highest raw score given
    spread_levels: int  # (high - low) / step of the criterion
    judges_low: tuple[str, ...]  # judges who gave ``low``, sorted
    judges_high: tuple[str, ...]  # judges who gave ``high``, sorted


@dataclass(frozen=True)
class OutlierJudge:
    judge: str
    sheets: int  # this judge's cards on entries that at least one other judge scored
    mean_difference: Fraction  # points: mean of (own total - mean of the others' totals)
    distance_sd: Decimal  # mean_difference / panel sd, 2 places (half up)
    direction: str  # "lenient" (above the others) or "harsh" (below)


def criterion_disagreements(
    rubric: RubricSpec, sheets: Iterable[SheetInput], *, levels: int = 2
) -> tuple[Disagreement, ...]:
    """Every (entry, criterion) whose judges' raw scores span at least ``levels`` steps.

    The spread is ``max - min`` of the raw scores (not the weighted total) measured in the
    criterion's ``step``; with the default, two judges one level apart are fine, two levels apart
    are flagged. Entries with one judge cannot disagree. Ordered by entry key, then rubric order.
    """
    if isinstance(levels, bool) or not isinstance(levels, int) or levels < 1:
        raise ScoringError(f"Levels must be a whole number of at least 1, not {levels!r}")
    table = collect_sheets(rubric, sheets)
    flags: list[Disagreement] = []
    for entry in sorted(table.scores):
        cards = table.scores[entry]
        if len(cards) < 2:
            continue
        for spec in rubric.criteria:
            given = {judge: card[spec.code] for judge, card in cards.items()}
            low, high = min(given.values()), max(given.values())
            spread = (as_fraction(high) - as_fraction(low)) / as_fraction(spec.step)
            if spread >= levels:
                flags.append(
                    Disagreement(
                        entry=entry,
                        criterion=spec.code,
                        low=low,
                        high=high,
                        spread_levels=int(spread),  # scores are on the step grid: a whole number
                        judges_low=tuple(sorted(j for j, value in given.items() if value == low)),
                        judges_high=tuple(sorted(j for j, value in given.items() if value == high)),
                    )
                )
    return tuple(flags)


def outlier_judges(
    rubric: RubricSpec, sheets: Iterable[SheetInput], *, threshold: Decimal = Decimal(2)
) -> tuple[OutlierJudge, ...]:
    """Judges whose totals sit, on average, ``threshold`` or more panel sds from their colleagues'.

    For each card on an entry with at least two judges: ``d = own total - mean(other judges'
    totals on that entry)``; a judge's ``mean_difference`` is the mean of their ``d``. The panel
    sd is the population standard deviation of every total in the batch (the one inexact step,
    see :func:`awards.scoring.aggregate.square_root`); ``distance = mean_difference / panel sd``
    is compared exactly with ``threshold`` and shown to 2 places; a judge exactly level with the
    others (distance 0) has no direction and is never flagged. Entries with a single judge are
    ignored; if every total is equal (sd 0) nobody is out of line and the result is empty.
    Ordered by ``|distance|`` descending, then judge key.
    """
    limit = as_fraction(threshold)
    if limit < 0:
        raise ScoringError(f"Threshold {threshold} is negative")
    table = collect_sheets(rubric, sheets)
    all_totals = [total for by_judge in table.totals.values() for total in by_judge.values()]
    if not all_totals:
        return ()
    _, panel_sd = standard_deviation(all_totals)
    if not panel_sd:
        return ()
    differences: dict[str, list[Fraction]] = {}
    for by_judge in table.totals.values():
        if len(by_judge) < 2:
            continue
        whole = sum(by_judge.values(), Fraction(0))
        others = len(by_judge) - 1
        for judge, total in by_judge.items():
            differences.setdefault(judge, []).append(total - (whole - total) / others)
    flagged: list[tuple[Fraction, OutlierJudge]] = []
    for judge, gaps in differences.items():
        mean_difference = sum(gaps, Fraction(0)) / len(gaps)
        distance = mean_difference / panel_sd
        if abs(distance) >= limit and distance:
            flagged.append(
                (
                    distance,
                    OutlierJudge(
                        judge=judge,
                        sheets=len(gaps),
                        mean_difference=mean_difference,
                        distance_sd=to_decimal(distance, 2),
                        direction="lenient" if distance > 0 else "harsh",
                    ),
                )
            )
    flagged.sort(key=lambda pair: (-abs(pair[0]), pair[1].judge))
    return tuple(flag for _, flag in flagged)
