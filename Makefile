# The two commands: `make run` (serve the portal with demo data) and `make test` (lint + whole suite).
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
# Debian packages: at run time (CJK and Arabic-script fonts and Pango for WeasyPrint PDFs) and for the test suite.
DEBS_RUN := fonts-noto-cjk fonts-noto-core libpango-1.0-0 libpangoft2-1.0-0
DEBS_TEST := $(DEBS_RUN) gettext poppler-utils chromium
# The suite's services (started by .ci/services.sh when they are not answering).
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/portal
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15

.PHONY: help run test lint bench messages debs-run debs-test services clean fonts

help:
	@echo "make run    - install, migrate, load demo data and serve on http://127.0.0.1:8000"
	@echo "make test   - install what the suite needs, start PostgreSQL/Redis, lint and run all tests"
	@echo "make bench  - run the benchmarks in bench/ and print figures"
	@echo "make messages - extract and compile translations (locale/)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade "pip==26.3"

$(VENV)/.runtime: pyproject.toml requirements.lock | $(BIN)/python
	$(BIN)/pip install -q -c requirements.lock -e .
	touch $@

$(VENV)/.dev: $(VENV)/.runtime
	$(BIN)/pip install -q -c requirements.lock -e '.[dev]'
	touch $@

debs-run:
	@.ci/debs.sh --optional $(DEBS_RUN)

debs-test:
	@.ci/debs.sh $(DEBS_TEST)

services:
	@.ci/services.sh

# The notices' font subset (subsidies/pdf_fonts.py), cut from Debian's fonts-noto-cjk; not kept in git.
PDF_FONTS := static/fonts/PortalSansSC-Regular.ttf static/fonts/PortalSansSC-Bold.ttf
# Kazakh and Uyghur pages' face (static/css/arabic-script.css), copied from Debian's fonts-noto-core; not kept in git.
ARABIC_FONTS := static/fonts/NotoSansArabic-Regular.ttf static/fonts/NotoSansArabic-Bold.ttf
fonts: $(PDF_FONTS) $(ARABIC_FONTS)
$(ARABIC_FONTS): static/fonts/%: | debs-run
	cp /usr/share/fonts/truetype/noto/$* $@ || echo "$* not copied: pages use the reader's own Arabic-script font." >&2
$(PDF_FONTS) &: subsidies/pdf_fonts.py subsidies/management/commands/build_pdf_fonts.py | $(VENV)/.runtime debs-run
	DEBUG=1 $(BIN)/python manage.py build_pdf_fonts || echo "PDF fonts not built: notices use the full Debian font (larger)." >&2

run: $(VENV)/.runtime debs-run fonts
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py migrate --noinput
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py collectstatic --noinput -v0
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py seed_demo
	@if [ -n "$$DATABASE_URL" ] && [ -n "$$REDIS_URL" ]; then \
	  echo "DATABASE_URL and REDIS_URL set: starting a Celery worker and beat beside the web server"; \
	  DEBUG=$${DEBUG:-1} $(BIN)/celery -A portal worker --beat -l info --concurrency 2 & \
	  trap 'kill %1' EXIT; \
	  DEBUG=$${DEBUG:-1} $(BIN)/python manage.py runserver 127.0.0.1:8000; \
	else \
	  DEBUG=$${DEBUG:-1} $(BIN)/python manage.py runserver 127.0.0.1:8000; \
	fi

lint: $(VENV)/.dev
	$(BIN)/ruff check .

test: debs-test services $(VENV)/.dev fonts
	$(BIN)/ruff check .
	DJANGO_SETTINGS_MODULE=portal.settings.test DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) \
	  $(BIN)/python manage.py makemigrations --check --dry-run
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(BIN)/pytest

bench: services $(VENV)/.dev fonts
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench REDIS_URL=$(TEST_REDIS_URL) $(BIN)/python -m bench

messages: $(VENV)/.dev
	DEBUG=1 $(BIN)/python manage.py makemessages -l zh_Hans -l en -l kk_Arab -l ug --no-obsolete --ignore=.venv --ignore=staticfiles --ignore=tests --ignore=bench
	DEBUG=1 $(BIN)/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) staticfiles db.sqlite3
