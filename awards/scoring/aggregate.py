"""Aggregations: one exact number from several judges' totals, and the one rounding for display.

This module owns the registry of aggregation methods (stable keys "mean", "median",
"trimmed_mean"), :func:`aggregate`, :func:`to_decimal`, the only place a score is rounded for
display, and :func:`square_root` / :func:`standard_deviation`, the one inexact step of the
package (see :func:`square_root`).

It must not know about entries, judges, rubrics or ranks, must not round inside a computation
(rounding happens once, at display), and must not use float or the ``statistics`` module: an
aggregate is a Fraction so that equal inputs give equal outputs to the last digit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal, localcontext
from fractions import Fraction
from numbers import Rational

from awards.scoring.rubric import ScoringError

__all__ = [
    "AGGREGATIONS",
    "SQRT_DIGITS",
    "Aggregation",
    "aggregate",
    "as_fraction",
    "square_root",
    "standard_deviation",
    "to_decimal",
]

# Significant digits of every square root taken in awards.scoring (see square_root).
SQRT_DIGITS = 40

# An aggregation receives the values sorted ascending (so it never depends on input order) and
# the number of values to trim from each end; methods that do not trim ignore it.
Aggregation = Callable[[Sequence[Fraction], int], Fraction]


# The methods also work on ints (an exact Fraction comes out): a caller whose values share one
# denominator may aggregate the numerators and divide once (see ranking.compute_standings).


def _mean(ordered: Sequence[Fraction | int], trim: int) -> Fraction:
    return Fraction(sum(ordered), len(ordered))


def _median(ordered: Sequence[Fraction | int], trim: int) -> Fraction:
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return Fraction(ordered[middle])
    # Even count: the mean of the two middle values, exactly (no "lower median" convention).
    return Fraction(ordered[middle - 1] + ordered[middle], 2)


def _trimmed_mean(ordered: Sequence[Fraction], trim: int) -> Fraction:
    # Drop `trim` values from each end. Equal values at the cut are interchangeable, so which of
    # several equal highest scores is "dropped" does not change the result.
    kept = ordered[trim : len(ordered) - trim]
    if not kept:
        raise ScoringError(
            f"Trimming {trim} highest and {trim} lowest of {len(ordered)} scores leaves nothing to average"
        )
    return _mean(kept, 0)


AGGREGATIONS: dict[str, Aggregation] = {
    "mean": _mean,
    "median": _median,
    "trimmed_mean": _trimmed_mean,
}


def _as_fraction(value: object) -> Fraction:
    """Exact conversion; floats are refused because they are already rounded in binary."""
    if type(value) is Fraction:
        return value
    if isinstance(value, (float, bool)):
        raise TypeError(f"Scores must be Fraction, Decimal or int, not {type(value).__name__}")
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ScoringError(f"Score {value} is not a number")
        return Fraction(value)
    if isinstance(value, Rational):
        return Fraction(value)
    raise TypeError(f"Scores must be Fraction, Decimal or int, not {type(value).__name__}")


def as_fraction(value: object) -> Fraction:
    """A Decimal, int or Fraction as an exact Fraction; floats raise TypeError."""
    return _as_fraction(value)


def aggregate(values: Iterable[Fraction | Decimal | int], *, method: str = "mean", trim: int = 0) -> Fraction:
    """Aggregate judges' values with a registered method; the order of ``values`` never matters.

    ``values`` may be Decimals, ints or Fractions (floats raise TypeError); the result is the
    exact aggregate as a Fraction. ``method`` and ``trim`` are keyword-only. ``trim`` is the number of highest and of lowest values that ``"trimmed_mean"`` drops; the
    other methods ignore it. Raises ScoringError for an unknown method, no values, a negative
    trim, or a trim that would leave nothing.
    """
    try:
        method_function = AGGREGATIONS[method]
    except (KeyError, TypeError):
        known = ", ".join(sorted(AGGREGATIONS))
        raise ScoringError(f"Unknown aggregation method {method!r}; expected one of {known}") from None
    if isinstance(trim, bool) or not isinstance(trim, int):
        raise TypeError(f"trim must be an int, not {type(trim).__name__}")
    if trim < 0:
        raise ScoringError(f"Trim {trim} is negative")
    values = list(values)
    if all(type(value) is int for value in values):
        ordered = sorted(values)  # plain ints are exact already; the methods return Fractions
    else:
        ordered = sorted(_as_fraction(value) for value in values)
    if not ordered:
        raise ScoringError("There are no scores to aggregate")
    return method_function(ordered, trim)


def to_decimal(value: Fraction | Decimal | int, places: int = 2) -> Decimal:
    """Round an exact value to ``places`` decimals, half away from zero, for display.

    This is ``decimal.ROUND_HALF_UP`` (4.125 -> 4.13, -4.125 -> -4.13), the rounding judges and
    the published results expect; banker's rounding would surprise them. Done in integers rather
    than ``Decimal(n) / Decimal(d)``: that division is itself rounded to the context precision
    (28 digits) before quantising, which could turn an exact ...4999 into ...5 and round the
    wrong way.
    """
    if isinstance(places, bool) or not isinstance(places, int) or places < 0:
        raise ValueError(f"places must be a non-negative int, not {places!r}")
    exact = _as_fraction(value)
    scaled = abs(exact) * 10**places
    whole, remainder = divmod(scaled.numerator, scaled.denominator)
    # Half up as Decimal means it: a remainder of exactly half rounds away from zero.
    if 2 * remainder >= scaled.denominator:
        whole += 1
    # A negative value that rounds to zero shows as 0.00, not -0.00.
    sign = 1 if exact < 0 and whole else 0
    digits = tuple(map(int, str(whole)))
    return Decimal((sign, digits, -places))


def square_root(value: Fraction | Decimal | int) -> Fraction:
    """The square root of a non-negative exact value, to ``SQRT_DIGITS`` (40) significant digits.

    This is the one inexact step in awards.scoring (used by standard deviations: normalisation,
    outlier distances). It is still deterministic and independent of input order: ``p/q`` is
    rewritten as ``sqrt(p*q) / q``, ``Decimal(p*q)`` is exact, and ``Decimal.sqrt`` in a local
    context of 40 digits is correctly rounded (half even) on every platform, so the same value
    always gives the same Fraction. Perfect squares come out exact.
    """
    exact = _as_fraction(value)
    if exact < 0:
        raise ScoringError(f"Cannot take the square root of the negative value {exact}")
    with localcontext() as context:
        context.prec = SQRT_DIGITS
        root = Decimal(exact.numerator * exact.denominator).sqrt()
    return Fraction(root) / exact.denominator


def standard_deviation(values: Iterable[Fraction | Decimal | int]) -> tuple[Fraction, Fraction]:
    """``(mean, population standard deviation)`` of the values; the mean exact, the sd via
    :func:`square_root`. Population (divide by n), not sample: the values are the whole panel or
    the whole of one judge's cards, not a sample of them. ScoringError if there are no values.
    """
    ordered = sorted(_as_fraction(value) for value in values)
    if not ordered:
        raise ScoringError("There are no scores to take a standard deviation of")
    mean = _mean(ordered, 0)
    variance = sum(((value - mean) ** 2 for value in ordered), Fraction(0)) / len(ordered)
    return mean, square_root(variance)
