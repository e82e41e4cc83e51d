# Entremise — two commands: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
FLASK  := $(BIN)/flask --app wsgi
# Translations: French msgids in the code, English catalogue in app/translations (docs/I18N.md).
TRANSLATIONS := app/translations
POT          := $(TRANSLATIONS)/messages.pot
VERSION      := $(shell sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml)

.PHONY: run test test-postgres install lint typecheck bench clean compile-translations translations test-deps screenshots

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP) compile-translations
	$(FLASK) db upgrade
	$(FLASK) demo load --if-empty
	$(FLASK) run --host 127.0.0.1 --port 5000

test: $(STAMP) compile-translations test-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python -m pytest

# The integration tests again, on a throwaway PostgreSQL cluster (installed from Debian when
# missing and run as root, as in CI).
test-postgres: $(STAMP) compile-translations
	scripts/with-postgres $(BIN)/python -m pytest tests/integration

# System and JavaScript test dependencies: Debian's Chromium for the browser tests, libical's
# GObject bindings and Mozilla's ical.js (pinned in its package-lock.json) for the calendar tests.
test-deps:
	scripts/ensure-test-deps
	npm ci --prefix tests/unit/ical/js --no-audit --no-fund --silent

# PNGs of the main pages with the demo event, in docs/screenshots/ (Debian's Chromium, as the
# browser tests use; see scripts/screenshots.py).
screenshots: $(STAMP) compile-translations
	scripts/ensure-test-deps
	$(BIN)/python scripts/screenshots.py --out docs/screenshots

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The .mo files are gitignored: build them from the committed .po catalogues.
compile-translations: $(STAMP)
	$(BIN)/pybabel compile -d $(TRANSLATIONS)

# Re-extract every message (app/ only, never .venv) and merge into each catalogue;
# new or changed strings then show up empty or fuzzy until translated.
translations: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext \
		--project=Entremise --version=$(VERSION) --copyright-holder="Entremise contributors" \
		-o $(POT) app
	$(BIN)/pybabel update -i $(POT) -d $(TRANSLATIONS)
	$(BIN)/pybabel compile -d $(TRANSLATIONS) --statistics

typecheck: $(STAMP)
	$(BIN)/mypy

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
	find $(TRANSLATIONS) -name "*.mo" -delete
