"""Configuration: SQLite by default, AWARDS_* overrides, and no start with a default secret."""

import pytest
from werkzeug.security import check_password_hash

from awards import create_app
from awards.app import InsecureConfig


def test_refuses_to_start_in_production_without_a_real_secret(monkeypatch):
    monkeypatch.delenv("AWARDS_SECRET_KEY", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    with pytest.raises(InsecureConfig, match="AWARDS_SECRET_KEY"):
        create_app()
    monkeypatch.setenv("AWARDS_SECRET_KEY", "short")
    with pytest.raises(InsecureConfig):
        create_app()
    monkeypatch.setenv("AWARDS_SECRET_KEY", "x" * 40)
    assert create_app().config["SECRET_KEY"] == "x" * 40


def test_debug_and_testing_may_use_the_development_secret(monkeypatch):
    monkeypatch.delenv("AWARDS_SECRET_KEY", raising=False)
    assert create_app({"TESTING": True}).testing
    monkeypatch.setenv("FLASK_DEBUG", "1")
    assert create_app().debug


def test_sqlite_file_in_the_instance_folder_by_default(monkeypatch):
    monkeypatch.delenv("AWARDS_DATABASE_URL", raising=False)
    app = create_app({"TESTING": True})
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    assert uri.startswith("sqlite:///") and uri.endswith("instance/tuzo.sqlite")


def test_database_url_from_the_environment_uses_psycopg(monkeypatch):
    monkeypatch.setenv("AWARDS_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/tuzo")
    app = create_app({"TESTING": True})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://postgres@127.0.0.1:5432/tuzo"


def test_production_password_hashing_meets_asvs(app):
    """scrypt with N=2**17 (ASVS 5.0 Appendix C); tests use a fast method only in their own config."""
    from awards.config import Defaults
    from awards.services.accounts import hash_password

    app.config["PASSWORD_HASH_METHOD"] = Defaults.PASSWORD_HASH_METHOD
    hashed = hash_password("a long enough passphrase")
    assert hashed.startswith("scrypt:131072:8:1$")
    assert check_password_hash(hashed, "a long enough passphrase")


def test_security_headers_on_every_response(client):
    resp = client.get("/healthz")
    assert resp.get_data(as_text=True) == "ok"
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert "object-src 'none'" in resp.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in resp.headers["Content-Security-Policy"]
