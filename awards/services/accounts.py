"""Accounts: creating users, checking passwords, ending sessions, remembering a language.

Passwords are hashed with the configured method (scrypt N=2**17 by default, which meets
OWASP ASVS 5.0 Appendix C). Never stores or logs a plain password.
"""

from flask import current_app
from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash, generate_password_hash

from awards.enums import Role
from awards.extensions import db
from awards.models import Institution, User
from awards.services import audit
from awards.services.errors import InvalidCredentials, InvalidInput

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 128
# The most common choices in public breach lists; a fuller list comes with the trust work.
COMMON_PASSWORDS = frozenset(
    """password password1 password123 12345678 123456789 1234567890 qwerty123 qwertyuiop
    11111111 00000000 iloveyou abc12345 admin123 welcome1 letmein1 sunshine football
    tanzania tanzania1 dodoma123 nenosiri""".split()
)
# Checked when the email is unknown, so a missing account takes as long as a wrong password.
_DUMMY_HASH = None


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(_l("The password must have at least %(n)d characters.", n=MIN_PASSWORD_LENGTH))
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidInput(_l("The password must have at most %(n)d characters.", n=MAX_PASSWORD_LENGTH))
    if password.lower() in COMMON_PASSWORDS:
        raise InvalidInput(_l("This password is too common. Choose another one."))


def normalise_email(email: str) -> str:
    return email.strip().lower()


def create_user(
    email: str,
    *,
    name: str,
    role: Role,
    password: str,
    institution: Institution | None = None,
    locale: str | None = None,
    actor: User | None = None,
) -> User:
    email = normalise_email(email)
    if not email or "@" not in email:
        raise InvalidInput(_l("Enter a valid email address."))
    if db.session.execute(db.select(User.id).filter_by(email=email)).first():
        raise InvalidInput(_l("A user with this email already exists."))
    if role is Role.INSTITUTION and institution is None:
        raise InvalidInput(_l("Institution staff must belong to an institution."))
    check_password_rules(password)
    user = User(
        email=email,
        name=name.strip() or email,
        role=role,
        password_hash=hash_password(password),
        institution=institution,
        locale=locale,
    )
    db.session.add(user)
    audit.record(
        "user.create", user, actor=actor,
        after={"email": email, "role": role.value, "institution": institution.acronym if institution else None},
    )
    return user


def authenticate(email: str, password: str) -> User:
    """Return the active user with these credentials, or raise InvalidCredentials."""
    global _DUMMY_HASH
    user = db.session.execute(db.select(User).filter_by(email=normalise_email(email))).scalar()
    if user is None:
        if _DUMMY_HASH is None:
            _DUMMY_HASH = hash_password("not-a-real-password")
        check_password_hash(_DUMMY_HASH, password)
        raise InvalidCredentials()
    if not check_password_hash(user.password_hash, password) or not user.active:
        raise InvalidCredentials()
    audit.record("user.login", user, actor=user)
    return user


def end_sessions(user: User) -> None:
    """Log the user out everywhere: sessions carry the old version and stop matching."""
    user.session_version += 1
    audit.record("user.logout", user, actor=user, after={"session_version": user.session_version})


def set_locale(user: User, locale: str) -> None:
    if locale not in current_app.config["LANGUAGES"]:
        raise InvalidInput(_l("Unknown language."))
    if user.locale != locale:
        before = user.locale
        user.locale = locale
        audit.record("user.set_locale", user, actor=user, before={"locale": before}, after={"locale": locale})
