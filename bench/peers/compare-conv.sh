#!/usr/bin/env bash
# Issue 10's figures side by side: `backprop bench conv` and PyTorch's (bench/peers/torch_conv.py,
# Debian's python3-torch with oneDNN) on 1 and 2 threads, then the CNN's whole MNIST run
# (`train --data mnist --model cnn` with its defaults) in both, with time and test accuracy.
# Usage: bench/peers/compare-conv.sh [EPOCHS] (default 20). Ratios > 1 mean Backprop is faster.
set -euo pipefail
cd "$(dirname "$0")/../.."
epochs=${1:-20}
mnist=data/mnist-10k
dotnet build -c Release src/Backprop.Cli -v quiet -nologo >/dev/null
backprop() { dotnet src/Backprop.Cli/bin/Release/net10.0/backprop.dll "$@"; }
torch_py() { env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS="$1" OMP_NUM_THREADS="$1" /usr/bin/python3 "${@:2}"; }

results=$(mktemp -d)
for threads in 1 2; do
  DOTNET_PROCESSOR_COUNT=$threads backprop bench conv --json >"$results/ours-$threads.json"
  torch_py "$threads" bench/peers/torch_conv.py "$threads" >"$results/theirs-$threads.json"
done
for threads in 1 2; do
  DOTNET_PROCESSOR_COUNT=$threads /usr/bin/time -f "%M" -o "$results/ours-peak-$threads" \
    dotnet src/Backprop.Cli/bin/Release/net10.0/backprop.dll bench mnist --data "$mnist" --epochs "$epochs" --model cnn --json >"$results/ours-mnist-$threads.json"
  /usr/bin/time -f "%M" -o "$results/theirs-peak-$threads" \
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS="$threads" OMP_NUM_THREADS="$threads" \
    /usr/bin/python3 bench/peers/torch_mnist.py "$mnist" "$threads" "$epochs" cnn >"$results/theirs-mnist-$threads.json"
done

/usr/bin/python3 - "$results" <<'PY'
import json, os, sys
folder = sys.argv[1]
def load(name):
    return json.load(open(os.path.join(folder, name)))
def peak(name):
    return int(open(os.path.join(folder, name)).read().split()[-1]) / 1024
print(f"{'workload':80}{'threads':>8}{'Backprop':>11}{'PyTorch':>11}  ratio")
for threads in (1, 2):
    theirs = {f["Workload"]: f for f in load(f"theirs-{threads}.json")}
    for f in load(f"ours-{threads}.json"):
        t = theirs[f["Workload"]]
        print(f"{f['Workload'] + ' (ms)':80}{threads:>8}{f['Value']:11.2f}{t['Value']:11.2f}  {t['Value'] / f['Value']:.2f}x")
for threads in (1, 2):
    ours, theirs = load(f"ours-mnist-{threads}.json"), load(f"theirs-mnist-{threads}.json")
    for key in ("TrainingSeconds", "TotalSeconds"):
        print(f"{'CNN on MNIST-10k, defaults: ' + key + ' (s)':80}{threads:>8}{ours[key]:11.2f}{theirs[key]:11.2f}  {theirs[key] / ours[key]:.2f}x")
    print(f"{'CNN on MNIST-10k: test accuracy (2,000 held-out digits)':80}{threads:>8}{ours['TestAccuracy']:11.4f}{theirs['TestAccuracy']:11.4f}")
    print(f"{'CNN on MNIST-10k: peak resident memory of the process (MB)':80}{threads:>8}{peak(f'ours-peak-{threads}'):11.0f}{peak(f'theirs-peak-{threads}'):11.0f}")
PY
