#!/usr/bin/env bash
# Runs the tensor engine's workloads and PyTorch's (Debian's python3-torch, with
# libopenblas0-pthread) in one go, on 1 and on 2 threads, and prints each pair with its ratio;
# then the README's MNIST run in both. Usage: bench/peers/compare-tensor.sh [EPOCHS]
# (default 20, the README's). Ratios > 1 mean Backprop is faster.
set -euo pipefail
cd "$(dirname "$0")/../.."
epochs=${1:-20}
mnist=data/mnist-10k
dotnet build -c Release src/Backprop.Cli -v quiet -nologo >/dev/null
backprop() { dotnet src/Backprop.Cli/bin/Release/net10.0/backprop.dll "$@"; }
# OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE slow a current OpenBLAS on this CPU (see the env notes):
# unset for the peer alone. OpenBLAS fixes its thread count when it loads, hence the variables.
torch_py() { env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS="$1" OMP_NUM_THREADS="$1" /usr/bin/python3 "${@:2}"; }

results=$(mktemp -d)
for threads in 1 2; do
  DOTNET_PROCESSOR_COUNT=$threads backprop bench tensor --json >"$results/ours-$threads.json"
  torch_py "$threads" bench/peers/torch_tensor.py "$threads" >"$results/theirs-$threads.json"
done
if [ -d "$mnist" ]; then
  for threads in 1 2; do
    DOTNET_PROCESSOR_COUNT=$threads backprop bench mnist --data "$mnist" --epochs "$epochs" --json >"$results/ours-mnist-$threads.json"
    torch_py "$threads" bench/peers/torch_mnist.py "$mnist" "$threads" "$epochs" >"$results/theirs-mnist-$threads.json"
  done
fi

/usr/bin/python3 - "$results" <<'PY'
import json, os, sys
folder = sys.argv[1]
def load(name):
    path = os.path.join(folder, name)
    return json.load(open(path)) if os.path.exists(path) else None
print(f"{'workload':72}{'threads':>8}{'Backprop':>12}{'PyTorch':>12}  {'unit':8} ratio")
for threads in (1, 2):
    ours = {f["Workload"]: f for f in load(f"ours-{threads}.json")}
    theirs = {f["Workload"]: f for f in load(f"theirs-{threads}.json")}
    for name, f in ours.items():
        t = theirs.get(name)
        if t is None or (threads == 1 and "matmul" in name and "1 thread" not in name) or (threads == 2 and "matmul" in name and "2 threads" not in name):
            continue
        higher_is_better = f["Unit"] == "GFLOP/s"
        ratio = f["Value"] / t["Value"] if higher_is_better else t["Value"] / f["Value"]
        print(f"{name:72}{threads:>8}{f['Value']:12.3f}{t['Value']:12.3f}  {f['Unit']:8} {ratio:.2f}x")
for threads in (1, 2):
    ours, theirs = load(f"ours-mnist-{threads}.json"), load(f"theirs-mnist-{threads}.json")
    if not ours or not theirs:
        continue
    for key, unit in (("TrainingSeconds", "s"), ("TotalSeconds", "s")):
        print(f"{'MNIST-10k, README flags: ' + key:72}{threads:>8}{ours[key]:12.3f}{theirs[key]:12.3f}  {unit:8} {theirs[key] / ours[key]:.2f}x")
    print(f"{'MNIST-10k: minor page faults a step':72}{threads:>8}{ours['MinorFaults'] / ours['Steps']:12.1f}{theirs['MinorFaults'] / theirs['Steps']:12.1f}")
    print(f"{'MNIST-10k: test accuracy':72}{threads:>8}{ours['TestAccuracy']:12.4f}{theirs['TestAccuracy']:12.4f}")
PY
