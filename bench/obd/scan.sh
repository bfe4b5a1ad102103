#!/usr/bin/env bash
# Full `pitlane obd scan` against `pitlane sim` over loopback TCP: OBD requests sent and wall time per protocol.
# Usage: bench/obd/scan.sh [runs=10]
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-10}
out=$(mktemp -d)
sim_pid=""
trap '[ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null; rm -rf "$out"' EXIT
dotnet publish src/Pitlane.Cli -c Release -o "$out/cli" -v q --nologo >/dev/null
cli="$out/cli/pitlane"

echo "== machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'); $runs scans per protocol"
for protocol in can11 can29 iso9141; do
  port=$((36000 + RANDOM % 1000))
  "$cli" sim --scenario misfire --protocol "$protocol" --port "$port" --seed 1 >"$out/sim.log" 2>&1 &
  sim_pid=$!
  for _ in $(seq 1 50); do grep -q tcp:// "$out/sim.log" 2>/dev/null && break; sleep 0.1; done
  requests=$("$cli" obd scan --adapter "tcp://127.0.0.1:$port" --json | grep -oE '"requestCount": *[0-9]+' | grep -oE '[0-9]+$')
  start=$(date +%s%N)
  for _ in $(seq 1 "$runs"); do "$cli" obd scan --adapter "tcp://127.0.0.1:$port" --json >/dev/null; done
  end=$(date +%s%N)
  echo "$protocol: $requests OBD requests per scan, $(( (end - start) / runs / 1000000 )) ms per scan (whole process, mean of $runs)"
  kill "$sim_pid"; wait "$sim_pid" 2>/dev/null || true; sim_pid=""
done
