"""Closed vocabularies shared by models, services and views. No Flask, no SQLAlchemy."""

from enum import StrEnum


class Role(StrEnum):
    ORGANISER = "organiser"
    JUDGE = "judge"
    INSTITUTION = "institution"


class InstitutionType(StrEnum):
    MINISTRY = "ministry"
    INDEPENDENT_DEPARTMENT = "independent_department"
    AGENCY = "agency"
    REGIONAL_SECRETARIAT = "regional_secretariat"
    LGA = "lga"
    PUBLIC_CORPORATION = "public_corporation"


class Stage(StrEnum):
    SETUP = "setup"
    SUBMISSIONS = "submissions"
    JUDGING = "judging"
    MODERATION = "moderation"
    PUBLISHED = "published"
    ARCHIVED = "archived"


class EntryStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"
    DISQUALIFIED = "disqualified"


class ScorecardStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    REOPENED = "reopened"


class CertificateKind(StrEnum):
    FIRST = "first"
    SECOND = "second"
    THIRD = "third"
    EXCELLENCE = "excellence"
    PARTICIPATION = "participation"

    @classmethod
    def places(cls) -> tuple["CertificateKind", ...]:
        return (cls.FIRST, cls.SECOND, cls.THIRD)

    @classmethod
    def for_place(cls, place: int) -> "CertificateKind | None":
        return {1: cls.FIRST, 2: cls.SECOND, 3: cls.THIRD}.get(place)
