"""Benchmark of awards.scoring at national scale: ``python -m awards.scoring.bench``.

This module owns a deterministic, in-memory synthetic edition (5 categories x 200 entries x 7
judges x 6 criteria by default, scores from ``random.Random(seed)``) and the timing of every
phase of the package on it. It prints each phase's seconds, the total, and the total as a
multiple of the time it takes merely to build the SheetInputs.

It must not touch a database, a file or the network, and is not imported by the package itself.
Timings use ``time.perf_counter`` (a float clock reading is fine: it is not a score).
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from decimal import Decimal

from awards.scoring.aggregate import to_decimal
from awards.scoring.agreement import icc, kendalls_w
from awards.scoring.explain import explain
from awards.scoring.moderation import criterion_disagreements, outlier_judges
from awards.scoring.ranking import Settings, compute_standings
from awards.scoring.robustness import leave_one_judge_out
from awards.scoring.rubric import CriterionSpec, RubricSpec, SheetInput

__all__ = ["build_edition", "main", "rubric"]

WEIGHTS = (Decimal(20), Decimal(20), Decimal(15), Decimal(15), Decimal(15), Decimal(15))


def rubric(criteria: int = 6) -> RubricSpec:
    """Criteria c1..c6 on 0..10 in steps of 0.5, weights 20, 20, 15, 15, 15, 15."""
    return RubricSpec(
        tuple(
            CriterionSpec(f"c{index + 1}", weight, maximum=Decimal(10), step=Decimal("0.5"))
            for index, weight in enumerate(WEIGHTS[:criteria])
        )
    )


def build_edition(
    *, seed: int = 2026, categories: int = 5, entries: int = 200, judges: int = 7, spec: RubricSpec
) -> dict[str, tuple[list[str], list[SheetInput]]]:
    """``{category: (entry keys, sheets)}``: every judge scores every entry of the category.

    Score = the entry's quality + the judge's leniency + noise, in half points, kept in 0..10.
    The last judge of every category is markedly harsh, so the outlier flag has work to do.
    """
    rng = random.Random(seed)
    edition = {}
    for category in range(categories):
        entry_keys = [f"k{category}-e{index:03d}" for index in range(entries)]
        leniency = [rng.randint(-2, 2) for _ in range(judges - 1)] + [-6]  # half points
        sheets = []
        for entry in entry_keys:
            quality = rng.randint(4, 16)  # half points: 2..8
            for judge in range(judges):
                scores = {}
                for code in spec.codes:
                    halves = quality + leniency[judge] + rng.randint(-2, 2)
                    scores[code] = Decimal(min(20, max(0, halves))) / 2
                sheets.append(SheetInput.of(entry, f"j{judge}", scores))
        edition[f"k{category}"] = (entry_keys, sheets)
    return edition


def _timed(label: str, timings: dict[str, float], action: Callable[[], object]) -> object:
    start = time.perf_counter()
    result = action()
    timings[label] = timings.get(label, 0.0) + time.perf_counter() - start
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--categories", type=int, default=5)
    parser.add_argument("--entries", type=int, default=200)
    parser.add_argument("--judges", type=int, default=7)
    arguments = parser.parse_args(argv)

    spec = rubric()
    settings = Settings(tie_breaks=("median", "highest_weight", "first_places"))
    timings: dict[str, float] = {}
    edition = _timed(
        "build SheetInputs",
        timings,
        lambda: build_edition(
            seed=arguments.seed,
            categories=arguments.categories,
            entries=arguments.entries,
            judges=arguments.judges,
            spec=spec,
        ),
    )
    sheets_count = sum(len(sheets) for _, sheets in edition.values())
    print(
        f"edition: {arguments.categories} categories x {arguments.entries} entries x "
        f"{arguments.judges} judges x {len(spec.criteria)} criteria = {sheets_count} scorecards "
        f"(seed {arguments.seed})"
    )
    summary = []
    for category, (entry_keys, sheets) in edition.items():
        standings = _timed(
            "compute_standings",
            timings,
            lambda: compute_standings(spec, sheets, entries=entry_keys, settings=settings),
        )
        _timed(
            "compute_standings (normalised)",
            timings,
            lambda: compute_standings(
                spec, sheets, entries=entry_keys, settings=Settings(tie_breaks=settings.tie_breaks, normalise=True)
            ),
        )
        disagreements = _timed("criterion_disagreements", timings, lambda: criterion_disagreements(spec, sheets))
        outliers = _timed("outlier_judges", timings, lambda: outlier_judges(spec, sheets))
        w = _timed("kendalls_w", timings, lambda: kendalls_w(spec, sheets))
        intraclass = _timed("icc", timings, lambda: icc(spec, sheets))
        influence = _timed(
            "leave_one_judge_out",
            timings,
            lambda: leave_one_judge_out(spec, sheets, entries=entry_keys, settings=settings),
        )
        _timed("explain", timings, lambda: explain(spec, sheets, standings))
        summary.append(
            f"  {category}: winner {standings.rows[0].entry}, {len(disagreements)} disagreements, "
            f"{len(outliers)} outlier judges, W={to_decimal(w.value, 3)}, ICC={to_decimal(intraclass.value, 3)}, "
            f"podium decided by {sum(i.changes_podium for i in influence)} judge(s)"
        )
    print("\n".join(summary))
    build = timings.pop("build SheetInputs")
    width = max(len(label) for label in timings)
    print(f"{'build SheetInputs':<{width}}  {build:8.3f} s")
    for label, seconds in timings.items():
        print(f"{label:<{width}}  {seconds:8.3f} s")
    total = sum(timings.values())
    print(f"{'total (excluding build)':<{width}}  {total:8.3f} s")
    print(f"ratio total / build: {total / build:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
