#!/usr/bin/env bash
# Populates a database through the previous release's API: demo seed, a scan with report and interpretation, a
# self-registered user with a vehicle. Args: base URL.
set -euo pipefail
B=$1
for i in $(seq 1 120); do curl -sf $B/health/ready >/dev/null && break; sleep 1; done
tok() { curl -sf $B/api/v1/auth/token -H 'Content-Type: application/json' -d "{\"email\":\"$1\",\"password\":\"$2\"}" | python3 -c 'import sys,json;print(json.load(sys.stdin)["accessToken"])'; }
T=$(tok owner@demo.pitlane.test Pitlane-demo-1)
ORG=$(curl -sf $B/api/v1/me -H "Authorization: Bearer $T" | python3 -c 'import sys,json;d=json.load(sys.stdin);print([o["id"] for o in d["organizations"] if not o.get("personal")][0])')
H=(-H "Authorization: Bearer $T" -H "X-Organization-Id: $ORG" -H 'Content-Type: application/json')
V=$(curl -sf "$B/api/v1/vehicles" "${H[@]}" | python3 -c 'import sys,json;d=json.load(sys.stdin);items=d["items"] if isinstance(d,dict) else d;print([v["id"] for v in items if v["vin"]=="1HGCM82633A004352"][0])')
A=$(curl -sf "$B/api/v1/diagnostics/adapters" "${H[@]}" | python3 -c 'import sys,json;d=json.load(sys.stdin);items=d["items"] if isinstance(d,dict) else d;print(items[0]["id"])')
S=$(curl -sf "$B/api/v1/scans" "${H[@]}" -d "{\"vehicleId\":\"$V\",\"adapterId\":\"$A\"}" | python3 -c 'import sys,json;print(json.load(sys.stdin)["id"])')
for i in $(seq 1 60); do st=$(curl -sf "$B/api/v1/scans/$S" "${H[@]}" | python3 -c 'import sys,json;print(json.load(sys.stdin)["status"])'); [ "$st" = completed ] && break; sleep 1; done
echo "scan $S $st"
curl -sf -X POST "$B/api/v1/scans/$S/interpretation" "${H[@]}" >/dev/null
R=$(curl -sf -X POST "$B/api/v1/scans/$S/report" "${H[@]}" | python3 -c 'import sys,json;print(json.load(sys.stdin)["id"])')
for i in $(seq 1 60); do st=$(curl -sf "$B/api/v1/reports/$R" "${H[@]}" | python3 -c 'import sys,json;print(json.load(sys.stdin)["status"])'); [ "$st" = ready ] && break; sleep 1; done
echo "report $R $st"
curl -sf -X POST "$B/api/v1/diagnostics/agents" "${H[@]}" -d '{"name":"Bay 2 laptop"}' >/dev/null
curl -sf -X POST "$B/api/v1/vehicles/$V/services" "${H[@]}" -d '{"key":"coolant","performedOn":"2026-11-01","odometerKm":210000,"note":"legacy fixture"}' >/dev/null
curl -sf $B/api/v1/auth/register -H 'Content-Type: application/json' -d '{"email":"legacy.driver@example.test","password":"Legacy-pass-1","displayName":"Legacy Driver"}' >/dev/null
T2=$(tok legacy.driver@example.test Legacy-pass-1)
curl -sf $B/api/v1/vehicles -H "Authorization: Bearer $T2" -H 'Content-Type: application/json' -d '{"vin":"5YJ3E1EA2KF317000","odometerKm":12345,"plate":"OLD-1"}' >/dev/null
curl -sf -X POST $B/api/v1/auth/refresh -H 'Content-Type: application/json' -d '{"refreshToken":"nope"}' >/dev/null || true
echo populated
