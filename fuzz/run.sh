#!/usr/bin/env bash
# Fuzzes the platform's parsers with Jazzer, one target after another (docs/fuzzing.md).
#
#   fuzz/run.sh                 every target for 10 minutes each
#   fuzz/run.sh 3m              every target for 3 minutes each
#   fuzz/run.sh 10m edge:RequestPathFuzzTest#parse   one target
#
# A finding stops its target and leaves the crashing input in <module>/src/test/resources/<package>/<Class>Inputs/
# <method>/ (where `mvn verify` replays it from then on); the new corpus entries of each run stay in
# <module>/.cifuzz-corpus/ (not committed). Logs: fuzz/logs/<target>.log.
set -euo pipefail
cd "$(dirname "$0")/.."

duration="${1:-10m}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(
    edge:RequestPathFuzzTest#parse
    runtime:UploadValidatorFuzzTest#validate
    protocol:RecordDecodersFuzzTest#decodeCall
    protocol:RecordDecodersFuzzTest#decodeResult
    protocol:RecordDecodersFuzzTest#decodeStatus
    protocol:RecordDecodersFuzzTest#decodeFunction
    protocol:RecordDecodersFuzzTest#decodeModule
    protocol:RecordDecodersFuzzTest#decodeReplayReport
  )
fi

case "$duration" in
  *h) seconds=$(( ${duration%h} * 3600 )) ;;
  *m) seconds=$(( ${duration%m} * 60 )) ;;
  *s) seconds=${duration%s} ;;
  *) seconds=$duration ;;
esac

mkdir -p fuzz/logs
failed=0
for target in "${targets[@]}"; do
  module=${target%%:*}
  test=${target#*:}
  log="fuzz/logs/${test//#/.}.log"
  echo "fuzzing $module $test for ${seconds}s (log: $log)"
  # libFuzzer takes the last -max_total_time it is given: this one overrides the annotation's maxDuration.
  if JAZZER_FUZZ=1 mvn -B -o -q -pl "$module" -am test \
      -Dtest="$test" -Dsurefire.failIfNoSpecifiedTests=false \
      -Djazzer.internal.arg.0=fuzz -Djazzer.internal.arg.1="-max_total_time=$seconds" >"$log" 2>&1; then
    echo "  no finding: $(grep -aE "^Done [0-9]+ runs" "$log" | tail -1)"
  else
    failed=1
    echo "  FINDING (or build failure): see $log"
    grep -aE 'FuzzTestFindingException|Caused by|crash-' "$log" | head -5 | sed 's/^/    /'
  fi
done
exit $failed
