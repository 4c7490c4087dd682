#!/usr/bin/env bash
# The long cluster scenario (deploy/ClusterScenarioIT): the manifests' deployment as local JVMs of the production jar,
# under steady load, scaled, restarted and killed, for each membership variant. About 5 minutes per variant.
# Reports: deploy/target/cluster/*.md. CLUSTER_VARIANT=manifests runs only the variants whose name contains it.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -pl deploy -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=ClusterScenarioIT -Dfailsafe.failIfNoSpecifiedTests=false -Dcluster.full=true \
  -Dcluster.variant="${CLUSTER_VARIANT:-}"
cat deploy/target/cluster/*.md
