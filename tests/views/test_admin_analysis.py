"""The organiser's results view shows breakdown, flags, agreement, robustness and methods side by side."""

from awards.extensions import db
from awards.models import Category


def test_results_view_shows_the_analysis(client, auth, demo):
    auth.login("mratibu@tuzo.example")
    for code in ("innovation", "best-booth", "hiv-aids"):
        cat = db.session.execute(db.select(Category).filter_by(code=code, edition_id=demo.id)).scalar_one()
        resp = client.get(f"/admin/categories/{cat.id}/results", headers={"Accept-Language": "en"})
        assert resp.status_code == 200, code
        html = resp.get_data(as_text=True)
        for heading in ("Scores by judge and criterion", "Moderation flags", "Agreement between judges",
                        "Does one judge decide the podium?", "The ranking under each method"):
            assert heading in html, (code, heading)
    html = client.get(f"/admin/categories/{cat.id}/results", headers={"Accept-Language": "sw"}).get_data(as_text=True)
    assert "Moderation flags" not in html
