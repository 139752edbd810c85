#!/usr/bin/env bash
# Requests per second of a protected route (/api/hello, bearer token checked by AccessPassFilter) against an
# unprotected one (/public/hello) in the example app, measured in one run with wrk, in the order A B B A so that
# drift (a noisy neighbour, JIT, GC) cancels out. Prints both rates and the ratio protected/unprotected
# (target >= 90 %), and fails if any response was not 2xx (a flood of 401s would look fast).
#
# MODE=verify compares the forward-auth check /auth/verify (B, 204 with the X-Auth-* headers) with /api/hello (A),
# both with the same bearer token, and prints the ratio verify/protected (target >= 95 %): the gateway check must
# cost what a protected route's token check costs.
#
# Builds nothing: run `mvn -B -q package -DskipTests` first. Needs java, curl and wrk (`apt-get install -y wrk`).
# Knobs (environment): DURATION (15s), WARMUP (5s), THREADS (2), CONNECTIONS (32), JAVA_OPTS (-Xmx512m).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
JAR="$ROOT/example-webapp/target/accesspass-example.jar"
DURATION="${DURATION:-15s}"
WARMUP="${WARMUP:-5s}"
THREADS="${THREADS:-2}"
CONNECTIONS="${CONNECTIONS:-32}"
JAVA_OPTS="${JAVA_OPTS:--Xmx512m}"
MODE="${MODE:-public}"
[[ "$MODE" == public || "$MODE" == verify ]] || { echo "hello.sh: MODE is public or verify" >&2; exit 2; }

for tool in java curl wrk; do
  command -v "$tool" >/dev/null || { echo "hello.sh: $tool is not installed" >&2; exit 2; }
done
[[ -f "$JAR" ]] || { echo "hello.sh: $JAR is missing; run: mvn -B -q package -DskipTests" >&2; exit 2; }

# A free port below the kernel's ephemeral range (outgoing connections take ports from there), one that nothing
# answers on; if the app still cannot bind it (another process raced us), try another.
read -r EPHEMERAL_LOW _ < /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || EPHEMERAL_LOW=32768
port_is_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

WORK="$(mktemp -d)"
APP_PID=""
cleanup() {
  if [[ -n "$APP_PID" ]] && kill -0 "$APP_PID" 2>/dev/null; then
    kill "$APP_PID" && wait "$APP_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

started=""
for attempt in 1 2 3 4 5; do
  PORT=$((10000 + RANDOM % (EPHEMERAL_LOW - 10000)))
  port_is_free "$PORT" || continue
  BASE="http://127.0.0.1:$PORT"
  # The access token lives 300 s by default; the whole run takes longer than that.
  # shellcheck disable=SC2086
  PORT="$PORT" ACCESSPASS_ACCESS_TOKEN_TTL=3600 java $JAVA_OPTS -jar "$JAR" >"$WORK/app.log" 2>&1 &
  APP_PID=$!
  for _ in $(seq 1 120); do
    if curl -fsS -o /dev/null "$BASE/public/hello" 2>/dev/null; then started=yes; break; fi
    kill -0 "$APP_PID" 2>/dev/null || break
    sleep 0.5
  done
  [[ -n "$started" ]] && break
  if kill -0 "$APP_PID" 2>/dev/null; then
    echo "hello.sh: the app did not come up on port $PORT" >&2; cat "$WORK/app.log" >&2; exit 1
  fi
  grep -q 'Failed to bind' "$WORK/app.log" || { echo "hello.sh: the app exited:" >&2; cat "$WORK/app.log" >&2; exit 1; }
  APP_PID=""
done
[[ -n "$started" ]] || { echo "hello.sh: found no port the app could bind" >&2; exit 1; }

PASSWORD="bench-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
curl -fsS -o /dev/null -H 'Content-Type: application/json' \
  -d "{\"username\":\"bench\",\"email\":\"bench@example.com\",\"password\":\"$PASSWORD\",\"password_confirmation\":\"$PASSWORD\"}" \
  "$BASE/auth/register"
LOGIN="$(curl -fsS -H 'Content-Type: application/json' \
  -d "{\"username\":\"bench\",\"password\":\"$PASSWORD\"}" "$BASE/auth/login")"
TOKEN="$(printf '%s' "$LOGIN" | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')"
[[ -n "$TOKEN" ]] || { echo "hello.sh: no access_token in the login response" >&2; exit 1; }
status="$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$BASE/api/hello")"
[[ "$status" == 200 ]] || { echo "hello.sh: /api/hello answered $status with the fresh token" >&2; exit 1; }

