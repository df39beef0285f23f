# Tuzo: `make run` serves the demo, `make test` runs the whole suite. Nothing else to install by hand.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
# Debian packages WeasyPrint needs (PDF rendering).
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libfontconfig1
# Commands the tests need (the browser tests' page checks: axe-core via npm, the Nu HTML Checker on
# Java; zbar reads the certificates' QR codes), as command:Debian-package; a package is installed
# only when its command is missing.
SYSTEM_COMMANDS := java:default-jre-headless node:nodejs npm:npm zbarimg:zbar-tools

.PHONY: messages run test install system-deps translations secret clean screenshots

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# axe-core and vnu-jar (package.json, pinned in package-lock.json) for tests/e2e. Scripts are
# ignored: vnu-jar's would download a Java runtime; Debian's is used instead.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

install: system-deps $(VENV)/.installed node_modules/.installed translations

system-deps:
	@if ! command -v dpkg-query >/dev/null; then \
	  echo "Not a Debian system: make sure Pango and HarfBuzz (with hb-subset) are installed for WeasyPrint, and Java and npm for the browser tests."; exit 0; fi; \
	missing=""; for p in $(SYSTEM_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; done; \
	for cp in $(SYSTEM_COMMANDS); do \
	  command -v $${cp%%:*} >/dev/null || missing="$$missing $${cp#*:}"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=600 $$missing; \
	  else echo "Missing system packages:$$missing. Install them with: sudo apt-get install$$missing"; exit 1; fi; \
	fi

translations: $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -d awards/translations

# After changing texts: collect every string (templates/_macros too: Babel skips _dirs by
# default) and add the new ones to the Swahili catalog, then translate them in messages.po.
messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --ignore-dirs='.*' --no-location --sort-output \
	  --project Tuzo -o awards/translations/messages.pot .
	$(BIN)/pybabel update -i awards/translations/messages.pot -d awards/translations --no-fuzzy-matching --ignore-obsolete

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
	rm -rf $(VENV) node_modules instance/tuzo.sqlite* awards/translations/*/LC_MESSAGES/*.mo

# Speed benchmarks (bench/): each builds a national-scale edition in a throwaway SQLite database and
# prints one line per figure, with a ratio to a baseline measured in the same run. wrk is a Debian
# package (apt-get install wrk). 2 to 4 minutes on a 2-core machine; never part of `make test`.
.PHONY: bench
bench: $(VENV)/.installed translations
	@command -v wrk >/dev/null || echo "wrk is missing (sudo apt-get install wrk); the ranking bench waits for it."
	$(BIN)/python bench/ranking.py
	$(BIN)/python bench/autosave.py
	$(BIN)/python bench/results.py
	$(BIN)/python bench/certificates.py

# SQL injection probe (tests/trust/sqlmap_probe.py): sqlmap against the login form, the certificate
# lookups and the public results of a throwaway demo server on a loopback port. A few minutes, so not
# part of `make test`; CI runs it after the PostgreSQL suite. AWARDS_DATABASE_URL=postgresql://... to
# probe PostgreSQL instead of SQLite.
.PHONY: security
security: $(VENV)/.installed translations
	$(BIN)/python tests/trust/sqlmap_probe.py

# The README's screenshots (docs/screenshots): tests/e2e/test_readme.py follows the README's steps in
# Chromium and photographs the main pages in both languages at laptop and phone widths.
screenshots: install
	AWARDS_SCREENSHOTS_DIR=docs/screenshots $(BIN)/python -m pytest -q tests/e2e/test_readme.py
