"""The shared cache (Flask-Caching) and the one way the app uses it: fragments that are the same
for every viewer.

With AWARDS_REDIS_URL set the cache lives in Redis (keys prefixed "tuzo:", AWARDS_CACHE_KEY_PREFIX),
so every gunicorn worker and machine shares it; otherwise each process has a SimpleCache.

Rules (CTFd #1584 served one user's page to another): only cache what is identical for everyone
who may see it, and put in the key everything the bytes depend on. A logged-in viewer's page
carries their name, session and CSRF token, so only its shared parts are cached; an anonymous
visitor's page carries none of these and is cached whole (views.public). Keys name immutable things (a snapshot's sha256),
so a correction is a new key and nothing ever needs deleting; the timeout only bounds the size.
A cache that fails (Redis down) is logged and skipped: the page is built as if nothing was cached.

Besides, each process keeps what it was just asked for a second (PUBLIC_LOOKUP_SECONDS,
:func:`recent`), the "microcache" of busy read-only pages: the answers of the public ranking's
database lookup (so a new publication shows on every server within that second) and whole anonymous
pages, whose keys name their content (so those are never stale, and Redis is not asked again). On
announcement day the same few rankings are asked for thousands of times a second.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import TypeVar

from cachetools import TTLCache
from flask import Flask, current_app

from awards.extensions import cache

DAY = 24 * 3600
T = TypeVar("T")
_RECENT = "tuzo_recent_lookups"
_RECENT_LOCK = threading.Lock()  # TTLCache is not thread-safe (gunicorn's gthread workers)


def init_cache(app: Flask) -> None:
    app.config.setdefault("CACHE_KEY_PREFIX", "tuzo:")
    app.config.setdefault("CACHE_DEFAULT_TIMEOUT", DAY)
    if app.config.get("REDIS_URL"):
        app.config.setdefault("CACHE_TYPE", "RedisCache")
        app.config.setdefault("CACHE_REDIS_URL", app.config["REDIS_URL"])
    else:
        app.config.setdefault("CACHE_TYPE", "SimpleCache")
    cache.init_app(app)
    seconds = float(app.config.get("PUBLIC_LOOKUP_SECONDS") or 0)
    app.extensions[_RECENT] = TTLCache(maxsize=1024, ttl=seconds) if seconds > 0 else None


def recent(key: Hashable, load: Callable[[], T | None]) -> T | None:
    """``load()``, or what it returned for ``key`` in this process less than PUBLIC_LOOKUP_SECONDS
    ago. None (nothing found) is never kept, so something new shows at once. The value must be the
    same for every viewer and immutable (a Row, a tuple)."""
    memo = current_app.extensions.get(_RECENT)
    if memo is None:
        return load()
    with _RECENT_LOCK:
        found = memo.get(key)
    if found is None:
        found = load()
        if found is not None:
            with _RECENT_LOCK:
                memo[key] = found
    return found


def shared_fragment(key: str, build: Callable[[], str]) -> str:
    """The cached text under ``key``, or ``build()`` (then stored). ``key`` must name everything the
    text depends on, and the text must be the same for every viewer."""
    try:
        found = cache.get(key)
    except Exception:  # noqa: BLE001 - a cache outage must not take the page down
        current_app.logger.warning("cache unavailable, building %s", key, exc_info=True)
        return build()
    if found is not None:
        return found
    text = str(build())
    try:
        cache.set(key, text)
    except Exception:  # noqa: BLE001
        current_app.logger.warning("cache unavailable, not storing %s", key, exc_info=True)
    return text
