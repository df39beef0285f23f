"""The messages WTForms and Flask-WTF write themselves, listed so that our catalog keeps them.

awards.forms.base gives WTForms the app's translations, so these English texts are msgids of
awards/translations/*/LC_MESSAGES/messages.po. No source file of ours says them, and `make
messages` (pybabel extract, then update) would drop them as obsolete: listing them here with
pybabel's default markers (N_ for one text, ngettext for a singular/plural pair) keeps them in
every extract. They are copied exactly from wtforms/locale/wtforms.pot (WTForms 3) and from
flask_wtf/csrf.py and flask_wtf/file.py; tests/test_form_messages.py checks that this list
still covers the installed WTForms' catalog and that each one has a Swahili translation.

Nothing here translates: the markers only return what they are given, at import.
"""


def N_(message: str) -> str:
    """Marks a message for extraction (pybabel's default keyword); returns it unchanged."""
    return message


def ngettext(singular: str, plural: str, n: int = 2) -> tuple[str, str]:
    """Marks a singular/plural pair for extraction (pybabel's default keyword); returns the pair."""
    return singular, plural


WTFORMS = (
    # wtforms/validators.py
    N_("Invalid field name '%s'."),
    N_("Field must be equal to %(other_name)s."),
    N_("Field must be between %(min)d and %(max)d characters long."),
    N_("Number must be at least %(min)s."),
    N_("Number must be at most %(max)s."),
    N_("Number must be between %(min)s and %(max)s."),
    N_("Date must be at least %(min)s."),
    N_("Date must be at most %(max)s."),
    N_("Date must be between %(min)s and %(max)s."),
    N_("This field is required."),
    N_("Invalid input."),
    N_("Invalid email address."),
    N_("Invalid IP address."),
    N_("Invalid Mac address."),
    N_("Invalid URL."),
    N_("Invalid UUID."),
    N_("Invalid value, must be one of: %(values)s."),
    N_("Invalid value, can't be any of: %(values)s."),
    N_("This field cannot be edited."),
    N_("This field is disabled and cannot have a value."),
    # wtforms/csrf/
    N_("Invalid CSRF Token."),
    N_("CSRF token missing."),
    N_("CSRF failed."),
    N_("CSRF token expired."),
    # wtforms/fields/
    N_("Invalid Choice: could not coerce."),
    N_("Choices cannot be None."),
    N_("Not a valid choice."),
    N_("Invalid choice(s): one or more data inputs could not be coerced."),
    N_("Not a valid datetime value."),
    N_("Not a valid date value."),
    N_("Not a valid time value."),
    N_("Not a valid week value."),
    N_("Not a valid integer value."),
    N_("Not a valid decimal value."),
    N_("Not a valid float value."),
)

WTFORMS_PLURALS = (
    ngettext("Field must be at least %(min)d character long.",
             "Field must be at least %(min)d characters long."),
    ngettext("Field cannot be longer than %(max)d character.",
             "Field cannot be longer than %(max)d characters."),
    ngettext("Field must be exactly %(max)d character long.",
             "Field must be exactly %(max)d characters long."),
    ngettext("'%(value)s' is not a valid choice for this field.",
             "'%(value)s' are not valid choices for this field."),
)

FLASK_WTF = (
    # flask_wtf/csrf.py (validate_csrf), raised as plain text; awards.forms.base translates them.
    N_("The CSRF token is missing."),
    N_("The CSRF session token is missing."),
    N_("The CSRF token has expired."),
    N_("The CSRF token is invalid."),
    N_("The CSRF tokens do not match."),
    # flask_wtf/file.py (FileAllowed; FileRequired says "This field is required.")
    N_("File does not have an approved extension: {extensions}"),
    N_("File does not have an approved extension."),
)
