#!/usr/bin/env bash
# Paired A/B timing of two revisions on TF Playground's training workload, in one process.
# Usage: bench/paired/run.sh REV_A [REV_B] [PAIRS]   (REV_B defaults to the working tree)
# Each revision's library is built with bench/paired/Workload into its own folder; the host
# loads both and alternates 40-epoch runs, then prints the median of the paired ratios B/A
# (< 1: B is faster). It runs the pairs twice, with A and B swapped the second time, since the
# second-loaded build reads about 1 % slower here; average the two readings.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)
rev_a=${1:?usage: bench/paired/run.sh REV_A [REV_B] [PAIRS]}
rev_b=${2:-}
pairs=${3:-300}
scratch=$(mktemp -d)
trap 'git -C "$repo" worktree remove --force "$scratch/a" >/dev/null 2>&1 || true; git -C "$repo" worktree remove --force "$scratch/b" >/dev/null 2>&1 || true; rm -rf "$scratch"' EXIT

build() { # build SOURCE_TREE OUT
  dotnet build -c Release -nologo -v quiet "$repo/bench/paired/Workload/PairedWorkload.csproj" \
    -p:BackpropCli="$1/src/Backprop.Cli/Backprop.Cli.csproj" -o "$2" >/dev/null
}
git -C "$repo" worktree add --detach "$scratch/a" "$rev_a" >/dev/null 2>&1
build "$scratch/a" "$scratch/out-a"
if [ -n "$rev_b" ]; then
  git -C "$repo" worktree add --detach "$scratch/b" "$rev_b" >/dev/null 2>&1
  build "$scratch/b" "$scratch/out-b"
else
  build "$repo" "$scratch/out-b"
fi
dotnet build -c Release -nologo -v quiet "$repo/bench/paired/Paired.csproj" -o "$scratch/host" >/dev/null
dotnet build-server shutdown >/dev/null 2>&1 || true
echo "A = $rev_a, B = ${rev_b:-working tree}"
dotnet "$scratch/host/Paired.dll" "$scratch/out-a" "$scratch/out-b" "$pairs"
echo "swapped (A = ${rev_b:-working tree}, B = $rev_a):"
dotnet "$scratch/host/Paired.dll" "$scratch/out-b" "$scratch/out-a" "$pairs"
