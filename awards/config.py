"""Configuration defaults. Layers: these defaults, then instance/config.py, then
AWARDS_* environment variables, then the test mapping (see app.create_app)."""

DEV_SECRET_KEY = "dev-only-not-secret"


class Defaults:
    SECRET_KEY = DEV_SECRET_KEY
    # None means a SQLite file in the instance folder (set in create_app).
    DATABASE_URL = None
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    BABEL_DEFAULT_LOCALE = "sw"
    BABEL_DEFAULT_TIMEZONE = "Africa/Dar_es_Salaam"
    LANGUAGES = ("sw", "en")
    # Werkzeug's default scrypt (N=2**15) is below OWASP ASVS 5.0 Appendix C; N=2**17 meets it.
    PASSWORD_HASH_METHOD = "scrypt:131072:8:1"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    MAX_CONTENT_LENGTH = 32 * 1024 * 1024
    # Evidence files: None means instance/uploads. Several app machines need one shared directory.
    UPLOAD_DIR = None
    UPLOAD_MAX_FILE_BYTES = 20 * 1024 * 1024
    UPLOAD_MAX_ENTRY_BYTES = 100 * 1024 * 1024
    # Words per criterion narrative when the rubric sets no limit of its own.
    NARRATIVE_MAX_WORDS = 500
    # Certificate lookups (/verify) per client address. memory:// counts per process; set
    # AWARDS_RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379 to share the count across processes.
    RATELIMIT_STORAGE_URI = "memory://"
    VERIFY_RATE_LIMIT = "30 per minute"
