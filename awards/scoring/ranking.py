"""Standings: from submitted scorecards to ranked and unranked entries of one category.

This module owns the scoring settings, the tie-break registry (stable keys), the one
competition-ranking implementation (:func:`competition_ranks`, ranks as ``(rank, tied)``; :func:`rank`
is a plain-places view of it), the optional per-judge normalisation (:func:`normalised_totals`),
the checked reading of a batch of scorecards shared by the flag and agreement modules
(:func:`collect_sheets`), and :func:`compute_standings`. Its shape follows Tabbycat's standings: registries of stable string
keys, precedence as an ordered list of keys, and ranks shared by rows equal on every key.

It must not round (display rounding is :func:`awards.scoring.to_decimal`), must not decide
anything at random or by input order, must not know which scorecards are drafts (callers pass
only submitted ones), and must not import anything outside the standard library and
``awards.scoring``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from awards.scoring.aggregate import AGGREGATIONS, aggregate, as_fraction, standard_deviation
from awards.scoring.rubric import RubricSpec, ScoringError, SheetInput, card_points, criterion_mean

__all__ = [
    "CRITERION_TIE_BREAK_PREFIX",
    "TIE_BREAKS",
    "RankedRow",
    "Settings",
    "Standings",
    "Tally",
    "SheetTable",
    "UnrankedRow",
    "collect_sheets",
    "competition_ranks",
    "compute_standings",
    "normalised_totals",
    "rank",
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
    return aggregate([total for _, total in tally.judge_totals], method="median")


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
    ranked. ``tie_breaks`` are applied in order after the score. ``normalise``: aggregate each
    judge's totals as rescaled z-scores instead of raw totals (see :func:`normalised_totals`);
    the row's method is then prefixed ``"z:"``.
    """

    method: str = "mean"
    trim: int = 0
    auto_trim_from: int | None = 4
    quorum: int = 1
    tie_breaks: tuple[str, ...] = ()
    normalise: bool = False

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
        if not isinstance(self.normalise, bool):
            raise ScoringError(f"Normalise must be true or false, not {self.normalise!r}")
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
    score: Fraction  # the aggregate of judge_totals, 0..100 (may leave 0..100 when normalised)
    judge_totals: tuple[tuple[str, Fraction], ...]  # sorted by judge key; normalised if enabled
    criterion_means: tuple[tuple[str, Fraction], ...]  # mean raw score per criterion, rubric order
    tie_break_values: tuple[tuple[str, Fraction], ...]  # in the configured order
    method: str  # e.g. "mean", "median", "trimmed_mean:1"; "z:mean" etc. when normalised


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


def rank(scores: Mapping[Hashable, Fraction | Decimal | int], *, descending: bool = True) -> dict:
    """Standard competition places ``{key: place}`` (1, 1, 3), best first, equal keys in key order.

    Equal values share the best place of their group. ``descending=True`` means higher is better;
    ``False`` ranks the lowest value first. Values are Decimal, int or Fraction (floats raise
    TypeError). A thin view of :func:`competition_ranks`, the one ranking implementation.
    """
    sign = 1 if descending else -1
    ranks = competition_ranks([(key, (sign * as_fraction(value),)) for key, value in scores.items()])
    return {key: place for key, (place, _) in ranks.items()}


@dataclass(frozen=True)
class SheetTable:
    """A checked batch of scorecards: every card totalled, no judge twice on one entry.

    ``points`` and ``steps`` are the same cards in integers (see :func:`awards.scoring.rubric.card_points`):
    a total is ``points / denominator`` with one denominator for the rubric, so totals can be compared
    and aggregated without Fraction arithmetic per card.
    """

    totals: dict[str, dict[str, Fraction]]  # entry -> judge -> weighted total
    scores: dict[str, dict[str, dict[str, Decimal]]]  # entry -> judge -> code -> raw score
    points: dict[str, dict[str, int]] = field(default_factory=dict)  # entry -> judge -> total * denominator
    steps: dict[str, dict[str, tuple[int, ...]]] = field(default_factory=dict)  # steps per criterion, rubric order
    denominator: int = 1

    def judges(self) -> tuple[str, ...]:
        return tuple(sorted({judge for by_judge in self.totals.values() for judge in by_judge}))


def collect_sheets(
    rubric: RubricSpec, sheets: Iterable[SheetInput], *, entries: Iterable[str] | None = None
) -> SheetTable:
    """Total every scorecard, checking it as :func:`compute_standings` does.

    With ``entries``, a card for any other entry raises ScoringError; without, any entry goes.
    Cards are read in (entry, judge) order so the same bad batch always reports the same error.
    """
    known_entries = None if entries is None else set(entries)
    totals: dict[str, dict[str, Fraction]] = defaultdict(dict)
    scores: dict[str, dict[str, dict[str, Decimal]]] = defaultdict(dict)
    points: dict[str, dict[str, int]] = defaultdict(dict)
    steps: dict[str, dict[str, tuple[int, ...]]] = defaultdict(dict)
    denominator = 1
    for sheet in sorted(sheets, key=lambda sheet: (str(sheet.entry), str(sheet.judge))):
        if known_entries is not None and sheet.entry not in known_entries:
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
            card = sheet.score_map()
            card_steps, card_total, denominator = card_points(rubric, card)
        except ScoringError as error:
            raise error.about(entry=sheet.entry, judge=sheet.judge) from error
        totals[sheet.entry][sheet.judge] = Fraction(card_total, denominator)
        points[sheet.entry][sheet.judge] = card_total
        steps[sheet.entry][sheet.judge] = card_steps
        scores[sheet.entry][sheet.judge] = card
    return SheetTable(totals=dict(totals), scores=dict(scores), points=dict(points), steps=dict(steps),
                      denominator=denominator)


