from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import EmailField, HiddenField, PasswordField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length

from awards.forms.base import BaseForm


class LoginForm(BaseForm):
    email = EmailField(_l("Email"), validators=[DataRequired(_l("Enter your email address.")), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password.")),
                                                        Length(max=128)])


class LogoutForm(BaseForm):
    pass


class LanguageForm(BaseForm):
    """The header's language switch. Anonymous visitors' pages carry no CSRF token, so they stay the
    same for everyone and can be cached whole (views.public): choosing a language is all this form
    does to a visitor's own session. A logged-in user's choice is saved on the account, so theirs
    carries the token and the form checks it."""

    lang = SelectField(_l("Language"), choices=[SelectChoice("sw", "Kiswahili"), SelectChoice("en", "English")])
    next = HiddenField()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("meta", {"csrf": current_user.is_authenticated})
        super().__init__(*args, **kwargs)


class ResetPasswordForm(BaseForm):
    # Length and common-password rules are the service's (accounts.check_password_rules).
    password = PasswordField(_l("New password"), validators=[DataRequired(_l("Enter a new password."))])
    confirm = PasswordField(_l("New password again"), validators=[
        DataRequired(_l("Enter the new password again.")),
        EqualTo("password", _l("The two passwords are not the same."))])


class UserActionForm(BaseForm):
    """Disable, enable or issue a reset link: a button with its CSRF token."""
