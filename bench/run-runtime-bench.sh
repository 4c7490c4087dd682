#!/usr/bin/env bash
# Part A of docs/performance.md: runtime benchmarks, printed as tables (and saved to bench/target/runtime-bench.txt).
#
#   bench/run-runtime-bench.sh [RuntimeBench options]
#       --parts echo,compile,compute   which parts (default: all three)
#       --echo-calls N --echo-warmup N  A1: measured / warm-up calls per path (default 100000 / 50000)
#       --compile-iterations N          A2: module variants per measurement (default 15)
#       --fib-n N --sha-mib N           A3: inputs (default 41 and 64)
#       --runs N --warmup N             A3: measured runs (median) and warm-up runs (default 7 and 3)
#   JMH=0        skip the JMH benchmarks: A1 (EchoBenchmark, ~90 s) and A4 (ZygoteBenchmark, ~80 s); on by default
#   PROFILE=1    also record a JFR CPU profile of A1 (bench/target/echo.jfr) and print its hottest methods
#   SKIP_BUILD=1 use the classes already built
#   JAVA_OPTS    JVM options (default -Xmx4g)
#
# Needs: Java 17, Maven, node (for the Node.js column), cc (native column; built by func/build.sh --native).
# Benchmarks are not tests: nothing here runs in mvn verify. Run on an otherwise idle machine.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  mvn -q -B install -DskipTests
fi
func/build.sh --native >/dev/null
CP="bench/target/classes:bench/target/lib/*"
JAVA_OPTS=${JAVA_OPTS:--Xmx4g}
export FAASM_LOG_LEVEL=${FAASM_LOG_LEVEL:-WARN}

load=$(cut -d' ' -f1 /proc/loadavg)
echo "# $(date -u +%FT%TZ) load average $load; $(nproc) CPUs; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
if awk -v l="$load" 'BEGIN { exit !(l > 0.5) }'; then
  echo "# WARNING: the machine is not idle (load $load): numbers will be noisy" >&2
fi

# shellcheck disable=SC2086
java $JAVA_OPTS -cp "$CP" dev.faasm.bench.RuntimeBench "$@" | tee bench/target/runtime-bench.txt

if [[ "${JMH:-1}" != 0 ]]; then
  echo
  echo "## A1 with JMH (SampleTime, 1 fork, 3 x 5 s warm-up, 5 x 5 s measurement)"
  # shellcheck disable=SC2086
  java $JAVA_OPTS -cp "$CP" org.openjdk.jmh.Main 'dev.faasm.bench.EchoBenchmark' \
    -jvmArgsAppend "-Dfaasm.wasm-dir=$ROOT/wasm" -rf text -rff bench/target/jmh-echo.txt >bench/target/jmh-echo.log
  cat bench/target/jmh-echo.txt
  echo
  echo "## A4 Proto-Faaslets with JMH (AverageTime, 1 fork, 3 x 3 s warm-up, 5 x 3 s measurement)"
  # shellcheck disable=SC2086
  java $JAVA_OPTS -cp "$CP" org.openjdk.jmh.Main 'dev.faasm.bench.ZygoteBenchmark' \
    -jvmArgsAppend "-Dfaasm.wasm-dir=$ROOT/wasm" -rf text -rff bench/target/jmh-zygote.txt >bench/target/jmh-zygote.log
  cat bench/target/jmh-zygote.txt
fi

if [[ "${PROFILE:-0}" == 1 ]]; then
  echo
  echo "## JFR CPU profile of A1 (bench/target/echo.jfr)"
  # shellcheck disable=SC2086
  java $JAVA_OPTS -XX:StartFlightRecording=filename=bench/target/echo.jfr,settings=profile -cp "$CP" \
    dev.faasm.bench.RuntimeBench --parts echo >/dev/null 2>&1
  java -cp "$CP" dev.faasm.bench.JfrTop bench/target/echo.jfr
fi
