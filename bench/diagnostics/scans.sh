#!/usr/bin/env bash
# Scan wall time end to end through the HTTP API (POST /api/v1/scans, poll until completed) against the embedded app's
# built-in vehicle simulator, with the scan's own durationMs, and the same number of direct ObdScanner scans against
# the same simulator port from the load tool (the reference), in the same run.
# Usage: bench/diagnostics/scans.sh [scans=50] [concurrency=4]
set -euo pipefail
cd "$(dirname "$0")/../.."
scans=${1:-50}
concurrency=${2:-4}
port=5182
out=$(mktemp -d)
app_pid=""
trap '[ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null; rm -rf "$out"' EXIT

dotnet build src/Pitlane.Web -c Release -v q --nologo >/dev/null
dotnet build bench/Pitlane.LoadTool -c Release -v q --nologo >/dev/null

# Release build, embedded profile (SQLite) on a fresh data directory; the demo data and the simulator adapter come with it.
(cd src/Pitlane.Web/bin/Release/net10.0 && Pitlane__DataDirectory="$out/data" Logging__LogLevel__Default=Warning Pitlane__Vpic__Enabled=false \
  Pitlane__Diagnostics__DeviceRequestsPerMinute=1000000 Pitlane__Jobs__MaxRunningPerOrganization=1000 \
  exec dotnet Pitlane.Web.dll --urls "http://127.0.0.1:$port" >"$out/web.log" 2>&1) &
app_pid=$!
for _ in $(seq 1 90); do
  curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null && break
  kill -0 "$app_pid" 2>/dev/null || { cat "$out/web.log" >&2; exit 1; }
  sleep 1
done
curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null || { echo "the app did not become ready" >&2; tail -50 "$out/web.log" >&2; exit 1; }

echo "== machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'); load average $(cut -d' ' -f1-3 /proc/loadavg)"
dotnet bench/Pitlane.LoadTool/bin/Release/net10.0/pitlane-load.dll --url "http://127.0.0.1:$port" \
  --scans "$scans" --scan-concurrency "$concurrency"
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
