"""The access matrix: every route in the URL map, for every kind of actor.

Expected outcomes live in one table. A route that is not in the table fails the test,
so nobody can add a page without deciding who may see it. Objects that are not yours
answer 404, so their existence does not leak.
"""

import pytest

from awards.extensions import db
from awards.models import Assignment, Category, Certificate, ConflictDeclaration, Entry, Institution, Scorecard
from tests.conftest import csrf_token, user
from tests.trust.test_headers import header_problems

ACTORS = {
    "anonymous": None,
    "institution": "afisa@mnh.example",        # owns the MNH entry and certificate
    "other_institution": "afisa@nhif.example",
    "judge": "asha.mwinyi@tuzo.example",        # assigned to the MNH best-booth entry
    "other_judge": "neema.kweka@tuzo.example",  # not assigned to it
    "conflicted_judge": "grace.mallya@tuzo.example",  # home MOH is MNH's parent
    "organiser": "mratibu@tuzo.example",
}
LOGIN = "login"  # a 302 to the login page
A, I, OI, J, OJ, CJ, O = ACTORS  # short column names, in the order above

# (endpoint, method) -> {actor: status}; "*" is every actor not named.
MATRIX = {
    ("static", "GET"): {"*": 200},
    ("public.index", "GET"): {"*": 200},
    ("public.healthz", "GET"): {"*": 200},
    ("public.service_worker", "GET"): {"*": 200},
    ("public.category_results", "GET"): {"*": 200},
    ("public.edition_results", "GET"): {"*": 200},
    ("public.category_results_csv", "GET"): {"*": 200},
    ("public.category_results_json", "GET"): {"*": 200},
    ("public.openapi", "GET"): {"*": 200},
    ("public.verify_form", "GET"): {"*": 200},
    ("public.verify", "GET"): {"*": 200},
    ("auth.login", "GET"): {"*": 200},
    ("auth.login", "POST"): {"*": 400},  # empty form: a message, not a login
    ("auth.logout", "POST"): {A: LOGIN, "*": 302},
    ("auth.set_language", "POST"): {"*": 302},
    ("auth.reset_password", "GET"): {"*": 404},  # an unknown token
    ("auth.reset_password", "POST"): {"*": 404},
    ("judging.dashboard", "GET"): {A: LOGIN, J: 200, OJ: 200, CJ: 200, "*": 403},
    ("judging.score_entry", "GET"): {A: LOGIN, J: 200, OJ: 404, CJ: 404, "*": 403},
    ("judging.score_entry", "POST"): {A: LOGIN, J: 400, OJ: 404, CJ: 404, "*": 403},
    ("judging.autosave", "POST"): {A: LOGIN, J: 400, OJ: 404, CJ: 404, "*": 403},  # 400: no JSON body
    ("judging.evidence_file", "GET"): {A: LOGIN, J: 200, OJ: 404, CJ: 404, "*": 403},
    ("judging.score_sheet", "GET"): {A: LOGIN, J: 200, OJ: 404, CJ: 404, "*": 403},
    ("judging.declaration", "GET"): {A: LOGIN, J: 200, OJ: 200, CJ: 200, "*": 403},
    ("judging.declare_conflict", "POST"): {A: LOGIN, J: 400, OJ: 400, CJ: 400, "*": 403},  # 400: empty form
    ("judging.sign_declaration", "POST"): {A: LOGIN, J: 400, OJ: 400, CJ: 400, "*": 403},
    # The judge's own declared conflict: 403 because the declaration is signed; anyone else's is 404.
    ("judging.withdraw_conflict", "POST"): {A: LOGIN, J: 403, OJ: 404, CJ: 404, "*": 403},
    ("institutions.dashboard", "GET"): {A: LOGIN, I: 200, OI: 200, "*": 403},
    ("institutions.download_certificate", "GET"): {A: LOGIN, I: 200, OI: 404, O: 200, "*": 403},
    # MNH's best-booth entry: submitted, and its edition is past the deadline (changes are 403 for
    # those who may see it; 400 where the empty form is refused first). Anyone else: 404.
    ("institutions.new_entry", "GET"): {A: LOGIN, I: 200, OI: 200, "*": 403},
    ("institutions.new_entry", "POST"): {A: LOGIN, I: 400, OI: 400, "*": 403},
    ("institutions.entry", "GET"): {A: LOGIN, I: 200, O: 200, "*": 404},
    ("institutions.entry", "POST"): {A: LOGIN, I: 403, O: 403, "*": 404},
    ("institutions.add_evidence", "POST"): {A: LOGIN, I: 400, O: 400, "*": 404},
    ("institutions.delete_evidence", "POST"): {A: LOGIN, I: 403, O: 403, "*": 404},
    ("institutions.evidence_file", "GET"): {A: LOGIN, I: 200, O: 200, "*": 404},
    ("institutions.submit_entry", "POST"): {A: LOGIN, I: 403, O: 403, "*": 404},
    ("institutions.return_to_draft", "POST"): {A: LOGIN, I: 403, O: 403, "*": 404},
    ("institutions.withdraw_entry", "POST"): {A: LOGIN, I: 403, O: 403, "*": 404},
    ("institutions.receipt", "GET"): {A: LOGIN, I: 200, O: 200, "*": 404},
    # MNH's innovation entry (published in the demo): its own institution and the secretariat only.
    ("institutions.feedback", "GET"): {A: LOGIN, I: 200, OI: 404, J: 404, OJ: 404, CJ: 404, O: 200},
    ("institutions.feedback_pdf", "GET"): {A: LOGIN, I: 200, OI: 404, J: 404, OJ: 404, CJ: 404, O: 200},
    ("admin.dashboard", "GET"): {A: LOGIN, O: 200, "*": 403},
    ("admin.change_stage", "POST"): {A: LOGIN, O: 400, "*": 403},  # 400: no stage chosen
    ("admin.set_public_places", "POST"): {A: LOGIN, O: 400, "*": 403},  # 400: neither "all" nor "3"
    ("admin.audit_log", "GET"): {A: LOGIN, O: 200, "*": 403},
    ("admin.users", "GET"): {A: LOGIN, O: 200, "*": 403},
    # On the organiser's own account: disabling yourself is refused (400); enabling an active
    # account changes nothing (302); a reset link for yourself is shown once (200).
    ("admin.disable_user", "POST"): {A: LOGIN, O: 400, "*": 403},
    ("admin.enable_user", "POST"): {A: LOGIN, O: 302, "*": 403},
    ("admin.issue_reset_link", "POST"): {A: LOGIN, O: 200, "*": 403},
    ("admin.correct_category", "POST"): {A: LOGIN, O: 400, "*": 403},  # 400: no reason
    ("console.progress_page", "GET"): {A: LOGIN, O: 200, "*": 403},
    ("console.assignments", "GET"): {A: LOGIN, O: 200, "*": 403},
    ("console.auto_assign", "POST"): {A: LOGIN, O: 400, "*": 403},  # 400: no number of judges
    ("console.add_assignment", "POST"): {A: LOGIN, O: 400, "*": 403},  # 400: no entry or judge
    ("console.remove_assignment", "POST"): {A: LOGIN, O: 400, "*": 403},  # 400: the judge has a scorecard
    ("imports.index", "GET"): {A: LOGIN, O: 200, "*": 403},
    ("imports.import_institutions", "POST"): {A: LOGIN, O: 400, "*": 403},  # 400: no file
    ("imports.import_judges", "POST"): {A: LOGIN, O: 400, "*": 403},  # 400: no file
    ("admin.category_results", "GET"): {A: LOGIN, O: 200, "*": 403},
    ("admin.publish_category", "POST"): {A: LOGIN, O: 400, "*": 403},  # 400: not confirmed
    ("admin.score_sheet", "GET"): {A: LOGIN, O: 200, "*": 403},
    ("admin.scorecard", "GET"): {A: LOGIN, O: 200, "*": 403},
    ("admin.reopen_scorecard", "POST"): {A: LOGIN, O: 400, "*": 403},  # 400: no reason given
    ("exports.results", "GET"): {A: LOGIN, O: 200, "*": 403},
    ("exports.scores", "GET"): {A: LOGIN, O: 200, "*": 403},
    ("exports.audit", "GET"): {A: LOGIN, O: 200, "*": 403},
    ("exports.report", "GET"): {A: LOGIN, O: 200, "*": 403},
    # psw-2026 is in judging, so its rubrics are frozen: read and download only; any change is 403
    # (checked before the form, so the empty upload is 403 too, not 400).
    ("rubrics.index", "GET"): {A: LOGIN, O: 200, "*": 403},
    ("rubrics.download", "GET"): {A: LOGIN, O: 200, "*": 403},
    ("rubrics.upload", "POST"): {A: LOGIN, O: 403, "*": 403},
    ("rubrics.edit_category", "GET"): {A: LOGIN, O: 200, "*": 403},
    ("rubrics.edit_category", "POST"): {A: LOGIN, O: 403, "*": 403},
    ("certificates_admin.edition", "GET"): {A: LOGIN, O: 200, "*": 403},
    ("certificates_admin.prepare", "POST"): {A: LOGIN, O: 303, "*": 403},  # 303: back to the page, one chunk done
    ("certificates_admin.edition_zip", "GET"): {A: LOGIN, O: 200, "*": 403},
    ("certificates_admin.revoke", "POST"): {A: LOGIN, O: 400, "*": 403},  # 400: no reason
    ("certificates_admin.reissue", "POST"): {A: LOGIN, O: 400, "*": 403},  # 400: not confirmed
}


