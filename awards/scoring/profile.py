"""Criterion profiles: how each entry scored on each criterion, against the category's median.

This module owns :func:`criterion_profile` (per entry and criterion, the mean raw score across
that entry's scorecards; per criterion, the median of those per-entry means over the category)
and :func:`nearest_level` (the level of a criterion's scale closest to such a mean, to name the
descriptor it is nearest). It is what an institution's feedback report is built on.

It must not rank, round (display rounding is :func:`awards.scoring.to_decimal`), use float or
``statistics``, know which entries were ranked or who the judges are beyond their keys, or import
anything outside the standard library and ``awards.scoring``. Sheets are checked exactly as
:func:`awards.scoring.compute_standings` checks them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from awards.scoring.aggregate import aggregate, as_fraction
from awards.scoring.ranking import collect_sheets
from awards.scoring.rubric import CriterionSpec, RubricSpec, ScoringError, SheetInput

__all__ = ["CriterionProfile", "criterion_profile", "nearest_level"]


@dataclass(frozen=True)
class CriterionProfile:
    """Per-criterion means of every entry that has a scorecard, and the category's medians.

    All values are exact Fractions; criteria are in rubric order and entries in key order.
    """

    criteria: tuple[str, ...]  # criterion codes, rubric order
    # ((entry, ((criterion, mean raw score across the entry's sheets), ...)), ...) by entry key
    means: tuple[tuple[str, tuple[tuple[str, Fraction], ...]], ...]
    medians: tuple[tuple[str, Fraction], ...]  # (criterion, median of the per-entry means), rubric order
    sheets: tuple[tuple[str, int], ...]  # (entry, number of scorecards), by entry key
    entries: int  # entries with at least one scorecard: how many means each median is taken over

    def entry_means(self, entry: str) -> dict[str, Fraction]:
        """``{criterion: mean}`` for one entry, rubric order; ScoringError if it has no scorecard."""
        for key, pairs in self.means:
            if key == entry:
                return dict(pairs)
        raise ScoringError(f"Entry {entry!r} has no scorecard in this profile", entry=entry)

    def median(self, criterion: str) -> Fraction:
        """The category median of the per-entry means of one criterion."""
        for code, value in self.medians:
            if code == criterion:
                return value
        raise ScoringError(f"Criterion {criterion!r}: not in this rubric", criterion=criterion)

    def difference(self, entry: str, criterion: str) -> Fraction:
        """The entry's mean minus the category median, exactly (positive: above the median)."""
        return self.entry_means(entry)[criterion] - self.median(criterion)

    def sheet_count(self, entry: str) -> int:
        """How many scorecards the entry's means are taken over (0 if it has none)."""
        return dict(self.sheets).get(entry, 0)


def criterion_profile(rubric: RubricSpec, sheets: Iterable[SheetInput]) -> CriterionProfile:
    """Each entry's mean raw score per criterion, and each criterion's median over the entries.

    An entry's mean for a criterion is the plain mean of the raw scores its judges gave (every
    submitted card counts the same, whatever the category's aggregation method: this describes
    the scores, it does not rank). The category median of a criterion is the median of those
    per-entry means over every entry that has at least one card, so an entry scored by many
    judges weighs as much as one scored by few; with an even number of entries it is the mean of
    the two middle values. Criteria not counted in the total are profiled too. Every card is
    checked as :func:`awards.scoring.compute_standings` checks it (ScoringError naming the entry,
    judge and criterion); no cards at all gives an empty profile with no medians.
    """
    table = collect_sheets(rubric, sheets)
    codes = rubric.codes
    means = tuple(
        (
            entry,
            tuple(
                (code, aggregate([card[code] for card in table.scores[entry].values()], method="mean"))
                for code in codes
            ),
        )
        for entry in sorted(table.scores)
    )
    medians: tuple[tuple[str, Fraction], ...] = ()
    if means:
        medians = tuple(
            (code, aggregate([dict(pairs)[code] for _, pairs in means], method="median"))
            for code in codes
        )
    return CriterionProfile(
        criteria=codes,
        means=means,
        medians=medians,
        sheets=tuple((entry, len(table.scores[entry])) for entry in sorted(table.scores)),
        entries=len(means),
    )


def nearest_level(spec: CriterionSpec, value: Fraction | Decimal | int) -> Decimal:
    """The level of ``spec``'s scale closest to ``value`` (a mean of scores on that scale).

    Levels are ``minimum, minimum + step, ... maximum``. A value exactly halfway between two
    levels goes to the higher one, as :func:`awards.scoring.to_decimal` rounds half up; a value
    outside the scale gives its nearer end. Floats raise TypeError.
    """
    spec.validate()
    exact = as_fraction(value)
    minimum, step = Fraction(spec.minimum), Fraction(spec.step)
    steps = (exact - minimum) / step
    whole, remainder = divmod(steps.numerator, steps.denominator)
    if 2 * remainder >= steps.denominator:
        whole += 1
    last = (Fraction(spec.maximum) - minimum) / step  # a whole number: validate() checked the scale
    whole = min(max(whole, 0), int(last))
    # A Decimal on the scale's own grid: exact, a few digits of the spec's own Decimals.
    return spec.minimum + spec.step * whole
