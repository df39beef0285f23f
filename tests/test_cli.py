"""`flask --app wsgi awards ...` commands, through the CLI runner (as in flaskr's test_db.py)."""

from awards.enums import Role
from awards.extensions import db
from awards.models import Category, Edition, ResultSnapshot, User
from awards.seeding import next_edition_year


def test_init_loads_the_five_categories_once(runner):
    result = runner.invoke(args=["awards", "init", "--year", "2027"])
    assert result.exit_code == 0, result.output
    assert "psw-2027 (5 categories): created" in result.output
    edition = db.session.execute(db.select(Edition).filter_by(slug="psw-2027")).scalar_one()
    codes = [c.code for c in edition.categories]
    assert codes == ["best-managed", "best-booth", "hiv-aids", "women-empowerment", "innovation"]
    for category in edition.categories:
        assert len(category.criteria) == 6
        assert sum(c.weight for c in category.criteria) == 100
        assert all(c.levels["5"]["sw"] and c.levels["5"]["en"] for c in category.criteria)
    again = runner.invoke(args=["awards", "init", "--year", "2027"])
    assert "already there" in again.output
    assert db.session.scalar(db.select(db.func.count()).select_from(Category)) == 5


def test_next_edition_follows_the_week():
    from datetime import date

    assert next_edition_year(date(2026, 11, 23)) == 2027
    assert next_edition_year(date(2027, 3, 1)) == 2027
    assert next_edition_year(date(2027, 6, 23)) == 2027
    assert next_edition_year(date(2027, 6, 24)) == 2028


def test_demo_loads_and_prints_accounts(runner):
    result = runner.invoke(args=["awards", "demo"])
    assert result.exit_code == 0, result.output
    assert "mratibu@tuzo.example" in result.output and "tuzo-demo-2026" in result.output
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 11
    published = db.session.execute(db.select(ResultSnapshot)).scalars().all()
    assert [s.category.code for s in published] == ["innovation"]
    assert "already loaded" in runner.invoke(args=["awards", "demo"]).output


def test_create_user_prompts_for_the_password(runner, demo):
    result = runner.invoke(args=["awards", "create-user", "new.judge@tuzo.example", "--role", "judge",
                                 "--institution", "mow"], input="a-good-passphrase\na-good-passphrase\n")
    assert result.exit_code == 0, result.output
    judge = db.session.execute(db.select(User).filter_by(email="new.judge@tuzo.example")).scalar_one()
    assert judge.role is Role.JUDGE and judge.institution.acronym == "MOW"
    assert "a-good-passphrase" not in judge.password_hash


def test_create_user_refuses_bad_input_and_saves_nothing(runner, demo):
    cases = [
        (["awards", "create-user", "x@tuzo.example", "--role", "judge", "--password", "short"], "at least 8"),
        (["awards", "create-user", "x@tuzo.example", "--role", "judge", "--password", "password123"], "too common"),
        (["awards", "create-user", "mratibu@tuzo.example", "--role", "organiser", "--password", "long enough pw"],
         "already exists"),
        (["awards", "create-user", "x@tuzo.example", "--role", "institution", "--password", "long enough pw"],
         "must belong to an institution"),
        (["awards", "create-user", "x@tuzo.example", "--role", "judge", "--institution", "NOPE",
          "--password", "long enough pw"], "No institution"),
        (["awards", "create-user", "x@tuzo.example", "--role", "king", "--password", "long enough pw"], "Invalid value"),
    ]
    before = db.session.scalar(db.select(db.func.count()).select_from(User))
    for args, message in cases:
        result = runner.invoke(args=args)
        assert result.exit_code != 0, args
        assert message in result.output, (args, result.output)
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == before
