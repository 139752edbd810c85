#!/usr/bin/env bash
# The same servlet (GET /hello -> {"hello":"<name>"}) on the same embedded Jetty behind
#   none         nothing (the baseline; it runs twice, as none and none-2, and none-2/none is the A/A noise)
#   accesspass   AccessPassFilter, in-memory stores
#   spring       Spring Security 7, opaque-token resource server, introspector on a local map
#   pac4j        pac4j 6, DirectBearerAuthClient, authenticator on a local map
#   handwritten  one map lookup in a hand-written filter (the floor)
# each in its own JVM with the same flags, loaded in turn with wrk on loopback in interleaved rounds (forward, then
# backward: none accesspass spring pac4j handwritten none-2, then none-2 handwritten ... none, ...) so that drift
# (a noisy neighbour, JIT, GC) falls on every variant alike. For each run it takes requests/s from wrk and the
# server's CPU time per request from /proc/<pid>/stat (utime + stime over the measured run / requests), and at the
# end prints, per variant, the median over rounds of both as ratios to the baseline of the same round (the mean of
# none and none-2), with the smallest and largest round, and the CPU time each adds to a request (its CPU per
# request minus the baseline's). Fails if any response was not 2xx.
#
# Builds nothing: run `mvn -B -q -pl benchmarks/peers -am package -DskipTests` first
# (-> benchmarks/peers/target/peers.jar). Needs java, curl and wrk (`apt-get install -y wrk`), and Linux (/proc).
# Knobs (environment): ROUNDS (3), DURATION (10s), WARMUP (10s), THREADS (2), CONNECTIONS (32),
# JAVA_OPTS (-Xms512m -Xmx512m), VARIANTS (all five, space-separated; none is always included).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
JAR="$ROOT/benchmarks/peers/target/peers.jar"
ROUNDS="${ROUNDS:-3}"
DURATION="${DURATION:-10s}"
WARMUP="${WARMUP:-10s}"
THREADS="${THREADS:-2}"
CONNECTIONS="${CONNECTIONS:-32}"
JAVA_OPTS="${JAVA_OPTS:--Xms512m -Xmx512m}"
VARIANTS="${VARIANTS:-accesspass spring pac4j handwritten}"

for tool in java curl wrk awk; do
  command -v "$tool" >/dev/null || { echo "peers.sh: $tool is not installed" >&2; exit 2; }
done
[[ -f "$JAR" ]] || { echo "peers.sh: $JAR is missing; run: mvn -B -q -pl benchmarks/peers -am package -DskipTests" >&2; exit 2; }
[[ -r /proc/self/stat ]] || { echo "peers.sh: needs /proc (Linux) for the server CPU time" >&2; exit 2; }
TICKS="$(getconf CLK_TCK)"

# The servers, by label: none twice (two JVMs of the same variant measure the A/A noise), the others once.
SERVERS=(none)
for v in $VARIANTS; do [[ "$v" == none ]] || SERVERS+=("$v"); done
SERVERS+=(none-2)

WORK="$(mktemp -d)"
declare -A PID PORT TOKEN
cleanup() {
  for label in "${!PID[@]}"; do
    kill "${PID[$label]}" 2>/dev/null || true
  done
  for label in "${!PID[@]}"; do
    wait "${PID[$label]}" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

# Each server binds port 0 and prints "peers: variant=<v> port=<p> token=<t>" once it serves.
for label in "${SERVERS[@]}"; do
  variant="${label%-2}"
  # shellcheck disable=SC2086
  java $JAVA_OPTS -jar "$JAR" "$variant" 0 >"$WORK/$label.out" 2>"$WORK/$label.err" &
  PID[$label]=$!
done
for label in "${SERVERS[@]}"; do
  line=""
  for _ in $(seq 1 300); do
    line="$(grep -m1 '^peers: ' "$WORK/$label.out" 2>/dev/null || true)"
    [[ -n "$line" ]] && break
    kill -0 "${PID[$label]}" 2>/dev/null || break
    sleep 0.2
  done
  [[ -n "$line" ]] || { echo "peers.sh: $label did not start:" >&2; cat "$WORK/$label.err" >&2; exit 1; }
  PORT[$label]="$(sed -n 's/.* port=\([0-9]*\) .*/\1/p' <<<"$line")"
  TOKEN[$label]="$(sed -n 's/.* token=\(.*\)$/\1/p' <<<"$line")"
  url="http://127.0.0.1:${PORT[$label]}/hello"
  status="$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer ${TOKEN[$label]}" "$url")"
  [[ "$status" == 200 ]] || { echo "peers.sh: $label answered $status with its token" >&2; exit 1; }
  if [[ "$label" != none* ]]; then
    status="$(curl -s -o /dev/null -w '%{http_code}' "$url")"
    [[ "$status" == 401 ]] || { echo "peers.sh: $label answered $status without a token" >&2; exit 1; }
  fi
done

cpu_ticks() { # utime + stime of a process; the fields after the ")" that closes the command name
  local stat
  stat="$(<"/proc/$1/stat")"
  awk '{print $12 + $13}' <<<"${stat##*) }"
}

