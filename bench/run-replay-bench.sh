#!/usr/bin/env bash
# docs/replay-bench.md: replay throughput and its effect on live latency, printed as tables (and saved to
# bench/target/replay-bench.txt). Starts everything itself in one JVM (embedded Kafka, redis-server, one processor,
# edge) on loopback ports; every phase is bounded by a call count or a deadline.
#
#   bench/run-replay-bench.sh [ReplayBench options]
#       --calls N --connections N    sync echo calls recorded (and replayed), on N connections (default 5000 / 4)
#       --large-calls N              calls recorded in all (the first N included), replayed beside live calls without a
#                                    rate limit (default 20000)
#       --throughput-runs N          replays of them, measured alone (default 3)
#       --requests N --warmup-requests N     live calls at concurrency 1: measured per run / warm-up (default 3000 / 1000)
#       --rates 0,500                live runs with replays back to back at these rate_per_second (0 = no limit;
#                                    "none" = only the runs without a replay)
#       --rounds N                   live runs interleaved N times: no replay, then one run per rate (default 2)
#       --no-baseline-again          skip the last run without a replay (after the last round)
#       --no-breakdown               skip reading each live call's timestamps (GET /calls/id)
#       --max-replay-seconds S       how long one replay may take (default 300)
#       --jfr FILE                   JFR recording (profile settings) of the unlimited-replay live run; summarise it
#                                    with: java -cp "$CP" dev.faasm.bench.JfrTop FILE [thread-name-prefix]
#       --kafka key=value            a client setting for all the platform's Kafka clients (experiments; repeatable)
#   SKIP_BUILD=1 use the classes already built;  JAVA_OPTS JVM options (default -Xmx4g);  CP the class path
#   (default bench/target/classes:bench/target/lib/*)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  mvn -q -B install -DskipTests
fi
CP=${CP:-"bench/target/classes:bench/target/lib/*"}
JAVA_OPTS=${JAVA_OPTS:--Xmx4g}
export FAASM_LOG_LEVEL=${FAASM_LOG_LEVEL:-WARN}

load=$(cut -d' ' -f1 /proc/loadavg)
echo "# $(date -u +%FT%TZ) load average $load; $(nproc) CPUs; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
if awk -v l="$load" 'BEGIN { exit !(l > 0.5) }'; then
  echo "# WARNING: the machine is not idle (load $load): numbers will be noisy" >&2
fi

mkdir -p bench/target
# shellcheck disable=SC2086
java $JAVA_OPTS -cp "$CP" dev.faasm.bench.ReplayBench "$@" | tee bench/target/replay-bench.txt
