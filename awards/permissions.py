"""Who may use which view. Access is denied by default.

Every view declares its audience with @public or @role_required(...); app.enforce_access
refuses any endpoint without a declaration, so a new route cannot be open by accident.
Object-level checks (is this your entry?) live in the loaders, which answer 404.
"""

from functools import wraps

from flask import abort, redirect, request, url_for
from flask_login import current_user

from awards.enums import Role

ACCESS_ATTR = "_tuzo_access"


def public(view):
    setattr(view, ACCESS_ATTR, "public")
    return view


def role_required(*roles: Role):
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
            if current_user.role not in roles:
                _record_denied()
                abort(403)
            return view(*args, **kwargs)

        setattr(wrapped, ACCESS_ATTR, tuple(roles))
        return wrapped

    return decorator


def _record_denied() -> None:
    """Audit a logged-in user's refused access (committed: the 403 that follows rolls back)."""
    from awards.extensions import db
    from awards.services import audit

    user = current_user._get_current_object()
    audit.record("access.denied", user, actor=user, after={"endpoint": request.endpoint, "method": request.method})
    db.session.commit()


def login_required_any(view):
    return role_required(*Role)(view)


def declared_access(view) -> object:
    return getattr(view, ACCESS_ATTR, None)
