"""SQLAlchemy models, one module per aggregate, re-exported here."""

from awards.models.accounts import PasswordResetLink
from awards.models.audit import AuditEvent
from awards.models.editions import Category, Criterion, Edition
from awards.models.entries import Entry, Evidence, Narrative
from awards.models.institutions import Institution
from awards.models.judging import Assignment, ConflictDeclaration, CriterionScore, DeclarationSignature, Scorecard
from awards.models.results import Certificate, ResultSnapshot
from awards.models.users import User

__all__ = [
    "Assignment",
    "AuditEvent",
    "Category",
    "Certificate",
    "ConflictDeclaration",
    "Criterion",
    "CriterionScore",
    "DeclarationSignature",
    "Edition",
    "Entry",
    "Evidence",
    "Institution",
    "Narrative",
    "PasswordResetLink",
    "ResultSnapshot",
    "Scorecard",
    "User",
]
