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
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app

from awards.extensions import cache

DAY = 24 * 3600


def init_cache(app: Flask) -> None:
    app.config.setdefault("CACHE_KEY_PREFIX", "tuzo:")
    app.config.setdefault("CACHE_DEFAULT_TIMEOUT", DAY)
    if app.config.get("REDIS_URL"):
        app.config.setdefault("CACHE_TYPE", "RedisCache")
        app.config.setdefault("CACHE_REDIS_URL", app.config["REDIS_URL"])
    else:
        app.config.setdefault("CACHE_TYPE", "SimpleCache")
    cache.init_app(app)


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