@pytest.fixture
def objects(demo):
    mnh = db.session.execute(db.select(Institution).filter_by(acronym="MNH")).scalar_one()
    booth = db.session.execute(db.select(Category).filter_by(code="best-booth")).scalar_one()
    entry = db.session.execute(db.select(Entry).filter_by(institution_id=mnh.id, category_id=booth.id)).scalar_one()
    assignment = db.session.execute(
        db.select(Assignment).filter_by(entry_id=entry.id, judge_id=user(ACTORS["judge"]).id)
    ).scalar_one()
    # A conflict that came to light after assignment: the row exists, access must still be refused.
    conflicted = Assignment(entry_id=entry.id, judge_id=user(ACTORS["conflicted_judge"]).id)
    db.session.add(conflicted)
    cert = db.session.execute(db.select(Certificate).filter_by(institution_id=mnh.id)).scalars().first()
    innovation = db.session.execute(db.select(Category).filter_by(code="innovation")).scalar_one()
    innovation_entry = db.session.execute(
        db.select(Entry).filter_by(institution_id=mnh.id, category_id=innovation.id)
    ).scalar_one()
    tanesco = db.session.execute(db.select(Institution).filter_by(acronym="TANESCO")).scalar_one()
    declared = ConflictDeclaration(judge=user(ACTORS["judge"]), edition_id=entry.edition_id, institution=tanesco,
                                   reason="Former employee")
    db.session.add(declared)
    scorecard = db.session.execute(
        db.select(Scorecard).join(Scorecard.assignment).filter(Assignment.entry_id != entry.id)
    ).scalars().first()
    db.session.commit()
    return {"assignment": assignment, "conflicted": conflicted, "booth": booth, "cert": cert, "declared": declared,
            "evidence": next(e for e in entry.evidence if e.sha256),
            "innovation_entry": innovation_entry,
            "scorecard": scorecard, "entry": entry}


