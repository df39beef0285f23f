"""WSGI entry point: gunicorn 'wsgi:app', flask --app wsgi ..."""

import gc

from awards import create_app

app = create_app()

# What is loaded by now (modules, the app, its templates) lives as long as the process. Freezing it
# keeps it out of the garbage collector's full passes, which would otherwise walk all of it again
# each time a large computation (publishing a national category's results) allocates: a third of
# that computation's time (bench/results.py).
gc.freeze()
