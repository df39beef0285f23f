"""WTForms (Flask-WTF) classes. Forms validate and hand plain values to services; they never write."""

from awards.forms.auth import LanguageForm, LoginForm, LogoutForm
from awards.forms.declarations import DeclareConflictForm, ReopenForm, SignDeclarationForm
from awards.forms.entries import NewEntryForm, make_entry_form, parse_evidence
from awards.forms.judging import make_scorecard_form, parse_autosave, scorecard_initial
from awards.forms.results import AuditFilterForm, CorrectionForm, PublishForm, VerifyForm

__all__ = [
    "AuditFilterForm",
    "CorrectionForm",
    "NewEntryForm", "make_entry_form", "parse_evidence",
    "DeclareConflictForm", "ReopenForm", "SignDeclarationForm",
    "LanguageForm", "LoginForm", "LogoutForm", "PublishForm", "VerifyForm", "make_scorecard_form", "parse_autosave", "scorecard_initial"]
