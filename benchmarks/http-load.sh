#!/usr/bin/env bash
# http-load.sh - load the Moirai HTTP server (examples' `http-server` command) and a reactor-netty
# HttpServer peer giving the same responses (io.moirai.benchmarks.http.NettyHttpPeer) with wrk, in one
# run, and print requests/s and latency percentiles side by side (issue 7).
#
# What runs:
#   - wrk -t2 -c64 -d<duration> --latency against /plaintext and /json of each server.
#   - Both servers are started (and checked) before anything is measured, and stay up for the whole run.
#   - One warm-up round per server and path first (discarded), then --rounds measured rounds. Within a
#     round the servers alternate (Moirai first in odd rounds, reactor-netty first in even rounds), so
#     that a noisy neighbour or a thermal drift hits both alike.
#   - Reported per server and path: the median requests/s of the rounds with its min-max, the median of
#     the rounds' p50/p90/p99 latencies, and Moirai / reactor-netty on the median requests/s; per server,
#     its heap in use after a full GC (jcmd) and its RSS once the load is over.
#
# Fairness (benchmarks/METHOD.md):
#   - Same JVM flags for both: -Xms1g -Xmx1g (override with JVM_FLAGS=...), same JDK, same machine,
#     same wrk settings, loopback only.
#   - Threads. Moirai's `http-server` runs on a default runtime: 1 I/O thread and one compute worker per
#     core (2 here). Its HTTP handler parses and answers on the connection's I/O thread, like a Netty
#     handler on its event loop; the workers only run the per-connection bookkeeping (end of a
#     connection, the lingering-close timer). The peer therefore gets the same number of threads doing
#     socket work: LoopResources.create("netty-peer", 1, true), one event loop that also accepts, as
#     Moirai's single I/O thread does (--netty-loops 1, --netty-select-threads 0). This is the like-for-
#     like pairing the TCP suites use ("one I/O thread / one event loop"). To give reactor-netty as many
#     threads in total as Moirai's runtime has (3: 1 accept thread + 2 event loops), run with
#     --netty-select-threads 1 --netty-loops 2 and say so beside the figures; with an `http-server` that
#     takes runtime options, --moirai-args passes them (for example "--io-threads 2" against
#     --netty-loops 2).
#   - reactor-netty uses its default transport, native epoll (its best form on Linux); Moirai uses the
#     JDK's NIO selector. --netty-native false forces NIO on the peer too.
#   - The machine is shared: the script warns when a JMH run (benchmarks.jar) is already running. A
#     single run is not a figure; quote the median of rounds and the spread.
#
# Usage: benchmarks/http-load.sh [--duration 10s] [--rounds 3] [--warmup <duration>] [--quick]
#          [--connections 64] [--threads 2] [--moirai-port 18080] [--netty-port 18081]
#          [--netty-loops 1] [--netty-select-threads 0] [--netty-native true] [--moirai-args "..."]
#          [--no-build] [--output benchmarks/results/http-latest.md]
#   --quick: 3 s rounds and warm-up (a smoke run: proves everything runs; not a figure).
# Needs: a JDK 17, Maven, wrk (installed with apt-get when missing; sudo only when not root).
# Writes the table to the output file (default benchmarks/results/http-latest.md) and stdout.

set -euo pipefail

COMMAND_LINE="benchmarks/http-load.sh${*:+ $*}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

DURATION=10s
WARMUP=""
ROUNDS=3
CONNECTIONS=64
THREADS=2
MOIRAI_PORT=18080
NETTY_PORT=18081
NETTY_LOOPS=1
NETTY_SELECT=0
NETTY_NATIVE=true
MOIRAI_ARGS=""
BUILD=1
QUICK=0
OUTPUT="benchmarks/results/http-latest.md"
JVM_FLAGS="${JVM_FLAGS:--Xms1g -Xmx1g}"
MOIRAI_JAR="examples/target/moirai-examples.jar"
BENCH_JAR="benchmarks/target/benchmarks.jar"

