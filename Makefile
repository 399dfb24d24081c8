# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install demo test lint format check-migrations clean worker reminders

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

MO := locale/km/LC_MESSAGES/django.mo

$(MO): locale/km/LC_MESSAGES/django.po $(STAMP)
	$(BIN)/python manage.py compilemessages --settings=config.settings.test -l km --ignore=.venv

install: $(STAMP) $(MO)

demo: install
	DJANGO_SETTINGS_MODULE=config.settings.local $(BIN)/python manage.py migrate --noinput
	DJANGO_SETTINGS_MODULE=config.settings.local $(BIN)/python manage.py seed_demo
	bin/build
	@echo "Homecoming is starting on http://127.0.0.1:8000 (Ctrl+C stops it)."
	@echo "Follow-up reminders go out every 2 minutes, webhooks every 30 s, from loops beside the server, without Redis."
	export DJANGO_SETTINGS_MODULE=config.settings.local DEBUG=false BIND=127.0.0.1:8000 \
		WEB_CONCURRENCY=2; \
	$(BIN)/python manage.py send_reminders --loop 120 & reminders=$$!; \
	$(BIN)/python manage.py send_webhooks --loop 30 & webhooks=$$!; \
	trap 'kill $$reminders $$webhooks' EXIT INT TERM; \
	bin/web

worker: install
	$(BIN)/celery -A config worker -B -l info

# In parallel, one worker process per core (TEST_WORKERS=0 runs in this process alone). Each
# worker has its own test database and Redis database (tests/conftest.py); tests marked with
# the same xdist_group run in one worker. Compiled modules are kept even where the environment
# says not to write them (PYTHONDONTWRITEBYTECODE): otherwise every worker recompiles the
# rewritten test modules and pytest plugins, and every process a test starts (manage.py,
# gunicorn, Celery) the whole project, on every run.
TEST_WORKERS ?= auto

test: install
	PYTHONDONTWRITEBYTECODE= $(BIN)/pytest -n $(TEST_WORKERS) --dist loadgroup

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check-migrations: install
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) db.sqlite3 test.sqlite3 .pytest_cache