# load LABEL DURATION [NAME]: one wrk run against a server; with NAME, appends "NAME label rps cpu_us p99" to the
# results (cpu_us: server CPU microseconds per request).
load() {
  local label=$1 duration=$2 name=${3:-} out before after
  out="$WORK/wrk-$label-${name:-warmup}.txt"
  before="$(cpu_ticks "${PID[$label]}")"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$duration" --latency \
    -H "Authorization: Bearer ${TOKEN[$label]}" "http://127.0.0.1:${PORT[$label]}/hello" >"$out"
  after="$(cpu_ticks "${PID[$label]}")"
  if grep -q -e 'Non-2xx' -e 'Socket errors' "$out"; then
    echo "peers.sh: $label had failed requests:" >&2
    grep -e 'Non-2xx' -e 'Socket errors' "$out" >&2
    touch "$WORK/failed"
  fi
  [[ -n "$name" ]] || return 0
  awk -v name="$name" -v label="$label" -v ticks=$((after - before)) -v hz="$TICKS" '
    /requests in/ { requests = $1 }
    /^Requests\/sec:/ { rps = $2 }
    $1 == "99%" { p99 = $2 }
    END { printf "%s %s %.1f %.2f %s\n", name, label, rps, 1e6 * ticks / hz / requests, p99 }
  ' "$out" >>"$WORK/results"
}

echo "peers.sh: wrk -t$THREADS -c$CONNECTIONS, warm-up $WARMUP each, then $ROUNDS rounds of $DURATION each"
echo "servers: ${SERVERS[*]}; JAVA_OPTS=$JAVA_OPTS; $(java -version 2>&1 | head -1)"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "load before: $(uptime)"
for label in "${SERVERS[@]}"; do load "$label" "$WARMUP"; done
echo "load after warm-up: $(uptime)"

for round in $(seq 1 "$ROUNDS"); do
  order=("${SERVERS[@]}")
  if (( round % 2 == 0 )); then
    order=()
    for (( i=${#SERVERS[@]}-1; i>=0; i-- )); do order+=("${SERVERS[$i]}"); done
  fi
  for label in "${order[@]}"; do
    load "$label" "$DURATION" "r$round"
    tail -1 "$WORK/results" | awk '{printf "round %-3s %-12s %10.0f req/s  %7.2f us CPU/request  p99 %s\n", substr($1,2), $2, $3, $4, $5}'
  done
  echo "load after round $round: $(uptime)"
done

echo
awk -v servers="${SERVERS[*]}" '
  function median(list,   n, a, i, j, t) {
    n = split(list, a, " ")
    for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  function lo(list,   n, a, i, m) { n = split(list, a, " "); m = a[1]; for (i = 2; i <= n; i++) if (a[i] < m) m = a[i]; return m }
  function hi(list,   n, a, i, m) { n = split(list, a, " "); m = a[1]; for (i = 2; i <= n; i++) if (a[i] > m) m = a[i]; return m }
  { rps[$1, $2] = $3; cpu[$1, $2] = $4; if (!($1 in seen)) { seen[$1] = 1; rounds[++nr] = $1 } }
  END {
    n = split(servers, label, " ")
    for (r = 1; r <= nr; r++) {
      round = rounds[r]
      base_rps = (rps[round, "none"] + rps[round, "none-2"]) / 2
      base_cpu = (cpu[round, "none"] + cpu[round, "none-2"]) / 2
      for (i = 1; i <= n; i++) {
        l = label[i]
        abs_rps[l] = abs_rps[l] " " rps[round, l]
        abs_cpu[l] = abs_cpu[l] " " cpu[round, l]
        rel_rps[l] = rel_rps[l] " " 100 * rps[round, l] / base_rps
        rel_cpu[l] = rel_cpu[l] " " 100 * cpu[round, l] / base_cpu
        add_cpu[l] = add_cpu[l] " " (cpu[round, l] - base_cpu)
      }
      aa_rps = aa_rps " " 100 * rps[round, "none-2"] / rps[round, "none"]
      aa_cpu = aa_cpu " " 100 * cpu[round, "none-2"] / cpu[round, "none"]
    }
    printf "medians of %d rounds; ratios to the baseline of the same round (mean of none and none-2), [min-max]\n", nr
    printf "%-12s %10s %18s %11s %20s %12s\n", "variant", "req/s", "req/s vs none", "CPU us/req", "CPU/req vs none",
      "added us/req"
    for (i = 1; i <= n; i++) {
      l = label[i]
      printf "%-12s %10.0f %7.1f %% [%4.0f-%3.0f] %11.1f %9.1f %% [%4.0f-%3.0f] %12.1f\n", l,
        median(abs_rps[l]), median(rel_rps[l]), lo(rel_rps[l]), hi(rel_rps[l]),
        median(abs_cpu[l]), median(rel_cpu[l]), lo(rel_cpu[l]), hi(rel_cpu[l]), median(add_cpu[l])
    }
    printf "A/A noise (none-2 / none): req/s %.1f %% [%.1f-%.1f], CPU/request %.1f %% [%.1f-%.1f]\n",
      median(aa_rps), lo(aa_rps), hi(aa_rps), median(aa_cpu), lo(aa_cpu), hi(aa_cpu)
  }
' "$WORK/results"
echo "load at the end: $(uptime)"
if [[ -e "$WORK/failed" ]]; then
  echo "peers.sh: some requests failed (non-2xx or socket errors); the rates above are not valid" >&2
  exit 1
fi
