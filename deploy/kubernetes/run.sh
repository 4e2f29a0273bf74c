#!/bin/bash
# Runs the shards (job.yaml), waits for all of them, then the final step (final-job.yaml).
#   deploy/kubernetes/run.sh [TIMEOUT]     (default 24h)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
timeout=${1:-24h}
kubectl delete job dream-run-shards dream-run-final --ignore-not-found
kubectl apply -f "$here/job.yaml"
kubectl wait --for=condition=complete --timeout="$timeout" job/dream-run-shards
kubectl apply -f "$here/final-job.yaml"
kubectl wait --for=condition=complete --timeout="$timeout" job/dream-run-final
kubectl logs job/dream-run-final
