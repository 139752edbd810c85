#!/usr/bin/env bash
# The per-request cost of the Micrometer metrics on the token check, over HTTP: two instances of the Spring Boot
# example (example-spring-boot), one with the starter's metrics (A, the default with Actuator) and one with
# management.metrics.enable.accesspass=false (B: no listener at all), each with its own registered user; wrk
# against the protected /api/hello of each in the order A B B A. Prints both rates and the ratio A/B, and fails if
# any response was not 2xx.
#
# Builds nothing: run `mvn -B -q package -DskipTests` first. Needs java, curl and wrk (`apt-get install -y wrk`).
# Knobs (environment): DURATION (15s), WARMUP (5s), ROUNDS (1: how many times A B B A), THREADS (2), CONNECTIONS (32),
# JAVA_OPTS (-Xmx512m). On a shared machine prefer several short rounds: the pairs then see the same neighbours.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
JAR="$ROOT/example-spring-boot/target/accesspass-example-spring-boot.jar"
DURATION="${DURATION:-15s}"
WARMUP="${WARMUP:-5s}"
ROUNDS="${ROUNDS:-1}"
THREADS="${THREADS:-2}"
CONNECTIONS="${CONNECTIONS:-32}"
JAVA_OPTS="${JAVA_OPTS:--Xmx512m}"

for tool in java curl wrk; do
  command -v "$tool" >/dev/null || { echo "metrics.sh: $tool is not installed" >&2; exit 2; }
done
[[ -f "$JAR" ]] || { echo "metrics.sh: $JAR is missing; run: mvn -B -q package -DskipTests" >&2; exit 2; }

read -r EPHEMERAL_LOW _ < /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || EPHEMERAL_LOW=32768
port_is_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

WORK="$(mktemp -d)"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then kill "$pid" && wait "$pid" 2>/dev/null || true; fi
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

# start NAME [app arguments]: starts one instance on a free port, registers a user; sets BASE_<NAME>, TOKEN_<NAME>.
start() {
  local name=$1 port base started="" password login token
  shift
  for _ in 1 2 3 4 5; do
    port=$((10000 + RANDOM % (EPHEMERAL_LOW - 10000)))
    port_is_free "$port" && break
  done
  base="http://127.0.0.1:$port"
  # shellcheck disable=SC2086
  PORT="$port" ACCESSPASS_ACCESS_TOKEN_TTL=3600 java $JAVA_OPTS -jar "$JAR" "$@" >"$WORK/$name.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 240); do
    if curl -fsS -o /dev/null "$base/public/hello" 2>/dev/null; then started=yes; break; fi
    sleep 0.5
  done
  [[ -n "$started" ]] || { echo "metrics.sh: $name did not come up:" >&2; cat "$WORK/$name.log" >&2; exit 1; }
  password="bench-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
  curl -fsS -o /dev/null -H 'Content-Type: application/json' \
    -d "{\"username\":\"bench\",\"email\":\"bench@example.com\",\"password\":\"$password\",\"password_confirmation\":\"$password\"}" \
    "$base/auth/register"
  login="$(curl -fsS -H 'Content-Type: application/json' \
    -d "{\"username\":\"bench\",\"password\":\"$password\"}" "$base/auth/login")"
  token="$(printf '%s' "$login" | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')"
  [[ -n "$token" ]] || { echo "metrics.sh: no access_token from $name" >&2; exit 1; }
  printf -v "BASE_$name" '%s' "$base"
  printf -v "TOKEN_$name" '%s' "$token"
}

start ON
start OFF --management.metrics.enable.accesspass=false
checks="$(curl -fsS "$BASE_ON/actuator/metrics/accesspass.token.checks" | sed -n 's/.*"value":\([0-9.E]*\).*/\1/p')"
[[ -n "$checks" ]] || { echo "metrics.sh: the metrics instance has no accesspass.token.checks" >&2; exit 1; }
if curl -fsS -o /dev/null "$BASE_OFF/actuator/metrics/accesspass.token.checks" 2>/dev/null; then
  echo "metrics.sh: the instance without metrics still has accesspass.token.checks" >&2; exit 1
fi

run() {
  local name=$1 base=$2 token=$3 duration=$4 out="$WORK/$1.txt"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$duration" -H "Authorization: Bearer $token" "$base/api/hello" >"$out"
  if grep -q -e 'Non-2xx' -e 'Socket errors' "$out"; then
    echo "metrics.sh: $name had failed requests:" >&2
    grep -e 'Non-2xx' -e 'Socket errors' "$out" >&2
    touch "$WORK/failed"
  fi
  awk '/^Requests\/sec:/ {print $2}' "$out"
}

echo "wrk -t$THREADS -c$CONNECTIONS, warm-up $WARMUP each, then $ROUNDS x ($DURATION each in the order A B B A)"
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
run warmup-on "$BASE_ON" "$TOKEN_ON" "$WARMUP" >/dev/null
run warmup-off "$BASE_OFF" "$TOKEN_OFF" "$WARMUP" >/dev/null
on_sum=0; off_sum=0
for round in $(seq 1 "$ROUNDS"); do
  a1="$(run "on-$round-1" "$BASE_ON" "$TOKEN_ON" "$DURATION")"
  b1="$(run "off-$round-1" "$BASE_OFF" "$TOKEN_OFF" "$DURATION")"
  b2="$(run "off-$round-2" "$BASE_OFF" "$TOKEN_OFF" "$DURATION")"
  a2="$(run "on-$round-2" "$BASE_ON" "$TOKEN_ON" "$DURATION")"
  echo "round $round: A $a1  B $b1  B $b2  A $a2 req/s (load $(cut -d' ' -f1 /proc/loadavg))"
  on_sum="$(awk -v s="$on_sum" -v x="$a1" -v y="$a2" 'BEGIN {print s + x + y}')"
  off_sum="$(awk -v s="$off_sum" -v x="$b1" -v y="$b2" 'BEGIN {print s + x + y}')"
done

awk -v a="$on_sum" -v b="$off_sum" -v n="$ROUNDS" 'BEGIN {
  printf "metrics on  %.0f req/s (mean of %d)\nmetrics off %.0f req/s (mean of %d)\nratio on/off: %.1f %%\n",
    a / (2 * n), 2 * n, b / (2 * n), 2 * n, 100 * a / b
}'
if [[ -e "$WORK/failed" ]]; then
  echo "metrics.sh: some requests failed (non-2xx or socket errors); the rates above are not valid" >&2
  exit 1
fi
