# Promotores LMS — `make run` to try it, `make test` to check it. See README.md.
VENV    ?= .venv
PYTHON  ?= python3
PY      := $(VENV)/bin/python
FLASK   := $(VENV)/bin/flask --app wsgi
PYBABEL := $(VENV)/bin/pybabel
HOST    ?= 127.0.0.1
PORT    ?= 5000

.PHONY: run test install install-test translations messages check demo bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

translations: $(VENV)/.installed  ## compile the message catalogs (the .mo files are committed: `pip install .` serves Spanish)
	$(PYBABEL) compile --use-fuzzy -d lms/translations -D messages --statistics 2>&1 | tail -n 2

messages: $(VENV)/.installed  ## extract new strings and merge them into both catalogs
	$(PYBABEL) extract -F babel.cfg -k _l -k lazy_gettext -k ngettext:1,2 -o lms/translations/messages.pot --no-location --sort-output --project "Promotores LMS" .
	$(PYBABEL) update -i lms/translations/messages.pot -d lms/translations --ignore-obsolete --no-wrap
	$(PY) -m tools.i18n fill-english lms/translations/en/LC_MESSAGES/messages.po

run: install translations  ## set everything up on SQLite and serve on http://127.0.0.1:5000
	$(FLASK) db upgrade
	$(FLASK) lms demo
	$(FLASK) run --host $(HOST) --port $(PORT)

test: install-test translations  ## lint, check the course, run the whole suite (LMS_TEST_DATABASE_URL picks the database)
	$(VENV)/bin/ruff check lms tests bench tools wsgi.py gunicorn.conf.py
	$(FLASK) lms course check
	$(VENV)/bin/pytest -q

check: install  ## check the course content
	$(FLASK) lms course check

bench: install-test translations  ## benchmarks (see bench/README.md)
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache
