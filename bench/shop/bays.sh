#!/usr/bin/env bash
# Bay-booking benchmark: 32 concurrent clients book bays over HTTP against a real Pitlane on PostgreSQL (its own
# throw-away cluster on loopback), most bookings conflicting (201 or 409), with a trivial authenticated GET measured in
# the same run as the reference; afterwards every bay's bookings are read back and overlapping pairs counted (must be 0).
# Bounded: 5 s warm-up + <seconds> (default 60, at most 110).
# Usage: bench/shop/bays.sh [seconds=60] [concurrency=32] [bays=4] [slots-per-bay=47]
# PITLANE_WEB_DIR=<dir with Pitlane.Web.dll> skips the Release publish (say which build you measured).
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-60}
concurrency=${2:-32}
bays=${3:-4}
slots=${4:-47}
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$pg_bin" ] || { echo "PostgreSQL binaries not found (apt-get install postgresql)"; exit 2; }

out=$(mktemp -d /tmp/h-shop-bench-XXXX)
chmod 755 "$out"
pg_port=${PG_PORT:-5301}
port=${WEB_PORT:-5300}
stop() {
  [ -n "${web_pid:-}" ] && kill "$web_pid" 2>/dev/null || true
  if [ -d "$out/pg/data" ]; then
    if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$pg_bin/pg_ctl -D $out/pg/data -m immediate -w stop" >/dev/null 2>&1 || true
    else "$pg_bin/pg_ctl" -D "$out/pg/data" -m immediate -w stop >/dev/null 2>&1 || true; fi
  fi
  rm -rf "$out"
}
trap stop EXIT

web=${PITLANE_WEB_DIR:-}
if [ -z "$web" ]; then
  dotnet publish src/Pitlane.Web -c Release -o "$out/web" -v q --nologo >/dev/null
  web="$out/web"
fi
dotnet build bench/Pitlane.BayLoad -c Release -o "$out/load" -v q --nologo >/dev/null

mkdir -p "$out/pg"
if [ "$(id -u)" = 0 ]; then
  chown postgres "$out/pg"
  su postgres -s /bin/sh -c "$pg_bin/initdb -D $out/pg/data -U postgres -A trust -E UTF8 >/dev/null"
  su postgres -s /bin/sh -c "$pg_bin/pg_ctl -D $out/pg/data -l $out/pg/log -w -o \"-p $pg_port -k $out/pg -c listen_addresses=127.0.0.1 -c max_connections=200\" start >/dev/null"
else
  "$pg_bin/initdb" -D "$out/pg/data" -U postgres -A trust -E UTF8 >/dev/null
  "$pg_bin/pg_ctl" -D "$out/pg/data" -l "$out/pg/log" -w -o "-p $pg_port -k $out/pg -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null
fi

(cd "$web" && Pitlane__DataDirectory="$out/data" Logging__LogLevel__Default=Warning Pitlane__Database__Provider=Postgres \
  ConnectionStrings__Pitlane="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=postgres;Pooling=true;Maximum Pool Size=50" \
  Pitlane__Auth__AuthRequestsPerMinute=100000 Pitlane__Vpic__Enabled=false \
  exec dotnet Pitlane.Web.dll --urls "http://127.0.0.1:$port" >"$out/web.log" 2>&1) &
web_pid=$!
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null && break; sleep 1; done
echo "== machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}'), $concurrency clients, $seconds s, $bays bays x $slots half-hour starts, web from $web"
status=0
dotnet "$out/load/Pitlane.BayLoad.dll" "http://127.0.0.1:$port" "$seconds" "$concurrency" "$bays" "$slots" || status=$?
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
exit $status
