"""Shared parts of the server benchmarks: a throwaway national database, the real server
(gunicorn, 2 workers) on a free loopback port, and wrk runs parsed into figures."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import national  # noqa: E402

BIN = Path(sys.executable).parent
WRK = shutil.which("wrk") or "/usr/bin/wrk"


@dataclass
class Workspace:
    folder: Path
    url: str
    upload_dir: str
    app: object
    national: national.National


@contextlib.contextmanager
def workspace(**kwargs):
    """A temporary folder with a SQLite database holding the national edition."""
    with tempfile.TemporaryDirectory(prefix="tuzo-bench-") as tmp:
        folder = Path(tmp)
        (folder / "uploads").mkdir()
        url = f"sqlite:///{folder / 'national.sqlite'}"
        app, built = national.create(url, str(folder / "uploads"), **kwargs)
        print(f"setup: national edition {built.slug}, {len(built.categories)} categories x {built.entries} entries, "
              f"{len(built.judges)} judges, 7 judges per entry, built in {built.seconds:.1f} s", flush=True)
        yield Workspace(folder, url, str(folder / "uploads"), app, built)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    base: str
    log: Path
    workers: int

    def log_count(self, needle: str) -> int:
        return self.log.read_text(errors="replace").count(needle)

    def restarts(self) -> int:
        """Workers booted after the first ones (recycled or crashed)."""
        return max(0, self.log_count("Booting worker") - self.workers)


@contextlib.contextmanager
def server(ws: Workspace, *, workers: int = 2, env: dict | None = None):
    """gunicorn with ``workers`` workers serving the workspace database; stderr and the error log
    go to a file (``Server.log``) that the benches search for 'database is locked'."""
    port = _free_port()
    log = ws.folder / f"gunicorn-{port}.log"
    command = [str(BIN / "gunicorn")]
    if (ROOT / "gunicorn.conf.py").exists():
        command += ["-c", str(ROOT / "gunicorn.conf.py")]
    command += ["-w", str(workers), "-b", f"127.0.0.1:{port}", "--error-logfile", "-", "wsgi:app"]
    environment = {k: v for k, v in os.environ.items() if not k.startswith("AWARDS_")}  # only what we set
    environment.update(AWARDS_DATABASE_URL=ws.url, AWARDS_SECRET_KEY=national.SECRET_KEY,
                       AWARDS_UPLOAD_DIR=ws.upload_dir)
    # gunicorn.conf.py recycles a worker every ~1000 requests; in a 10 s wrk run at a few hundred
    # requests a second that restarts both workers mid-measurement (an app import each, requests
    # timing out meanwhile), which measures the recycling, not the page. Off unless asked for.
    environment.setdefault("GUNICORN_MAX_REQUESTS", "0")
    environment.update(env or {})
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not start; see its log:\n{log.read_text()[-3000:]}") from None
                time.sleep(0.2)
        yield Server(base, log, workers)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass
class WrkResult:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int  # socket errors plus non-2xx/3xx answers
    error_detail: str = ""

    def line(self) -> str:
        return f"{self.requests_per_second:.0f} req/s, p50 {self.p50_ms:.1f} ms, p99 {self.p99_ms:.1f} ms"


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * _UNITS[unit]


def parse_wrk(output: str) -> WrkResult:
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1))
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1))
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    kinds = {kind: int(n) for kind, n in re.findall(r"(connect|read|write|timeout) (\d+)", output)}
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    if non2xx:
        kinds["non-2xx/3xx"] = int(non2xx.group(1))
    detail = ", ".join(f"{kind} {n}" for kind, n in kinds.items() if n)
    return WrkResult(rps, p50, p99, requests, sum(kinds.values()), detail)


def wait_for_wrk(timeout: float = 300) -> str:
    """wrk comes from the Debian package; wait a little if apt is still installing it."""
    deadline = time.monotonic() + timeout
    while not (shutil.which("wrk") or os.path.exists("/usr/bin/wrk")):
        if time.monotonic() > deadline:
            raise SystemExit("wrk is not installed: apt-get install wrk")
        time.sleep(5)
    return shutil.which("wrk") or "/usr/bin/wrk"


def wrk(url: str, *, seconds: int = 10, connections: int = 32, threads: int = 2,
        headers: dict | None = None) -> WrkResult:
    command = [wait_for_wrk(), f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout
    return parse_wrk(output)


def warm(url: str, times: int = 20) -> None:
    """A few requests first, so each worker has loaded its templates and opened its connection."""
    for _ in range(times):
        with urllib.request.urlopen(url, timeout=30) as answer:
            answer.read()
