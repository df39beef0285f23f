"""The organiser's rubric pages (views/rubrics.py) and the `awards rubrics` commands."""

import html
import io

import pytest

from awards import seeding
from awards.extensions import db
from awards.models import AuditEvent
from awards.services import editions, rubrics
from awards.services.editions import plain
from tests.conftest import csrf_token, user

ORGANISER = "mratibu@tuzo.example"
EN = {"Accept-Language": "en"}
SW = {"Accept-Language": "sw"}


@pytest.fixture
def following(demo):
    """Next year's edition (submissions), the organiser with no stored language (the browser decides)."""
    edition, _ = seeding.load_next_edition()
    user(ORGANISER).locale = None
    db.session.commit()
    return edition


def weights(edition, code):
    db.session.expire_all()
    return [c.weight for c in rubrics.category_of(edition, code).criteria]


def form_data(category, token, **changes) -> dict:
    """The edit form as the page fills it, with ``changes`` ({"c2_weight": "25"}) applied."""
    data = {"csrf_token": token}
    for index, criterion in enumerate(category.criteria):
        prefix = f"c{index}_"
        for name in ("name_sw", "name_en", "guidance_sw", "guidance_en", "evidence_sw", "evidence_en"):
            data[prefix + name] = getattr(criterion, name)
        data[prefix + "weight"] = plain(criterion.weight)
        for li, (_, texts) in enumerate(editions.levels_for(criterion)):
            data[f"{prefix}level{li}_sw"] = texts["sw"]
            data[f"{prefix}level{li}_en"] = texts["en"]
    data.update(changes)
    return data


def edit_url(edition, code="best-booth"):
    return f"/admin/editions/{edition.slug}/rubrics/{code}"


def test_index_lists_the_rubrics_and_links_from_the_console(client, auth, following):
    auth.login(ORGANISER)
    console = client.get("/admin/", headers=EN).get_data(as_text=True)
    assert f'href="/admin/editions/{following.slug}/rubrics"' in console
    page = html.unescape(client.get(f"/admin/editions/{following.slug}/rubrics", headers=EN).get_data(as_text=True))
    assert "Categories and rubrics" in page and "Upload and replace" in page
    assert "Customer service &amp; service charter" in page or "Customer service & service charter" in page
    assert "frozen" not in page
    sw = client.get(f"/admin/editions/{following.slug}/rubrics", headers=SW).get_data(as_text=True)
    assert "Hakuna ushahidi / haijatekelezwa" in html.unescape(sw)


def test_download_is_the_toml_export(client, auth, following):
    auth.login(ORGANISER)
    resp = client.get(f"/admin/editions/{following.slug}/rubrics/rubrics.toml")
    assert resp.status_code == 200
    assert resp.mimetype == "text/plain" and resp.mimetype_params["charset"] == "utf-8"
    assert f'filename="{following.slug}-rubrics.toml"' in resp.headers["Content-Disposition"]
    assert rubrics.parse_toml(resp.data) == rubrics.export_document(following)


def test_edit_form_saves_a_weight_pair_and_refuses_a_bad_sum_in_both_languages(client, auth, following):
    auth.login(ORGANISER)
    category = rubrics.category_of(following, "best-booth")
    assert weights(following, "best-booth")[1:3] == [25, 20]
    page = client.get(edit_url(following), headers=EN)
    assert page.status_code == 200 and 'name="c2_weight"' in page.get_data(as_text=True)

    token = csrf_token(client, edit_url(following))
    resp = client.post(edit_url(following), headers=EN,
                       data=form_data(category, token, c1_weight="20", c2_weight="25"))
    assert resp.status_code == 302
    assert weights(following, "best-booth") == [15, 20, 25, 15, 10, 15]
    event = db.session.execute(db.select(AuditEvent).filter_by(action="rubric.replace")).scalar_one()
    assert event.actor_id == user(ORGANISER).id
    assert list(event.after["best-booth"].values()) == ["15", "20", "25", "15", "10", "15"]

    category = rubrics.category_of(following, "best-booth")
    for headers, message in ((EN, "best-booth: the weights sum to 110, not 100."),
                             (SW, "best-booth: jumla ya uzito ni 110, si 100.")):
        token = csrf_token(client, edit_url(following))
        resp = client.post(edit_url(following), headers=headers, data=form_data(category, token, c1_weight="30"))
        assert resp.status_code == 400
        assert message in html.unescape(resp.get_data(as_text=True))
        assert weights(following, "best-booth") == [15, 20, 25, 15, 10, 15]


