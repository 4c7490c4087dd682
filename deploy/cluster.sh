#!/usr/bin/env bash
# The long cluster scenario (deploy/ClusterScenarioIT): the manifests' deployment as local JVMs of the production jar,
# under steady load, scaled, restarted and killed, for each membership variant. About 10 minutes on 2 cores.
# Reports: deploy/target/cluster/*.md
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -pl deploy -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=ClusterScenarioIT -Dfailsafe.failIfNoSpecifiedTests=false -Dcluster.full=true
cat deploy/target/cluster/*.md
