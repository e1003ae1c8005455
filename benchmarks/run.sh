#!/usr/bin/env bash
# run.sh - every JMH suite with Moirai and its peers, the figures JMH cannot take, and one report
# (issue 8).
#
# What runs, in order:
#   1. the build: mvn -B -q -DskipTests package at the root (skip with --no-build);
#   2. every JMH suite, one JMH invocation per suite (Moirai and all its peers in that invocation,
#      as METHOD.md asks): TaskRoundTrip, FanOut, TcpEcho, TcpPingPong, Timer, ChannelHandoff,
#      ParallelMap, ReactorScheduler, RxScheduler, RSocket; progress is printed per suite (which one,
#      how many left, time so far) and JMH prints its own progress and ETA;
#   3. io.moirai.benchmarks.beyond.BeyondJmh in a JVM of its own (-Xms4g -Xmx4g): idle CPU of a
#      runtime holding 10,000 idle loopback connections and 100,000 pending 1 h timers, heap per
#      pending delay / spawnAsync task against ScheduledThreadPoolExecutor, HashedWheelTimer and
#      CompletableFuture.thenApplyAsync, and 1,000,000 pending tasks with 10,000 connections held at
#      once;
#   4. io.moirai.benchmarks.report.Report: the table and the chart.
#
# Writes (NAME is "latest", or "smoke-latest" with --smoke, or --name):
#   benchmarks/results/NAME.json         JMH's own JSON format, every suite's results in one array
#   benchmarks/results/NAME-beyond.json  BeyondJmh's figures, in JMH's result shape
#   benchmarks/results/NAME.md           one table, a line per comparison: Moirai's figure, each peer's,
#                                        Moirai / peer (higher is better for Moirai), target, met or not;
#                                        then settings, exact commands, notes and every row measured
#   benchmarks/results/NAME.png          the chart of the ratios (XChart)
#   benchmarks/target/run-NAME/          per-suite JSON and logs, the commands run
#
# Modes:
#   (default)  the suites' own settings: 3 forks, 5-10 warm-up and 5 measurement iterations per row,
#              every row; about an hour and a half on 2 cores. The only mode whose numbers are figures.
#   --quick    1 fork, 3 x 1 s warm-up, 3 x 1 s measurement, only the rows the report compares
#              (extra rows left out); BeyondJmh with 3 rounds and one 10 s idle window; about 15-17
#              minutes on 2 cores. Shows where each comparison stands; not a figure.
#   --smoke    proves the runner, the report and the chart work, in well under a minute: 3 rows of
#              TaskRoundTrip with 1 fork x 1 x 1 s, BeyondJmh at small sizes. Its numbers mean nothing.
#
# Usage: benchmarks/run.sh [--quick | --smoke] [--no-build] [--suites A,B,...] [--name NAME]
#                          [--no-beyond] [-- JMH options...]
#   --suites  run only these suites (class names with or without the Benchmark suffix)
#   --        everything after it is passed to every JMH invocation (e.g. -- -p workers=4)
# Needs: a JDK 17 and Maven; ulimit -n of at least about 10,200 for BeyondJmh's connections (the
# script raises the soft limit to the hard one; the client ends live in a helper process, so no
# process needs the 20,000 descriptors of both ends). Run nothing else on the machine meanwhile.

set -euo pipefail

COMMAND_LINE="benchmarks/run.sh${*:+ $*}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

MODE=full
BUILD=1
BEYOND=1
NAME=""
ONLY_SUITES=""
JMH_EXTRA=()

usage() {
    sed -n '2,/^# process needs/p' "$0" | sed 's/^# \{0,1\}//'
    exit "${1:-0}"
}

need_value() {
    [[ $# -ge 2 && -n "$2" ]] || { echo "run.sh: $1 needs a value" >&2; exit 2; }
}

while [[ $# -gt 0 ]]; do
    case "$1" in
        --quick) MODE=quick; shift ;;
        --smoke) MODE=smoke; shift ;;
        --no-build) BUILD=0; shift ;;
        --no-beyond) BEYOND=0; shift ;;
        --suites) need_value "$@"; ONLY_SUITES="$2"; shift 2 ;;
        --name) need_value "$@"; NAME="$2"; shift 2 ;;
        -h|--help) usage 0 ;;
        --) shift; JMH_EXTRA=("$@"); break ;;
        *) echo "run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done
if [[ -z "$NAME" ]]; then
    NAME=latest
    [[ "$MODE" == smoke ]] && NAME=smoke-latest
