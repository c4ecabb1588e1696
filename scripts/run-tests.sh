#!/usr/bin/env bash
# The whole suite: lint and types, then the tests on SQLite, then on PostgreSQL.
# With CI=true, PostgreSQL, the browser (Debian's chromium) and the IMAP server (Debian's
# dovecot-imapd) are mandatory; the last two are installed with apt-get when missing (as root).
set -euo pipefail
VENV=${VENV:-.venv}
PY="$VENV/bin/python"
CI=${CI:-false}
PG_URL=${COMPTOIR_TEST_DATABASE_URL:-postgresql://127.0.0.1:5432/test}
export COMPTOIR_VAR_DIR=${COMPTOIR_VAR_DIR:-$(mktemp -d /tmp/comptoir-test-var.XXXXXX)}
PYTEST_ARGS=("$@")

step() { printf '\n== %s ==\n' "$*"; }

step "lint (ruff) and types (mypy)"
"$VENV/bin/ruff" check src tests bench
"$VENV/bin/ruff" format --check src tests bench
"$VENV/bin/mypy"
"$VENV/bin/mypy" --config-file mypy-services.ini

step "browser"
if [ -z "${COMPTOIR_CHROMIUM:-}" ]; then
  if ! command -v chromium >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "Installing Debian's chromium for the browser tests…"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
      || echo "Could not install chromium with apt-get."
  fi
  COMPTOIR_CHROMIUM=$(command -v chromium || true)
fi
if [ -n "$COMPTOIR_CHROMIUM" ]; then
  export COMPTOIR_CHROMIUM
  echo "Browser tests use $COMPTOIR_CHROMIUM ($("$COMPTOIR_CHROMIUM" --version 2>/dev/null || echo '?'))"
elif [ "$CI" = "true" ]; then
  echo "CI=true: the browser tests are mandatory and no chromium could be found or installed." >&2
  exit 1
else
  echo "WARNING: no chromium; the browser tests will not run (install Debian's chromium)." >&2
fi

step "IMAP server"
# tests/mailservers starts its own Dovecot (own config, private port, unprivileged); only the
# binary is needed. Debian puts it in /usr/sbin, outside a normal user's PATH.
find_dovecot() { command -v dovecot 2>/dev/null || { [ -x /usr/sbin/dovecot ] && echo /usr/sbin/dovecot; } || true; }
if [ -z "${COMPTOIR_DOVECOT:-}" ]; then
  if [ -z "$(find_dovecot)" ] && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "Installing Debian's dovecot-imapd for the IMAP tests…"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dovecot-imapd >/dev/null) \
      || echo "Could not install dovecot-imapd with apt-get."
  fi
  COMPTOIR_DOVECOT=$(find_dovecot)
fi
if [ -n "$COMPTOIR_DOVECOT" ]; then
  export COMPTOIR_DOVECOT
  echo "IMAP tests use $COMPTOIR_DOVECOT ($("$COMPTOIR_DOVECOT" --version 2>/dev/null || echo '?'))"
elif [ "$CI" = "true" ]; then
  echo "CI=true: the IMAP tests are mandatory and no dovecot could be found or installed." >&2
  exit 1
else
  echo "WARNING: no dovecot; the IMAP tests will not run (install Debian's dovecot-imapd)." >&2
fi

step "Node.js (the TypeScript client generated from the API schema)"
# tests/api/test_generated_clients.py installs its packages itself (npm ci, from the lock in
# tests/api/clients/ts); only node and npm are needed.
if ! command -v npm >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "Installing Debian's nodejs and npm for the generated TypeScript client…"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null) \
    || echo "Could not install nodejs and npm with apt-get."
fi
if command -v npm >/dev/null 2>&1; then
  echo "TypeScript client tests use node $(node --version) and npm $(npm --version)"
elif [ "$CI" = "true" ]; then
  echo "CI=true: the generated TypeScript client is mandatory and no npm could be found or installed." >&2
  exit 1
else
  echo "WARNING: no npm; the TypeScript client test will fail (install Node.js 20 and npm)." >&2
fi

step "tests on SQLite"
DATABASE_URL="sqlite:///$COMPTOIR_VAR_DIR/test.sqlite3" "$PY" -m pytest "${PYTEST_ARGS[@]}"

step "tests on PostgreSQL ($PG_URL)"
if "$PY" - "$PG_URL" <<'PYEOF'
import sys, psycopg
try:
    psycopg.connect(sys.argv[1], connect_timeout=3).close()
except Exception as exc:
    print(f"PostgreSQL is not reachable: {exc}", file=sys.stderr)
    sys.exit(1)
PYEOF
then
  DATABASE_URL="$PG_URL" "$PY" -m pytest "${PYTEST_ARGS[@]}"
elif [ "$CI" = "true" ]; then
  echo "CI=true: PostgreSQL is mandatory (set COMPTOIR_TEST_DATABASE_URL or start it)." >&2
  exit 1
else
  echo "WARNING: PostgreSQL not reachable: only the SQLite pass ran." >&2
fi