def url_args(endpoint: str, actor: str, objects) -> dict:
    assignment = objects["conflicted"] if actor == CJ else objects["assignment"]
    return {
        "static": {"filename": "css/tuzo.css"},
        "public.category_results": {"edition_slug": "psw-2026", "category_code": "innovation"},
        "public.edition_results": {"edition_slug": "psw-2026"},
        "public.category_results_csv": {"edition_slug": "psw-2026", "category_code": "innovation"},
        "public.category_results_json": {"edition_slug": "psw-2026", "category_code": "innovation"},
        "admin.set_public_places": {"edition_slug": "psw-2026"},
        "public.verify": {"serial": objects["cert"].serial},
        "judging.score_entry": {"assignment_id": assignment.id},
        "judging.autosave": {"assignment_id": assignment.id},
        "judging.evidence_file": {"assignment_id": assignment.id, "evidence_id": objects["evidence"].id},
        "judging.score_sheet": {"assignment_id": assignment.id},
        "institutions.download_certificate": {"serial": objects["cert"].serial},
        "institutions.new_entry": {"edition_slug": "psw-2026"},
        "admin.change_stage": {"edition_slug": "psw-2026"},
        "admin.correct_category": {"category_id": objects["booth"].id},
        "console.progress_page": {"edition_slug": "psw-2026"},
        "console.assignments": {"category_id": objects["booth"].id},
        "console.auto_assign": {"category_id": objects["booth"].id},
        "console.add_assignment": {"category_id": objects["booth"].id},
        "console.remove_assignment": {"assignment_id": objects["scorecard"].assignment_id},
        **{name: {"entry_id": objects["entry"].id} for name in (
            "institutions.entry", "institutions.add_evidence", "institutions.submit_entry",
            "institutions.return_to_draft", "institutions.withdraw_entry", "institutions.receipt")},
        "institutions.delete_evidence": {"entry_id": objects["entry"].id, "evidence_id": objects["evidence"].id},
        "institutions.evidence_file": {"entry_id": objects["entry"].id, "evidence_id": objects["evidence"].id},
        "institutions.feedback": {"entry_id": objects["innovation_entry"].id},
        "institutions.feedback_pdf": {"entry_id": objects["innovation_entry"].id},
        "admin.category_results": {"category_id": objects["booth"].id},
        "admin.publish_category": {"category_id": objects["booth"].id},
        "admin.score_sheet": {"entry_id": objects["entry"].id},
        "judging.declaration": {"edition_slug": "psw-2026"},
        "judging.declare_conflict": {"edition_slug": "psw-2026"},
        "judging.sign_declaration": {"edition_slug": "psw-2026"},
        "judging.withdraw_conflict": {"declaration_id": objects["declared"].id},
        "admin.scorecard": {"scorecard_id": objects["scorecard"].id},
        "admin.reopen_scorecard": {"scorecard_id": objects["scorecard"].id},
        "exports.results": {"category_id": objects["booth"].id, "fmt": "csv"},
        "exports.scores": {"category_id": objects["booth"].id, "fmt": "csv"},
        "exports.audit": {"fmt": "csv"},
        "exports.report": {"category_id": objects["booth"].id},
        "rubrics.index": {"edition_slug": "psw-2026"},
        "rubrics.download": {"edition_slug": "psw-2026"},
        "rubrics.upload": {"edition_slug": "psw-2026"},
        "rubrics.edit_category": {"edition_slug": "psw-2026", "code": "innovation"},
        "certificates_admin.edition": {"edition_slug": "psw-2026"},
        "certificates_admin.prepare": {"edition_slug": "psw-2026"},
        "certificates_admin.edition_zip": {"edition_slug": "psw-2026"},
        "certificates_admin.revoke": {"serial": objects["cert"].serial},
        "certificates_admin.reissue": {"serial": objects["cert"].serial},
        "auth.reset_password": {"token": "not-a-token"},
        **{name: {"user_id": user(ACTORS[O]).id} for name in (
            "admin.disable_user", "admin.enable_user", "admin.issue_reset_link")},
    }.get(endpoint, {})