fi
[[ "$NAME" =~ ^[A-Za-z0-9._-]+$ ]] || { echo "run.sh: --name takes letters, digits, . _ -" >&2; exit 2; }

log() { echo "[run] $*" >&2; }

START=$(date +%s)
elapsed() {
    local s=$(( $(date +%s) - START ))
    printf '%dm%02ds' $(( s / 60 )) $(( s % 60 ))
}

BENCH_JAR="benchmarks/target/benchmarks.jar"
RESULTS="benchmarks/results"
WORK="benchmarks/target/run-$NAME"
ALL_SUITES=(TaskRoundTripBenchmark FanOutBenchmark TcpEchoBenchmark TcpPingPongBenchmark TimerBenchmark
            ChannelHandoffBenchmark ParallelMapBenchmark ReactorSchedulerBenchmark RxSchedulerBenchmark
            RSocketBenchmark)

# ---------------------------------------------------------------- per mode
NOTES=()
BEYOND_ARGS=()
case "$MODE" in
    full)
        JMH_OPTS=()
        EXCLUDE=""
        ;;
    quick)
        JMH_OPTS=(-f 1 -wi 3 -w 1 -i 3 -r 1)
        # rows no comparison of the report reads: extra rows, the commonPool and fused variants
        EXCLUDE='completableFutureCommonPool|BinarySplit|RangeFused|rxjavaUnicastProcessor|submissionPublisherForkJoin|moiraiTrySendSpin|fireMoiraiDelay|reactorParallelUnordered|parallelStream|OnExecutor$|SmallBufferExecutor$|flatMapSingleExecutor$'
        BEYOND_ARGS=(--rounds 3 --windows 1)
        NOTES=(--note "Quick run (--quick): 1 fork, 3 x 1 s warm-up and 3 x 1 s measurement per row, only the rows the table compares, BeyondJmh with 3 rounds and one idle window. It shows where each comparison stands; it is not a figure: METHOD.md asks for the median of at least 3 forks with enough warm-up (run benchmarks/run.sh without --quick).")
        ;;
    smoke)
        JMH_OPTS=(-f 1 -wi 1 -w 1 -i 1 -r 1)
        EXCLUDE=""
        BEYOND_ARGS=(--connections 200 --timers 2000 --window 5 --windows 1 --handles 20000 --rounds 2 --scale-tasks 20000)
        NOTES=(--note "Smoke run (--smoke): 3 rows of one suite with 1 fork x 1 s, BeyondJmh at small sizes (200 connections, 2,000 timers, one 5 s idle window, 20,000 pending items). It proves that the runner, the report and the chart work; its numbers mean nothing.")
        ;;
esac

SUITES=()
if [[ "$MODE" == smoke ]]; then
    SUITES=(TaskRoundTripBenchmark)
elif [[ -n "$ONLY_SUITES" ]]; then
    IFS=',' read -r -a wanted <<< "$ONLY_SUITES"
    for w in "${wanted[@]}"; do
        w="${w%Benchmark}Benchmark"
        found=0
        for s in "${ALL_SUITES[@]}"; do
            [[ "$s" == "$w" ]] && { SUITES+=("$s"); found=1; }
        done
        [[ "$found" -eq 1 ]] || { echo "run.sh: unknown suite $w (one of: ${ALL_SUITES[*]})" >&2; exit 2; }
    done
else
    SUITES=("${ALL_SUITES[@]}")
fi

include_regex() {
    if [[ "$MODE" == smoke ]]; then
        echo 'io\.moirai\.benchmarks\.TaskRoundTripBenchmark\.(moirai|completableFutureForkJoinPool|threadPoolExecutor)$'
    else
        echo "io\\.moirai\\.benchmarks\\.$1\\."
    fi
}

# ---------------------------------------------------------------- checks and build
command -v java >/dev/null 2>&1 || { echo "run.sh: java is not on the PATH (a JDK 17 is needed)" >&2; exit 1; }
if pgrep -f 'benchmarks\.jar|[w]rk |jcstress' >/dev/null 2>&1; then
    log "WARNING: another benchmark (benchmarks.jar, wrk or jcstress) is running: figures taken now are not comparable"
fi
if [[ "$BUILD" -eq 1 ]]; then
    command -v mvn >/dev/null 2>&1 || { echo "run.sh: mvn is not on the PATH" >&2; exit 1; }
    log "building (mvn -B -q -DskipTests package)"
    mvn -B -q -DskipTests package
fi
[[ -f "$BENCH_JAR" ]] || { echo "run.sh: $BENCH_JAR is missing (build without --no-build)" >&2; exit 1; }

