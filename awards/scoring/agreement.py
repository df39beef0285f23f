"""Agreement statistics of a judging panel: Kendall's W and ICC(2,1), exactly.

This module owns :func:`complete_block` (the judges x entries block the statistics are taken on),
:func:`kendalls_w` and :func:`icc`. Both are exact Fractions computed from weighted totals; no
square root is involved.

It must not rank entries for the standings, round, use float or ``statistics``, or import
anything outside the standard library and ``awards.scoring``. Sheets are checked exactly as
:func:`awards.scoring.compute_standings` checks them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from awards.scoring.ranking import SheetTable, collect_sheets
from awards.scoring.rubric import RubricSpec, SheetInput

__all__ = ["MIN_ENTRIES", "MIN_JUDGES", "Agreement", "Block", "complete_block", "icc", "kendalls_w"]

MIN_JUDGES = 2
MIN_ENTRIES = 3


@dataclass(frozen=True)
class Agreement:
    name: str  # "kendalls_w" or "icc_2_1"
    value: Fraction
    judges: int  # judges in the complete block
    entries: int  # entries in the complete block


@dataclass(frozen=True)
class Block:
    """The complete block: every judge here scored every entry here. ``reason`` if unusable."""

    judges: tuple[str, ...]
    entries: tuple[str, ...]
    reason: str | None  # None, "too_few_judges" or "too_few_common_entries"


def _block(table: SheetTable) -> Block:
    seen: dict[str, set[str]] = {}
    for entry, by_judge in table.totals.items():
        for judge in by_judge:
            seen.setdefault(judge, set()).add(entry)
    judges = sorted(seen)

    def common(panel: list[str]) -> set[str]:
        return set.intersection(*(seen[judge] for judge in panel)) if panel else set()

    shared = common(judges)
    # Greedy and deterministic, not an exhaustive search: while fewer than MIN_ENTRIES entries are
    # shared, drop the judge whose absence shares the most entries (ties: the judge with fewer
    # cards, then the later key). A panel where every judge scored every entry is used whole.
    while len(judges) >= MIN_JUDGES and len(shared) < MIN_ENTRIES:
        if len(judges) == MIN_JUDGES:
            break
        drop = max(
            judges,
            key=lambda judge: (len(common([j for j in judges if j != judge])), -len(seen[judge]), judge),
        )
        judges = [judge for judge in judges if judge != drop]
        shared = common(judges)
    if len(judges) < MIN_JUDGES:
        return Block(tuple(judges), tuple(sorted(shared)), "too_few_judges")
    if len(shared) < MIN_ENTRIES:
        return Block(tuple(judges), tuple(sorted(shared)), "too_few_common_entries")
    return Block(tuple(judges), tuple(sorted(shared)), None)


def complete_block(rubric: RubricSpec, sheets: Iterable[SheetInput]) -> Block:
    """The judges and entries :func:`kendalls_w` and :func:`icc` use, and why not if unusable.

    All judges on the entries they all scored, if those are at least 3; otherwise judges are
    dropped one at a time (the one whose absence leaves the most common entries) until at least
    3 entries are common to the rest. Needs at least 2 judges and 3 entries.
    """
    return _block(collect_sheets(rubric, sheets))


def _block_totals(rubric: RubricSpec, sheets: Iterable[SheetInput]) -> list[list[Fraction]] | None:
    """The complete block's totals as rows = entries, columns = judges (key order), or None if unusable."""
    table = collect_sheets(rubric, sheets)
    block = _block(table)
    if block.reason is not None:
        return None
    return [[table.totals[entry][judge] for judge in block.judges] for entry in block.entries]


def _mid_ranks(values: list[Fraction]) -> tuple[list[Fraction], int]:
    """Ranks 1..n (highest value first), tied values sharing their mean rank; and sum(t^3 - t)."""
    order = sorted(range(len(values)), key=lambda index: values[index], reverse=True)
    ranks = [Fraction(0)] * len(values)
    correction = 0
    start = 0
    while start < len(order):
        end = start + 1
        while end < len(order) and values[order[end]] == values[order[start]]:
            end += 1
        tied = end - start
        for index in order[start:end]:
            ranks[index] = Fraction(start + 1 + end, 2)  # mean of places start+1 .. end
        correction += tied**3 - tied
        start = end
    return ranks, correction


def kendalls_w(rubric: RubricSpec, sheets: Iterable[SheetInput]) -> Agreement | None:
    """Kendall's coefficient of concordance W over the complete block, with tie correction.

    Each judge ranks the block's entries by weighted total (ties get mid-ranks); ``R_i`` is the
    sum of entry i's ranks over the m judges, ``S = sum (R_i - mean R)^2`` over the n entries and
    ``W = 12 S / (m^2 (n^3 - n) - m sum_j T_j)`` with ``T_j = sum (t^3 - t)`` over judge j's tie
    groups of size t. 1 is perfect agreement, 0 none. None if the block is unusable (see
    :func:`complete_block`) or every judge tied every entry (W undefined).
    """
    rows = _block_totals(rubric, sheets)
    if rows is None:
        return None
    n, m = len(rows), len(rows[0])
    rank_sums = [Fraction(0)] * n
    ties = 0
    for column in range(m):
        ranks, correction = _mid_ranks([row[column] for row in rows])
        ties += correction
        for index, value in enumerate(ranks):
            rank_sums[index] += value
    mean = sum(rank_sums, Fraction(0)) / n
    s = sum(((value - mean) ** 2 for value in rank_sums), Fraction(0))
    denominator = m * m * (n**3 - n) - m * ties
    if denominator == 0:
        return None
    return Agreement("kendalls_w", 12 * s / denominator, m, n)


def icc(rubric: RubricSpec, sheets: Iterable[SheetInput]) -> Agreement | None:
    """ICC(2,1) of Shrout & Fleiss (1979): two-way random effects, absolute agreement, one rater.

    On the complete block of weighted totals (n entries = targets, k judges = raters), with the
    two-way ANOVA mean squares ``BMS`` (entries, df n-1), ``JMS`` (judges, df k-1) and ``EMS``
    (residual, df (n-1)(k-1))::

        ICC(2,1) = (BMS - EMS) / (BMS + (k-1) EMS + k (JMS - EMS) / n)

    It can be negative when judges disagree more than chance. None if the block is unusable (see
    :func:`complete_block`) or the denominator is 0 (e.g. every total equal).
    """
    rows = _block_totals(rubric, sheets)
    if rows is None:
        return None
    n, k = len(rows), len(rows[0])
    grand = sum((value for row in rows for value in row), Fraction(0)) / (n * k)
    row_means = [sum(row, Fraction(0)) / k for row in rows]
    column_means = [sum((row[column] for row in rows), Fraction(0)) / n for column in range(k)]
    total_ss = sum(((value - grand) ** 2 for row in rows for value in row), Fraction(0))
    between_ss = k * sum(((mean - grand) ** 2 for mean in row_means), Fraction(0))
    judges_ss = n * sum(((mean - grand) ** 2 for mean in column_means), Fraction(0))
    error_ss = total_ss - between_ss - judges_ss
    bms = between_ss / (n - 1)
    jms = judges_ss / (k - 1)
    ems = error_ss / ((n - 1) * (k - 1))
    denominator = bms + (k - 1) * ems + k * (jms - ems) / n
    if denominator == 0:
        return None
    return Agreement("icc_2_1", (bms - ems) / denominator, k, n)
