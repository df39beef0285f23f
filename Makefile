# Tuzo: `make run` serves the demo, `make test` runs the whole suite. Nothing else to install by hand.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
# Debian packages WeasyPrint needs (PDF rendering).
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libfontconfig1

.PHONY: messages run test install system-deps translations secret clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: system-deps $(VENV)/.installed translations

system-deps:
	@if ! command -v dpkg-query >/dev/null; then \
	  echo "Not a Debian system: make sure Pango and HarfBuzz (with hb-subset) are installed for WeasyPrint."; exit 0; fi; \
	missing=""; for p in $(SYSTEM_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else echo "Missing system packages:$$missing. Install them with: sudo apt-get install$$missing"; exit 1; fi; \
	fi

translations: $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -d awards/translations

# After changing texts: collect every string (templates/_macros too: Babel skips _dirs by
# default) and add the new ones to the Swahili catalog, then translate them in messages.po.
messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --ignore-dirs='.*' --no-location --sort-output \
	  --project Tuzo -o awards/translations/messages.pot .
	$(BIN)/pybabel update -i awards/translations/messages.pot -d awards/translations --no-fuzzy-matching

# A random secret for this machine's demo server, kept in instance/ (never committed).
instance/config.py:
	mkdir -p instance
	$(BIN)/python -c "import secrets; print('SECRET_KEY = ' + repr(secrets.token_hex(32)))" > $@

run: install instance/config.py
	$(FLASK) awards init
	$(FLASK) awards demo
	@echo "Serving Tuzo on http://127.0.0.1:5000 (Ctrl+C to stop)"
	$(FLASK) run --host 127.0.0.1 --port 5000

test: install
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) instance/tuzo.sqlite* awards/translations/*/LC_MESSAGES/*.mo
