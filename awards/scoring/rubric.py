"""Rubrics: what a scorecard may contain and what one scorecard is worth.

This module owns the rubric definition (criteria, weights, score scales), the validation of a
single score against its criterion, one judge's weighted total for one entry, and the error type
every part of ``awards.scoring`` raises for user-fixable input.

It must not aggregate several judges, rank entries, round for display, touch a database or a
request, or import anything outside the standard library. All arithmetic is exact: scores are
``Decimal`` at the edges and ``Fraction`` inside; a float is refused, never converted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from math import gcd
from decimal import Decimal, InvalidOperation
from fractions import Fraction

__all__ = [
    "ScoringError",
    "CriterionSpec",
    "RubricSpec",
    "SheetInput",
    "card_points",
    "check_score",
    "criterion_mean",
    "weighted_total",
]

# A weighted total is a share of this many points.
FULL_MARKS = Decimal(100)


class ScoringError(ValueError):
    """A user-fixable problem with a rubric, a score, a scorecard or the scoring settings.

    ``criterion``, ``entry`` and ``judge`` name what the problem is about when known, so the app
    can point at the offending field; ``str(error)`` is an English sentence naming them too.
    """

    def __init__(
        self,
        message: str,
        *,
        criterion: str | None = None,
        entry: str | None = None,
        judge: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.criterion = criterion
        self.entry = entry
        self.judge = judge

    def about(self, *, entry: str | None = None, judge: str | None = None) -> ScoringError:
        """Return a copy of this error that also names the entry and judge it was found on."""
        context = []
        if entry is not None and self.entry is None:
            context.append(f"entry {entry!r}")
        if judge is not None and self.judge is None:
            context.append(f"judge {judge!r}")
        message = self.message
        if context:
            message = f"{message} (scorecard of {', '.join(context)})"
        return ScoringError(
            message,
            criterion=self.criterion,
            entry=self.entry if self.entry is not None else entry,
            judge=self.judge if self.judge is not None else judge,
        )


def to_exact_decimal(value: object, *, what: str, criterion: str | None = None) -> Decimal:
    """Convert ``value`` (Decimal, int or numeric string) to a finite Decimal without rounding.

    Floats are refused with TypeError: 0.1 has no exact binary value, and silently accepting one
    is how a 4.35 becomes 4.3499999999999996 in a total. ``bool`` is refused too, although it is
    an ``int``, because True as a score is always a bug.
    """
    if isinstance(value, bool) or isinstance(value, float):
        raise TypeError(f"{what} must be a Decimal, int or str, not {type(value).__name__}")
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            raise ScoringError(
                _naming(criterion, f"{what} {value!r} is not a number"), criterion=criterion
            ) from None
    else:
        raise TypeError(f"{what} must be a Decimal, int or str, not {type(value).__name__}")
    if not number.is_finite():
        raise ScoringError(_naming(criterion, f"{what} {value!r} is not a number"), criterion=criterion)
    return number


def _naming(criterion: str | None, message: str) -> str:
    """Prefix a message with the criterion it concerns, so str(error) alone is enough to act on."""
    return f"Criterion {criterion!r}: {message}" if criterion is not None else message


@dataclass(frozen=True)
class CriterionSpec:
    """One criterion of a rubric: a scale from ``minimum`` to ``maximum`` in steps of ``step``.

    ``weight`` is the criterion's share of 100 points. A criterion with ``in_total=False`` is still
    scored (judges must fill it in and it shows in the criterion means and tie-breaks) but adds
    nothing to the total. Numbers given as int or str are stored as Decimal; the scale is checked
    by :class:`RubricSpec` (or :meth:`validate`), so a spec can be built before it is judged.
    """

    code: str
    weight: Decimal
    minimum: Decimal = Decimal(0)
    maximum: Decimal = Decimal(5)
    step: Decimal = Decimal(1)
    in_total: bool = True

    def __post_init__(self) -> None:
        for name in ("weight", "minimum", "maximum", "step"):
            number = to_exact_decimal(getattr(self, name), what=name, criterion=self.code)
            object.__setattr__(self, name, number)

    def validate(self) -> None:
        """Raise ScoringError (naming this criterion) if the scale or weight is unusable."""
        code = self.code
        if not isinstance(code, str) or not code.strip():
            raise ScoringError(f"Criterion code {code!r} must be a non-empty string", criterion=code)
        if self.weight < 0:
            raise ScoringError(_naming(code, f"weight {self.weight} is negative"), criterion=code)
        if self.minimum >= self.maximum:
            raise ScoringError(
                _naming(code, f"minimum {self.minimum} must be below maximum {self.maximum}"),
                criterion=code,
            )
        if self.step <= 0:
            raise ScoringError(_naming(code, f"step {self.step} must be positive"), criterion=code)
        # Exact divisibility: with Decimal's % the context precision could hide a remainder.
        if (Fraction(self.maximum) - Fraction(self.minimum)) / Fraction(self.step) % 1:
            raise ScoringError(
                _naming(
                    code,
                    f"the range {self.minimum}..{self.maximum} is not a whole number of steps of {self.step}",
                ),
                criterion=code,
            )


@dataclass(frozen=True)
class RubricSpec:
    """The ordered criteria of one category. Validated on construction; raises ScoringError."""

    criteria: tuple[CriterionSpec, ...]

    def __post_init__(self) -> None:
        # Accept any iterable (a list from a query) but store a tuple so the spec stays hashable.
        object.__setattr__(self, "criteria", tuple(self.criteria))
        if not self.criteria:
            raise ScoringError("A rubric needs at least one criterion")
        seen: set[str] = set()
        for spec in self.criteria:
            if not isinstance(spec, CriterionSpec):
                raise TypeError(f"criteria must be CriterionSpec, not {type(spec).__name__}")
            spec.validate()
            if spec.code in seen:
                raise ScoringError(_naming(spec.code, "the code is used twice"), criterion=spec.code)
            seen.add(spec.code)
        counted = sum((spec.weight for spec in self.criteria if spec.in_total), Decimal(0))
        # Exactly 100, not "close to": weights are Decimals, so 33.33 * 3 is 99.99 and is refused.
        if counted != FULL_MARKS:
            raise ScoringError(
                f"The weights of the criteria counted in the total add up to {counted}, not {FULL_MARKS}"
            )

    @cached_property
    def scales(self) -> tuple[int, tuple[_Scale, ...]]:
        """``(denominator, one prepared scale per criterion)``: see :func:`_compute_scales`. Kept on
        the frozen spec, computed on first use: totalling a card never hashes the whole rubric."""
        return _compute_scales(self)

    @cached_property
    def codes(self) -> tuple[str, ...]:
        """Criterion codes in rubric order."""
        return tuple(spec.code for spec in self.criteria)

    @cached_property
    def code_set(self) -> frozenset[str]:
        return frozenset(self.codes)

    def criterion(self, code: str) -> CriterionSpec:
        """The criterion with this code; ScoringError naming it if the rubric has none."""
        for spec in self.criteria:
            if spec.code == code:
                return spec
        raise ScoringError(_naming(code, "not in this rubric"), criterion=code)


def check_score(spec: CriterionSpec, value: object) -> Decimal:
    """Return ``value`` as a Decimal if it is a valid score for ``spec``; raise otherwise.

    Accepts Decimal, int or a numeric string. Floats raise TypeError; NaN, infinities, values out
    of range or off the step grid raise ScoringError naming the criterion.
    """
    spec.validate()
    return _checked_score(spec, value, Fraction(spec.minimum), Fraction(spec.step))[0]


def _checked_score(
    spec: CriterionSpec, value: object, minimum: Fraction, step: Fraction
) -> tuple[Decimal, int]:
    """:func:`check_score` for a spec already validated, given its minimum and step as Fractions.

    Returns the score and the number of steps it is above the minimum (what a total is made of).
    """
    code = spec.code
    score = to_exact_decimal(value, what="score", criterion=code)
    if score < spec.minimum:
        message = f"score {score} is below the minimum {spec.minimum}"
        raise ScoringError(_naming(code, message), criterion=code)
    if score > spec.maximum:
        message = f"score {score} is above the maximum {spec.maximum}"
        raise ScoringError(_naming(code, message), criterion=code)
    # Steps are counted from the minimum, so a 1..10 scale in steps of 0.5 allows 1.5 but not 1.25.
    steps = (Fraction(score) - minimum) / step
    if steps.denominator != 1:
        raise ScoringError(
            _naming(code, f"score {score} is not a multiple of {spec.step} from {spec.minimum}"),
            criterion=code,
        )
    return score, steps.numerator


# A scale remembers the steps of at most this many distinct valid score texts (see _Scale.steps).
_KNOWN_TEXTS = 4096


@dataclass(frozen=True)
class _Scale:
    """One criterion's scale, prepared once per rubric for totalling many cards."""

    spec: CriterionSpec
    minimum: Fraction
    step: Fraction
    per_step: int  # points per step, over the rubric's common denominator (0 if not in the total)
    # The steps of each valid Decimal already checked, by its exact text: str() of a Decimal gives its
    # value back exactly, so equal texts are equal scores. A national category has tens of thousands
    # of scores but a handful of distinct values, and hashing the text is several times cheaper than
    # checking in Fractions (or hashing the Decimal).
    known: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    def steps(self, value: object) -> int:
        """Steps of ``value`` above the minimum; ScoringError (or TypeError) if it is not a valid score."""
        if type(value) is not Decimal:
            return _checked_score(self.spec, value, self.minimum, self.step)[1]
        text = str(value)
        steps = self.known.get(text)
        if steps is None:
            steps = _checked_score(self.spec, value, self.minimum, self.step)[1]
            if len(self.known) < _KNOWN_TEXTS:
                self.known[text] = steps
        return steps

    def mean(self, step_sum: int, cards: int) -> Fraction:
        """The exact mean raw score of ``cards`` cards whose steps add up to ``step_sum``: the mean of
        ``minimum + steps * step``, built as one Fraction."""
        minimum, step = self.minimum, self.step
        scale = minimum.denominator * step.denominator
        return Fraction(
            (minimum.numerator * step.denominator * cards + step.numerator * minimum.denominator * step_sum),
            scale * cards,
        )


