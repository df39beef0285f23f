"""Language helpers shared by services, forms and views (Flask-Babel does the translating)."""

from flask_babel import get_locale

LANGUAGES = ("sw", "en")


def lang() -> str:
    locale = get_locale()
    return locale.language if locale is not None else LANGUAGES[0]


def localized(obj, field: str) -> str:
    """obj.<field>_<lang> (or a dict's), falling back to the other language when empty."""
    first = lang()
    other = "en" if first == "sw" else "sw"
    if isinstance(obj, dict):
        return obj.get(f"{field}_{first}") or obj.get(f"{field}_{other}") or ""
    return getattr(obj, f"{field}_{first}", "") or getattr(obj, f"{field}_{other}", "")