usage() {
    sed -n '2,/^# Writes/p' "$0" | sed 's/^# \{0,1\}//'
    exit "${1:-0}"
}

need_value() {
    [[ $# -ge 2 && -n "$2" ]] || { echo "http-load.sh: $1 needs a value" >&2; exit 2; }
}

while [[ $# -gt 0 ]]; do
    case "$1" in
        --duration) need_value "$@"; DURATION="$2"; shift 2 ;;
        --warmup) need_value "$@"; WARMUP="$2"; shift 2 ;;
        --rounds) need_value "$@"; ROUNDS="$2"; shift 2 ;;
        --quick) QUICK=1; DURATION=3s; WARMUP=3s; shift ;;
        --connections) need_value "$@"; CONNECTIONS="$2"; shift 2 ;;
        --threads) need_value "$@"; THREADS="$2"; shift 2 ;;
        --moirai-port) need_value "$@"; MOIRAI_PORT="$2"; shift 2 ;;
        --netty-port) need_value "$@"; NETTY_PORT="$2"; shift 2 ;;
        --netty-loops) need_value "$@"; NETTY_LOOPS="$2"; shift 2 ;;
        --netty-select-threads) need_value "$@"; NETTY_SELECT="$2"; shift 2 ;;
        --netty-native) need_value "$@"; NETTY_NATIVE="$2"; shift 2 ;;
        --moirai-args) [[ $# -ge 2 ]] || { echo "http-load.sh: --moirai-args needs a value" >&2; exit 2; }
                       MOIRAI_ARGS="$2"; shift 2 ;;
        --no-build) BUILD=0; shift ;;
        --output) need_value "$@"; OUTPUT="$2"; shift 2 ;;
        -h|--help) usage 0 ;;
        *) echo "http-load.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done
