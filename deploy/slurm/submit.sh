#!/bin/bash
# Submits a recipe to Slurm as a job array of N shards plus a final step that runs once every
# shard has finished (afterok: if a shard fails, the final step does not run; see its log,
# then submit again: what is done stays done).
#
#   deploy/slurm/submit.sh RECIPE N [dream-run options]
#   deploy/slurm/submit.sh recipes/layer-grid.yaml 8 --model /models/googlenet.pb
#
# Prints the two job ids. Run it in a folder on the shared filesystem (the logs go there); the
# nodes need dream-run on PATH, or DREAM_RUN=/path/to/dream-run in the environment (sbatch passes
# the submitting environment on).
set -euo pipefail
if [ $# -lt 2 ] || ! [ "$2" -ge 1 ] 2>/dev/null; then
  echo "usage: $0 RECIPE SHARDS [dream-run options]   (SHARDS: a whole number, at least 1)" >&2
  exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
recipe=$1
shards=$2
shift 2
# Refuse a recipe that does not validate before anything is queued (validate takes --model and
# --yes of the run's options).
checks=()
set -- "$@" --end-of-options
while [ "$1" != --end-of-options ]; do
  case $1 in
    --model) checks+=(--model "$2"); set -- "$@" "$1" "$2"; shift 2 ;;
    --model=* | --yes) checks+=("$1"); set -- "$@" "$1"; shift ;;
    *) set -- "$@" "$1"; shift ;;
  esac
done
shift
"${DREAM_RUN:-dream-run}" validate "$recipe" "${checks[@]}" >/dev/null
array=$(sbatch --parsable --array="0-$((shards - 1))" "$here/shard.sbatch" "$recipe" "$@")
final=$(sbatch --parsable --dependency="afterok:${array%%;*}" "$here/final.sbatch" "$recipe" "$@")
echo "array job ${array%%;*} ($shards shards), final job ${final%%;*}"