# run NAME PATH DURATION [wrk options]: prints requests/s; on non-2xx answers or socket errors it leaves a marker
# file (run is called in a subshell, so a variable would not survive) and the script fails at the end.
run() {
  local name=$1 path=$2 duration=$3 out
  shift 3
  out="$WORK/$name.txt"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$duration" "$@" "$BASE$path" >"$out"
  if grep -q -e 'Non-2xx' -e 'Socket errors' "$out"; then
    echo "hello.sh: $name had failed requests:" >&2
    grep -e 'Non-2xx' -e 'Socket errors' "$out" >&2
    touch "$WORK/failed"
  fi
  awk '/^Requests\/sec:/ {print $2}' "$out"
}
AUTH=(-H "Authorization: Bearer $TOKEN")

echo "wrk -t$THREADS -c$CONNECTIONS, warm-up $WARMUP each, then $DURATION each in the order A B B A"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
if [[ "$MODE" == verify ]]; then
  status="$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$BASE/auth/verify")"
  [[ "$status" == 204 ]] || { echo "hello.sh: /auth/verify answered $status with the fresh token" >&2; exit 1; }
  run warmup-protected /api/hello "$WARMUP" "${AUTH[@]}" >/dev/null
  run warmup-verify /auth/verify "$WARMUP" "${AUTH[@]}" >/dev/null
  a1="$(run protected-1 /api/hello "$DURATION" "${AUTH[@]}")"; echo "A  /api/hello     (protected)   $a1 req/s"
  b1="$(run verify-1 /auth/verify "$DURATION" "${AUTH[@]}")"; echo "B  /auth/verify   (forward-auth) $b1 req/s"
  b2="$(run verify-2 /auth/verify "$DURATION" "${AUTH[@]}")"; echo "B  /auth/verify   (forward-auth) $b2 req/s"
  a2="$(run protected-2 /api/hello "$DURATION" "${AUTH[@]}")"; echo "A  /api/hello     (protected)   $a2 req/s"
  awk -v a1="$a1" -v a2="$a2" -v b1="$b1" -v b2="$b2" 'BEGIN {
    a = (a1 + a2) / 2; b = (b1 + b2) / 2; ratio = 100 * b / a
    printf "protected    %.0f req/s (mean of 2)\nforward-auth %.0f req/s (mean of 2)\n", a, b
    printf "ratio verify/protected: %.1f %% (target >= 95 %%): %s\n", ratio, (ratio >= 95 ? "met" : "NOT met")
  }'
  if [[ -e "$WORK/failed" ]]; then
    echo "hello.sh: some requests failed (non-2xx or socket errors); the rates above are not valid" >&2
    exit 1
  fi
  exit 0
fi
run warmup-protected /api/hello "$WARMUP" "${AUTH[@]}" >/dev/null
run warmup-public /public/hello "$WARMUP" >/dev/null
a1="$(run protected-1 /api/hello "$DURATION" "${AUTH[@]}")"; echo "A  /api/hello     (protected)   $a1 req/s"
b1="$(run public-1 /public/hello "$DURATION")";             echo "B  /public/hello  (unprotected) $b1 req/s"
b2="$(run public-2 /public/hello "$DURATION")";             echo "B  /public/hello  (unprotected) $b2 req/s"
a2="$(run protected-2 /api/hello "$DURATION" "${AUTH[@]}")"; echo "A  /api/hello     (protected)   $a2 req/s"

awk -v a1="$a1" -v a2="$a2" -v b1="$b1" -v b2="$b2" 'BEGIN {
  a = (a1 + a2) / 2; b = (b1 + b2) / 2; ratio = 100 * a / b
  printf "protected   %.0f req/s (mean of 2)\nunprotected %.0f req/s (mean of 2)\n", a, b
  printf "ratio protected/unprotected: %.1f %% (target >= 90 %%): %s\n", ratio, (ratio >= 90 ? "met" : "NOT met")
}'
if [[ -e "$WORK/failed" ]]; then
  echo "hello.sh: some requests failed (non-2xx or socket errors); the rates above are not valid" >&2
  exit 1
fi
