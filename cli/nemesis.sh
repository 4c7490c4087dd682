#!/usr/bin/env bash
# The full nemesis matrix (see docs/reliability.md): three processor JVMs, every nemesis several times.
# Usage: cli/nemesis.sh [rounds]   (default 3; about 7 minutes on a 2-core machine)
# The report is written to cli/target/nemesis/NemesisMatrixIT.md, processor logs to cli/target/nemesis/<run>/.
# Needs the sibling modules installed (mvn -B install -DskipTests once); runs offline.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-3}"
mvn -B -o -pl cli verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=NemesisMatrixIT -Dnemesis.full=true -Dnemesis.rounds="$rounds"
cat cli/target/nemesis/NemesisMatrixIT.md
