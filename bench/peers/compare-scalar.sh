#!/usr/bin/env bash
# Runs the scalar engine and its Python peer (the chapter's engine) on micrograd's demo in one
# go and prints the ratio. Usage: bench/peers/compare-scalar.sh [python-steps]
set -euo pipefail
cd "$(dirname "$0")/../.."
steps="${1:-100}"
dotnet build -c Release src/Backprop.Cli -v quiet -nologo >/dev/null
dotnet_json=$(dotnet src/Backprop.Cli/bin/Release/net10.0/backprop.dll bench scalar --json)
python_json=$(python3 bench/peers/chapter_engine_demo.py --steps "$steps")
python3 - "$dotnet_json" "$python_json" <<'PY'
import json, sys
d, p = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(f"{'':28}{'Backprop (C#)':>16}{'chapter engine (Python)':>26}")
print(f"{'ms per step (median)':28}{d['StepMilliseconds']:16.3f}{p['StepMilliseconds']:26.1f}")
print(f"{'ms per step (mean)':28}{d['MeanStepMilliseconds']:16.3f}{p['MeanStepMilliseconds']:26.1f}")
print(f"{'nodes per step':28}{d['NodesPerStep']:16,}{p['NodesPerStep']:26,}")
print(f"{'ns per node':28}{d['StepMilliseconds']*1e6/d['NodesPerStep']:16.1f}{p['StepMilliseconds']*1e6/p['NodesPerStep']:26.1f}")
print(f"{'accuracy after the run':28}{d['FinalAccuracy']*100:15.0f}%{p['FinalAccuracy']*100:25.0f}%")
print(f"speed-up (median step): {p['StepMilliseconds'] / d['StepMilliseconds']:.0f}x")
PY
