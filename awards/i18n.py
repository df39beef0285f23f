"""Language helpers shared by services, forms and views (Flask-Babel does the translating)."""

from flask_babel import get_locale
from flask_babel import gettext as _

LANGUAGES = ("sw", "en")


def lang() -> str:
    locale = get_locale()
    return locale.language if locale is not None else LANGUAGES[0]


def localized(obj, field: str, language: str | None = None) -> str:
    """obj.<field>_<lang> (or a dict's), falling back to the other language when empty.

    ``language`` defaults to the request's; PDFs pass the one they are rendered in.
    """
    first = language or lang()
    other = "en" if first == "sw" else "sw"
    if isinstance(obj, dict):
        return obj.get(f"{field}_{first}") or obj.get(f"{field}_{other}") or ""
    return getattr(obj, f"{field}_{first}", "") or getattr(obj, f"{field}_{other}", "") or ""


def descriptor(texts: dict, language: str | None = None) -> str:
    """A level descriptor ({"sw": ..., "en": ...}) in one language, falling back to the other."""
    first = language or lang()
    other = "en" if first == "sw" else "sw"
    return texts.get(first) or texts.get(other) or ""


def method_label(key: str) -> str:
    """The name of an aggregation method (awards.scoring registry key) in the user's language."""
    labels = {"mean": _("mean"), "median": _("median"), "trimmed_mean": _("trimmed mean"),
              "z_mean": _("mean after z-score normalisation")}
    return labels.get(key, key)


def stage_label(stage) -> str:
    """An edition stage's name in the user's language."""
    labels = {"setup": _("setup"), "submissions": _("submissions"), "judging": _("judging"),
              "moderation": _("moderation"), "published": _("published"), "archived": _("archived")}
    value = getattr(stage, "value", stage)
    return labels.get(value, value)