def normalised_totals(totals: Mapping[str, Mapping[str, Fraction]]) -> dict[str, dict[str, Fraction]]:
    """Each judge's totals as z-scores over that judge's cards, rescaled to the panel's scale.

    ``z = (total - judge mean) / judge sd`` over all of the judge's cards in ``totals`` (this
    computation: the category, including entries below quorum), then ``z * pooled sd + pooled
    mean`` where the pooled mean and sd are over every raw total in ``totals``. Standard
    deviations are population ones (divide by n) and their square roots are the one inexact step
    (:func:`awards.scoring.aggregate.square_root`: 40 significant digits, deterministic, order
    independent). The result is NOT clamped to 0..100: a judge's lowest card may land below 0 or
    the highest above 100, and clamping would make different totals equal and change the order.

    A judge with a single card, or whose cards all have the same total, keeps the raw totals:
    their z-scores are undefined (zero spread), and inventing a spread for them would be arbitrary.
    """
    by_judge: dict[str, list[Fraction]] = defaultdict(list)
    for judge_totals in totals.values():
        for judge, total in judge_totals.items():
            by_judge[judge].append(total)
    if not by_judge:
        return {}
    pooled_mean, pooled_sd = standard_deviation(
        total for judge_totals in by_judge.values() for total in judge_totals
    )
    scale: dict[str, tuple[Fraction, Fraction]] = {}
    for judge, judge_totals in by_judge.items():
        if len(judge_totals) < 2:
            continue
        mean, sd = standard_deviation(judge_totals)
        if sd:
            scale[judge] = (mean, sd)
    result: dict[str, dict[str, Fraction]] = {}
    for entry, judge_totals in totals.items():
        result[entry] = {}
        for judge, total in judge_totals.items():
            if judge in scale:
                mean, sd = scale[judge]
                total = (total - mean) / sd * pooled_sd + pooled_mean
            result[entry][judge] = total
    return result


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

    table = collect_sheets(rubric, sheets, entries=known_entries)
    totals = table.totals
    # First places are about each judge's order, which a judge's z-scores keep, so raw totals do.
    first_places = _count_first_places(table.points)
    if settings.normalise:
        totals = normalised_totals(totals)

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
        cards = table.steps[entry].values()
        step_sums = [sum(column) for column in zip(*cards)]
        tallies[entry] = Tally(
            entry=entry,
            judge_totals=tuple(sorted(judge_totals.items())),
            criterion_means=tuple(
                (code, criterion_mean(rubric, index, step_sums[index], len(cards)))
                for index, code in enumerate(rubric.codes)
            ),
            first_places=first_places.get(entry, 0),
        )

    facts: dict[str, tuple[Fraction, str, tuple[tuple[str, Fraction], ...]]] = {}
    for entry, tally in tallies.items():
        method, trim = settings.method_for(len(tally.judge_totals))
        if settings.normalise:
            score = aggregate([total for _, total in tally.judge_totals], method=method, trim=trim)
        else:
            # Every raw total is points / denominator with one denominator for the rubric, and the
            # mean, median and trimmed mean all scale: aggregating the integer points and dividing once
            # is the same exact value, without Fraction arithmetic per card.
            score = aggregate(table.points[entry].values(), method=method, trim=trim) / table.denominator
        values = tuple((key, function(tally)) for key, function in tie_breaks)
        label = _method_label(method, trim)
        facts[entry] = (score, f"z:{label}" if settings.normalise else label, values)

    # Precedence: the score, then each tie-break in order; all higher-is-better.
    ranks = competition_ranks(
        [(entry, (score, *(value for _, value in values))) for entry, (score, _, values) in facts.items()]
    )
    rows = tuple(
        RankedRow(
            entry=entry,
            rank=place,
            tied=tied,
            score=facts[entry][0],
            judge_totals=tallies[entry].judge_totals,
            criterion_means=tallies[entry].criterion_means,
            tie_break_values=facts[entry][2],
            method=facts[entry][1],
        )
        for entry, (place, tied) in ranks.items()
    )
    return Standings(rows=rows, unranked=tuple(unranked), settings=settings)


def _count_first_places(points: dict[str, dict[str, int]]) -> dict[str, int]:
    """For each entry, how many judges gave it their highest total in this computation.

    Every scorecard counts, including those of entries below quorum: a judge's preference is
    about what that judge saw. Entries sharing a judge's highest total each get the place. Totals
    are compared as their integer points (one denominator for the rubric).
    """
    best: dict[str, int] = {}
    for judge_points in points.values():
        for judge, total in judge_points.items():
            if judge not in best or total > best[judge]:
                best[judge] = total
    counts: dict[str, int] = {}
    for entry, judge_points in points.items():
        counts[entry] = sum(1 for judge, total in judge_points.items() if total == best[judge])
    return counts
