"""Robustness: would the podium be the same without any one judge?

This module owns :func:`leave_one_judge_out` and :func:`podium_decided_by`. It recomputes the
standings with :func:`awards.scoring.compute_standings` (never a second scoring path) and only
compares who holds places 1 to 3.

It must not change standings, round, decide anything at random, or import anything outside the
standard library and ``awards.scoring``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from awards.scoring.ranking import Settings, Standings, compute_standings
from awards.scoring.rubric import RubricSpec, SheetInput

__all__ = ["PODIUM_PLACES", "JudgeInfluence", "leave_one_judge_out", "podium", "podium_decided_by"]

PODIUM_PLACES = 3

Podium = tuple[tuple[int, tuple[str, ...]], ...]


@dataclass(frozen=True)
class JudgeInfluence:
    judge: str
    changes_podium: bool
    podium_before: Podium  # ((place, entries sharing it), ...) for places 1..3, ties included
    podium_after: Podium  # the same without this judge's scorecards


def podium(standings: Standings) -> Podium:
    """``((place, (entry, ...)), ...)`` for every ranked place up to 3, entries in key order."""
    places: dict[int, list[str]] = {}
    for row in standings.rows:
        if row.rank <= PODIUM_PLACES:
            places.setdefault(row.rank, []).append(row.entry)
    return tuple((place, tuple(sorted(entries))) for place, entries in sorted(places.items()))


def leave_one_judge_out(
    rubric: RubricSpec,
    sheets: Iterable[SheetInput],
    *,
    entries: Iterable[str],
    settings: Settings = Settings(),
) -> tuple[JudgeInfluence, ...]:
    """For each judge (key order), the podium with and without that judge's scorecards.

    Everything else (settings, quorum, tie-breaks, normalisation) is as in the real computation,
    so an entry may drop below quorum when its judge is left out; that counts as a change if it
    was on the podium. Costs one :func:`compute_standings` per judge plus one.
    """
    cards = list(sheets)
    entry_keys = list(entries)
    before = podium(compute_standings(rubric, cards, entries=entry_keys, settings=settings))
    result = []
    for judge in sorted({card.judge for card in cards}):
        rest = [card for card in cards if card.judge != judge]
        after = podium(compute_standings(rubric, rest, entries=entry_keys, settings=settings))
        result.append(JudgeInfluence(judge, after != before, before, after))
    return tuple(result)


def podium_decided_by(
    rubric: RubricSpec,
    sheets: Iterable[SheetInput],
    *,
    entries: Iterable[str],
    settings: Settings = Settings(),
) -> tuple[str, ...]:
    """The judges (key order) whose removal alone would change who holds places 1 to 3."""
    influences = leave_one_judge_out(rubric, sheets, entries=entries, settings=settings)
    return tuple(influence.judge for influence in influences if influence.changes_podium)
