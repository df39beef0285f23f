"""Accounts: creating users, checking passwords, ending sessions, remembering a language,
disabling and enabling users, and organiser-issued password reset links.

Passwords are hashed with the configured method (scrypt N=2**17 by default, which meets
OWASP ASVS 5.0 Appendix C). Never stores or logs a plain password or a reset token.
"""

import functools
import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash, generate_password_hash

from awards.enums import Role
from awards.extensions import db
from awards.models import AuditEvent, Institution, PasswordResetLink, User
from awards.services import audit
from awards.services.errors import DomainError, InvalidCredentials, InvalidInput, NotFound

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 128
# The most common choices in public breach lists; a fuller list comes with the trust work.
COMMON_PASSWORDS = frozenset(
    """password password1 password123 12345678 123456789 1234567890 qwerty123 qwertyuiop
    11111111 00000000 iloveyou abc12345 admin123 welcome1 letmein1 sunshine football
    tanzania tanzania1 dodoma123 nenosiri""".split()
)
MAX_AUDITED_EMAIL = 254


def now() -> datetime:
    """The clock for session timeouts and reset links (tests move it)."""
    return datetime.now(UTC)


@functools.cache
def common_passwords() -> frozenset[str]:
    """The 30,000 most common passwords bundled with zxcvbn, plus local (Swahili, Tanzanian) ones; loaded once."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"]) | COMMON_PASSWORDS


# Checked when the email is unknown, so a missing account takes as long as a wrong password.
_DUMMY_HASH = None


def hash_password(password: str, *, generated: bool = False) -> str:
    """A salted hash of a password. ``generated``: a password from :func:`generate_password`, with no
    human choice in it, takes the fast GENERATED_PASSWORD_HASH_METHOD (see awards.config)."""
    method = current_app.config["GENERATED_PASSWORD_HASH_METHOD" if generated else "PASSWORD_HASH_METHOD"]
    return generate_password_hash(password, method=method)


def generate_password() -> str:
    """A random initial password of 128 bits (22 characters), for a user to log in with once."""
    return secrets.token_urlsafe(16)


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(_l("The password must have at least %(n)d characters.", n=MIN_PASSWORD_LENGTH))
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidInput(_l("The password must have at most %(n)d characters.", n=MAX_PASSWORD_LENGTH))
    if password.lower() in common_passwords():
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
    generated_password: bool = False,
) -> User:
    """A new account. ``generated_password``: ``password`` comes from :func:`generate_password`."""
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
        password_hash=hash_password(password, generated=generated_password),
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
        _login_failed(None, email)
    if not check_password_hash(user.password_hash, password) or not user.active:
        _login_failed(user, email)
    audit.record("user.login", user, actor=user)
    return user


def _login_failed(user: User | None, email: str):
    """Record the refusal (the caller commits it even though the login fails), then refuse."""
    audit.record("user.login_failed", user, object_type="User", after={"email": email[:MAX_AUDITED_EMAIL]})
    raise InvalidCredentials()


def login_throttled(email: str, scope: str) -> None:
    """Record that login attempts were refused by the rate limit (scope: per address or per account)."""
    audit.record("user.login_throttled", None, object_type="User",
                 after={"email": email[:MAX_AUDITED_EMAIL], "limit": scope})


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


def list_users() -> list[User]:
    return list(db.session.execute(
        db.select(User).options(db.joinedload(User.institution)).order_by(User.role, User.email)).scalars())


def last_logins() -> dict[int, datetime]:
    """When each user last logged in, from the audit trail (user id -> time)."""
    rows = db.session.execute(
        db.select(AuditEvent.object_id, db.func.max(AuditEvent.created_at))
        .filter(AuditEvent.action == "user.login", AuditEvent.object_type == "User")
        .group_by(AuditEvent.object_id))
    return {int(ident): moment for ident, moment in rows if ident and ident.isdigit()}


def disable_user(user: User, *, actor: User) -> None:
    """Refuse the user's logins and end their sessions everywhere; their unused reset links stop working."""
    if user.id == actor.id:
        raise InvalidInput(_l("You cannot disable your own account."))
    if not user.active:
        return
    user.active = False
    user.session_version += 1
    _revoke_links(user)
    audit.record("user.disable", user, actor=actor, before={"active": True},
                 after={"active": False, "session_version": user.session_version})


def enable_user(user: User, *, actor: User) -> None:
    if user.active:
        return
    user.active = True
    audit.record("user.enable", user, actor=actor, before={"active": False}, after={"active": True})


class LinkExpired(DomainError):
    status = 410

    def default_message(self):
        return _l("This password reset link has expired or has already been used. Ask the organisers for a new one.")


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _revoke_links(user: User) -> None:
    for link in db.session.execute(db.select(PasswordResetLink).filter_by(
            user_id=user.id, used_at=None, revoked=False)).scalars():
        link.revoked = True


def issue_reset_link(user: User, *, actor: User) -> str:
    """Create a single-use reset link for ``user`` and return its token (shown once; only its hash is stored).
    Older unused links for the user stop working."""
    if not user.active:
        raise InvalidInput(_l("This account is disabled. Enable it before issuing a password reset link."))
    _revoke_links(user)
    token = secrets.token_urlsafe(32)
    issued = now()
    link = PasswordResetLink(user=user, token_sha256=_token_hash(token), issued_by=actor, issued_at=issued,
                             expires_at=issued + timedelta(hours=current_app.config["RESET_LINK_HOURS"]))
    db.session.add(link)
    db.session.flush()
    audit.record("user.reset_link_issued", user, actor=actor, after={"link": link.id, "expires_at": link.expires_at})
    return token


def reset_link(token: str) -> PasswordResetLink:
    """The usable link for ``token``; NotFound if there is none, LinkExpired if it is used, replaced or too old."""
    link = db.session.execute(db.select(PasswordResetLink).filter_by(token_sha256=_token_hash(token))).scalar()
    if link is None:
        raise NotFound(_l("This password reset link is not valid. Check that you copied all of it."))
    if link.used_at is not None or link.revoked or link.expires_at <= now() or not link.user.active:
        raise LinkExpired()
    return link


def reset_password(token: str, password: str) -> User:
    """Set a new password through a reset link: the link is spent and the user's sessions end everywhere."""
    link = reset_link(token)
    check_password_rules(password)
    user = link.user
    user.password_hash = hash_password(password)
    user.session_version += 1
    link.used_at = now()
    audit.record("user.password_reset", user, actor=user,
                 after={"link": link.id, "session_version": user.session_version})
    return user
