"""Standings: from submitted scorecards to ranked and unranked entries of one category.

This module owns the scoring settings, the tie-break registry (stable keys), the one
competition-ranking implementation (:func:`competition_ranks`, ranks as ``(rank, tied)``), and
:func:`compute_standings`. Its shape follows Tabbycat's standings: registries of stable string
keys, precedence as an ordered list of keys, and ranks shared by rows equal on every key.

It must not round (display rounding is :func:`awards.scoring.to_decimal`), must not decide
anything at random or by input order, must not know which scorecards are drafts (callers pass
only submitted ones), and must not import anything outside the standard library and
``awards.scoring``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from awards.scoring.aggregate import AGGREGATIONS, aggregate
from awards.scoring.rubric import RubricSpec, ScoringError, SheetInput, weighted_total

__all__ = [
    "CRITERION_TIE_BREAK_PREFIX",
    "TIE_BREAKS",
    "RankedRow",
    "Settings",
    "Standings",
    "Tally",
    "UnrankedRow",
    "competition_ranks",
    "compute_standings",
    "resolve_tie_break",
]

# Stable reason keys for entries left out of the ranking (the app translates them).
BELOW_QUORUM = "below_quorum"

# Once an entry has this many judges the domain default drops its single highest and lowest total.
AUTO_TRIM = 1


@dataclass(frozen=True)
class Tally:
    """What the judges gave one entry: the facts every tie-break reads from."""

    entry: str
    judge_totals: tuple[tuple[str, Fraction], ...]  # sorted by judge key
    criterion_means: tuple[tuple[str, Fraction], ...]  # rubric order, raw scores
    first_places: int  # judges who gave this entry their highest total (shared highs count)


# A tie-break turns a tally into a number where higher is better.
TieBreak = Callable[[Tally], Fraction]


def _median_total(tally: Tally, rubric: RubricSpec) -> Fraction:
    return aggregate([total for _, total in tally.judge_totals], "median")


def _first_places(tally: Tally, rubric: RubricSpec) -> Fraction:
    return Fraction(tally.first_places)


def _criterion_mean(code: str) -> Callable[[Tally, RubricSpec], Fraction]:
    def criterion_mean(tally: Tally, rubric: RubricSpec) -> Fraction:
        return dict(tally.criterion_means)[code]

    return criterion_mean


def _highest_weight(tally: Tally, rubric: RubricSpec) -> Fraction:
    # Only criteria counted in the total carry a meaningful weight. max() keeps the first of
    # equal weights, i.e. the first in rubric order, so the choice is stable.
    heaviest = max((spec for spec in rubric.criteria if spec.in_total), key=lambda spec: spec.weight)
    return _criterion_mean(heaviest.code)(tally, rubric)


TIE_BREAKS: dict[str, Callable[[Tally, RubricSpec], Fraction]] = {
    "median": _median_total,
    "first_places": _first_places,
    "highest_weight": _highest_weight,
}

# Besides the fixed keys above, "criterion:<code>" breaks ties on the mean of one criterion.
CRITERION_TIE_BREAK_PREFIX = "criterion:"


def resolve_tie_break(key: str, rubric: RubricSpec) -> TieBreak:
    """The tie-break function for a key; ScoringError if the key or its criterion is unknown."""
    if isinstance(key, str) and key.startswith(CRITERION_TIE_BREAK_PREFIX):
        code = key[len(CRITERION_TIE_BREAK_PREFIX) :]
        if code not in rubric.codes:
            raise ScoringError(
                f"Tie-break {key!r} names criterion {code!r}, which is not in this rubric", criterion=code
            )
        function = _criterion_mean(code)
    else:
        try:
            function = TIE_BREAKS[key]
        except (KeyError, TypeError):
            known = ", ".join([*sorted(TIE_BREAKS), f"{CRITERION_TIE_BREAK_PREFIX}<code>"])
            raise ScoringError(f"Unknown tie-break {key!r}; expected one of {known}") from None
    return lambda tally: function(tally, rubric)


@dataclass(frozen=True)
class Settings:
    """How a category's scorecards become standings. Keys refer to the registries above.

    ``auto_trim_from``: with ``method="mean"``, an entry with at least this many judges is scored
    by trimmed mean dropping its one highest and one lowest total (the domain default); ``None``
    disables it. ``quorum`` is the minimum number of submitted scorecards for an entry to be
    ranked. ``tie_breaks`` are applied in order after the score.
    """

    method: str = "mean"
    trim: int = 0
    auto_trim_from: int | None = 4
    quorum: int = 1
    tie_breaks: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # Stored settings come back as JSON lists; keep a tuple so Settings stays hashable.
        object.__setattr__(self, "tie_breaks", tuple(self.tie_breaks))

    def validate(self, rubric: RubricSpec) -> None:
        """Raise ScoringError if any key or number cannot be used with this rubric."""
        if not isinstance(self.method, str) or self.method not in AGGREGATIONS:
            known = ", ".join(sorted(AGGREGATIONS))
            raise ScoringError(f"Unknown aggregation method {self.method!r}; expected one of {known}")
        if not _is_int(self.trim) or self.trim < 0:
            raise ScoringError(f"Trim must be a whole number of at least 0, not {self.trim!r}")
        if not _is_int(self.quorum) or self.quorum < 1:
            raise ScoringError(f"Quorum must be a whole number of at least 1, not {self.quorum!r}")
        # Trimming one from each end of fewer than 3 totals would leave nothing to average.
        if self.auto_trim_from is not None and (not _is_int(self.auto_trim_from) or self.auto_trim_from < 3):
            raise ScoringError(
                f"Automatic trimming must start from at least 3 judges, not {self.auto_trim_from!r}"
            )
        seen: set[str] = set()
        for key in self.tie_breaks:
            resolve_tie_break(key, rubric)
            if key in seen:
                raise ScoringError(f"Tie-break {key!r} is listed twice")
            seen.add(key)

    def required_sheets(self) -> int:
        """Scorecards an entry needs to be ranked: the quorum, or more if trimming needs more.

        An explicit trimmed mean must keep at least one total, so an entry with 2*trim cards or
        fewer is reported as below quorum rather than failing the whole category.
        """
        if self.method == "trimmed_mean":
            return max(self.quorum, 2 * self.trim + 1)
        return self.quorum

    def method_for(self, judges: int) -> tuple[str, int]:
        """The (method, trim) actually used for an entry scored by this many judges."""
        if self.method == "mean" and self.auto_trim_from is not None and judges >= self.auto_trim_from:
            return "trimmed_mean", AUTO_TRIM
        return self.method, self.trim


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _method_label(method: str, trim: int) -> str:
    return f"{method}:{trim}" if method == "trimmed_mean" else method


@dataclass(frozen=True)
class RankedRow:
    entry: str
    rank: int  # standard competition ranking: 1, 2, 2, 4
    tied: bool  # shares its rank with another row after every tie-break
    score: Fraction  # the aggregate of the judge totals, 0..100
    judge_totals: tuple[tuple[str, Fraction], ...]  # sorted by judge key
    criterion_means: tuple[tuple[str, Fraction], ...]  # mean raw score per criterion, rubric order
    tie_break_values: tuple[tuple[str, Fraction], ...]  # in the configured order
    method: str  # e.g. "mean", "median", "trimmed_mean:1"


@dataclass(frozen=True)
class UnrankedRow:
    entry: str
    reason: str  # stable key, e.g. "below_quorum"
    sheets: int  # submitted scorecards found
    required: int  # scorecards needed to be ranked


@dataclass(frozen=True)
class Standings:
    rows: tuple[RankedRow, ...]  # best first; rows tied after all tie-breaks by entry key
    unranked: tuple[UnrankedRow, ...]  # by entry key
    settings: Settings


def competition_ranks(keys_and_values: Sequence[tuple[str, tuple]]) -> dict[str, tuple[int, bool]]:
    """Standard competition ranking ("1224") by value tuple, highest first.

    Returns ``{key: (rank, tied)}`` ordered best first, equal tuples in key order. Rows whose
    tuples are equal share the rank of the first of them and are ``tied``; the next distinct
    tuple's rank skips the places they used. This is the only ranking in awards.scoring.
    """
    pairs = [(key, tuple(values)) for key, values in keys_and_values]
    keys = [key for key, _ in pairs]
    if len(set(keys)) != len(keys):
        duplicate = next(key for key in keys if keys.count(key) > 1)
        raise ScoringError(f"Entry {duplicate!r} appears twice in one ranking", entry=duplicate)
    # Sort by key first, then (stably) by value descending: equal values stay in key order, so
    # the result never depends on the order the caller built its list in.
    ordered = sorted(pairs, key=lambda pair: pair[0])
    ordered.sort(key=lambda pair: pair[1], reverse=True)
    ranks: dict[str, tuple[int, bool]] = {}
    start = 0
    while start < len(ordered):
        end = start + 1
        while end < len(ordered) and ordered[end][1] == ordered[start][1]:
            end += 1
        tied = end - start > 1
        for key, _ in ordered[start:end]:
            ranks[key] = (start + 1, tied)
        start = end
    return ranks


def compute_standings(
    rubric: RubricSpec,
    sheets: Iterable[SheetInput],
    *,
    entries: Iterable[str],
    settings: Settings = Settings(),
) -> Standings:
    """Rank the entries of one category from their submitted scorecards.

    Every key in ``entries`` appears in the result, ranked or unranked. Raises ScoringError for
    invalid settings, a sheet for an entry not listed, two sheets from one judge for one entry,
    or an invalid or incomplete sheet (naming the entry, judge and criterion).
    """
    settings.validate(rubric)
    tie_breaks = [(key, resolve_tie_break(key, rubric)) for key in settings.tie_breaks]
    entry_keys = sorted(set(entries))
    known_entries = set(entry_keys)

    totals: dict[str, dict[str, Fraction]] = defaultdict(dict)  # entry -> judge -> total
    raw_scores: dict[str, dict[str, list[Fraction]]] = defaultdict(lambda: defaultdict(list))
    # Check sheets in a fixed order so a batch with several bad sheets always reports the same one.
    for sheet in sorted(sheets, key=lambda sheet: (str(sheet.entry), str(sheet.judge))):
        if sheet.entry not in known_entries:
            raise ScoringError(
                f"A scorecard from judge {sheet.judge!r} is for entry {sheet.entry!r}, "
                "which is not being ranked",
                entry=sheet.entry,
                judge=sheet.judge,
            )
        if sheet.judge in totals[sheet.entry]:
            raise ScoringError(
                f"Judge {sheet.judge!r} has two scorecards for entry {sheet.entry!r}",
                entry=sheet.entry,
                judge=sheet.judge,
            )
        try:
            scores = sheet.score_map()
            totals[sheet.entry][sheet.judge] = weighted_total(rubric, scores)
        except ScoringError as error:
            raise error.about(entry=sheet.entry, judge=sheet.judge) from error
        for code in rubric.codes:
            raw_scores[sheet.entry][code].append(Fraction(scores[code]))

    first_places = _count_first_places(totals)

    tallies: dict[str, Tally] = {}
    unranked: list[UnrankedRow] = []
    for entry in entry_keys:
        judge_totals = totals.get(entry, {})
        required = settings.required_sheets()
        if len(judge_totals) < required:
            unranked.append(
                UnrankedRow(entry=entry, reason=BELOW_QUORUM, sheets=len(judge_totals), required=required)
            )
            continue
        tallies[entry] = Tally(
            entry=entry,
            judge_totals=tuple(sorted(judge_totals.items())),
            criterion_means=tuple(
                (code, aggregate(raw_scores[entry][code], "mean")) for code in rubric.codes
            ),
            first_places=first_places.get(entry, 0),
        )

    facts: dict[str, tuple[Fraction, str, tuple[tuple[str, Fraction], ...]]] = {}
    for entry, tally in tallies.items():
        method, trim = settings.method_for(len(tally.judge_totals))
        score = aggregate([total for _, total in tally.judge_totals], method, trim=trim)
        values = tuple((key, function(tally)) for key, function in tie_breaks)
        facts[entry] = (score, _method_label(method, trim), values)

    # Precedence: the score, then each tie-break in order; all higher-is-better.
    ranks = competition_ranks(
        [(entry, (score, *(value for _, value in values))) for entry, (score, _, values) in facts.items()]
    )
    rows = tuple(
        RankedRow(
            entry=entry,
            rank=rank,
            tied=tied,
            score=facts[entry][0],
            judge_totals=tallies[entry].judge_totals,
            criterion_means=tallies[entry].criterion_means,
            tie_break_values=facts[entry][2],
            method=facts[entry][1],
        )
        for entry, (rank, tied) in ranks.items()
    )
    return Standings(rows=rows, unranked=tuple(unranked), settings=settings)


def _count_first_places(totals: dict[str, dict[str, Fraction]]) -> dict[str, int]:
    """For each entry, how many judges gave it their highest total in this computation.

    Every scorecard counts, including those of entries below quorum: a judge's preference is
    about what that judge saw. Entries sharing a judge's highest total each get the place.
    """
    best: dict[str, Fraction] = {}
    for judge_totals in totals.values():
        for judge, total in judge_totals.items():
            if judge not in best or total > best[judge]:
                best[judge] = total
    counts: dict[str, int] = {}
    for entry, judge_totals in totals.items():
        counts[entry] = sum(1 for judge, total in judge_totals.items() if total == best[judge])
    return counts
