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
    # Passwords Tuzo generates itself (an imported judge's initial password: 128 random bits, shown
    # once) need no key stretching, which protects guessable human passwords: 2**128 guesses are out
    # of reach at any hash speed (NIST SP 800-63B 5.1.2.2: look-up secrets of 112 bits or more). With
    # scrypt each took 0.6 s, so importing 200 judges outlasted the request timeout. A password the
    # user sets is always hashed with PASSWORD_HASH_METHOD.
    GENERATED_PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
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
    # Login attempts (POST /login), counted per client address and per account (the email typed).
    LOGIN_RATE_LIMIT = "10 per 5 seconds; 50 per hour"
    # A session ends after this long without a request, and this long after login whatever happens.
    SESSION_IDLE_MINUTES = 120
    SESSION_ABSOLUTE_HOURS = 12
    # Organiser-issued password reset links (there is no mail server) are valid this long, once.
    RESET_LINK_HOURS = 24
    # Serving over HTTPS (AWARDS_HTTPS=1): Secure "__Host-" session cookie and https URLs. Off by
    # default so `make run` on http://127.0.0.1:5000 works. HSTS is sent on every HTTPS request.
    HTTPS = False
    # The public ranking page asks the database which publication is current; each server process
    # keeps the answer this many seconds (0: ask on every request). A new publication or correction
    # shows on every server within this time; browsers and proxies may keep a page 60 s anyway.
    PUBLIC_LOOKUP_SECONDS = 1.0
    # Behind a reverse proxy (nginx) that sets X-Forwarded-For and X-Forwarded-Proto: AWARDS_PROXY_FIX=1.
    PROXY_FIX = False
