"""Benchmark of the judges' autosave: many judges saving drafts at once against SQLite.

    .venv/bin/python bench/autosave.py [--judges 50] [--interval 2] [--seconds 20]

Builds the national edition (bench/national.py; every judge has one scorecard an organiser
reopened), starts gunicorn with 2 workers, logs ``--judges`` judges in through the login form,
opens each one's scoring page for its CSRF token and version, then each judge (a thread) sends the
page's JSON autosave every ``--interval`` seconds (with jitter) for ``--seconds``, carrying the
version forward as the page does. Prints latency p50/p99, saves per second, errors (any answer
other than 200) and how many times 'database is locked' appears in the server's log (target 0).
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _server  # noqa: E402

CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
VERSION_RE = re.compile(r'name="version" type="hidden" value="(\d+)"')


def _targets(ws, emails: list[str]) -> dict[str, tuple[int, list[tuple[str, int, int]]]]:
    """Each judge's reopened assignment and its criteria (code, min, max), read before the server starts."""
    from awards.extensions import db
    from awards.models import Assignment

    out = {}
    with ws.app.app_context():
        for email in emails:
            assignment = db.session.get(Assignment, ws.national.reopened[email])
            out[email] = (assignment.id, [(c.code, int(c.scale_min), int(c.scale_max))
                                          for c in assignment.entry.category.criteria])
    return out


class Judge(threading.Thread):
    def __init__(self, base: str, email: str, password: str, assignment_id: int, criteria, *, interval: float,
                 until: float, start_barrier: threading.Barrier):
        super().__init__(daemon=True)
        self.base, self.email, self.password = base, email, password
        self.assignment_id, self.criteria = assignment_id, criteria
        self.interval, self.until, self.barrier = interval, until, start_barrier
        self.latencies: list[float] = []
        self.errors: dict[str, int] = {}
        self.failed: str | None = None

    def _error(self, what: str) -> None:
        self.errors[what] = self.errors.get(what, 0) + 1

    def run(self) -> None:
        import requests

        session = requests.Session()
        try:
            login = session.get(f"{self.base}/login", timeout=30)
            token = CSRF_RE.search(login.text).group(1)
            answer = session.post(f"{self.base}/login", timeout=30, allow_redirects=False,
                                  data={"email": self.email, "password": self.password, "csrf_token": token})
            if answer.status_code != 302:
                raise RuntimeError(f"login answered {answer.status_code}")
            page = session.get(f"{self.base}/judging/assignments/{self.assignment_id}", timeout=30)
            token, version = CSRF_RE.search(page.text).group(1), int(VERSION_RE.search(page.text).group(1))
        except Exception as exc:  # noqa: BLE001 - reported, not raised: the other judges go on
            self.failed = f"{self.email}: {exc}"
            self.barrier.abort()
            return
        self.barrier.wait()
        url = f"{self.base}/judging/assignments/{self.assignment_id}/autosave"
        rng = random.Random(self.email)
        time.sleep(rng.uniform(0, self.interval))  # judges do not all type in step
        n = 0
        while time.monotonic() < self.until:
            n += 1
            payload = {"version": version, "comment": f"Rasimu ya {n}",
                       "scores": {code: str(rng.randint(lo, hi)) for code, lo, hi in self.criteria},
                       "comments": {self.criteria[0][0]: f"Maoni {n}"}}
            started = time.perf_counter()
            try:
                answer = session.post(url, json=payload, timeout=60, headers={"X-CSRFToken": token})
            except Exception as exc:  # noqa: BLE001
                self._error(type(exc).__name__)
                continue
            self.latencies.append((time.perf_counter() - started) * 1000)
            if answer.status_code == 200:
                version = answer.json()["version"]
            else:
                self._error(str(answer.status_code))
                stored = (answer.json() if answer.headers.get("Content-Type", "").startswith("application/json")
                          else {}).get("scorecard")
                if stored:  # a stale version: adopt the stored one, as the page does
                    version = stored["version"]
            time.sleep(max(0.0, self.interval * rng.uniform(0.75, 1.25)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--judges", type=int, default=50)
    parser.add_argument("--interval", type=float, default=2.0, help="seconds between one judge's saves")
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args(argv)
    # Fifty logins from one address in a few seconds: lift the login rate limit for this server only.
    env = {"AWARDS_LOGIN_RATE_LIMIT": "100000 per second"}
    with _server.workspace() as ws:
        emails = ws.national.judges[: args.judges]
        if len(emails) < args.judges:
            raise SystemExit(f"the national edition has only {len(emails)} judges")
        targets = _targets(ws, emails)
        with _server.server(ws, env=env) as srv:
            barrier = threading.Barrier(len(emails) + 1)
            judges = [Judge(srv.base, email, ws.national.password, *targets[email], interval=args.interval,
                            until=float("inf"), start_barrier=barrier) for email in emails]
            for judge in judges:
                judge.start()
            try:
                barrier.wait(timeout=120)
            except threading.BrokenBarrierError:
                failed = [j.failed for j in judges if j.failed]
                raise SystemExit(f"judges could not start: {failed[:3]}") from None
            started = time.monotonic()
            for judge in judges:
                judge.until = started + args.seconds
            for judge in judges:
                judge.join()
            elapsed = time.monotonic() - started
            locked = srv.log_count("database is locked")
    latencies = sorted(x for j in judges for x in j.latencies)
    errors: dict[str, int] = {}
    for judge in judges:
        for what, n in judge.errors.items():
            errors[what] = errors.get(what, 0) + n
    p50 = statistics.median(latencies) if latencies else float("nan")
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] if latencies else float("nan")
    detail = ", ".join(f"{k}: {v}" for k, v in sorted(errors.items())) or "none"
    print(f"autosave: {len(emails)} judges saving every {args.interval:g} s for {args.seconds:g} s: "
          f"{len(latencies)} saves ({len(latencies) / elapsed:.1f}/s), p50 {p50:.1f} ms, p99 {p99:.1f} ms, "
          f"max {latencies[-1] if latencies else float('nan'):.1f} ms")
    print(f"autosave: errors {sum(errors.values())} ({detail}) (target 0); "
          f"'database is locked' in the server log: {locked} (target 0)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