WARMUP="${WARMUP:-$DURATION}"
[[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || { echo "http-load.sh: --rounds must be a positive integer" >&2; exit 2; }
[[ "$ROUNDS" -ge 3 ]] || echo "http-load.sh: note: fewer than 3 rounds is not a figure (METHOD.md)" >&2

log() { echo "[http-load] $*" >&2; }

# ---------------------------------------------------------------- wrk
if ! command -v wrk >/dev/null 2>&1; then
    log "wrk not found: installing it with apt-get"
    SUDO=""
    if [[ "$(id -u)" -ne 0 ]]; then
        SUDO="sudo"
    fi
    command -v wrk >/dev/null 2>&1 || ($SUDO apt-get update && $SUDO apt-get install -y wrk)
fi
command -v wrk >/dev/null 2>&1 || { echo "http-load.sh: wrk is not available" >&2; exit 1; }

# ---------------------------------------------------------------- build
if [[ "$BUILD" -eq 1 ]]; then
    log "building (mvn -B -q -DskipTests package)"
    mvn -B -q -DskipTests package
fi
for jar in "$MOIRAI_JAR" "$BENCH_JAR"; do
    [[ -f "$jar" ]] || { echo "http-load.sh: $jar is missing (build without --no-build)" >&2; exit 1; }
done

if pgrep -f 'benchmarks.jar' >/dev/null 2>&1; then
    log "WARNING: another benchmarks.jar process is running (a JMH run?); its load skews these figures:"
    pgrep -af 'benchmarks.jar' | cut -c1-160 >&2 || true
fi

# ---------------------------------------------------------------- servers
WORK="$(mktemp -d "${TMPDIR:-/tmp}/http-load.XXXXXX")"
MOIRAI_PID=""
NETTY_PID=""
cleanup() {
    for pid in "$MOIRAI_PID" "$NETTY_PID"; do
        if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
            kill "$pid" 2>/dev/null || true
            wait "$pid" 2>/dev/null || true
        fi
    done
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for port in "$MOIRAI_PORT" "$NETTY_PORT"; do
    if port_busy "$port"; then
        echo "http-load.sh: port $port is already in use (choose another with --moirai-port/--netty-port)" >&2
        exit 1
    fi
done

# shellcheck disable=SC2086 # JVM_FLAGS and MOIRAI_ARGS are word lists
java $JVM_FLAGS -jar "$MOIRAI_JAR" http-server --host 127.0.0.1 --port "$MOIRAI_PORT" $MOIRAI_ARGS \
    >"$WORK/moirai.log" 2>&1 &
MOIRAI_PID=$!
# shellcheck disable=SC2086
java $JVM_FLAGS -cp "$BENCH_JAR" io.moirai.benchmarks.http.NettyHttpPeer --host 127.0.0.1 --port "$NETTY_PORT" \
    --loops "$NETTY_LOOPS" --select-threads "$NETTY_SELECT" --native "$NETTY_NATIVE" \
    >"$WORK/netty.log" 2>&1 &
NETTY_PID=$!

wait_ready() { # name pid port
    local name=$1 pid=$2 port=$3
    for _ in $(seq 1 300); do
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "http-load.sh: the $name server exited:" >&2
            cat "$WORK/$name.log" >&2
            exit 1
        fi
        if port_busy "$port"; then
            return 0
        fi
        sleep 0.1
    done
    echo "http-load.sh: the $name server did not listen on port $port within 30 s:" >&2
    cat "$WORK/$name.log" >&2
    exit 1
}

fetch() { # port path -> the raw response (Connection: close, so the server ends it)
    local port=$1 path=$2
    exec 3<>"/dev/tcp/127.0.0.1/$port"
    printf 'GET %s HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nConnection: close\r\n\r\n' "$path" "$port" >&3
    timeout 5 cat <&3 | tr -d '\r'
    exec 3<&- 3>&-
}

check_server() { # name port
    local name=$1 port=$2 path expected response
    for path in /plaintext /json; do
        if [[ "$path" == /plaintext ]]; then expected='Hello, World!'; else expected='{"message":"Hello, World!"}'; fi
        response="$(fetch "$port" "$path")"
        if [[ "$(head -n1 <<<"$response")" != "HTTP/1.1 200 OK" || "$(tail -n1 <<<"$response")" != "$expected" ]]; then
            echo "http-load.sh: the $name server answered $path unexpectedly:" >&2
            echo "$response" >&2
            exit 1
        fi
        grep -Ei '^(server|date|content-type|content-length):' <<<"$response" | cut -d: -f1 | tr 'A-Z' 'a-z' | sort \
            | tr '\n' ' ' >"$WORK/$name-headers$(tr / - <<<"$path")"
        log "$name $path: $(head -n1 <<<"$response"), headers: $(cat "$WORK/$name-headers$(tr / - <<<"$path")")"
    done
}

wait_ready moirai "$MOIRAI_PID" "$MOIRAI_PORT"
wait_ready netty "$NETTY_PID" "$NETTY_PORT"
check_server moirai "$MOIRAI_PORT"
check_server netty "$NETTY_PORT"
for path in -plaintext -json; do
    if ! cmp -s "$WORK/moirai-headers$path" "$WORK/netty-headers$path"; then
        echo "http-load.sh: the servers' header sets differ on ${path/-//}" >&2
        exit 1
    fi
done
log "moirai: $(head -n1 "$WORK/moirai.log")"
log "netty:  $(head -n1 "$WORK/netty.log")"

# ---------------------------------------------------------------- load
to_us() { # a wrk duration (123.45us, 1.20ms, 2.00s, 1.00m) -> microseconds
    awk -v v="$1" 'BEGIN {
        if (v ~ /us$/) { sub(/us$/, "", v); printf "%.2f", v }
        else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.2f", v * 1000 }
        else if (v ~ /m$/) { sub(/m$/, "", v); printf "%.2f", v * 60000000 }
        else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.2f", v * 1000000 }
        else { printf "nan" } }'
}

declare -A RPS P50 P90 P99 ERRORS
run_wrk() { # name port path duration record(0/1) label
    local name=$1 port=$2 path=$3 duration=$4 record=$5 label=$6
    local out="$WORK/wrk-$name-${path#/}-$label.txt"
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$duration" --latency "http://127.0.0.1:$port$path" >"$out" 2>&1 || {
        echo "http-load.sh: wrk failed against $name $path:" >&2
        cat "$out" >&2
        exit 1
    }
    local rps p50 p90 p99 non2xx sock
    rps="$(awk '/^Requests\/sec:/ { print $2 }' "$out")"
    p50="$(to_us "$(awk '$1 == "50%" { print $2 }' "$out")")"
    p90="$(to_us "$(awk '$1 == "90%" { print $2 }' "$out")")"
    p99="$(to_us "$(awk '$1 == "99%" { print $2 }' "$out")")"
    non2xx="$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$out")"
    sock="$(awk '/Socket errors:/ { gsub(",", ""); print $4 + $6 + $8 + $10 }' "$out")"
    log "$label $name $path: ${rps} req/s, p50 ${p50} us, p90 ${p90} us, p99 ${p99} us${non2xx:+, non-2xx $non2xx}${sock:+, socket errors $sock}"
    [[ -n "$rps" ]] || { echo "http-load.sh: no Requests/sec in wrk's output:" >&2; cat "$out" >&2; exit 1; }
    if [[ "$record" -eq 1 ]]; then
        local key="$name $path"
        RPS[$key]+="$rps "
        P50[$key]+="$p50 "
        P90[$key]+="$p90 "
        P99[$key]+="$p99 "
        ERRORS[$key]=$(( ${ERRORS[$key]:-0} + ${non2xx:-0} + ${sock:-0} ))
    fi
}

