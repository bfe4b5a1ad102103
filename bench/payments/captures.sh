#!/usr/bin/env bash
# Payments benchmark: captures per second with their ledger entries (POST /api/v1/payments/intents/{id}/capture) and
# automatic-capture charges (POST /api/v1/payments/intents), each with and without Idempotency-Key, on SQLite and on
# PostgreSQL, all in one run (bench/Pitlane.PaymentsLoad alternates the phases against the same server).
# Usage: bench/payments/captures.sh [operations-per-phase=400] [concurrency=8] [rounds=2]
set -euo pipefail
cd "$(dirname "$0")/../.."
ops=${1:-400}
concurrency=${2:-8}
rounds=${3:-2}
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)

out=$(mktemp -d)
chmod 755 "$out"
pg_port=5433
port=5190
stop() {
  [ -n "${web_pid:-}" ] && kill "$web_pid" 2>/dev/null || true
  if [ -n "$pg_bin" ] && [ -d "$out/pg/data" ]; then
    if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$pg_bin/pg_ctl -D $out/pg/data -m immediate -w stop" >/dev/null 2>&1 || true
    else "$pg_bin/pg_ctl" -D "$out/pg/data" -m immediate -w stop >/dev/null 2>&1 || true; fi
  fi
  rm -rf "$out"
}
trap stop EXIT

dotnet publish src/Pitlane.Web -c Release -o "$out/web" -v q --nologo >/dev/null
dotnet build bench/Pitlane.PaymentsLoad -c Release -o "$out/load" -v q --nologo >/dev/null

run() { # $1 = provider, $2 = connection string or empty
  rm -rf "$out/data"
  (cd "$out/web" && Pitlane__DataDirectory="$out/data" Logging__LogLevel__Default=Warning Pitlane__Database__Provider="$1" \
    ConnectionStrings__Pitlane="$2" Pitlane__Demo__Seed=true Pitlane__Auth__AuthRequestsPerMinute=100000 Pitlane__Vpic__Enabled=false \
    exec dotnet Pitlane.Web.dll --urls "http://127.0.0.1:$port" >"$out/web-$1.log" 2>&1) &
  web_pid=$!
  for _ in $(seq 1 90); do curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null && break; sleep 1; done
  echo "== $1: $ops operations per phase, $concurrency concurrent, $rounds rounds"
  dotnet "$out/load/Pitlane.PaymentsLoad.dll" "http://127.0.0.1:$port" "$ops" "$concurrency" "$rounds"
  kill "$web_pid"; wait "$web_pid" 2>/dev/null || true; web_pid=
}

echo "== machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
run Sqlite ""
if [ -n "$pg_bin" ]; then
  mkdir -p "$out/pg"
  if [ "$(id -u)" = 0 ]; then
    chown postgres "$out/pg"
    su postgres -s /bin/sh -c "$pg_bin/initdb -D $out/pg/data -U postgres -A trust -E UTF8 >/dev/null"
    su postgres -s /bin/sh -c "$pg_bin/pg_ctl -D $out/pg/data -l $out/pg/log -w -o \"-p $pg_port -k $out/pg -c listen_addresses=127.0.0.1 -c max_connections=200\" start >/dev/null"
  else
    "$pg_bin/initdb" -D "$out/pg/data" -U postgres -A trust -E UTF8 >/dev/null
    "$pg_bin/pg_ctl" -D "$out/pg/data" -l "$out/pg/log" -w -o "-p $pg_port -k $out/pg -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null
  fi
  run Postgres "Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=postgres;Pooling=true;Maximum Pool Size=50"
else
  echo "== PostgreSQL binaries not found: skipped"
fi
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
