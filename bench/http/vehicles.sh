#!/usr/bin/env bash
# HTTP benchmark: authenticated GET /api/v1/vehicles/{id} on Pitlane (embedded profile, SQLite) against a bare
# Kestrel JSON endpoint of the same shape, measured in the same run with wrk on loopback.
# Usage: bench/http/vehicles.sh [seconds=15] [connections=32]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-15}
connections=${2:-32}
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }

out=$(mktemp -d)
trap 'kill $pitlane_pid $bare_pid 2>/dev/null || true; rm -rf "$out"' EXIT

dotnet publish src/Pitlane.Web -c Release -o "$out/web" -v q --nologo >/dev/null
dotnet publish bench/Pitlane.BareKestrel -c Release -o "$out/bare" -v q --nologo >/dev/null

port_web=5180
port_bare=5181
(cd "$out/web" && Pitlane__DataDirectory="$out/data" Logging__LogLevel__Default=Warning \
  Pitlane__Auth__AuthRequestsPerMinute=100000 Pitlane__Vpic__Enabled=false \
  exec dotnet Pitlane.Web.dll --urls "http://127.0.0.1:$port_web" >"$out/web.log" 2>&1) &
pitlane_pid=$!
(cd "$out/bare" && exec dotnet Pitlane.BareKestrel.dll --urls "http://127.0.0.1:$port_bare" >"$out/bare.log" 2>&1) &
bare_pid=$!

for _ in $(seq 1 60); do
  curl -sf "http://127.0.0.1:$port_web/health/ready" >/dev/null && curl -sf -o /dev/null "http://127.0.0.1:$port_bare/api/v1/vehicles/00000000-0000-0000-0000-000000000001" && break
  sleep 1
done

token=$(curl -sf -H 'Content-Type: application/json' -d '{"email":"owner@demo.pitlane.test","password":"Pitlane-demo-1"}' \
  "http://127.0.0.1:$port_web/api/v1/auth/token" | sed -E 's/.*"accessToken":"([^"]+)".*/\1/')
org=$(curl -sf -H "Authorization: Bearer $token" "http://127.0.0.1:$port_web/api/v1/me" \
  | grep -oE '"id":"[0-9a-f-]{36}","name":"Pitlane Demo Garage"' | cut -d'"' -f4)
vehicle=$(curl -sf -H "Authorization: Bearer $token" -H "X-Organization-Id: $org" "http://127.0.0.1:$port_web/api/v1/vehicles?pageSize=1" \
  | grep -oE '"id":"[0-9a-f-]{36}"' | head -1 | cut -d'"' -f4)
url="http://127.0.0.1:$port_web/api/v1/vehicles/$vehicle"
curl -sf -o /dev/null -H "Authorization: Bearer $token" -H "X-Organization-Id: $org" "$url"

echo "== machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p')"
echo "== wrk: 2 threads, $connections connections, ${seconds}s each, after a 5s warm-up"
wrk -t2 -c"$connections" -d5s "http://127.0.0.1:$port_bare/api/v1/vehicles/$vehicle" >/dev/null
echo "== bare Kestrel JSON endpoint"
wrk -t2 -c"$connections" -d"${seconds}s" --latency "http://127.0.0.1:$port_bare/api/v1/vehicles/$vehicle" | grep -E 'Requests/sec|99%|50%|Non-2xx'
wrk -t2 -c"$connections" -d5s -H "Authorization: Bearer $token" -H "X-Organization-Id: $org" "$url" >/dev/null
echo "== Pitlane GET /health/live (whole middleware pipeline, no authentication)"
wrk -t2 -c"$connections" -d"${seconds}s" --latency "http://127.0.0.1:$port_web/health/live" | grep -E 'Requests/sec|99%|50%|Non-2xx'
echo "== Pitlane GET /api/v1/vin/{vin} (JWT validation, no database)"
wrk -t2 -c"$connections" -d"${seconds}s" --latency -H "Authorization: Bearer $token" "http://127.0.0.1:$port_web/api/v1/vin/1HGCM82633A004352" | grep -E 'Requests/sec|99%|50%|Non-2xx'
echo "== Pitlane GET /api/v1/vehicles/{id} (JWT, organisation scope, SQLite)"
wrk -t2 -c"$connections" -d"${seconds}s" --latency -H "Authorization: Bearer $token" -H "X-Organization-Id: $org" "$url" | grep -E 'Requests/sec|99%|50%|Non-2xx'