port_of() { if [[ "$1" == moirai ]]; then echo "$MOIRAI_PORT"; else echo "$NETTY_PORT"; fi; }

PATHS=(/plaintext /json)
log "warm-up: $WARMUP per server and path (discarded)"
for path in "${PATHS[@]}"; do
    for name in moirai netty; do
        run_wrk "$name" "$(port_of "$name")" "$path" "$WARMUP" 0 warmup
    done
done
for round in $(seq 1 "$ROUNDS"); do
    if (( round % 2 == 1 )); then order=(moirai netty); else order=(netty moirai); fi
    for path in "${PATHS[@]}"; do
        for name in "${order[@]}"; do
            run_wrk "$name" "$(port_of "$name")" "$path" "$DURATION" 1 "round$round"
        done
    done
done

# ---------------------------------------------------------------- report
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ v[NR] = $1 } END {
    if (NR == 0) { print "nan"; exit }
    if (NR % 2) printf "%.2f", v[(NR + 1) / 2]; else printf "%.2f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
minimum() { tr ' ' '\n' | grep -v '^$' | sort -g | head -n1; }
maximum() { tr ' ' '\n' | grep -v '^$' | sort -g | tail -n1; }
fmt_rps() { awk -v v="$1" 'BEGIN { s = sprintf("%.0f", v); n = length(s); o = "";
    for (i = 1; i <= n; i++) { o = o substr(s, i, 1); if ((n - i) % 3 == 0 && i < n) o = o "," } print o }'; }
fmt_lat() { awk -v v="$1" 'BEGIN { if (v < 1000) printf "%.0f µs", v; else if (v < 1000000) printf "%.2f ms", v / 1000; else printf "%.2f s", v / 1000000 }'; }

# each server's heap in use after a full GC, and its resident set, once the load is over
memory_of() {
    local pid="$1" heap rss
    heap="$( (jcmd "$pid" GC.run >/dev/null && jcmd "$pid" GC.heap_info) 2>/dev/null | grep -o 'used [0-9]*K' | head -1 | tr -dc '0-9')"
    rss="$(ps -o rss= -p "$pid" 2>/dev/null | tr -dc '0-9')"
    echo "heap in use after a full GC ${heap:-?} KiB, RSS ${rss:-?} KiB"
}
MOIRAI_MEMORY="$(memory_of "$MOIRAI_PID")"
NETTY_MEMORY="$(memory_of "$NETTY_PID")"

machine="$(nproc) vCPUs, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)"
jdk="$(java -version 2>&1 | head -n1)"
wrk_version="$( (wrk --version 2>&1 || true) | head -n1 | awk '{ print $1, $2 }')" # wrk --version exits 1
{
    echo "# HTTP load: Moirai http-server vs reactor-netty HttpServer"
    echo
    echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') by \`$COMMAND_LINE\`"
    echo "(duration $DURATION per round, warm-up $WARMUP, $ROUNDS round(s), interleaved). Machine: $machine;"
    echo "JDK: $jdk; JVM flags: \`$JVM_FLAGS\` for both servers; load: \`$wrk_version -t$THREADS -c$CONNECTIONS -d$DURATION --latency\` on loopback."
    echo "Moirai: \`java $JVM_FLAGS -jar $MOIRAI_JAR http-server --host 127.0.0.1 --port $MOIRAI_PORT${MOIRAI_ARGS:+ $MOIRAI_ARGS}\` ($(head -n1 "$WORK/moirai.log" | cut -c1-120))."
    echo "reactor-netty: \`NettyHttpPeer --loops $NETTY_LOOPS --select-threads $NETTY_SELECT --native $NETTY_NATIVE\` ($(head -n1 "$WORK/netty.log" | cut -c1-120))."
    if [[ "$QUICK" -eq 1 ]]; then
        echo
        echo "**Smoke run (\`--quick\`): it proves that the set-up works; its numbers are not a figure.**"
    fi
    echo
    echo "| server | path | requests/s: median (min-max) | p50 | p90 | p99 | Moirai / reactor-netty | errors |"
    echo "|---|---|---|---|---|---|---|---|"
    for path in "${PATHS[@]}"; do
        netty_median="$(median <<<"${RPS[netty $path]}")"
        for name in moirai netty; do
            key="$name $path"
            med="$(median <<<"${RPS[$key]}")"
            if [[ "$name" == moirai ]]; then
                label="Moirai"
                ratio="$(awk -v a="$med" -v b="$netty_median" 'BEGIN { printf "**%.2fx**", a / b }')"
            else
                label="reactor-netty"
                ratio="(reference)"
            fi
            printf '| %s | `%s` | %s (%s-%s) | %s | %s | %s | %s | %s |\n' "$label" "$path" \
                "$(fmt_rps "$med")" "$(fmt_rps "$(minimum <<<"${RPS[$key]}")")" "$(fmt_rps "$(maximum <<<"${RPS[$key]}")")" \
                "$(fmt_lat "$(median <<<"${P50[$key]}")")" "$(fmt_lat "$(median <<<"${P90[$key]}")")" \
                "$(fmt_lat "$(median <<<"${P99[$key]}")")" "$ratio" "${ERRORS[$key]}"
        done
    done
    echo
    echo "Memory after the run: Moirai $MOIRAI_MEMORY; reactor-netty $NETTY_MEMORY."
    echo
    echo "Latency columns: the median over the rounds of wrk's per-round percentile. Errors: non-2xx responses"
    echo "plus socket errors summed over the rounds. Per-round requests/s:"
    echo
    for path in "${PATHS[@]}"; do
        for name in moirai netty; do
            echo "- $name \`$path\`: $(tr ' ' '\n' <<<"${RPS[$name $path]}" | grep -v '^$' | while read -r v; do fmt_rps "$v"; done | paste -sd';' | sed 's/;/, /g')"
        done
    done
} >"$WORK/report.md"

mkdir -p "$(dirname "$OUTPUT")"
cp "$WORK/report.md" "$OUTPUT"
cat "$WORK/report.md"
log "written to $OUTPUT"
