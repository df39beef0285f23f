"""A judge's declaration of interests and confidentiality oath for an edition.

Before scoring, a judge declares the institutions they have an interest in (with a reason)
and signs the declaration (tamko la mgongano wa maslahi) with the confidentiality oath
(kiapo cha usiri). Their own institution, its parent and its children are conflicts without
any declaration (services.judging.automatic_conflicts). A conflict declared after signing
still counts at once; withdrawing a declared conflict is possible only before signing.
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from awards.enums import Role
from awards.extensions import db
from awards.models import ConflictDeclaration, DeclarationSignature, Edition, Institution, User
from awards.services import audit
from awards.services.errors import InvalidInput, NotAllowed
from awards.services.editions import OPEN_STAGES
from awards.services.judging import automatic_conflicts, signature_for



@dataclass(frozen=True)
class DeclarationState:
    edition: Edition
    automatic: list[Institution]
    declared: list[ConflictDeclaration]
    signature: DeclarationSignature | None


def declared_conflicts(judge: User, edition: Edition) -> list[ConflictDeclaration]:
    return list(
        db.session.execute(
            db.select(ConflictDeclaration)
            .filter_by(judge_id=judge.id, edition_id=edition.id)
            .order_by(ConflictDeclaration.id)
        ).scalars()
    )


def state(judge: User, edition: Edition) -> DeclarationState:
    return DeclarationState(
        edition=edition,
        automatic=automatic_conflicts(judge),
        declared=declared_conflicts(judge, edition),
        signature=signature_for(judge, edition.id),
    )


def _check(judge: User, edition: Edition) -> None:
    if judge.role is not Role.JUDGE:
        raise NotAllowed(_l("Only judges make declarations of interests."))
    if edition.stage not in OPEN_STAGES:
        raise NotAllowed(_l("This edition is closed; its declarations can no longer change."))


def declare_conflict(judge: User, edition: Edition, institution: Institution, reason: str) -> ConflictDeclaration:
    _check(judge, edition)
    reason = (reason or "").strip()
    if not 3 <= len(reason) <= 1000:
        raise InvalidInput(_l("Give the reason for the conflict of interest (3 to 1000 characters)."))
    if institution in automatic_conflicts(judge):
        raise InvalidInput(_l("%(name)s already counts as a conflict: it is your institution, its parent or one "
                              "of its children.", name=institution.name))
    if any(d.institution_id == institution.id for d in declared_conflicts(judge, edition)):
        raise InvalidInput(_l("You have already declared a conflict with %(name)s.", name=institution.name))
    declaration = ConflictDeclaration(judge=judge, edition=edition, institution=institution, reason=reason)
    db.session.add(declaration)
    audit.record("conflict.declare", declaration, actor=judge,
                 after={"edition": edition.id, "institution": institution.id, "reason": reason})
    return declaration


def withdraw_conflict(declaration: ConflictDeclaration, *, actor: User) -> None:
    if declaration.judge_id != actor.id:
        raise NotAllowed()
    _check(actor, declaration.edition)
    if signature_for(actor, declaration.edition_id) is not None:
        raise NotAllowed(_l("Your declaration is signed; a declared conflict can no longer be withdrawn. "
                            "Ask the secretariat if it was a mistake."))
    audit.record("conflict.withdraw", declaration, actor=actor,
                 before={"edition": declaration.edition_id, "institution": declaration.institution_id,
                         "reason": declaration.reason})
    db.session.delete(declaration)
    db.session.flush()


def _normalised(name: str) -> str:
    return " ".join(name.split()).casefold()


def sign(judge: User, edition: Edition, *, signed_name: str, confirmed: bool) -> DeclarationSignature:
    """Sign the declaration and the confidentiality oath by typing one's full name."""
    _check(judge, edition)
    if signature_for(judge, edition.id) is not None:
        raise InvalidInput(_l("You have already signed the declaration for this edition."))
    if not confirmed:
        raise InvalidInput(_l("Tick the box to confirm the declaration and the confidentiality oath."))
    if _normalised(signed_name or "") != _normalised(judge.name):
        raise InvalidInput(_l("Type your full name exactly as it appears on your account: %(name)s",
                              name=judge.name))
    declared = sorted(d.institution_id for d in declared_conflicts(judge, edition))
    signature = DeclarationSignature(
        judge=judge, edition=edition, signed_name=" ".join(signed_name.split()), declared_institution_ids=declared
    )
    db.session.add(signature)
    audit.record("declaration.sign", signature, actor=judge,
                 after={"edition": edition.id, "declared": declared, "automatic":
                        sorted(i.id for i in automatic_conflicts(judge))})
    return signature


def declarable_institutions(judge: User, edition: Edition) -> list[Institution]:
    """Institutions the judge could still declare a conflict with."""
    taken = {i.id for i in automatic_conflicts(judge)} | {d.institution_id for d in declared_conflicts(judge, edition)}
    return [
        i for i in db.session.execute(db.select(Institution).order_by(Institution.name)).scalars()
        if i.id not in taken
    ]