def _compute_scales(rubric: RubricSpec) -> tuple[int, tuple[_Scale, ...]]:
    """``(denominator, scales)`` in rubric order.

    A criterion's contribution is ``steps above the minimum * per_step / denominator`` (0 for
    criteria not in the total): the exact ``(score - min) / (max - min) * weight`` with one common
    denominator, so a total is summed in integers. A RubricSpec is frozen and validated on
    construction, so this is computed once per rubric instead of once per score.
    """
    per_step = []
    for spec in rubric.criteria:
        span = Fraction(spec.maximum) - Fraction(spec.minimum)
        points = Fraction(spec.weight) * Fraction(spec.step) / span if spec.in_total else Fraction(0)
        per_step.append(points)
    denominator = 1
    for points in per_step:
        denominator = denominator * points.denominator // gcd(denominator, points.denominator)
    scales = tuple(
        _Scale(spec, Fraction(spec.minimum), Fraction(spec.step), int(points * denominator))
        for spec, points in zip(rubric.criteria, per_step, strict=True)
    )
    return denominator, scales


def card_points(rubric: RubricSpec, scores: Mapping[str, object]) -> tuple[tuple[int, ...], int, int]:
    """A card checked against the rubric, in integers: ``(steps, points, denominator)``.

    ``steps`` are each criterion's steps above its minimum, in rubric order (a score is
    ``minimum + steps * step``); the card's weighted total is exactly ``points / denominator``, and
    ``denominator`` is the same for every card of the rubric, so totals compare and add as integers.
    Raises as :func:`weighted_total` does.
    """
    if not scores.keys() <= rubric.code_set:
        # Unknown codes first, in sorted order, so the same bad card always reports the same error.
        for code in sorted(scores, key=str):
            if code not in rubric.code_set:
                raise ScoringError(_naming(code, "not in this rubric"), criterion=code)
    denominator, scales = rubric.scales
    steps = []
    points = 0
    for scale in scales:
        code = scale.spec.code
        if code not in scores:
            raise ScoringError(_naming(code, "no score given"), criterion=code)
        count = scale.steps(scores[code])
        steps.append(count)
        points += count * scale.per_step
    return tuple(steps), points, denominator


