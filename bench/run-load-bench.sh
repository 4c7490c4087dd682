#!/usr/bin/env bash
# Part B of docs/performance.md: the platform under load, beside the direct in-process path, printed as tables (and
# saved to bench/target/load-bench.txt). Starts everything itself in one JVM (embedded Kafka, redis-server, processor,
# edge, direct server) on loopback ports; every phase is bounded by a request count or a duration.
#
#   bench/run-load-bench.sh [LoadBench options]
#       --targets edge,direct       which paths (default both)
#       --requests N --warmup-requests N     concurrency 1: measured / warm-up requests (default 10000 / 10000)
#       --connections N --client-threads N   the many-connections run (default 64 connections, 2 wrk threads)
#       --duration S --warmup-seconds S      its measured / warm-up duration (default 15 / 5)
#       --java-client               use the Java load generator even if wrk is installed
#       --hold N --hold-seconds S   N waiting sync callers held S seconds (default 10000 / 15; --hold 0 skips)
#       --guest-timeout-seconds S   the runtime's timeout, how long each bad/loop call runs (default 1)
#       --hops N                    single Kafka/Redis hops measured alone, N each (default 2000; 0 skips)
#       --breakdown N               platform c=1: mean time per phase from the calls' own timestamps (default 1000)
#       --telemetry sdk|noop        sdk: spans made but not exported, as `faasm dev` without OTEL_* (default); noop: none
#       --kafka SERVERS             use this broker instead of one in the harness's JVM
#   SKIP_BUILD=1 use the classes already built;  JAVA_OPTS JVM options (default -Xmx4g)
#   SEPARATE_BROKER=1 run the embedded broker in a JVM of its own (dev.faasm.bench.BrokerMain) and use it
#
# wrk is preferred for the 64-connection run (apt-get install -y wrk); it shares the machine's cores with the server.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  mvn -q -B install -DskipTests
fi
CP="bench/target/classes:bench/target/lib/*"
JAVA_OPTS=${JAVA_OPTS:--Xmx4g}
export FAASM_LOG_LEVEL=${FAASM_LOG_LEVEL:-WARN}

# 10,000 held connections: both ends need that many descriptors (client and server are separate processes).
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [[ "$(ulimit -n)" != unlimited && "$(ulimit -n)" -lt 12000 ]]; then
  echo "# WARNING: ulimit -n is $(ulimit -n); the 10,000-caller check needs about 10,500 per process" >&2
fi
command -v wrk >/dev/null || echo "# wrk not found (apt-get install -y wrk): using the Java load generator" >&2

load=$(cut -d' ' -f1 /proc/loadavg)
echo "# $(date -u +%FT%TZ) load average $load; $(nproc) CPUs; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); ulimit -n $(ulimit -n)"
if awk -v l="$load" 'BEGIN { exit !(l > 0.5) }'; then
  echo "# WARNING: the machine is not idle (load $load): numbers will be noisy" >&2
fi

if [[ "${SEPARATE_BROKER:-0}" == 1 ]]; then
  # The broker lives as long as this script holds its standard input open.
  coproc BROKER { exec java -Xmx1g -cp "$CP" dev.faasm.bench.BrokerMain; }
  read -r -t 120 tag servers <&"${BROKER[0]}" || { echo "# the broker did not start" >&2; exit 1; }
  [[ "$tag" == BOOTSTRAP ]] || { echo "# unexpected broker output: $tag $servers" >&2; exit 1; }
  echo "# broker in a separate JVM (pid $BROKER_PID) at $servers"
  set -- "$@" --kafka "$servers"
fi

# shellcheck disable=SC2086
java $JAVA_OPTS -cp "$CP" dev.faasm.bench.LoadBench "$@" | tee bench/target/load-bench.txt
if [[ -n "${BROKER_PID:-}" ]]; then
  exec {BROKER[1]}>&-
  wait "$BROKER_PID" || true
fi