def routes(app):
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method


def test_every_route_is_in_the_matrix(app):
    missing = sorted(set(routes(app)) - set(MATRIX))
    assert missing == [], f"routes with no access decision in MATRIX: {missing}"
    stale = sorted(set(MATRIX) - set(routes(app)))
    assert stale == [], f"MATRIX names routes that no longer exist: {stale}"


@pytest.mark.parametrize("actor", list(ACTORS))
def test_access_matrix(app, client, auth, objects, actor):
    if ACTORS[actor]:
        auth.login(ACTORS[actor])
    failures = []
    for (endpoint, method), expected in sorted(MATRIX.items()):
        want = expected.get(actor, expected.get("*"))
        with app.test_request_context():
            from flask import url_for

            url = url_for(endpoint, **url_args(endpoint, actor, objects), _external=False)
        if method == "GET":
            resp = client.get(url)
        else:
            token = csrf_token(client, "/" if ACTORS[actor] else "/login")  # anonymous pages carry none
            resp = client.post(url, data={"csrf_token": token, "next": "/", "lang": "sw"})
            if endpoint == "auth.logout" and ACTORS[actor]:
                auth.login(ACTORS[actor])  # log back in for the remaining rows
        got = resp.status_code
        if resp.mimetype == "text/html":  # every HTML answer, page or error, carries the hardening headers
            failures += [f"{method} {url} ({endpoint}): {problem}" for problem in header_problems(resp)]
        resp.close()
        if got == 302 and resp.headers["Location"].startswith("/login?next="):
            got = LOGIN
        if got != want:
            failures.append(f"{method} {url} ({endpoint}): got {got}, want {want}")
    assert failures == []


def test_an_undeclared_view_is_refused(app, client):
    """Deny by default: a view without @public or @role_required answers 404 even if routed."""
    app.add_url_rule("/undeclared", "undeclared", lambda: "secret")
    assert client.get("/undeclared").status_code == 404
