#!/usr/bin/env bash
# Requests per second of GET /api/hello with a valid token, in one run, on loopback:
#   1. store=jdbc, no cache   2. store=jdbc, token-cache-ttl=30   3. store=memory
# Needs: wrk, a PostgreSQL 14+ server binary (Debian: apt-get install -y postgresql wrk), curl, java 17,
# and the example jar: mvn -B -q -DskipTests package  (-> example-webapp/target/accesspass-example.jar).
# Usage: benchmarks/http/jdbc-vs-memory.sh [duration-seconds] [connections]
set -euo pipefail

DURATION="${1:-20}"
CONNECTIONS="${2:-32}"
THREADS=2
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
JAR="$ROOT/example-webapp/target/accesspass-example.jar"
PGBIN="${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}"
PGPORT="${PGPORT:-55432}"
APPPORT="${APPPORT:-18080}"
WORK="$(mktemp -d)"
APP_PID=""

[ -f "$JAR" ] || { echo "build the example first: mvn -B -q -DskipTests package" >&2; exit 1; }
[ -x "$PGBIN/initdb" ] || { echo "no PostgreSQL binaries (set PGBIN)" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk is missing (apt-get install -y wrk)" >&2; exit 1; }

as_pg() {
  # initdb and postgres refuse to run as root.
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

cleanup() {
  [ -n "$APP_PID" ] && kill "$APP_PID" 2>/dev/null || true
  as_pg "$PGBIN/pg_ctl" -D "$WORK/pg" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

chmod 777 "$WORK"
as_pg "$PGBIN/initdb" -D "$WORK/pg" -U accesspass --auth=trust >/dev/null
as_pg "$PGBIN/pg_ctl" -D "$WORK/pg" -l "$WORK/pg.log" -w \
  -o "-p $PGPORT -k $WORK -c listen_addresses=127.0.0.1 -c max_connections=100" start >/dev/null
JDBC_URL="jdbc:postgresql://127.0.0.1:$PGPORT/postgres"

run() { # label, then env assignments
  local label="$1"; shift
  env "$@" PORT="$APPPORT" java -jar "$JAR" >"$WORK/app-$label.log" 2>&1 &
  APP_PID=$!
  for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$APPPORT/public/hello" >/dev/null 2>&1 && break
    sleep 0.2
  done
  local user="bench$RANDOM$RANDOM"
  local token
  token=$(curl -sf -H 'Content-Type: application/json' \
    -d "{\"username\":\"$user\",\"email\":\"$user@example.com\",\"password\":\"benchmark password 1\",\"password_confirmation\":\"benchmark password 1\"}" \
    "http://127.0.0.1:$APPPORT/auth/register" | sed -E 's/.*"access_token":"([^"]+)".*/\1/')
  [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "http://127.0.0.1:$APPPORT/api/hello")" = 200 ] \
    || { echo "$label: /api/hello did not answer 200" >&2; cat "$WORK/app-$label.log" >&2; exit 1; }
  # Warm-up (JIT, pool), then the measured run.
  wrk -t"$THREADS" -c"$CONNECTIONS" -d5s -H "Authorization: Bearer $token" "http://127.0.0.1:$APPPORT/api/hello" >/dev/null
  local out rps
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -H "Authorization: Bearer $token" \
    "http://127.0.0.1:$APPPORT/api/hello")
  echo "$out" > "$WORK/wrk-$label.txt"
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$out" | awk '$1=="50%" {print $2}')
  p99=$(echo "$out" | awk '$1=="99%" {print $2}')
  non2xx=$(echo "$out" | awk '/Non-2xx/ {print $5}')
  printf '%-14s %10s req/s   p50 %-8s p99 %-8s non-2xx %s\n' "$label" "$rps" "$p50" "$p99" "${non2xx:-0}"
  eval "RPS_${label//-/_}=$rps"
  kill "$APP_PID"; wait "$APP_PID" 2>/dev/null || true; APP_PID=""
}

echo "wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s, GET /api/hello with a valid token; $(nproc) cores; $(java -version 2>&1 | head -1)"
run jdbc-nocache ACCESSPASS_STORE=jdbc ACCESSPASS_JDBC_URL="$JDBC_URL" ACCESSPASS_JDBC_USER=accesspass
run jdbc-cache   ACCESSPASS_STORE=jdbc ACCESSPASS_JDBC_URL="$JDBC_URL" ACCESSPASS_JDBC_USER=accesspass ACCESSPASS_TOKEN_CACHE_TTL=30
run memory       ACCESSPASS_STORE=memory
awk -v n="$RPS_jdbc_nocache" -v c="$RPS_jdbc_cache" -v m="$RPS_memory" \
  'BEGIN { printf "jdbc-nocache / memory = %.0f %%   jdbc-cache / memory = %.0f %% (target >= 85 %%)\n", 100*n/m, 100*c/m }'
