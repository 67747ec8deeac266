#!/usr/bin/env bash
# Regenerates docs/images/timeline-example.svg: starts the service on a temporary database with the
# default stage delays (2000/3000/1000 ms), submits the README's tutorial batch, waits until it
# finishes and saves its timeline. Usage: scripts/timeline-example.sh [output.svg]
set -euo pipefail
cd "$(dirname "$0")/.."

out="${1:-docs/images/timeline-example.svg}"
port="${PORT:-3107}"
base="http://127.0.0.1:${port}"
tmp="$(mktemp -d)"
npm run build --silent

DB_PATH="$tmp/clientflow.db" PORT="$port" HOST=127.0.0.1 LOG_LEVEL=warn node dist/server.js &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; rm -rf "$tmp"' EXIT

# Prints one top-level field of the JSON on stdin (node is here anyway; jq may not be).
field() { node -e 'let s = ""; process.stdin.on("data", (d) => { s += d; }).on("end", () => console.log(JSON.parse(s)[process.argv[1]]))' "$1"; }

for _ in $(seq 100); do curl -fs "$base/healthz" >/dev/null && break; sleep 0.1; done

id="$(curl -fsS -X POST "$base/v1/batches" -H 'content-type: application/json' \
  -d '{"clientIds": [1, 2, 3, 4, 5], "label": "tutorial"}' | field id)"
echo "batch $id"

status=queued
for _ in $(seq 300); do
  status="$(curl -fsS "$base/v1/batches/$id" | field status)"
  case "$status" in succeeded|failed|canceled) break ;; esac
  sleep 0.1
done
echo "status $status"

echo "curl -sS -D - -o $out $base/v1/batches/$id/timeline.svg"
curl -fsS -D - "$base/v1/batches/$id/timeline.svg" -o "$out" | grep -iv '^\(date\|connection\|keep-alive\):'
echo "wrote $out"
