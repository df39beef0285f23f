"""Language helpers shared by services, forms and views (Flask-Babel does the translating).

Dates, times and numbers shown to people are formatted here, for the language and in the app's
timezone (BABEL_DEFAULT_TIMEZONE, Africa/Dar_es_Salaam): "23 Juni 2026", "23 June 2026",
"23 June 2026, 14:05 EAT", "5,000". Templates use them as filters (template_filters). Machine
formats stay as they are elsewhere: CSV/JSON open data, the API, exports' cells, ETags, audit
hashes, <time datetime> attributes and input values keep ISO dates and plain decimals.
"""

from contextlib import nullcontext
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import lru_cache

from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers
from flask_babel import force_locale, get_locale, get_timezone
from flask_babel import gettext as _

LANGUAGES = ("sw", "en")
# CLDR's formats for each language as used in Tanzania (sw_TZ, en_TZ): day, month name and year,
# and a 24-hour clock, in both languages, as Tanzanian documents write them. (Plain "en" would
# give the American "June 23, 2026, 2:05 PM".)
TERRITORY = "TZ"


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


# -- dates, times and numbers for people ---------------------------------------------------------

@lru_cache(maxsize=8)
def _format_locale(language: str) -> Locale:
    return Locale(language, TERRITORY)


def _locale(language: str | None) -> Locale:
    return _format_locale(language or lang())


def local_time(moment: datetime) -> datetime:
    """An instant in the app's timezone (a naive datetime is taken as UTC, as the database stores it)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(get_timezone())


def format_day(value: date | datetime, language: str | None = None) -> str:
    """A date as people write it: "23 Juni 2026", "23 June 2026". An instant gives its local date."""
    if isinstance(value, datetime):
        value = local_time(value).date()
    return babel_dates.format_date(value, "long", locale=_locale(language))


def _zone_label(moment: datetime, locale: Locale) -> str:
    """The zone's short name ("EAT", "UTC"); CLDR has none in Swahili, so the English one is used there."""
    label = babel_dates.format_time(moment, "z", tzinfo=moment.tzinfo, locale=locale)
    if not label[:1].isalpha() or label.startswith("GMT"):
        label = babel_dates.format_time(moment, "z", tzinfo=moment.tzinfo, locale=_format_locale("en"))
    return label


def format_moment(value: datetime, language: str | None = None, *, utc: bool = False, seconds: bool = False) -> str:
    """A date and time with its zone: "23 Juni 2026 14:05 EAT", "23 June 2026, 14:05 EAT".

    Local time (the app's timezone) unless ``utc`` (the audit trail, whose filters and exports are in UTC).
    """
    locale = _locale(language)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    moment = value.astimezone(UTC) if utc else local_time(value)
    clock = babel_dates.format_time(moment, "medium" if seconds else "short", tzinfo=moment.tzinfo, locale=locale)
    day = babel_dates.format_date(moment.date(), "long", locale=locale)
    pattern = babel_dates.get_datetime_format("medium", locale=locale)
    return pattern.replace("{1}", day).replace("{0}", f"{clock} {_zone_label(moment, locale)}")


def format_number(value, language: str | None = None) -> str:
    """A count or quantity with the language's separators, never rounded: 5000 -> "5,000", 12.5 -> "12.5"."""
    if isinstance(value, float):
        value = Decimal(str(value))
    return babel_numbers.format_decimal(value, locale=_locale(language), decimal_quantization=False)


def format_score(value, language: str | None = None) -> str:
    """A score already rounded to two places (awards.scoring.to_decimal), with exactly two decimals
    and the language's separators: "91.33", "1,091.30". It never rounds again: a value with more
    places (none should reach here) keeps them all."""
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    return babel_numbers.format_decimal(number, "#,##0.00", locale=_locale(language), decimal_quantization=False)


def format_size(size: int, language: str | None = None) -> str:
    """A file size in bytes, KB or MB (1 KB = 1024 bytes, as the upload limits count): "1.5 MB", "MB 1.5"."""
    with force_locale(language) if language and language != lang() else nullcontext():
        if size >= 1024 * 1024:
            return _("%(number)s MB", number=format_number(round(Decimal(size) / (1024 * 1024), 1), language))
        if size >= 1024:
            return _("%(number)s KB", number=format_number(round(Decimal(size) / 1024, 1), language))
        return _("%(number)s bytes", number=format_number(size, language))


def template_filters() -> dict:
    """The Jinja filters for the formats above (registered by app.register_hooks)."""
    return {"day": format_day, "moment": format_moment, "number": format_number, "score": format_score,
            "filesize": format_size}
