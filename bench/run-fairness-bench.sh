#!/usr/bin/env bash
# Fairness between users (docs/performance.md, "Fairness"): the platform with API keys in one JVM (embedded Kafka,
# redis-server, one processor, the edge) on loopback; user B sends paced synchronous calls alone, then while user A
# sends RATIO times B's rate without a quota, then with A held to a calls-per-second quota. Bounded by durations.
#
#   bench/run-fairness-bench.sh [--b-rate 20] [--ratio 20] [--a-quota 100] [--seconds 20] [--warmup-seconds 5]
#                               [--max-outstanding 2000]
#   SKIP_BUILD=1 use the classes already built;  JAVA_OPTS JVM options (default -Xmx3g)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  mvn -q -B -pl bench -am package -DskipTests
fi
export FAASM_LOG_LEVEL=${FAASM_LOG_LEVEL:-WARN}
echo "# $(date -u +%FT%TZ) load average $(cut -d' ' -f1 /proc/loadavg); $(nproc) CPUs"
# shellcheck disable=SC2086
java ${JAVA_OPTS:--Xmx3g} -cp "bench/target/classes:bench/target/lib/*" dev.faasm.bench.FairnessBench "$@" \
  | tee bench/target/fairness-bench.txt
