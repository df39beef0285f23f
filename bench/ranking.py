"""Benchmark of the public ranking page against /healthz on the same server.

    .venv/bin/python bench/ranking.py [--seconds 5] [--rounds 3] [--connections 32] [--redis redis://127.0.0.1:6379]

Builds the national edition (bench/national.py) in a throwaway SQLite database, starts gunicorn
with 2 workers and drives /healthz and /results/<edition>/<category> (200 ranked entries, every
place public) in turn, ``--rounds`` times each, with ``wrk -t2 -c32 --latency``, so that a change
of load on the machine falls on both alike; the best round of each counts. Prints throughput and
p99 latency of both and the ratio of the throughputs, then the page again revalidated with its ETag
(the 304 that browsers and proxies get within the validator's life) (target: the ranking page at
least 0.5 of /healthz). With --redis the
server caches in Redis (AWARDS_REDIS_URL) instead of per process; --no-cache measures without it.
"""

from __future__ import annotations

import argparse
import sys
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _server  # noqa: E402

TARGET = 0.5


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5, help="length of each wrk run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--redis", default=None, help="AWARDS_REDIS_URL for the server (default: no Redis)")
    parser.add_argument("--no-cache", action="store_true", help="measure without the cache (NullCache)")
    args = parser.parse_args(argv)
    _server.wait_for_wrk()
    env = {"AWARDS_REDIS_URL": args.redis} if args.redis else {}
    if args.no_cache:
        env["AWARDS_CACHE_TYPE"] = "NullCache"
    with _server.workspace() as ws, _server.server(ws, env=env) as srv:
        category = ws.national.categories[0]
        page = f"{srv.base}/results/{ws.national.slug}/{category}"
        healthz = f"{srv.base}/healthz"
        _server.warm(page)
        _server.warm(healthz)
        # Returning visitors and proxies revalidate with the ETag: a 304 without building the page.
        with urllib.request.urlopen(page, timeout=30) as answer:
            tag = answer.headers["ETag"]
        runs = {"base": [], "rank": [], "again": []}
        for _ in range(args.rounds):
            runs["base"].append(_server.wrk(healthz, seconds=args.seconds, connections=args.connections))
            runs["rank"].append(_server.wrk(page, seconds=args.seconds, connections=args.connections))
            runs["again"].append(_server.wrk(page, seconds=args.seconds, connections=args.connections,
                                             headers={"If-None-Match": tag}))
        base, rank, again = (max(found, key=lambda run: run.requests_per_second) for found in runs.values())
        ratio = rank.requests_per_second / base.requests_per_second
        restarts = srv.restarts()
        cache = "off" if args.no_cache else "Redis" if args.redis else "per process"
        # Errors of every run, not only of the best one.
        failed = [run for run in runs["rank"] if run.errors]
        errors = f"{sum(run.errors for run in runs['rank'])} errors" + (
            f" ({'; '.join(run.error_detail for run in failed)})" if failed else "")
        print(f"ranking: best of {args.rounds} runs of {args.seconds} s each, taken in turn with /healthz")
        print(f"ranking: {rank.requests_per_second:.0f} req/s, p50 {rank.p50_ms:.1f} ms, p99 {rank.p99_ms:.1f} ms, "
              f"{errors} ({ws.national.entries} entries, cache {cache}); "
              f"/healthz {base.requests_per_second:.0f} req/s, p99 {base.p99_ms:.1f} ms, "
              f"{sum(run.errors for run in runs['base'])} errors; "
              f"ratio {ratio:.2f} (target >= {TARGET}) {'OK' if ratio >= TARGET else 'BELOW TARGET'}"
              + (f"; {restarts} worker restarts" if restarts else ""))
        print(f"ranking revalidated (If-None-Match, 304): {again.requests_per_second:.0f} req/s, "
              f"p99 {again.p99_ms:.1f} ms, {sum(run.errors for run in runs['again'])} errors; ratio to /healthz "
              f"{again.requests_per_second / base.requests_per_second:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
