"""WSGI entry point: gunicorn 'wsgi:app', flask --app wsgi ..."""

from awards import create_app

app = create_app()
