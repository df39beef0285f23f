from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(_l("Enter your email address.")), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password.")),
                                                        Length(max=128)])


class LogoutForm(FlaskForm):
    pass


class LanguageForm(FlaskForm):
    lang = SelectField(_l("Language"), choices=[SelectChoice("sw", "Kiswahili"), SelectChoice("en", "English")])
    next = HiddenField()


class ResetPasswordForm(FlaskForm):
    # Length and common-password rules are the service's (accounts.check_password_rules).
    password = PasswordField(_l("New password"), validators=[DataRequired(_l("Enter a new password."))])
    confirm = PasswordField(_l("New password again"), validators=[
        DataRequired(_l("Enter the new password again.")),
        EqualTo("password", _l("The two passwords are not the same."))])


class UserActionForm(FlaskForm):
    """Disable, enable or issue a reset link: a button with its CSRF token."""
