#!/usr/bin/env bash
# Run once by the postgres image when its data directory is new: the role the web and worker
# processes connect as. It owns nothing; bin/release grants it what it may do. Its sessions run
# without JIT even where the app's own connection option cannot reach the server (PgBouncer).
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v app_password="$APP_DB_PASSWORD" <<'SQL'
CREATE ROLE homecoming_app LOGIN PASSWORD :'app_password';
ALTER ROLE homecoming_app SET jit = off;
SQL
