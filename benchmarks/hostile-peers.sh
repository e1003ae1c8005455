#!/usr/bin/env bash
# hostile-peers.sh - the pipelining-without-reading attack against the HTTP example (issue 15).
#
# What runs (loopback only, bounded counts and durations):
#   1. the examples' `http-server` in a JVM of its own with a small fixed heap (-Xms/-Xmx, default
#      128m) and its default limits;
#   2. the server's heap in use after a full GC (jcmd GC.run, GC.heap_info), before any client;
#   3. io.moirai.benchmarks.hostile.PipelineFlood: --connections loopback connections (default 1,000)
#      that each pipeline `GET /json` requests as fast as the server takes them and never read a
#      response, until every connection is stalled by TCP or --flood seconds passed; a fresh client
#      must still get 200 while they are held;
#   4. the server's heap in use after a full GC while the flood is held, and its RSS;
#   5. after the attackers left, the heap again and one more fresh client.
# Prints the heap figures, the heap per attacking connection, and PASS if the server kept serving and
# stayed up (an OutOfMemoryError would end it: the examples' runtime threads report it and the
# fresh-client checks fail), else FAIL with the reason; exits 0 on PASS, 1 on FAIL.
#
# Usage: benchmarks/hostile-peers.sh [--connections 1000] [--heap 128m] [--flood 20] [--hold 10] [--no-build]
# Needs: a JDK 17 (java, jcmd) and Maven; ulimit -n of at least about 2 x connections + 100 (the script
# raises the soft limit to the hard one).

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

CONNECTIONS=1000
HEAP=128m
FLOOD=20
HOLD=10
BUILD=1
while [[ $# -gt 0 ]]; do
    case "$1" in
        --connections) CONNECTIONS="$2"; shift 2 ;;
        --heap) HEAP="$2"; shift 2 ;;
        --flood) FLOOD="$2"; shift 2 ;;
        --hold) HOLD="$2"; shift 2 ;;
        --no-build) BUILD=0; shift ;;
        -h|--help) sed -n '2,/^# raises/p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "hostile-peers.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done

ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [[ "$(ulimit -n)" != unlimited && "$(ulimit -n)" -lt $((2 * CONNECTIONS + 100)) ]]; then
    echo "hostile-peers.sh: ulimit -n is $(ulimit -n); $((2 * CONNECTIONS + 100)) descriptors are needed" >&2
    exit 2
fi
if [[ "$BUILD" == 1 ]]; then
    echo "[hostile] building (mvn -B -q -DskipTests package)"
    mvn -B -q -DskipTests package
fi

WORK="$(mktemp -d)"
SERVER_PID=""
cleanup() {
    if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

heap_used_kib() { # after a full GC, the heap in use, in KiB
    jcmd "$SERVER_PID" GC.run >/dev/null
    jcmd "$SERVER_PID" GC.heap_info | grep -o 'used [0-9]*K' | head -1 | tr -dc '0-9'
}

java -Xms"$HEAP" -Xmx"$HEAP" -jar examples/target/moirai-examples.jar http-server --port 0 \
    --port-file "$WORK/port" > "$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 300); do
    [[ -s "$WORK/port" ]] && break
    sleep 0.1
done
[[ -s "$WORK/port" ]] || { echo "FAIL: the server did not start"; cat "$WORK/server.log"; exit 1; }
PORT="$(cat "$WORK/port")"
echo "[hostile] http-server on port $PORT with -Xmx$HEAP (pid $SERVER_PID)"

BASE=$(heap_used_kib)
echo "[hostile] heap in use before any client: $BASE KiB"

java -cp benchmarks/target/benchmarks.jar io.moirai.benchmarks.hostile.PipelineFlood \
    "$PORT" "$CONNECTIONS" "$FLOOD" "$HOLD" > "$WORK/flood.log" 2>&1 &
FLOOD_PID=$!
for _ in $(seq 1 $(( (FLOOD + 30) * 10 ))); do
    grep -q 'SERVED' "$WORK/flood.log" && break
    kill -0 "$FLOOD_PID" 2>/dev/null || break
    sleep 0.1
done
cat "$WORK/flood.log"
UNDER=""
RSS=""
if kill -0 "$SERVER_PID" 2>/dev/null; then
    UNDER=$(heap_used_kib)
    RSS=$(ps -o rss= -p "$SERVER_PID" | tr -dc '0-9')
fi
FLOOD_OK=0
wait "$FLOOD_PID" && FLOOD_OK=1

AFTER=""
AFTER_OK=0
if kill -0 "$SERVER_PID" 2>/dev/null; then
    java -cp benchmarks/target/benchmarks.jar io.moirai.benchmarks.hostile.PipelineFlood "$PORT" 0 0 0 \
        > "$WORK/after.log" 2>&1 && AFTER_OK=1
    AFTER=$(heap_used_kib)
fi

echo
echo "connections flooding:        $CONNECTIONS (each pipelining GET /json, never reading)"
echo "heap in use, before:         ${BASE} KiB"
echo "heap in use, under flood:    ${UNDER:-the server died} KiB (RSS ${RSS:-?} KiB)"
if [[ -n "$UNDER" ]]; then
    echo "heap per flooding connection: $(( (UNDER - BASE) * 1024 / CONNECTIONS )) bytes"
fi
echo "heap in use, after:          ${AFTER:-the server died} KiB"
if [[ "$FLOOD_OK" == 1 && "$AFTER_OK" == 1 ]]; then
    echo "PASS: the server served fresh clients during and after the flood, within -Xmx$HEAP"
    exit 0
fi
echo "FAIL: fresh client served during the flood: $FLOOD_OK, after: $AFTER_OK; server log:"
tail -20 "$WORK/server.log"
exit 1
