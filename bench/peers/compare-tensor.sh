#!/usr/bin/env bash
# Runs the tensor engine's workloads and PyTorch's (Debian's python3-torch) in one go and prints
# both with their ratio. Usage: bench/peers/compare-tensor.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
dotnet build -c Release src/Backprop.Cli -v quiet -nologo >/dev/null
ours=$(dotnet src/Backprop.Cli/bin/Release/net10.0/backprop.dll bench tensor --json)
theirs=$(/usr/bin/python3 bench/peers/torch_tensor.py)
/usr/bin/python3 - "$ours" "$theirs" <<'PY'
import json, sys
ours = {f["Workload"]: f for f in json.loads(sys.argv[1])}
theirs = {f["Workload"]: f for f in json.loads(sys.argv[2])}
print(f"{'workload':56}{'Backprop':>12}{'PyTorch':>12}  {'':8}")
for name, f in ours.items():
    t = theirs.get(name)
    if t is None:
        continue
    higher_is_better = f["Unit"] == "GFLOP/s"
    ratio = f["Value"] / t["Value"] if higher_is_better else t["Value"] / f["Value"]
    print(f"{name:56}{f['Value']:12.3f}{t['Value']:12.3f}  {f['Unit']:8} Backprop {ratio:.2f}x as fast")
PY