def criterion_mean(rubric: RubricSpec, index: int, step_sum: int, cards: int) -> Fraction:
    """The exact mean raw score of criterion ``index`` over ``cards`` cards whose steps add up to
    ``step_sum`` (the mean of ``minimum + steps * step``)."""
    return rubric.scales[1][index].mean(step_sum, cards)


def weighted_total(rubric: RubricSpec, scores: Mapping[str, object]) -> Fraction:
    """One judge's total for one entry, exactly, on a 0..100 scale.

    Each counted criterion contributes ``(score - minimum) / (maximum - minimum) * weight``, so a
    criterion's scale does not change its share. Every criterion of the rubric must be scored,
    including the ones not in the total (an incomplete card is not a card); an unknown code, a
    missing criterion or an invalid score raises ScoringError naming the criterion.
    """
    _, points, denominator = card_points(rubric, scores)
    return Fraction(points, denominator)


@dataclass(frozen=True)
class SheetInput:
    """One judge's submitted scorecard for one entry: ``(criterion code, score)`` pairs.

    Only submitted cards belong here; drafts are the app's business. The scores are not checked
    until they are totalled, so that the error can name the entry and judge as well.
    """

    entry: str
    judge: str
    scores: tuple[tuple[str, Decimal], ...]

    def __post_init__(self) -> None:
        # Pairs as tuples; a sheet built from tuples already (the app's) is kept as it is.
        if type(self.scores) is not tuple or not all(type(pair) is tuple for pair in self.scores):
            object.__setattr__(self, "scores", tuple(map(tuple, self.scores)))

    @classmethod
    def of(cls, entry: str, judge: str, scores: Mapping[str, object]) -> SheetInput:
        """Build a sheet from a ``{code: score}`` mapping; scores become Decimals (floats refused).

        Pairs are sorted by code so two sheets with the same scores compare equal whatever order
        the mapping was built in.
        """
        pairs = tuple(
            sorted(
                (code, to_exact_decimal(value, what="score", criterion=code))
                for code, value in scores.items()
            )
        )
        return cls(entry=entry, judge=judge, scores=pairs)

    def score_map(self) -> dict[str, Decimal]:
        """The scores as a dict; ScoringError if a criterion appears twice on the card."""
        mapping = dict(self.scores)
        if len(mapping) == len(self.scores):
            return mapping
        mapping = {}
        for code, value in self.scores:
            if code in mapping:
                raise ScoringError(
                    _naming(code, "scored twice on one scorecard"),
                    criterion=code,
                    entry=self.entry,
                    judge=self.judge,
                )
            mapping[code] = value
        return mapping