rm -rf "$WORK"
mkdir -p "$WORK" "$RESULTS"
COMMANDS="$WORK/commands.txt"
: > "$COMMANDS"
# appends a command to $COMMANDS as a shell would take it (words with special characters in single quotes)
record() {
    local a out=()
    for a in "$@"; do
        if [[ "$a" =~ ^[A-Za-z0-9_./=:,+@%-]+$ ]]; then
            out+=("$a")
        else
            out+=("'${a//\'/\'\\\'\'}'")
        fi
    done
    echo "${out[*]}" >> "$COMMANDS"
}

COMMIT="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [[ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]]; then
    COMMIT="$COMMIT (with uncommitted changes)"
fi
log "mode $MODE, ${#SUITES[@]} JMH suite(s), results named $NAME, commit $COMMIT, $(nproc) cores"
case "$MODE" in
    full) log "expect about an hour and a half for the suites (3 forks per row), then ~2 min for BeyondJmh" ;;
    quick) log "expect 15-17 minutes in all (build included)" ;;
    smoke) log "expect well under a minute in all" ;;
esac

# ---------------------------------------------------------------- JMH suites
FAILED=()
PARTS=()
n=0
for suite in "${SUITES[@]}"; do
    n=$((n + 1))
    left=$(( ${#SUITES[@]} - n ))
    log "suite $n/${#SUITES[@]}: $suite ($left after it; $(elapsed) so far)"
    part="$WORK/$suite.json"
    cmd=(java -jar "$BENCH_JAR" "$(include_regex "$suite")" "${JMH_OPTS[@]}")
    [[ -n "$EXCLUDE" ]] && cmd+=(-e "$EXCLUDE")
    cmd+=(-rf json -rff "$part" "${JMH_EXTRA[@]}")
    record "${cmd[@]}"
    set +e
    "${cmd[@]}" 2>&1 | tee "$WORK/$suite.log"
    status=${PIPESTATUS[0]}
    set -e
    if [[ "$status" -ne 0 ]] || [[ ! -s "$part" ]]; then
        log "suite $suite FAILED (exit $status): see $WORK/$suite.log"
        FAILED+=("$suite")
    elif grep -q '<failure>' "$WORK/$suite.log"; then
        log "suite $suite: some rows failed (see $WORK/$suite.log); the others are kept"
        FAILED+=("$suite (some rows)")
    fi
    PARTS+=("$part")
done

REPORT=(java -Djava.awt.headless=true -cp "$BENCH_JAR" io.moirai.benchmarks.report.Report)
"${REPORT[@]}" merge "$RESULTS/$NAME.json" "${PARTS[@]}"

# ---------------------------------------------------------------- beyond JMH
if [[ "$BEYOND" -eq 1 ]]; then
    # the measured process holds the server ends of the connections: raise the soft limit to the hard one
    ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
    log "beyond JMH: idle CPU, memory per pending task, scale (ulimit -n $(ulimit -n); $(elapsed) so far)"
    cmd=(java -Xms4g -Xmx4g -cp "$BENCH_JAR" io.moirai.benchmarks.beyond.BeyondJmh --out "$RESULTS/$NAME-beyond.json" "${BEYOND_ARGS[@]}")
    record "${cmd[@]}"
    set +e
    "${cmd[@]}" 2>&1 | tee "$WORK/beyond.log"
    status=${PIPESTATUS[0]}
    set -e
    if [[ "$status" -ne 0 ]]; then
        log "BeyondJmh FAILED (exit $status): see $WORK/beyond.log"
        FAILED+=(BeyondJmh)
    fi
else
    rm -f "$RESULTS/$NAME-beyond.json"
fi

# ---------------------------------------------------------------- report
if [[ ${#FAILED[@]} -gt 0 ]]; then
    NOTES+=(--note "Failed in this run: ${FAILED[*]}; their lines say not run (logs in $WORK).")
fi
"${REPORT[@]}" --jmh "$RESULTS/$NAME.json" --beyond "$RESULTS/$NAME-beyond.json" \
    --md "$RESULTS/$NAME.md" --png "$RESULTS/$NAME.png" \
    --command "$COMMAND_LINE" --commit "$COMMIT" --commands "$COMMANDS" --cores "$(nproc)" "${NOTES[@]}"
log "done in $(elapsed): $RESULTS/$NAME.md, $RESULTS/$NAME.png, $RESULTS/$NAME.json, $RESULTS/$NAME-beyond.json"
if [[ ${#FAILED[@]} -gt 0 ]]; then
    log "failed: ${FAILED[*]}"
    exit 1
fi