def test_edit_form_refuses_a_missing_swahili_descriptor(client, auth, following):
    auth.login(ORGANISER)
    category = rubrics.category_of(following, "best-booth")
    token = csrf_token(client, edit_url(following))
    resp = client.post(edit_url(following), headers=EN, data=form_data(category, token, c0_level3_sw=""))
    assert resp.status_code == 400
    assert "level 3 needs a descriptor in Swahili and English" in html.unescape(resp.get_data(as_text=True))
    db.session.expire_all()
    assert rubrics.category_of(following, "best-booth").criteria[0].levels["3"]["sw"]


def test_frozen_rubrics_are_read_only(client, auth, demo):
    auth.login(ORGANISER)
    before = rubrics.export_toml(demo)
    page = client.get(edit_url(demo, "innovation"), headers=EN).get_data(as_text=True)
    assert "Rubrics are frozen once judging opens" in page and "disabled" in page
    category = rubrics.category_of(demo, "innovation")
    token = csrf_token(client, edit_url(demo, "innovation"))
    resp = client.post(edit_url(demo, "innovation"), headers=EN, data=form_data(category, token))
    assert resp.status_code == 403
    upload = client.post(f"/admin/editions/{demo.slug}/rubrics/upload", headers=EN, content_type="multipart/form-data",
                         data={"csrf_token": token, "rubric_file": (io.BytesIO(before.encode()), "r.toml")})
    assert upload.status_code == 403
    db.session.expire_all()
    assert rubrics.export_toml(demo) == before


def test_upload_replaces_or_reports_the_reason(client, auth, following):
    auth.login(ORGANISER)
    url = f"/admin/editions/{following.slug}/rubrics/upload"
    document = rubrics.export_document(following)
    text = rubrics.export_toml(following).replace('name_en = "Best booth or pavilion"', 'name_en = "Top booth"', 1)
    token = csrf_token(client, f"/admin/editions/{following.slug}/rubrics")
    bad = client.post(url, headers=EN, content_type="multipart/form-data",
                      data={"csrf_token": token, "rubric_file": (io.BytesIO(b'[[categories]]\ncode = \n'), "r.toml")})
    assert bad.status_code == 400
    assert "line 2" in html.unescape(bad.get_data(as_text=True))
    assert rubrics.export_document(following) == document
    good = client.post(url, headers=EN, content_type="multipart/form-data",
                       data={"csrf_token": token, "rubric_file": (io.BytesIO(text.encode()), "r.toml")})
    assert good.status_code == 302
    db.session.expire_all()
    assert rubrics.category_of(following, "best-booth").name_en == "Top booth"
    assert rubrics.export_toml(following) == text


def test_cli_export_then_import_round_trip(runner, following, tmp_path):
    out = tmp_path / "rubrics.toml"
    result = runner.invoke(args=["awards", "rubrics", "export", "--edition", following.slug, "--out", str(out)])
    assert result.exit_code == 0, result.output
    fresh = editions.create_edition(slug="psw-2040", year=2040, name_sw="M 2040", name_en="C 2040")
    db.session.commit()
    result = runner.invoke(args=["awards", "rubrics", "import", "--edition", fresh.slug, str(out)])
    assert result.exit_code == 0, result.output
    assert "5 categories" in result.output
    db.session.expire_all()
    assert rubrics.export_document(fresh) == rubrics.export_document(following)
    broken = tmp_path / "broken.toml"
    broken.write_text(out.read_text().replace("weight = 15", "weight = 16", 1))
    result = runner.invoke(args=["awards", "rubrics", "import", "--edition", fresh.slug, str(broken)])
    assert result.exit_code == 1
    assert "the weights sum to 101, not 100" in result.output
    db.session.expire_all()
    assert rubrics.export_document(fresh) == rubrics.export_document(following)
    frozen = runner.invoke(args=["awards", "rubrics", "import", "--edition", "psw-2026", str(out)])
    assert frozen.exit_code == 1 and "frozen" in frozen.output
