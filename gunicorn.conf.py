"""gunicorn settings for Tuzo: `gunicorn -c gunicorn.conf.py wsgi:app`.

Every setting can be changed from the environment (GUNICORN_*), so one file serves a laptop,
a single server on SQLite and several machines on PostgreSQL. The app itself is configured with
AWARDS_* variables (AWARDS_DATABASE_URL, AWARDS_SECRET_KEY, AWARDS_UPLOAD_DIR, ...).
See https://docs.gunicorn.org/en/stable/settings.html
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


# Where to listen. Loopback by default: put a reverse proxy (nginx, Caddy) with TLS in front,
# or set GUNICORN_BIND=0.0.0.0:8000 in a container. Several addresses: separate them with commas.
bind = [address.strip() for address in os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")]

# Worker processes. The usual 2 x cores + 1, capped at 12: the app is mostly database-bound, and on
# SQLite every writer queues for the one write lock anyway, so more processes only cost memory.
# GUNICORN_WORKERS overrides it (PostgreSQL deployments on big machines may want more).
workers = _int("GUNICORN_WORKERS", min(2 * multiprocessing.cpu_count() + 1, 12))

# Synchronous workers: one request at a time per process. Measured (20 clients sending 200 autosaves
# in all, 2 workers, SQLite, a busy 2-core machine): sync 20.6 and 20.5 autosaves/s, gthread with
# 4 threads 20.4 and 18.0/s, no errors either way. The writes queue for the database's one write
# lock, so threads add nothing but shared state. GUNICORN_THREADS above 1 switches to gthread
# (useful without a buffering proxy in front, where slow clients would hold a sync worker).
threads = _int("GUNICORN_THREADS", 1)
worker_class = "gthread" if threads > 1 else "sync"

# A worker silent for this many seconds is killed and replaced. 60 s covers the slowest legitimate
# request (a batch of certificate PDFs) and SQLite's 30 s busy timeout with room to spare.
timeout = _int("GUNICORN_TIMEOUT", 60)

# On SIGTERM (deploys, restarts), workers get this long to finish the requests they are serving.
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)

# Keep-alive seconds for idle client connections (a proxy in front reuses them).
keepalive = _int("GUNICORN_KEEPALIVE", 5)

# Recycle each worker after about 20,000 requests, so a slow leak never grows for ever; the jitter
# (0-2,000 more) keeps the workers from all restarting at the same moment. Not lower: a worker
# takes a second or two to start, and on announcement day (hundreds of requests a second) a limit
# of 1,000 restarted both workers every few seconds, and wrk saw timeouts (bench/ranking.py).
max_requests = _int("GUNICORN_MAX_REQUESTS", 20000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 2000)

# Access log on stdout and error log on stderr, for the service manager or container to collect.
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
errorlog = os.environ.get("GUNICORN_ERRORLOG", "-")
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")

# Each worker imports the app itself, after the fork. Preloading would create the SQLAlchemy
# engine (and its SQLite connections) in the master and share them across forked workers, which
# SQLite and connection pools do not survive.
preload_app = False

# gunicorn 23+'s control socket (gunicornc) defaults to one path per user, ~/.gunicorn/gunicorn.ctl,
# which two servers of the same user would fight over; Tuzo does not use it.
control_socket_disable = True

# Trust X-Forwarded-* headers only from a proxy on this machine (comma-separated addresses).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
