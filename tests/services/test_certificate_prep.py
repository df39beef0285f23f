"""issue_edition's limit (a chunk per run) and the console's prepared folder (awards.services.certificate_prep)."""

import shutil

from flask import url_for
from pypdf import PdfReader

from awards.extensions import db
from awards.models import AuditEvent
from awards.services import certificate_batch, certificate_prep
from tests.conftest import user

ORGANISER = "mratibu@tuzo.example"


def urls():
    return {"verify_url_for": lambda serial: url_for("public.verify", serial=serial, _external=True),
            "verify_form_url": url_for("public.verify_form", _external=True)}


def test_a_limited_run_renders_that_many_and_leaves_the_combined_pdf_to_the_last_run(app, demo, tmp_path):
    with app.test_request_context():
        first = certificate_batch.issue_edition(demo, tmp_path, limit=2, **urls())
        assert (len(first.issued), first.done, first.total, first.complete) == (2, 2, 5, False)
        assert len(first.pending) == 3 and not (tmp_path / "all-certificates.pdf").exists()
        second = certificate_batch.issue_edition(demo, tmp_path, limit=2, **urls())
        assert (len(second.issued), len(second.skipped), second.done, second.complete) == (2, 2, 4, False)
        assert set(second.issued).isdisjoint(first.issued)
        last = certificate_batch.issue_edition(demo, tmp_path, limit=2, **urls())
        assert (len(last.issued), last.done, last.total, last.complete) == (1, 5, 5, True)
        assert len(PdfReader(tmp_path / "all-certificates.pdf").pages) == 5
        again = certificate_batch.issue_edition(demo, tmp_path, limit=0, **urls())
        assert (again.issued, again.done, again.complete) == ([], 5, True)


def test_prepare_records_one_event_per_chunk_that_changed_something(app, demo, monkeypatch):
    shutil.rmtree(certificate_prep.folder(demo), ignore_errors=True)
    organiser = user(ORGANISER)
    with app.test_request_context():
        assert certificate_prep.progress(demo, **urls()) == \
            certificate_prep.Progress(0, 5, False)
        steps = [certificate_prep.prepare(demo, actor=organiser, limit=3, **urls()) for _ in range(3)]
        assert steps == [certificate_prep.Progress(3, 5, False), certificate_prep.Progress(5, 5, True),
                         certificate_prep.Progress(5, 5, True)]
        assert certificate_prep.progress(demo, **urls()) == \
            certificate_prep.Progress(5, 5, True)
    db.session.commit()
    events = db.session.execute(db.select(AuditEvent).filter_by(action="certificates.prepared")).scalars().all()
    assert [e.after["rendered"] for e in events] == [3, 2]
    assert {e.object_id for e in events} == {str(demo.id)}
