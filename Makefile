# Two entry points for a fresh machine:
#   make run    install everything, migrate the SQLite database, serve on :5000
#   make test   install test tools too, then run the whole test suite
# Both are idempotent and safe to run again.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: run test install install-dev system-packages translations lint admin demo

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt

install-dev: $(BIN)/python system-packages
	$(BIN)/pip install --quiet -r requirements-dev.txt

# openssl, 7zz and Chromium are what the interoperability and browser tests
# drive; they come from Debian's packages.
system-packages:
	scripts/install-system-packages

# Compiled .mo catalogs are build output; the .po sources are committed.
translations: install
	if [ -d helpdesk/translations ]; then $(BIN)/pybabel -q compile -d helpdesk/translations; fi

run: install translations
	CSRDESK_ENV=development $(BIN)/flask --app wsgi db upgrade
	CSRDESK_ENV=development $(BIN)/flask --app wsgi run --host $(HOST) --port $(PORT)

test: install-dev translations
	scripts/run-tests

lint: install-dev
	$(BIN)/ruff check helpdesk tests config.py wsgi.py
	$(BIN)/ruff format --check helpdesk tests config.py wsgi.py

# make admin EMAIL=you@example.com   (prompts for the password)
admin: install
	CSRDESK_ENV=development $(BIN)/flask --app wsgi db upgrade
	CSRDESK_ENV=development $(BIN)/flask --app wsgi users create --role admin --email "$(EMAIL)"

# Demo accounts (an admin, an agent and a customer); prints their passwords once.
demo: install
	CSRDESK_ENV=development $(BIN)/flask --app wsgi db upgrade
	CSRDESK_ENV=development $(BIN)/flask --app wsgi demo
