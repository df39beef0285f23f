"""The organiser's console: stages, corrections of published results, the audit trail, progress."""

import html

from sqlalchemy import text

from awards.enums import ScorecardStatus, Stage
from awards.extensions import db
from awards.models import AuditEvent, Category, Certificate, ResultSnapshot, Scorecard
from awards.services import certificates, results
from tests.conftest import audit_guard_lifted, csrf_token, user
from tests.views.test_slice import ORGANISER, score_form

EN = {"Accept-Language": "en"}


def innovation(demo) -> Category:
    return next(c for c in demo.categories if c.code == "innovation")


def test_publish_correct_and_republish_leaves_two_verifiable_snapshots(client, auth, demo):
    category = innovation(demo)
    first = results.current_snapshot(category)
    old_certs = {c.serial for c in db.session.execute(db.select(Certificate).filter_by(snapshot_id=first.id)).scalars()}
    # A score was wrong: the organiser reopens one card of the published category...
    card = db.session.execute(
        db.select(Scorecard).join(Scorecard.assignment).filter(Scorecard.status == ScorecardStatus.SUBMITTED)
        .order_by(Scorecard.id)).scalars().first()
    assert card.assignment.entry.category_id == category.id
    auth.login(ORGANISER)
    token = csrf_token(client, f"/admin/scorecards/{card.id}")
    assert client.post(f"/admin/scorecards/{card.id}/reopen",
                       data={"csrf_token": token, "reason": "Alama ya kigezo cha athari iliingizwa vibaya."}).status_code == 302
    reason = "A judge's impact score for one entry was entered as 2 instead of 5."
    # ...the correction waits until the judge has submitted the card again...
    resp = client.post(f"/admin/categories/{category.id}/correct", headers=EN,
                       data={"csrf_token": token, "reason": reason, "confirm": "y"})
    assert resp.status_code == 400 and "still reopened" in resp.get_data(as_text=True)
    assert results.current_snapshot(category).id == first.id
    auth.logout()
    db.session.expire_all()
    judge = card.assignment.judge
    auth.login(judge.email)
    token = csrf_token(client, f"/judging/assignments/{card.assignment_id}")
    resp = client.post(f"/judging/assignments/{card.assignment_id}",
                       data=score_form(card.assignment, token=token, version=card.version, level="5"))
    assert resp.status_code == 302
    auth.logout()
    # ...then the correction is published with its reason.
    auth.login(ORGANISER)
    token = csrf_token(client, f"/admin/categories/{category.id}/results")
    resp = client.post(f"/admin/categories/{category.id}/correct", headers=EN,
                       data={"csrf_token": token, "reason": "short", "confirm": "y"})
    assert resp.status_code == 400
    resp = client.post(f"/admin/categories/{category.id}/correct",
                       data={"csrf_token": token, "reason": reason, "confirm": "y"})
    assert resp.status_code == 302
    db.session.expire_all()
    snapshots = db.session.execute(
        db.select(ResultSnapshot).filter_by(category_id=category.id).order_by(ResultSnapshot.id)).scalars().all()
    assert len(snapshots) == 2
    old, new = snapshots
    assert old.superseded and not new.superseded and new.supersedes_id == old.id and new.reason == reason
    assert results.snapshot_intact(old) and results.snapshot_intact(new) and old.sha256 != new.sha256
    assert all(certificates.status(certificates.get_certificate(s)) == "superseded" for s in old_certs)
    fresh = db.session.execute(db.select(Certificate).filter_by(snapshot_id=new.id)).scalars().all()
    assert fresh and all(certificates.status(c) == "valid" for c in fresh)
    page = html.unescape(client.get(f"/results/{demo.slug}/{category.code}", headers=EN).get_data(as_text=True))
    assert "These results were corrected" in page and reason in page
    event = db.session.execute(db.select(AuditEvent).filter_by(action="results.correct")).scalar_one()
    assert event.before["sha256"] == old.sha256 and event.after["sha256"] == new.sha256
    # A tampered snapshot no longer matches its fingerprint.
    db.session.execute(text("UPDATE result_snapshots SET standings = :s WHERE id = :i"),
                       {"s": old.standings.replace('"rank":1', '"rank":2', 1), "i": old.id})
    db.session.commit()
    db.session.expire_all()
    assert not results.snapshot_intact(db.session.get(ResultSnapshot, old.id))


def test_audit_verify_names_the_edited_event(app, runner, demo):
    result = runner.invoke(args=["awards", "audit", "verify"])
    assert result.exit_code == 0 and "Audit trail intact" in result.output, result.output
    victim = db.session.execute(db.select(AuditEvent.id).filter_by(action="scorecard.submit")
                                .order_by(AuditEvent.id)).scalars().first()
    db.session.commit()
    with db.engine.begin() as conn, audit_guard_lifted(conn):  # what only the database owner can do
        conn.execute(text("UPDATE audit_events SET after = :a WHERE id = :i"),
                     {"a": '{"status": "submitted", "scores": {}}', "i": victim})
    result = runner.invoke(args=["awards", "audit", "verify"])
    assert result.exit_code == 1
    assert f"broken at event #{victim} (scorecard.submit" in result.output


def test_the_audit_page_filters_and_shows_the_chain(client, auth, demo):
    auth.login(ORGANISER)
    resp = client.get("/admin/audit?action=scorecard.&actor=juma.salim@tuzo.example", headers=EN)
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "The hash chain holds" in page
    assert "scorecard.submit" in page and "entry.create" not in page and "juma.salim@tuzo.example" in page
    assert client.get("/admin/audit?from=not-a-date", headers=EN).status_code == 400


def test_stages_move_one_step_and_are_audited(client, auth, demo):
    auth.login(ORGANISER)
    token = csrf_token(client, "/admin/")
    resp = client.post(f"/admin/editions/{demo.slug}/stage", data={"csrf_token": token, "stage": "archived"},
                       headers=EN)
    assert resp.status_code == 400 and "cannot go from judging to archived" in resp.get_data(as_text=True)
    assert client.post(f"/admin/editions/{demo.slug}/stage",
                       data={"csrf_token": token, "stage": "moderation"}).status_code == 302
    db.session.expire_all()
    assert demo.stage is Stage.MODERATION
    event = db.session.execute(db.select(AuditEvent).filter_by(action="edition.stage")
                               .order_by(AuditEvent.id.desc())).scalars().first()
    assert (event.before["stage"], event.after["stage"], event.actor_id) == ("judging", "moderation", user(ORGANISER).id)
    # Back to judging is allowed before publication; in moderation a judge's draft cannot be saved.
    assert client.post(f"/admin/editions/{demo.slug}/stage",
                       data={"csrf_token": token, "stage": "judging"}).status_code == 302


def test_progress_lists_what_is_missing_per_judge(client, auth, demo):
    auth.login(ORGANISER)
    page = client.get(f"/admin/editions/{demo.slug}/progress", headers=EN).get_data(as_text=True)
    # Demo: Asha has a draft (NHIF booth) and a pending card (MNH booth); Baraka a pending one (PSC).
    by_judge = page.split("By judge")[1]
    asha = by_judge.split("Baraka")[0]
    assert "Asha Mwinyi · 4 of 6 submitted" in asha and "overdue" in asha
    assert "Banda la Muhimbili: vipimo vya afya papo kwa hapo (Not started)" in asha
    assert "Banda la NHIF: usajili wa wanachama papo kwa hapo (Draft)" in asha
    assert "Juma Salim · 11 of 11 submitted</h3>" in by_judge
    assert "The deadline has passed" in page  # the demo's judging deadline is June 2026
