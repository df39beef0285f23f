"""The base of every form: WTForms' and Flask-WTF's own messages in the user's language.

WTForms ships no Swahili catalog, and Flask-WTF (WTF_I18N_ENABLED) looks only in WTForms' own
catalogs, so "This field is required." or "Not a valid choice." stayed English on Swahili
pages. Here a form's Meta hands WTForms the app's Flask-Babel translations instead: the
built-in messages are msgids of our catalog (listed in awards.forms.builtin_messages, so that
an extract keeps them), translated in awards/translations/sw/LC_MESSAGES/messages.po.

Flask-WTF's CSRF messages ("The CSRF token is missing.") are raised as plain English text;
the CSRF class below passes them through the same translations.
"""

from flask_babel import get_translations
from flask_wtf import FlaskForm
from wtforms.validators import ValidationError


class AppTranslations:
    """gettext/ngettext over the request's Flask-Babel catalog, without formatting.

    WTForms fills the placeholders itself (``message % {"min": 3, "max": 10}``), so the text
    must come back with them intact: flask_babel.ngettext would format it already.
    """

    def gettext(self, string):
        return get_translations().ugettext(string)

    def ngettext(self, singular, plural, n):
        return get_translations().ungettext(singular, plural, n)


TRANSLATIONS = AppTranslations()


class TranslatedCSRF(FlaskForm.Meta.csrf_class):
    """Flask-WTF's form CSRF check, its refusals in the user's language."""

    def validate_csrf_token(self, form, field):
        try:
            super().validate_csrf_token(form, field)
        except ValidationError as exc:
            raise ValidationError(field.gettext(str(exc.args[0]) if exc.args else "")) from None


class BaseForm(FlaskForm):
    """Every form of the app derives from this one (tests/test_form_messages.py checks it)."""

    class Meta:
        csrf_class = TranslatedCSRF

        def get_translations(self, form):
            return TRANSLATIONS
