# One image for the four processes; compose.yaml (or any orchestrator) picks the command:
# bin/web, bin/worker, bin/beat, bin/release. It runs exactly what those scripts run on a
# plain machine, as a user without privileges.

# Build: the dependencies into a virtual environment, the Khmer catalogue compiled and the
# static files collected (hashed, with .br and .gz copies), by bin/build.
FROM python:3.11-slim AS build
RUN apt-get update \
    && apt-get install --yes --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
RUN python -m venv /app/.venv
COPY pyproject.toml ./
RUN /app/.venv/bin/pip install --no-cache-dir --disable-pip-version-check .
COPY . .
RUN bin/build

# Run: the same paths, no compiler, no gettext, not root.
FROM python:3.11-slim
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin homecoming
WORKDIR /app
COPY --from=build /app /app
ENV DJANGO_SETTINGS_MODULE=config.settings.production \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    BIND=0.0.0.0:8000 \
    BEAT_SCHEDULE_FILE=/tmp/celerybeat-schedule
USER homecoming
EXPOSE 8000
CMD ["bin/web"]
