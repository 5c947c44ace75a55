#!/bin/bash
# Runs every bad input against the built CLI and classifies the outcome.
# usage: run.sh BACKPROP_DLL CASES_FILE
DLL=$1; CASES=$2; H=$(pwd)   # run from the folder make-inputs.py filled
total=0; clear=0; crash=0; hang=0; mem=0; ok=0
printf "%-4s %-6s %-8s %-6s %s\n" n exit rss_MB lines case > results.txt
while IFS= read -r line; do
  [[ -z "$line" || "$line" == \#* ]] && continue
  total=$((total+1))
  rm -rf work; mkdir work
  eval "args=($line)"
  ( cd work && /usr/bin/time -f "%M" -o ../rss.txt timeout 120 dotnet "$DLL" "${args[@]}" > ../out.txt 2> ../err.txt ); code=$?
  rss=$(( $(tail -1 rss.txt | tr -dc 0-9) / 1024 ))
  lines=$(grep -c . err.txt)
  kind=ok
  if [[ $code -eq 124 ]]; then kind=HANG; hang=$((hang+1))
  elif grep -q "   at \|Unhandled exception" err.txt out.txt || [[ $code -ge 128 && $code -ne 130 && $code -ne 143 && $code -ne 129 ]]; then kind=CRASH; crash=$((crash+1))
  elif [[ $code -ne 0 ]]; then
    if [[ $lines -eq 1 ]] && ! grep -q "System\.\|(Parameter '\|Actual value" err.txt; then kind=clear; clear=$((clear+1)); else kind=UNCLEAR; fi
  else ok=$((ok+1)); fi
  if [[ $rss -gt 1024 ]]; then mem=$((mem+1)); kind="$kind,MEM"; fi
  printf "%-4s %-6s %-8s %-6s %s | %s\n" $total $code $rss $lines "$kind: $line" "$(head -c 300 err.txt | tr '\n' ' ')" >> results.txt
done < "$CASES"
echo "inputs=$total clear_errors=$clear accepted_ok=$ok crashes=$crash hangs=$hang over_1GB=$mem" | tee -a results.txt
