#!/usr/bin/env bash
# TF Playground's engine and Backprop on the playground's workload, in one run, side by side.
# Usage: bench/peers/compare-playground.sh PATH/TO/tensorflow-playground [SCRATCH]
# The first argument is a checkout of github.com/tensorflow/playground (its src/nn.ts is compiled
# here with TypeScript from npm; none of TF Playground's code is kept in this repository).
# SCRATCH (default: a folder under /tmp) receives the npm install and the compiled nn.js.
# Ratios > 1 mean Backprop is faster (for the grid and times: theirs / ours). ROUNDS=N (default 3)
# runs both sides alternately N times and reports the medians; OUR_RUNS=N (default 250) is how
# many 40-epoch runs each of our rounds times (TF's side times 25, which take it as long).
set -euo pipefail
playground=$(cd "${1:?usage: compare-playground.sh PATH/TO/tensorflow-playground [SCRATCH]}" && pwd)
scratch=${2:-/tmp/backprop-tf-playground}
typescript=5.4.5   # pinned: the compiled JavaScript must not change between runs
cd "$(dirname "$0")/../.."
repo=$(pwd)
[ -f "$playground/src/nn.ts" ] || { echo "compare-playground.sh: $playground/src/nn.ts not found" >&2; exit 2; }

mkdir -p "$scratch/typescript" "$scratch/tf"
if [ ! -x "$scratch/typescript/node_modules/.bin/tsc" ]; then
  (cd "$scratch/typescript" && npm install --no-audit --no-fund --silent "typescript@$typescript" >/dev/null)
fi
# nn.ts as it is: ES2020 modules, so that Node loads it with import().
"$scratch/typescript/node_modules/.bin/tsc" --target ES2020 --module ES2020 --outDir "$scratch/tf" "$playground/src/nn.ts"
echo '{"type":"module"}' >"$scratch/tf/package.json"

dotnet build -c Release src/Backprop.Cli -v quiet -nologo >/dev/null
# The build's compiler and MSBuild servers linger and take CPU for a while: stop them before timing.
dotnet build-server shutdown >/dev/null 2>&1 || true
results=$(mktemp -d)
# Both sides alternately, ROUNDS times (default 3); each figure below is the median of its rounds,
# so that one slow minute of this shared VM does not decide the ratio.
rounds=${ROUNDS:-3}
# TF's 25 runs take 7-8 s (its epochs and its evaluated epochs alternate); ours, 10 times
# faster, would take under a second and so often sample a single slow or fast phase of this
# VM (docs/performance.md). 250 runs of 40 epochs give ours a window of seconds too.
our_runs=${OUR_RUNS:-250}
for round in $(seq 1 "$rounds"); do
  node "$repo/bench/peers/tf_playground_bench.mjs" "$scratch/tf/nn.js" >"$results/theirs-$round.json"
  dotnet src/Backprop.Cli/bin/Release/net10.0/backprop.dll bench playground --runs "$our_runs" --json >"$results/ours-$round.json"
done

/usr/bin/python3 - "$results" "$(git -C "$playground" rev-parse --short HEAD 2>/dev/null || echo unknown)" <<'PY'
import glob, json, os, statistics, sys
folder, commit = sys.argv[1], sys.argv[2]
def medians(side):
    runs = [json.load(open(f)) for f in sorted(glob.glob(os.path.join(folder, f"{side}-*.json")))]
    return {k: statistics.median(r[k] for r in runs) if isinstance(runs[0][k], (int, float)) else runs[0][k] for k in runs[0]}, len(runs)
ours, rounds = medians("ours")
theirs, _ = medians("theirs")
print(f"TF Playground nn.ts at {commit}, Node {theirs['Node']}; Backprop on {ours['Threads']} threads; medians of {rounds} alternating rounds")
print(f"{'measure':58}{'Backprop':>14}{'TF Playground':>16}  ratio (target >= 10x)")
rows = [
    ("epoch, 25 steps of 10 points (us)", "EpochMicroseconds", False),
    ("samples a second, forward + backward + update", "SamplesPerSecond", True),
    ("one step (us)", "StepMicroseconds", False),
    ("epoch with loss on 250 train + 250 test points (us)", "EpochWithEvaluationMicroseconds", False),
    ("decision grid 100x100, every node kept (ms)", "GridMilliseconds", False),
]
for label, key, higher in rows:
    a, b = ours[key], theirs[key]
    ratio = a / b if higher else b / a
    print(f"{label:58}{a:14.2f}{b:16.2f}  {ratio:.2f}x")
print(f"{'bytes allocated a step':58}{ours['AllocatedBytesPerStep']:14.0f}{'n/a':>16}")
print(f"{'training loss after the runs':58}{ours['FinalTrainLoss']:14.4f}{theirs['FinalTrainLoss'] * 2:16.4f}  (TF's 0.5*(o-t)^2 doubled to MSE)")
PY
