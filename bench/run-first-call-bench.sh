#!/usr/bin/env bash
# Part A6 of docs/performance.md: the first call of a function right after its upload, with the edge and the processor
# on runtimes of their own (as on a cluster). Runs twice: the processor loading the classes the edge compiled, then
# compiling each module itself. Starts everything itself in one JVM on loopback ports (embedded Kafka, redis-server).
#
#   bench/run-first-call-bench.sh [--modules N] [--warmup N]     (default 15 new modules per function, 5 warm-up)
#   SKIP_BUILD=1 use the classes already built;  JAVA_OPTS JVM options (default -Xmx2g)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  mvn -q -B package -DskipTests -pl bench -am
fi
CP="bench/target/classes:bench/target/lib/*"
JAVA_OPTS=${JAVA_OPTS:--Xmx2g}
export FAASM_LOG_LEVEL=${FAASM_LOG_LEVEL:-WARN}
echo "# $(date -u +%FT%TZ) load average $(cut -d' ' -f1 /proc/loadavg); $(nproc) CPUs"
for classes in true false; do
  # shellcheck disable=SC2086
  java $JAVA_OPTS -cp "$CP" dev.faasm.bench.FirstCallBench --classes "$classes" "$@"
done | tee bench/target/first-call-bench.txt
