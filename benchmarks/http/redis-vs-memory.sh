#!/usr/bin/env bash
# Requests per second of GET /api/hello with a valid token, in one run, on loopback, in the order A B C C B A so
# that drift (a noisy neighbour, JIT, GC) cancels out:
#   A. token-store=memory   B. token-store=redis, no cache   C. token-store=redis, token-cache-ttl=30
# Users stay in memory (store=memory) in every run. Prints each leg, the mean of each configuration and the ratios
# to memory (targets: redis without cache >= 50 %, with the cache >= 90 %). Fails if any answer was not 2xx.
# Needs: wrk, redis-server (Debian: apt-get install -y redis-server wrk), curl, java 17, and the example jar:
#   mvn -B -q -DskipTests package  (-> example-webapp/target/accesspass-example.jar).
# Usage: benchmarks/http/redis-vs-memory.sh [duration-seconds] [connections]
set -euo pipefail

DURATION="${1:-15}"
CONNECTIONS="${2:-32}"
THREADS=2
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
JAR="$ROOT/example-webapp/target/accesspass-example.jar"
REDISPORT="${REDISPORT:-56379}"
APPPORT="${APPPORT:-18081}"
WORK="$(mktemp -d)"
APP_PID=""
REDIS_PID=""

[ -f "$JAR" ] || { echo "build the example first: mvn -B -q -DskipTests package" >&2; exit 1; }
for tool in wrk redis-server redis-cli curl java; do
  command -v "$tool" >/dev/null || { echo "$tool is missing" >&2; exit 1; }
done

cleanup() {
  [ -n "$APP_PID" ] && kill "$APP_PID" 2>/dev/null || true
  [ -n "$REDIS_PID" ] && kill "$REDIS_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

redis-server --port "$REDISPORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$WORK" >"$WORK/redis.log" 2>&1 &
REDIS_PID=$!
for _ in $(seq 1 50); do redis-cli -p "$REDISPORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
REDIS_URL="redis://127.0.0.1:$REDISPORT"
FAILED=0

run() { # label, then env assignments
  local label="$1"; shift
  env "$@" ACCESSPASS_ACCESS_TOKEN_TTL=3600 PORT="$APPPORT" java -Xmx512m -jar "$JAR" >"$WORK/app-$label.log" 2>&1 &
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
  wrk -t"$THREADS" -c"$CONNECTIONS" -d5s -H "Authorization: Bearer $token" "http://127.0.0.1:$APPPORT/api/hello" >/dev/null
  local out rps p50 p99 non2xx
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -H "Authorization: Bearer $token" \
    "http://127.0.0.1:$APPPORT/api/hello")
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$out" | awk '$1=="50%" {print $2}')
  p99=$(echo "$out" | awk '$1=="99%" {print $2}')
  non2xx=$(echo "$out" | awk '/Non-2xx/ {print $5}')
  if [ -n "$non2xx" ] || echo "$out" | grep -q "Socket errors"; then FAILED=1; fi
  printf '%-12s %10s req/s   p50 %-8s p99 %-8s non-2xx %s\n' "$label" "$rps" "$p50" "$p99" "${non2xx:-0}"
  echo "$label $rps" >> "$WORK/rates"
  kill "$APP_PID"; wait "$APP_PID" 2>/dev/null || true; APP_PID=""
}

echo "wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s, GET /api/hello with a valid token; $(nproc) cores; $(redis-server --version | cut -d' ' -f1-3); $(java -version 2>&1 | head -1)"
run memory      ACCESSPASS_TOKEN_STORE=memory
run redis       ACCESSPASS_TOKEN_STORE=redis ACCESSPASS_REDIS_URL="$REDIS_URL"
run redis-cache ACCESSPASS_TOKEN_STORE=redis ACCESSPASS_REDIS_URL="$REDIS_URL" ACCESSPASS_TOKEN_CACHE_TTL=30
run redis-cache ACCESSPASS_TOKEN_STORE=redis ACCESSPASS_REDIS_URL="$REDIS_URL" ACCESSPASS_TOKEN_CACHE_TTL=30
run redis       ACCESSPASS_TOKEN_STORE=redis ACCESSPASS_REDIS_URL="$REDIS_URL"
run memory      ACCESSPASS_TOKEN_STORE=memory
awk '{ sum[$1] += $2; n[$1]++ } END {
  m = sum["memory"] / n["memory"]; r = sum["redis"] / n["redis"]; c = sum["redis-cache"] / n["redis-cache"];
  printf "means: memory %.0f, redis %.0f, redis-cache %.0f req/s\n", m, r, c;
  printf "redis / memory = %.0f %% (target >= 50 %%)   redis-cache / memory = %.0f %% (target >= 90 %%)\n", 100*r/m, 100*c/m }' "$WORK/rates"
[ "$FAILED" = 0 ] || { echo "some leg had non-2xx answers or socket errors: discard this run" >&2; exit 1; }
